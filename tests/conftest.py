"""Shared fixtures: real servers (uvicorn on a free loopback port) on SQLite and on PostgreSQL."""

from __future__ import annotations

import secrets
from collections.abc import Callable, Iterator
from contextlib import ExitStack
from pathlib import Path

import pytest

from tests.support.servers import LiveServer, running_server, server_on


@pytest.fixture(scope="session")
def live_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    """One SQLite-backed server shared by the whole session (API and SDK tests)."""
    with running_server(tmp_path_factory.mktemp("live")) as server:
        yield server


@pytest.fixture(scope="module", params=["sqlite", "postgres"])
def backend_server(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    """A server per module on each database backend."""
    with server_on(request.param, tmp_path_factory.mktemp(request.param)) as server:
        yield server


@pytest.fixture
def start_server(tmp_path: Path) -> Iterator[Callable[..., LiveServer]]:
    """Start extra servers with custom options: ``start_server("--token-lifetime", "4")``."""
    with ExitStack() as stack:

        def start(*args: str, backend: str = "sqlite", env: dict[str, str] | None = None) -> LiveServer:
            return stack.enter_context(server_on(backend, tmp_path / secrets.token_hex(4), args, env))

        yield start
