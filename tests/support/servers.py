"""Real servers for tests: ``barcode-cloud serve`` processes on free loopback ports, on SQLite or PostgreSQL, the
administration CLI against their databases, and the app in process."""

from __future__ import annotations

import os
import secrets
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import pytest

from barcode_cloud_server.identity.clients import ClientStore, Credentials
from barcode_cloud_server.settings import normalize_database_url
from barcode_cloud_server.storage.db import Database

POSTGRES_ADMIN_URL = os.environ.get("BARCODE_CLOUD_TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/postgres")
# How long a server may take to become ready, and a command to run: on a loaded 2-core machine a server has taken
# over 30 s to import and start, and one with workers imports again in each of them after the parent (over 60 s
# with both cores busy). Only a server that hangs makes a test wait this long.
START_SECONDS = 180.0


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


# A server whose test waits for its usage counts to reach the database flushes them this often, and the test
# waits FLUSH_WAIT: a few flushes, for a loaded machine (quotas are read again right after each flush).
QUICK_FLUSH = ("--usage-flush-seconds", "0.5")
FLUSH_WAIT = 2.0


@dataclass
class LiveServer:
    """A running ``barcode-cloud serve`` process and ways to talk to it."""

    base_url: str
    data_dir: Path
    database_url: str | None
    log_path: Path
    process: subprocess.Popen[bytes]
    env: dict[str, str] | None = field(default=None, repr=False)
    """Extra environment of the server, given to ``cli`` too (the key encryption key, say)."""
    _store: ClientStore | None = field(default=None, repr=False)

    @property
    def api_url(self) -> str:
        return self.base_url + "/v4.0"

    @property
    def token_url(self) -> str:
        return self.base_url + "/connect/token"

    @property
    def db_args(self) -> list[str]:
        args = ["--data-dir", str(self.data_dir)]
        return [*args, "--database-url", self.database_url] if self.database_url else args

    def cli(
        self, *args: str, check: bool = True, env: dict[str, str] | None = None
    ) -> subprocess.CompletedProcess[str]:
        """Run ``barcode-cloud ARGS`` against this server's database, with the server's extra environment
        (``env`` replaces it)."""
        return run_cli(*args, *self.db_args, check=check, env=self.env if env is None else env)

    @property
    def clients(self) -> ClientStore:
        if self._store is None:
            url = self.database_url or f"sqlite:///{self.data_dir / 'barcode-cloud.db'}"
            self._store = ClientStore(Database(normalize_database_url(url)))
        return self._store

    def create_client(self, name: str = "test", scopes: list[str] | None = None) -> Credentials:
        return self.clients.create(name, scopes)

    def token(self, creds: Credentials | None = None, scope: str | None = None) -> str:
        creds = creds or self.create_client()
        form = {"grant_type": "client_credentials", "client_id": creds.client_id, "client_secret": creds.client_secret}
        if scope:
            form["scope"] = scope
        response = httpx.post(self.token_url, data=form, timeout=10)
        response.raise_for_status()
        return str(response.json()["access_token"])

    def logs(self) -> str:
        return self.log_path.read_text(errors="replace")

    def logs_once(self, text: str, timeout: float = 5.0) -> str:
        """The log once it holds ``text``: a request's access line is written after its answer is sent, so a
        client may read the log before it is there."""
        deadline = time.monotonic() + timeout
        while text not in (logs := self.logs()) and time.monotonic() < deadline:
            time.sleep(0.02)
        return logs


def run_cli(*args: str, check: bool = True, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "barcode_cloud_server.cli", *args],
        capture_output=True,
        text=True,
        check=check,
        timeout=START_SECONDS,
        env={**os.environ, **(env or {})},
    )


def in_process_app(data_dir: Path, *scopes: str) -> tuple[Any, dict[str, str]]:
    """The ASGI app on a fresh SQLite database (for httpx.ASGITransport: no lifespan, no server process), and the
    Authorization header of a token with ``scopes``."""
    from barcode_cloud_server.app import create_app
    from barcode_cloud_server.settings import Settings

    app = create_app(Settings(data_dir=data_dir))
    identity = app.state.identity
    creds = identity.clients.create("in-process", list(scopes))
    identity.status.reload()
    token = identity.tokens.issue(creds.client_id, list(scopes)).access_token
    return app, {"Authorization": f"Bearer {token}"}


@contextmanager
def running_server(
    data_dir: Path, *, database_url: str | None = None, args: tuple[str, ...] = (), env: dict[str, str] | None = None
) -> Iterator[LiveServer]:
    """Start ``barcode-cloud serve`` on a free port and stop it (SIGTERM) afterwards."""
    port = free_port()
    data_dir.mkdir(parents=True, exist_ok=True)
    log_path = data_dir / f"server-{port}.log"
    cmd = [sys.executable, "-m", "barcode_cloud_server.cli", "serve", "--port", str(port), "--data-dir", str(data_dir)]
    if database_url:
        cmd += ["--database-url", database_url]
    clean_env = {k: v for k, v in os.environ.items() if not k.startswith("BARCODE_CLOUD_")}
    with log_path.open("wb") as log:
        process = subprocess.Popen(
            [*cmd, *args], stdout=log, stderr=subprocess.STDOUT, env={**clean_env, **(env or {})}
        )
    server = LiveServer(f"http://127.0.0.1:{port}", data_dir, database_url, log_path, process, env)
    try:
        deadline = time.monotonic() + START_SECONDS
        while True:
            if process.poll() is not None:
                raise RuntimeError(f"server exited with {process.returncode}:\n{server.logs()}")
            try:
                if httpx.get(server.base_url + "/readyz", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError(f"server did not become ready:\n{server.logs()}")
            time.sleep(0.1)
        yield server
    finally:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@contextmanager
def postgres_database() -> Iterator[str]:
    """A fresh PostgreSQL database for one server, dropped afterwards."""
    import psycopg

    name = "bc_test_" + secrets.token_hex(6)
    admin = POSTGRES_ADMIN_URL
    try:
        conn = psycopg.connect(admin, autocommit=True, connect_timeout=5)
    except psycopg.OperationalError as exc:
        if os.environ.get("CI"):
            raise
        pytest.skip(f"PostgreSQL not reachable at {admin}: {exc}")
    with conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    base, _, _ = admin.rpartition("/")
    try:
        yield f"{base}/{name}"
    finally:
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@contextmanager
def database_on(backend: str, data_dir: Path, *, migrate: bool = True) -> Iterator[Database]:
    """A database of its own on "sqlite" (a file in ``data_dir``) or "postgres" (made and dropped here), with the
    schema applied unless ``migrate`` is False."""
    with postgres_database() if backend == "postgres" else _sqlite_file(data_dir) as url:
        database = Database(normalize_database_url(url))
        try:
            if migrate:
                database.migrate()
            yield database
        finally:
            database.dispose()


@contextmanager
def _sqlite_file(data_dir: Path) -> Iterator[str]:
    yield f"sqlite:///{data_dir / 'barcode-cloud.db'}"


@contextmanager
def server_on(
    backend: str, data_dir: Path, args: tuple[str, ...] = (), env: dict[str, str] | None = None
) -> Iterator[LiveServer]:
    if backend == "postgres":
        with postgres_database() as url, running_server(data_dir, database_url=url, args=args, env=env) as server:
            yield server
    else:
        with running_server(data_dir, args=args, env=env) as server:
            yield server
