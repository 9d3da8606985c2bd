"""Applications (OAuth clients): create, list, rotate secrets, disable, delete, authenticate.

An application works only while it and its owner's dashboard account are both enabled (one made with the CLI has
no owner). Every statement that changes a client's status (enabled, its tokens' mark, deleted, its owner's account
enabled or deleted) moves the status counter that the servers' reloads compare (:meth:`ClientStore.status_revision`):
the database's triggers do it (migrations 0007 and 0008), in the same transaction, so no writer has to remember to.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
import threading
import time
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import ColumnElement, Select, delete, or_, select, update
from sqlalchemy.exc import IntegrityError

from barcode_cloud_server.identity.client_secrets import (
    hash_secret,
    new_client_id,
    new_client_secret,
    secret_matches,
)
from barcode_cloud_server.identity.scopes import ALL_SCOPES
from barcode_cloud_server.storage.db import Database
from barcode_cloud_server.storage.tables import (
    ClientRow,
    RecentCallRow,
    RevisionRow,
    ServerSecretRow,
    UserRow,
    as_utc,
)

HASH_KEY_NAME = "client_secret_hmac_key"
# The counter the database bumps with every change of a client's status (migrations 0007 and 0008's triggers).
STATUS_REVISION_NAME = "client_status"
# last_used_at is written at most this often per client and process, so grants do not all write.
_TOUCH_INTERVAL = 60.0
# Every id new_client_id() makes matches this (and the column holds 64 characters at most).
_PLAUSIBLE_ID = re.compile(r"[0-9A-Za-z_-]{1,64}")


class UnknownScope(ValueError):
    pass


def void_mark() -> datetime:
    """The mark that voids every token issued until now: the start of the next whole second.

    A token's ``iat`` is whole seconds, so a token issued earlier in this second cannot be told from one issued
    later in it: both are void. Tokens issued once the mark is stored carry it as their ``iat`` at the least
    (TokenService.issue), so the client's new tokens work at once. The time is this machine's clock: servers
    and administration hosts need synchronised clocks.
    """
    return datetime.fromtimestamp(int(time.time()) + 1, UTC)


@dataclass(frozen=True)
class ClientInfo:
    id: str
    name: str
    scopes: tuple[str, ...]
    enabled: bool
    created_at: datetime
    last_used_at: datetime | None
    tokens_valid_after: datetime | None
    owner_id: int | None = None
    daily_quota: int | None = None
    monthly_quota: int | None = None
    owner_enabled: bool = True  # also when it has no owner

    @classmethod
    def of(cls, row: ClientRow, owner_enabled: bool) -> ClientInfo:
        return cls(
            row.id,
            row.name,
            tuple(row.scopes),
            row.enabled,
            as_utc(row.created_at),
            as_utc(row.last_used_at) if row.last_used_at else None,
            as_utc(row.tokens_valid_after) if row.tokens_valid_after else None,
            row.owner_id,
            row.daily_quota,
            row.monthly_quota,
            owner_enabled,
        )

    @property
    def works(self) -> bool:
        """Whether it gets tokens and its tokens are accepted (given a right secret and a valid mark)."""
        return self.enabled and self.owner_enabled

    @property
    def valid_after(self) -> int:
        """The earliest ``iat`` of a token still valid, in seconds since the epoch (0: no mark)."""
        return _epoch(self.tokens_valid_after)

    def as_dict(self) -> dict[str, object]:
        return {
            "client_id": self.id,
            "name": self.name,
            "scopes": list(self.scopes),
            "enabled": self.enabled,
            "owner_enabled": self.owner_enabled,
            "created_at": self.created_at.isoformat(),
            "last_used_at": self.last_used_at.isoformat() if self.last_used_at else None,
            "tokens_valid_after": self.tokens_valid_after.isoformat() if self.tokens_valid_after else None,
        }


def _epoch(mark: datetime | None) -> int:
    return int(as_utc(mark).timestamp()) if mark else 0


# No owner (made with the CLI, or its account deleted) counts as an enabled one.
_OWNER_ENABLED: ColumnElement[bool] = or_(UserRow.id.is_(None), UserRow.enabled.is_(True))
_WORKS: ColumnElement[bool] = ClientRow.enabled.is_(True) & _OWNER_ENABLED
_OWNER = UserRow.id == ClientRow.owner_id


def _infos() -> Select[ClientRow, bool]:
    """Clients with what :meth:`ClientInfo.of` needs."""
    return select(ClientRow, _OWNER_ENABLED.label("owner_enabled")).outerjoin(UserRow, _OWNER)


@dataclass(frozen=True)
class Credentials:
    """A client id with its secret, as shown once when created or rotated."""

    client_id: str
    client_secret: str
    name: str
    scopes: tuple[str, ...]

    def as_dict(self) -> dict[str, object]:
        return {
            "client_id": self.client_id,
            "client_secret": self.client_secret,
            "name": self.name,
            "scopes": list(self.scopes),
        }


def check_scopes(scopes: list[str] | tuple[str, ...]) -> tuple[str, ...]:
    unknown = [s for s in scopes if s not in ALL_SCOPES]
    if unknown:
        raise UnknownScope(f"unknown scope {', '.join(unknown)}; allowed: {', '.join(ALL_SCOPES)}")
    return tuple(dict.fromkeys(scopes))


class ClientStore:
    def __init__(self, db: Database) -> None:
        self._db = db
        self._hash_key = self._load_hash_key()
        self._touched: dict[str, float] = {}
        self._touch_lock = threading.Lock()
        # Compared against when the client id is unknown, so that both failures cost the same.
        self._dummy_hash = hash_secret(self._hash_key, new_client_secret())

    def _load_hash_key(self) -> bytes:
        with self._db.session() as session:
            row = session.get(ServerSecretRow, HASH_KEY_NAME)
            if row is not None:
                return row.value
        try:
            with self._db.session() as session:
                session.add(ServerSecretRow(name=HASH_KEY_NAME, value=secrets.token_bytes(32)))
        except IntegrityError:  # another process created it first; read theirs below
            pass
        with self._db.session() as session:
            stored = session.get(ServerSecretRow, HASH_KEY_NAME)
            assert stored is not None
            return stored.value

    def derived_key(self, purpose: str) -> bytes:
        """A key for another use of the server secret (the same in every process), never the hash key itself."""
        return hmac.new(self._hash_key, f"barcode-cloud {purpose}".encode(), hashlib.sha256).digest()

    def create(self, name: str, scopes: list[str] | None = None, owner_id: int | None = None) -> Credentials:
        chosen = check_scopes(scopes or list(ALL_SCOPES))
        secret = new_client_secret()
        row = ClientRow(
            id=new_client_id(),
            name=name,
            scopes=list(chosen),
            enabled=True,
            secret_hash=hash_secret(self._hash_key, secret),
            created_at=datetime.now(UTC),
            owner_id=owner_id,
        )
        with self._db.session() as session:
            session.add(row)
        return Credentials(row.id, secret, name, chosen)

    def list(self, owner_id: int | None = None) -> list[ClientInfo]:
        """Every client, or only those of one owner."""
        query = _infos().order_by(ClientRow.created_at)
        if owner_id is not None:
            query = query.where(ClientRow.owner_id == owner_id)
        with self._db.session() as session:
            return [ClientInfo.of(row, owner_enabled) for row, owner_enabled in session.execute(query)]

    def get(self, client_id: str) -> ClientInfo | None:
        with self._db.session() as session:
            found = session.execute(_infos().where(ClientRow.id == client_id))
            return next((ClientInfo.of(row, owner_enabled) for row, owner_enabled in found), None)

    def rotate_secret(self, client_id: str, overlap_seconds: int = 86400) -> Credentials | None:
        """A new secret; the old one keeps working for ``overlap_seconds`` (0 ends it at once and voids every token
        issued until now: the old secret may have leaked, and so may the tokens it got)."""
        secret = new_client_secret()
        if overlap_seconds > 0:
            keep = {
                # The current hash as the row holds it when the UPDATE runs, not as read before: two rotations
                # at once each read-then-wrote it, and one of the two secrets they printed never worked.
                ClientRow.previous_secret_hash: ClientRow.secret_hash,
                ClientRow.previous_secret_expires_at: datetime.now(UTC) + timedelta(seconds=overlap_seconds),
            }
        else:
            keep = {
                ClientRow.previous_secret_hash: None,
                ClientRow.previous_secret_expires_at: None,
                ClientRow.tokens_valid_after: void_mark(),
            }
        with self._db.session() as session:
            changed = session.execute(
                update(ClientRow)
                .where(ClientRow.id == client_id)
                .values({**keep, ClientRow.secret_hash: hash_secret(self._hash_key, secret)})
                .returning(ClientRow.name, ClientRow.scopes)
            ).first()
        if changed is None:
            return None
        return Credentials(client_id, secret, changed.name, tuple(changed.scopes))

    def set_enabled(self, client_id: str, enabled: bool) -> bool:
        """Enable or disable a client. Disabling voids every token issued until now, so that enabling the client
        again does not bring them back."""
        values = (
            {ClientRow.enabled: enabled}
            if enabled
            else {ClientRow.enabled: False, ClientRow.tokens_valid_after: void_mark()}
        )
        with self._db.session() as session:
            result = session.execute(update(ClientRow).where(ClientRow.id == client_id).values(values))
            return bool(result.rowcount)  # type: ignore[attr-defined]

    def set_quota(self, client_id: str, daily: int | None, monthly: int | None) -> bool:
        """Set both request quotas (None: no limit); every process applies them after its next flush of usage."""
        with self._db.session() as session:
            result = session.execute(
                update(ClientRow).where(ClientRow.id == client_id).values(daily_quota=daily, monthly_quota=monthly)
            )
            return bool(result.rowcount)  # type: ignore[attr-defined]

    def revoke_tokens(self, client_id: str) -> bool:
        """Void every token issued to the client until now; it may get new ones at once."""
        with self._db.session() as session:
            result = session.execute(
                update(ClientRow).where(ClientRow.id == client_id).values(tokens_valid_after=void_mark())
            )
            return bool(result.rowcount)  # type: ignore[attr-defined]

    def delete(self, client_id: str) -> bool:
        # One statement: a read-then-delete raised StaleDataError when two deletions met.
        with self._db.session() as session:
            result = session.execute(delete(ClientRow).where(ClientRow.id == client_id))
            # Its log goes with it (nobody can see it any more); its usage counts stay in the totals.
            session.execute(delete(RecentCallRow).where(RecentCallRow.client_id == client_id))
            return bool(result.rowcount)  # type: ignore[attr-defined]

    def authenticate(self, client_id: str, secret: str) -> ClientInfo | None:
        """The working client (:attr:`ClientInfo.works`) whose secret this is, or None; the same work whatever is
        wrong."""
        if not _PLAUSIBLE_ID.fullmatch(client_id):
            # Not an id we could have made. Not looked up: PostgreSQL refuses text with NUL bytes (a 500, where
            # SQLite just found nothing), and a long id would only cost a query.
            secret_matches(self._hash_key, secret, self._dummy_hash)
            return None
        with self._db.session() as session:
            found = session.execute(_infos().where(ClientRow.id == client_id)).first()
            if found is None:
                secret_matches(self._hash_key, secret, self._dummy_hash)
                return None
            row, owner_enabled = found
            ok = secret_matches(self._hash_key, secret, row.secret_hash)
            expires = row.previous_secret_expires_at
            if row.previous_secret_hash is not None and expires is not None and as_utc(expires) > datetime.now(UTC):
                ok = secret_matches(self._hash_key, secret, row.previous_secret_hash) or ok
            info = ClientInfo.of(row, owner_enabled)
            if not ok or not info.works:
                return None
        self._touch(client_id)
        return info

    def exists(self, client_id: str) -> bool:
        """Whether a client (enabled or not) has this id."""
        if not _PLAUSIBLE_ID.fullmatch(client_id):
            return False
        with self._db.session() as session:
            return session.get(ClientRow, client_id) is not None

    def _touch(self, client_id: str) -> None:
        now = time.monotonic()
        with self._touch_lock:
            if now - self._touched.get(client_id, -_TOUCH_INTERVAL) < _TOUCH_INTERVAL:
                return
            self._touched[client_id] = now
        with self._db.session() as session:
            session.execute(update(ClientRow).where(ClientRow.id == client_id).values(last_used_at=datetime.now(UTC)))

    def enabled_clients(self) -> dict[str, int]:
        """Every working client's id (:attr:`ClientInfo.works`) and :attr:`ClientInfo.valid_after`."""
        with self._db.session() as session:
            rows = session.execute(
                select(ClientRow.id, ClientRow.tokens_valid_after).outerjoin(UserRow, _OWNER).where(_WORKS)
            )
            return {row.id: _epoch(row.tokens_valid_after) for row in rows}

    def status_revision(self) -> int | None:
        """The counter of status changes (disable, enable, delete, a new mark; an owner's account disabled, enabled
        or deleted): moved since the last read means :meth:`enabled_clients` may answer otherwise. None when its
        row is missing (nothing to compare with)."""
        with self._db.session() as session:
            return session.scalar(select(RevisionRow.value).where(RevisionRow.name == STATUS_REVISION_NAME))

    def valid_after(self, client_id: str) -> int | None:
        """The client's :attr:`ClientInfo.valid_after`, or None when it does not work or does not exist."""
        with self._db.session() as session:
            row = session.execute(
                select(ClientRow.tokens_valid_after).outerjoin(UserRow, _OWNER).where(ClientRow.id == client_id, _WORKS)
            ).first()
        return _epoch(row.tokens_valid_after) if row is not None else None
