"""The database schema. Changes go through a new Alembic migration in ``migrations/versions``."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import JSON, BigInteger, Boolean, DateTime, Float, ForeignKey, Index, Integer, LargeBinary, String, Text
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


class Base(DeclarativeBase):
    pass


def as_utc(value: datetime) -> datetime:
    """A stored time as an aware UTC datetime: SQLite keeps no offset and hands back naive ones."""
    return value if value.tzinfo else value.replace(tzinfo=UTC)


class ClientRow(Base):
    """An application: its id, scopes and up to two secret hashes (the second one while rotating)."""

    __tablename__ = "clients"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    scopes: Mapped[list[str]] = mapped_column(JSON)
    enabled: Mapped[bool] = mapped_column(Boolean, default=True)
    secret_hash: Mapped[bytes] = mapped_column(LargeBinary(64))
    previous_secret_hash: Mapped[bytes | None] = mapped_column(LargeBinary(64), nullable=True)
    previous_secret_expires_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    last_used_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    # Tokens whose ``iat`` is earlier than this are void (a whole second: see identity.clients.void_mark).
    tokens_valid_after: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    # The dashboard account that owns the application; None for those made with the CLI (administrators see them).
    owner_id: Mapped[int | None] = mapped_column(
        Integer, ForeignKey("users.id", ondelete="SET NULL"), nullable=True, index=True
    )
    # Requests a UTC day and a UTC calendar month may make (None: no limit).
    daily_quota: Mapped[int | None] = mapped_column(Integer, nullable=True)
    monthly_quota: Mapped[int | None] = mapped_column(Integer, nullable=True)


class SigningKeyRow(Base):
    """A token signing key. Kept in the database so that every server process signs and verifies alike."""

    __tablename__ = "signing_keys"

    kid: Mapped[str] = mapped_column(String(64), primary_key=True)
    alg: Mapped[str] = mapped_column(String(16))
    private_pem: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    # Set when a newer key takes over signing; the key stays published until ``expires_at``, or longer on a server
    # whose own token lifetime needs it (KeyRing.reload).
    retired_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    expires_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    # Set by ``keys revoke`` (a key that may have leaked): it neither signs nor verifies from then on.
    revoked_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)


class ServerSecretRow(Base):
    """Small server-wide secrets shared by every process (the key of the client secret hash)."""

    __tablename__ = "server_secrets"

    name: Mapped[str] = mapped_column(String(64), primary_key=True)
    value: Mapped[bytes] = mapped_column(LargeBinary(128))


class RevisionRow(Base):
    """A counter that moves whenever what it counts changes. ``client_status``: bumped by database triggers (see
    migrations 0007 and 0008) by every statement that may change which clients work (their own ``enabled`` or
    their owner's) or their tokens' mark."""

    __tablename__ = "revisions"

    name: Mapped[str] = mapped_column(String(64), primary_key=True)
    value: Mapped[int] = mapped_column(BigInteger)


class UserRow(Base):
    """A dashboard account. No password until its setup or invitation link is used."""

    __tablename__ = "users"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    email: Mapped[str] = mapped_column(String(320), unique=True)
    password_hash: Mapped[str | None] = mapped_column(String(200), nullable=True)
    is_admin: Mapped[bool] = mapped_column(Boolean, default=False)
    enabled: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class UserSessionRow(Base):
    """A signed-in browser. Only the hash of the cookie's value is stored."""

    __tablename__ = "user_sessions"

    id_hash: Mapped[bytes] = mapped_column(LargeBinary(32), primary_key=True)
    user_id: Mapped[int] = mapped_column(Integer, ForeignKey("users.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    expires_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class AccountLinkRow(Base):
    """A one-time, expiring link: the first administrator's setup (no user yet), or an account's password setup
    (``users create``, an invitation). Only the hash of the link's token is stored."""

    __tablename__ = "account_links"

    token_hash: Mapped[bytes] = mapped_column(LargeBinary(32), primary_key=True)
    user_id: Mapped[int | None] = mapped_column(Integer, ForeignKey("users.id", ondelete="CASCADE"), nullable=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    expires_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    used_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)


class UsageRow(Base):
    """Requests of one application in one hour, by operation and status class ("2xx", "4xx", "5xx"; "429" for
    those refused by a quota or a failure limit, which count toward no quota)."""

    __tablename__ = "usage_counts"
    # Covering: the last hours of every application add up from the index alone.
    __table_args__ = (Index("ix_usage_counts_hour_counts", "hour", "operation", "status_class", "count"),)

    client_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    hour: Mapped[datetime] = mapped_column(DateTime(timezone=True), primary_key=True)
    operation: Mapped[str] = mapped_column(String(40), primary_key=True)
    status_class: Mapped[str] = mapped_column(String(3), primary_key=True)
    count: Mapped[int] = mapped_column(Integer)


class DailyUsageRow(Base):
    """The same counts per UTC day, written with the hourly ones: the 30 days of every application and the quotas
    add up a day's row instead of its 24 hours'."""

    __tablename__ = "usage_daily"
    # Covering: the days of every application added up in total (a range of days), and per application (read in
    # the order it groups by, without a sort, which took twice as long over 200 applications' 30 days on SQLite).
    __table_args__ = (
        Index("ix_usage_daily_day_counts", "day", "operation", "status_class", "count"),
        Index("ix_usage_daily_clients", "client_id", "operation", "status_class", "day", "count"),
    )

    client_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    day: Mapped[datetime] = mapped_column(DateTime(timezone=True), primary_key=True)
    operation: Mapped[str] = mapped_column(String(40), primary_key=True)
    status_class: Mapped[str] = mapped_column(String(3), primary_key=True)
    count: Mapped[int] = mapped_column(Integer)


class RecentCallRow(Base):
    """One of the last calls of an application (its recent-calls log): never a body, token or secret. Written with
    the usage counts' flush, which keeps the newest ``recent_calls.KEEP`` per application."""

    __tablename__ = "recent_calls"
    __table_args__ = (Index("ix_recent_calls_client_at", "client_id", "at"),)

    # BIGINT on PostgreSQL: every logged call takes an id, pruned or not; SQLite needs INTEGER to autoincrement.
    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True, autoincrement=True)
    client_id: Mapped[str] = mapped_column(String(64))
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    operation: Mapped[str] = mapped_column(String(40))
    status: Mapped[int] = mapped_column(Integer)
    ms: Mapped[float] = mapped_column(Float)
    request_id: Mapped[str] = mapped_column(String(64))
