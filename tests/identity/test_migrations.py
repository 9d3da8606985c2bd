"""The Alembic migrations build exactly the schema the code's tables describe, on SQLite and PostgreSQL."""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory

from barcode_cloud_server.settings import normalize_database_url
from barcode_cloud_server.storage.db import SCHEMA_REVISION, Database, _alembic_config
from barcode_cloud_server.storage.tables import Base
from tests.support.servers import START_SECONDS, postgres_database


def assert_schema_matches(db: Database) -> None:
    db.migrate()
    db.migrate()  # a second run is a no-op
    with db.engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), Base.metadata)
    assert diff == []


def test_the_schema_revision_is_the_newest_migration(tmp_path: Path) -> None:
    # Database.migrate skips Alembic when the database is at SCHEMA_REVISION: a new migration must move it.
    assert ScriptDirectory.from_config(_alembic_config()).get_heads() == [SCHEMA_REVISION]
    db = Database(f"sqlite:///{tmp_path / 'schema.db'}")
    try:
        assert db.revision() is None
        db.migrate()
        assert db.revision() == SCHEMA_REVISION
    finally:
        db.dispose()


def test_sqlite_schema_matches_the_tables(tmp_path: Path) -> None:
    db = Database(f"sqlite:///{tmp_path / 'schema.db'}")
    try:
        assert_schema_matches(db)
    finally:
        db.dispose()


@pytest.mark.postgres
def test_postgres_schema_matches_the_tables() -> None:
    with postgres_database() as url:
        db = Database(normalize_database_url(url))
        try:
            assert_schema_matches(db)
        finally:
            db.dispose()


_MIGRATE_AT = """
import sys, time
from barcode_cloud_server.storage.db import Database
start = float(sys.argv[2])
while time.time() < start:
    pass
Database("sqlite:///" + sys.argv[1]).migrate()
"""


def test_processes_starting_at_once_all_migrate_a_new_sqlite_file(tmp_path: Path) -> None:
    # Every serve and every CLI command migrates at start; on a fresh file they used to race through the
    # CREATE TABLEs (no transaction around DDL in Python's sqlite3) and all but one failed.
    start = time.time() + 1.5  # past every process's imports, so that they really start together
    processes = [
        subprocess.Popen(
            [sys.executable, "-c", _MIGRATE_AT, str(tmp_path / "race.db"), str(start)],
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(8)
    ]
    errors = [p.communicate(timeout=START_SECONDS)[1] for p in processes]
    assert [p.returncode for p in processes] == [0] * 8, "\n".join(errors)
    db = Database(f"sqlite:///{tmp_path / 'race.db'}")
    try:
        assert_schema_matches(db)
    finally:
        db.dispose()
