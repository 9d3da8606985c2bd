"""The Alembic migrations build exactly the schema the code's tables describe, on SQLite and PostgreSQL."""

from __future__ import annotations

from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from barcode_cloud_server.settings import normalize_database_url
from barcode_cloud_server.storage.db import Database
from barcode_cloud_server.storage.tables import Base
from tests.conftest import postgres_database


def assert_schema_matches(db: Database) -> None:
    db.migrate()
    db.migrate()  # a second run is a no-op
    with db.engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), Base.metadata)
    assert diff == []


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
