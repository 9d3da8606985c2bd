"""Dashboard accounts: argon2id password hashes, one-time setup and invitation links, server-side sessions.

An account's applications work only while it is enabled (see identity.clients); disabling it ends its sessions and
voids its applications' tokens, as disabling each of them would.
"""

from __future__ import annotations

import contextlib
import hashlib
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import cached_property

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import delete, func, or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from barcode_cloud_server.identity.clients import void_mark
from barcode_cloud_server.storage.db import Database
from barcode_cloud_server.storage.tables import AccountLinkRow, ClientRow, UserRow, UserSessionRow, as_utc

LINK_LIFETIME = timedelta(days=3)
SESSION_LIFETIME = timedelta(days=14)
MIN_PASSWORD_LENGTH = 10
MAX_PASSWORD_LENGTH = 1024  # argon2 takes any length; this only bounds the work one request can ask for
_hasher = PasswordHasher()  # argon2id, the library's current recommended parameters


class AccountError(ValueError):
    """Something a person can fix (shown on the page as it is)."""


@dataclass(frozen=True)
class User:
    id: int
    email: str
    is_admin: bool
    enabled: bool
    has_password: bool
    created_at: datetime

    @classmethod
    def of(cls, row: UserRow) -> User:
        return cls(row.id, row.email, row.is_admin, row.enabled, row.password_hash is not None, as_utc(row.created_at))

    @property
    def role(self) -> str:
        return "administrator" if self.is_admin else "member"


@dataclass(frozen=True)
class Link:
    """A usable one-time link: the account whose password it sets, or None for the first administrator's."""

    user: User | None


def _digest(token: str) -> bytes:
    # Tokens are 256 random bits: a plain hash is enough to keep a database reader from using them.
    return hashlib.sha256(token.encode("utf-8", "replace")).digest()


def normalize_email(email: str) -> str:
    email = email.strip().lower()
    local, at, domain = email.partition("@")
    if not (at and local and "." in domain and len(email) <= 320) or any(c.isspace() for c in email):
        raise AccountError("Enter an email address such as name@example.com.")
    return email


def check_password(password: str) -> None:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise AccountError(f"Choose a password of at least {MIN_PASSWORD_LENGTH} characters.")
    if len(password) > MAX_PASSWORD_LENGTH:
        raise AccountError(f"Choose a password of at most {MAX_PASSWORD_LENGTH} characters.")


class Accounts:
    def __init__(self, db: Database, *, signs_in: bool = True) -> None:
        """``signs_in=False`` for the administration commands, which check no password: they skip the argon2 hash
        that the dashboard's accounts make here, before their first sign-in."""
        self._db = db
        if signs_in:
            self._dummy_hash  # noqa: B018 (made now, so that the first sign-in costs what the others do)

    @cached_property
    def _dummy_hash(self) -> str:
        # Verified against when the email is unknown or has no password, so that every failure costs the same.
        return _hasher.hash(secrets.token_urlsafe(16))

    # Users

    def create_user(self, email: str, *, admin: bool = False) -> tuple[User, str]:
        """A new account without a password, and the token of its one-time link to choose one."""
        row = UserRow(email=normalize_email(email), is_admin=admin, enabled=True, created_at=datetime.now(UTC))
        try:
            with self._db.session() as session:
                session.add(row)
                session.flush()
                token = self._new_link(session, row.id)
                return User.of(row), token
        except IntegrityError:
            raise AccountError(f"There is already an account for {row.email}.") from None

    def sign_up(self, email: str, password: str) -> None:
        """A new member account with this password (self sign-up). An email that already has an account leaves it
        as it is, silently: the password is hashed either way, so that both take the same time."""
        check_password(password)
        row = UserRow(
            email=normalize_email(email),
            password_hash=_hasher.hash(password),
            is_admin=False,
            enabled=True,
            created_at=datetime.now(UTC),
        )
        with contextlib.suppress(IntegrityError), self._db.session() as session:
            session.add(row)

    def has_admin(self) -> bool:
        with self._db.session() as session:
            count = session.scalar(
                select(func.count()).select_from(UserRow).where(UserRow.is_admin.is_(True), UserRow.enabled.is_(True))
            )
            return bool(count)

    def users(self) -> list[User]:
        with self._db.session() as session:
            return [User.of(r) for r in session.scalars(select(UserRow).order_by(UserRow.email))]

    def set_enabled(self, user_id: int, enabled: bool) -> bool:
        """Enable or disable an account. Disabling ends its sessions and voids the tokens its applications hold, so
        that enabling it again brings back its (enabled) applications but not those tokens."""
        with self._db.session() as session:
            changed = session.execute(update(UserRow).where(UserRow.id == user_id).values(enabled=enabled)).rowcount  # type: ignore[attr-defined]
            if changed and not enabled:
                session.execute(delete(UserSessionRow).where(UserSessionRow.user_id == user_id))
                session.execute(
                    update(ClientRow).where(ClientRow.owner_id == user_id).values(tokens_valid_after=void_mark())
                )
            return bool(changed)

    def delete_user(self, user_id: int) -> bool:
        """Delete an account; its sessions and links go with it (ON DELETE CASCADE). Its applications stay, without
        an owner: as they were when the account was enabled, disabled when it was not (an owner-less application
        works when it is enabled, and deleting the account must not bring them back)."""
        with self._db.session() as session:
            # A write first, so that no disabling or enabling can change the account between this read and the
            # deletion: SQLite's write lock; on PostgreSQL, naming ``enabled`` makes the trigger take the status
            # counter's lock first (as a disabling or enabling does), then the statement waits for the row and
            # returns its newest state.
            enabled = session.scalar(
                update(UserRow).where(UserRow.id == user_id).values(enabled=UserRow.enabled).returning(UserRow.enabled)
            )
            if enabled is None:
                return False
            if not enabled:
                session.execute(update(ClientRow).where(ClientRow.owner_id == user_id).values(enabled=False))
            session.execute(delete(UserRow).where(UserRow.id == user_id))
            return True

    def authenticate(self, email: str, password: str) -> User | None:
        """The enabled account with this email and password, or None; the same work whatever is wrong."""
        if len(password) > MAX_PASSWORD_LENGTH:
            return None
        with self._db.session() as session:
            row = session.scalar(select(UserRow).where(UserRow.email == email.strip().lower()))
            stored = row.password_hash if row is not None else None
            ok = _verify(stored or self._dummy_hash, password) and stored is not None
            if not ok or row is None or stored is None or not row.enabled:
                return None
            if _hasher.check_needs_rehash(stored):
                row.password_hash = _hasher.hash(password)
            return User.of(row)

    def change_password(self, user_id: int, current: str, new: str) -> None:
        check_password(new)
        with self._db.session() as session:
            row = session.get(UserRow, user_id)
            if row is None or row.password_hash is None or not _verify(row.password_hash, current):
                raise AccountError("The current password is not right.")
            row.password_hash = _hasher.hash(new)

    # One-time links

    def first_start_link(self) -> str | None:
        """A link that makes the first administrator, when there is none yet."""
        if self.has_admin():
            return None
        with self._db.session() as session:
            return self._new_link(session, None)

    def reissue_link(self, user_id: int) -> tuple[User, str]:
        """A new invitation link for an account that has not chosen a password yet; its earlier links stop working."""
        with self._db.session() as session:
            row = session.get(UserRow, user_id)
            if row is None:
                raise LookupError(user_id)
            if row.password_hash is not None:
                raise AccountError(f"{row.email} has already chosen a password: there is no invitation to resend.")
            if not row.enabled:
                raise AccountError(f"{row.email} is disabled: enable the account before resending its invitation.")
            session.execute(delete(AccountLinkRow).where(AccountLinkRow.user_id == user_id))
            return User.of(row), self._new_link(session, user_id)

    def _new_link(self, session: Session, user_id: int | None) -> str:
        token = secrets.token_urlsafe(32)
        now = datetime.now(UTC)
        session.add(
            AccountLinkRow(token_hash=_digest(token), user_id=user_id, created_at=now, expires_at=now + LINK_LIFETIME)
        )
        return token

    def open_link(self, token: str) -> Link | None:
        """What a usable link is for, or None when it is unknown, used or expired."""
        with self._db.session() as session:
            link = session.get(AccountLinkRow, _digest(token))
            if link is None or link.used_at is not None or as_utc(link.expires_at) <= datetime.now(UTC):
                return None
            if link.user_id is None:
                return None if self.has_admin() else Link(None)
            row = session.get(UserRow, link.user_id)
            return Link(User.of(row)) if row is not None and row.enabled else None

    def use_link(self, token: str, password: str, email: str | None = None) -> User:
        """Spend a link: set its account's password, or make the first administrator with ``email``."""
        check_password(password)
        now = datetime.now(UTC)
        with self._db.session() as session:
            # One statement marks it used, so that a link used twice at once works only once.
            spent = session.execute(
                update(AccountLinkRow)
                .where(
                    AccountLinkRow.token_hash == _digest(token),
                    AccountLinkRow.used_at.is_(None),
                    AccountLinkRow.expires_at > now,
                )
                .values(used_at=now)
                .returning(AccountLinkRow.user_id)
            ).first()
            if spent is None:
                raise AccountError("This link has expired or was already used. Ask an administrator for a new one.")
            if spent.user_id is None:
                if session.scalar(select(func.count()).select_from(UserRow).where(UserRow.is_admin.is_(True))):
                    raise AccountError("This server already has an administrator. Ask them for an invitation.")
                row = UserRow(email=normalize_email(email or ""), is_admin=True, enabled=True, created_at=now)
                session.add(row)
            else:
                found = session.get(UserRow, spent.user_id)
                if found is None or not found.enabled:
                    raise AccountError("This account is disabled.")
                row = found
            row.password_hash = _hasher.hash(password)
            session.flush()
            return User.of(row)

    # Sessions

    def start_session(self, user_id: int) -> str:
        """A new session's id (the cookie's value)."""
        session_id = secrets.token_urlsafe(32)
        now = datetime.now(UTC)
        with self._db.session() as session:
            session.add(
                UserSessionRow(
                    id_hash=_digest(session_id), user_id=user_id, created_at=now, expires_at=now + SESSION_LIFETIME
                )
            )
        return session_id

    def session_user(self, session_id: str) -> User | None:
        with self._db.session() as session:
            found = session.execute(
                select(UserRow, UserSessionRow.expires_at)
                .join(UserSessionRow, UserSessionRow.user_id == UserRow.id)
                .where(UserSessionRow.id_hash == _digest(session_id))
            ).first()
            if found is None or as_utc(found.expires_at) <= datetime.now(UTC) or not found.UserRow.enabled:
                return None
            return User.of(found.UserRow)

    def end_session(self, session_id: str) -> None:
        with self._db.session() as session:
            session.execute(delete(UserSessionRow).where(UserSessionRow.id_hash == _digest(session_id)))

    def end_all_sessions(self, user_id: int) -> None:
        with self._db.session() as session:
            session.execute(delete(UserSessionRow).where(UserSessionRow.user_id == user_id))

    # Purging

    def purge_expired(self, batch: int) -> Purged:
        """Delete up to ``batch`` expired sessions and up to ``batch`` expired or used links: rows no request can
        use any more, which would otherwise pile up (a session row per sign-in)."""
        now = datetime.now(UTC)
        stale_sessions = select(UserSessionRow.id_hash).where(UserSessionRow.expires_at <= now).limit(batch)
        stale_links = (
            select(AccountLinkRow.token_hash)
            .where(or_(AccountLinkRow.expires_at <= now, AccountLinkRow.used_at.is_not(None)))
            .limit(batch)
        )
        with self._db.session() as session:
            sessions = session.execute(delete(UserSessionRow).where(UserSessionRow.id_hash.in_(stale_sessions)))
            links = session.execute(delete(AccountLinkRow).where(AccountLinkRow.token_hash.in_(stale_links)))
            return Purged(sessions.rowcount, links.rowcount)  # type: ignore[attr-defined]


@dataclass(frozen=True)
class Purged:
    sessions: int
    links: int


def session_digest(session_id: str) -> bytes:
    """What CSRF tokens are bound to: the session, without its id."""
    return _digest(session_id)


def _verify(stored: str, password: str) -> bool:
    try:
        return _hasher.verify(stored, password)
    except (VerificationError, InvalidHashError):
        return False
