"""Database engine, sessions and migrations (Alembic: applied at start, or by ``barcode-cloud migrate`` alone).

Alembic is imported only when the schema is not already this code's: every command opens the database, and a
schema at ``SCHEMA_REVISION`` is told by one query."""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import Connection, Engine, create_engine, event, inspect, text
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.pool import NullPool

from barcode_cloud_server.storage.private import create_private_file

if TYPE_CHECKING:
    from alembic.config import Config

MIGRATIONS_DIR = Path(__file__).parent / "migrations"
# The newest migration's revision (a test checks it against Alembic's head).
SCHEMA_REVISION = "0008"
# Any constant: serialises concurrent migrations of several servers starting at once on PostgreSQL.
_PG_MIGRATION_LOCK = 0x6261_7263
# Seconds a SQLite connection waits for another process's write lock.
_SQLITE_TIMEOUT = 30


class SchemaTooOld(Exception):
    """The database's schema is older than this code (or missing): ``barcode-cloud migrate`` brings it up."""


class Database:
    """One engine and session factory per process."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.is_sqlite = url.startswith("sqlite")
        self.sqlite_path = _sqlite_path(url) if self.is_sqlite else None
        if self.sqlite_path is not None and self.sqlite_path.parent.is_dir():
            create_private_file(self.sqlite_path)  # before SQLite makes it 0644: it holds the signing keys
        if self.is_sqlite:
            self.engine: Engine = create_engine(
                url, connect_args={"check_same_thread": False, "timeout": _SQLITE_TIMEOUT}
            )
            event.listen(self.engine, "connect", _sqlite_pragmas)
        else:
            self.engine = create_engine(url, pool_size=10, max_overflow=20, pool_pre_ping=True)
        self._sessions = sessionmaker(self.engine, expire_on_commit=False)

    @contextmanager
    def session(self) -> Iterator[Session]:
        """A session in a transaction, committed on success and rolled back on error."""
        with self._sessions.begin() as session:
            yield session

    def migrate(self) -> None:
        """Bring the schema to the newest revision; safe when several processes start at once.

        Every process migrates at start (each ``serve`` and every CLI command), so two of them often meet here on
        a fresh database. Each takes an exclusive lock first and then finds the schema already done. A schema
        already at ``SCHEMA_REVISION`` needs neither the lock nor Alembic.
        """
        if self.revision() == SCHEMA_REVISION:
            return
        if self.is_sqlite:
            self._migrate_sqlite()
            return
        with self.engine.begin() as conn:
            conn.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": _PG_MIGRATION_LOCK})
            _upgrade(conn)

    def _migrate_sqlite(self) -> None:
        # Python's sqlite3 (before 3.12) opens no transaction before DDL, so Alembic's CREATE TABLEs ran one by
        # one in autocommit and two processes on a new file both tried to create every table. A connection in
        # the driver's autocommit mode with our own BEGIN IMMEDIATE holds SQLite's write lock for the whole
        # migration (SQLite's DDL is transactional); the others wait up to the busy timeout.
        engine = create_engine(
            self.url, connect_args={"timeout": 2 * _SQLITE_TIMEOUT, "isolation_level": None}, poolclass=NullPool
        )
        event.listen(engine, "connect", _sqlite_pragmas)
        event.listen(engine, "begin", lambda conn: conn.exec_driver_sql("BEGIN IMMEDIATE"))
        try:
            with engine.begin() as conn:
                _upgrade(conn)
        finally:
            engine.dispose()

    def check_schema(self) -> str | None:
        """Refuse a schema older than the code, without changing it (``serve --no-migrate``).

        Returns None when the schema is the code's, or the revision found when this code does not know it: a
        newer schema, which a rolling upgrade brings while older servers still run. Raises SchemaTooOld when the
        schema is missing or one of the code's older revisions."""
        current = self.revision()
        if current == SCHEMA_REVISION:
            return None
        if current is None:
            raise SchemaTooOld(f"the database has no schema (this version needs revision {SCHEMA_REVISION})")
        from alembic.script import ScriptDirectory

        known = {revision.revision for revision in ScriptDirectory.from_config(_alembic_config()).walk_revisions()}
        if current in known:
            raise SchemaTooOld(
                f"the database schema is at revision {current}, older than this version's {SCHEMA_REVISION}"
            )
        return current

    def revision(self) -> str | None:
        """The schema's revision, as Alembic's version table holds it; None before the first migration."""
        with self.engine.connect() as conn:
            if not inspect(conn).has_table("alembic_version"):
                return None
            return conn.execute(text("SELECT version_num FROM alembic_version")).scalar()

    def ping(self) -> bool:
        try:
            with self.engine.connect() as conn:
                conn.execute(text("SELECT 1"))
            return True
        except Exception:
            return False

    def dispose(self) -> None:
        self.engine.dispose()


def _sqlite_path(url: str) -> Path | None:
    """The file of a SQLite URL, or None for an in-memory database."""
    database = make_url(url).database
    if not database or database == ":memory:" or database.startswith("file:"):
        return None
    return Path(database)


def _alembic_config() -> Config:
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    return config


def _upgrade(conn: Connection) -> None:
    from alembic import command

    config = _alembic_config()
    config.attributes["connection"] = conn
    command.upgrade(config, "head")


def _sqlite_pragmas(dbapi_connection, _record) -> None:  # type: ignore[no-untyped-def]
    # WAL lets readers (token checks) run while the CLI or another process writes.
    cursor = dbapi_connection.cursor()
    # WAL is kept in the file, so only a new file needs switching. The switch needs the file to itself and SQLite
    # does not wait for that (no busy timeout): processes opening a new file at once got "database is locked".
    deadline = time.monotonic() + _SQLITE_TIMEOUT
    while cursor.execute("PRAGMA journal_mode").fetchone()[0].lower() != "wal":
        try:
            cursor.execute("PRAGMA journal_mode=WAL")
        except sqlite3.OperationalError as exc:
            if "locked" not in str(exc) or time.monotonic() > deadline:
                raise
            time.sleep(0.05)
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.close()
