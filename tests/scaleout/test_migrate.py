"""``barcode-cloud migrate`` applies the schema alone; ``serve --no-migrate`` leaves it alone and refuses one older
than its code, on SQLite and PostgreSQL."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from alembic import command
from alembic.migration import MigrationContext
from sqlalchemy import create_engine

from barcode_cloud_server.settings import normalize_database_url
from barcode_cloud_server.storage.db import _alembic_config
from tests.support.servers import postgres_database, run_cli, running_server


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    if request.param == "postgres":
        with postgres_database() as url:
            yield url
    else:
        (tmp_path / "db").mkdir()
        yield f"sqlite:///{tmp_path / 'db' / 'barcode-cloud.db'}"


def _revision(url: str) -> str | None:
    engine = create_engine(normalize_database_url(url))
    try:
        with engine.connect() as conn:
            return MigrationContext.configure(conn).get_current_revision()
    finally:
        engine.dispose()


def _upgrade_to(url: str, revision: str) -> None:
    engine = create_engine(normalize_database_url(url))
    try:
        with engine.begin() as conn:
            config = _alembic_config()
            config.attributes["connection"] = conn
            command.upgrade(config, revision)
    finally:
        engine.dispose()


def _serve_no_migrate(tmp_path: Path, url: str) -> subprocess.CompletedProcess[str]:
    args = ["serve", "--no-migrate", "--port", "1", "--data-dir", str(tmp_path / "data"), "--database-url", url]
    return subprocess.run(
        [sys.executable, "-m", "barcode_cloud_server.cli", *args], capture_output=True, text=True, timeout=60
    )


def test_serve_no_migrate_refuses_an_older_schema_and_leaves_it(tmp_path: Path, database_url: str) -> None:
    _upgrade_to(database_url, "0002")
    result = _serve_no_migrate(tmp_path, database_url)
    assert result.returncode == 2
    assert "revision 0002, older than this version's" in result.stderr
    assert "migrate` first" in result.stderr
    assert _revision(database_url) == "0002"  # untouched


def test_serve_no_migrate_refuses_an_empty_database(tmp_path: Path, database_url: str) -> None:
    result = _serve_no_migrate(tmp_path, database_url)
    assert result.returncode == 2
    assert "has no schema" in result.stderr
    assert _revision(database_url) is None


def test_migrate_then_serve_no_migrate(tmp_path: Path, database_url: str) -> None:
    _upgrade_to(database_url, "0001")
    done = run_cli("migrate", "--data-dir", str(tmp_path / "data"), "--database-url", database_url)
    assert "schema up to date" in done.stderr
    head = _revision(database_url)
    assert head is not None and head > "0001"
    with running_server(tmp_path / "data", database_url=database_url, args=("--no-migrate",)) as server:
        assert server.token(server.create_client())
    assert _revision(database_url) == head


def test_a_newer_schema_than_the_code_starts_with_a_note(tmp_path: Path) -> None:
    # A rolling upgrade migrates first: servers of the version before keep running on the newer schema.
    (tmp_path / "db").mkdir()
    url = f"sqlite:///{tmp_path / 'db' / 'barcode-cloud.db'}"
    run_cli("migrate", "--data-dir", str(tmp_path / "data"), "--database-url", url)
    engine = create_engine(url)
    with engine.begin() as conn:
        conn.exec_driver_sql("UPDATE alembic_version SET version_num = '9999'")
    engine.dispose()
    with running_server(tmp_path / "data", database_url=url, args=("--no-migrate",)) as server:
        assert "revision 9999, unknown to this version" in server.logs()
    assert _revision(url) == "9999"


@pytest.mark.parametrize("command", [("migrate",), ("serve", "--no-migrate", "--port", "1")])
def test_a_database_out_of_reach_is_one_line_and_exit_1(tmp_path: Path, command: tuple[str, ...]) -> None:
    # The migrate job or a server started before its database (a container started first): say so, no traceback.
    url = "postgresql://barcode:sekret@127.0.0.1:1/barcode"  # nothing listens on port 1
    result = run_cli(*command, "--data-dir", str(tmp_path / "data"), "--database-url", url, check=False)
    assert result.returncode == 1
    assert result.stderr.startswith("error: database postgresql+psycopg://barcode:***@127.0.0.1:1/barcode")
    assert "Connection refused" in result.stderr
    assert "Traceback" not in result.stderr and "sekret" not in result.stderr
    assert len(result.stderr.splitlines()) == 1
