"""The data folder and the SQLite files (database, -wal, -shm) are the owner's alone, whatever the umask."""

from __future__ import annotations

import logging
import os
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest

from barcode_cloud_server.app import create_app
from barcode_cloud_server.settings import Settings
from tests.support.servers import run_cli


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.fixture
def permissive_umask() -> Iterator[None]:
    """The usual umask (022) and worse: only the code's own modes keep other users out."""
    previous = os.umask(0)
    try:
        yield
    finally:
        os.umask(previous)


def sqlite_files(data_dir: Path) -> dict[str, int]:
    return {p.name: mode(p) for p in data_dir.glob("barcode-cloud.db*")}


@pytest.mark.usefixtures("permissive_umask")
def test_the_server_creates_its_folder_and_database_files_private(tmp_path: Path) -> None:
    data_dir = tmp_path / "nested" / "data"
    app = create_app(Settings(data_dir=data_dir))
    try:
        app.state.identity.clients.create("writes-the-wal")
        files = sqlite_files(data_dir)
    finally:
        app.state.db.dispose()
    assert mode(data_dir) == 0o700
    assert set(files) == {"barcode-cloud.db", "barcode-cloud.db-wal", "barcode-cloud.db-shm"}
    assert set(files.values()) == {0o600}


@pytest.mark.usefixtures("permissive_umask")
def test_cli_commands_create_the_folder_private_too(tmp_path: Path) -> None:
    data_dir = tmp_path / "cli-data"
    run_cli("clients", "create", "first", "--data-dir", str(data_dir))
    assert mode(data_dir) == 0o700
    files = sqlite_files(data_dir)
    assert files and set(files.values()) == {0o600}


def test_a_looser_folder_or_database_is_warned_about_at_start(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    data_dir = tmp_path / "old-data"
    data_dir.mkdir()
    database = data_dir / "barcode-cloud.db"
    database.touch()
    data_dir.chmod(0o755)
    database.chmod(0o644)
    caplog.set_level(logging.WARNING, logger="barcode_cloud.storage")
    app = create_app(Settings(data_dir=data_dir))
    app.state.db.dispose()
    warned = [r.getMessage() for r in caplog.records if r.name == "barcode_cloud.storage"]
    assert len(warned) == 2
    assert str(data_dir) in warned[0] and "755" in warned[0] and "chmod 700" in warned[0]
    assert str(database) in warned[1] and "644" in warned[1] and "chmod 600" in warned[1]
    caplog.clear()
    data_dir.chmod(0o700)
    database.chmod(0o600)
    create_app(Settings(data_dir=data_dir)).state.db.dispose()
    assert not [r for r in caplog.records if r.name == "barcode_cloud.storage"]


def test_a_data_folder_that_cannot_be_made_is_one_line_and_exit_1(tmp_path: Path) -> None:
    # As a volume on the image's /data that its user may not write; here a file stands where a folder must go.
    (tmp_path / "file").write_text("")
    result = run_cli("migrate", "--data-dir", str(tmp_path / "file" / "data"), check=False)
    assert result.returncode == 1
    assert result.stderr == f"error: {tmp_path / 'file' / 'data'}: Not a directory\n"
