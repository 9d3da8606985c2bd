"""The data folder and the SQLite files are the owner's alone: the database holds the token signing keys (plain
PEM without a key encryption key) and the key of the client secret hashes, so whoever reads it can mint tokens."""

from __future__ import annotations

import logging
import os
import stat
from pathlib import Path

log = logging.getLogger("barcode_cloud.storage")

SQLITE_SIDE_FILES = ("-wal", "-shm")


def make_private_dir(path: Path) -> None:
    """Create the folder (and missing parents) 0700; an existing one is left as it is (see :func:`warn_if_shared`).
    The mode given to mkdir only ever loses bits to the umask, so it holds whatever the umask is."""
    path.mkdir(mode=0o700, parents=True, exist_ok=True)


def create_private_file(path: Path) -> None:
    """Create an empty file 0600 unless it exists. SQLite would create its database 0644, and gives its -wal and
    -shm files the database file's mode, so they follow this one."""
    os.close(os.open(path, os.O_RDONLY | os.O_CREAT, 0o600))


def warn_if_shared(*paths: Path) -> None:
    """Log a warning for each existing path that another user may read or write (made before, or by hand)."""
    for path in paths:
        try:
            mode = stat.S_IMODE(path.stat().st_mode)
        except FileNotFoundError:
            continue
        if mode & 0o077:
            fix = "700" if path.is_dir() else "600"
            log.warning(
                "%s is open to other users (mode %03o) and holds secrets that let anyone mint tokens: chmod %s it",
                path,
                mode,
                fix,
            )


def sqlite_files(database: Path) -> list[Path]:
    """The database file and the side files SQLite keeps beside it in WAL mode."""
    return [database, *(database.with_name(database.name + suffix) for suffix in SQLITE_SIDE_FILES)]
