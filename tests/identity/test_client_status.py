"""The in-memory view of which clients are enabled: reads racing the 2-second reload, and the reload under load."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Callable

import anyio.to_thread
import pytest

from barcode_cloud_server.identity import status as status_module
from barcode_cloud_server.identity.status import ClientStatus


class FakeClients:
    """The two reads ClientStatus makes, with hooks that run in the middle of them."""

    def __init__(self, enabled: set[str]) -> None:
        self.enabled = set(enabled)
        self.reloads = 0
        self.during_reload: Callable[[], None] = lambda: None
        self.during_read: Callable[[], None] = lambda: None

    def enabled_ids(self) -> set[str]:
        answer = set(self.enabled)
        self.reloads += 1
        self.during_reload()
        return answer

    def is_enabled(self, client_id: str) -> bool:
        answer = client_id in self.enabled
        self.during_read()
        return answer


async def test_a_grant_read_before_a_reload_does_not_bring_back_a_disabled_client() -> None:
    clients = FakeClients({"app"})
    status = ClientStatus(clients)
    status.reload()
    before_authentication = status.generation  # the grant's authentication then reads "app" as enabled...
    clients.enabled.clear()  # ...the client is disabled, and the reload sees it
    status.reload()
    status.mark_enabled("app", before_authentication)  # the grant finishes
    assert not await status.is_enabled("app")


async def test_a_grant_read_while_a_reload_runs_is_not_kept_after_it() -> None:
    clients = FakeClients(set())  # the reload reads "app" as disabled
    status = ClientStatus(clients)
    taken: list[int] = []
    clients.during_reload = lambda: taken.append(status.generation)  # a grant starts meanwhile
    status.reload()
    status.mark_enabled("app", taken[0])
    assert not await status.is_enabled("app")


async def test_a_single_read_overtaken_by_a_reload_is_not_remembered() -> None:
    clients = FakeClients({"app"})
    status = ClientStatus(clients)

    def disable_and_reload() -> None:  # while the single read is on its way back
        clients.enabled.clear()
        clients.during_read = lambda: None
        status.reload()

    clients.during_read = disable_and_reload
    assert await status.is_enabled("app")  # this answer was true when read...
    assert not await status.is_enabled("app")  # ...but is not kept past the reload that saw the change


async def test_answers_read_between_reloads_are_remembered() -> None:
    clients = FakeClients({"app"})
    status = ClientStatus(clients)
    status.reload()
    status.mark_enabled("new", status.generation)
    reads: list[str] = []
    clients.during_read = lambda: reads.append("read")
    assert await status.is_enabled("new")
    assert not await status.is_enabled("gone") and not await status.is_enabled("gone")
    assert reads == ["read"]  # "new" needed none, "gone" one


async def test_the_refresh_runs_while_every_worker_thread_is_busy(monkeypatch: pytest.MonkeyPatch) -> None:
    # Under load the default thread pool is full of token grants; the refresh must not queue behind them.
    monkeypatch.setattr(status_module, "REFRESH_SECONDS", 0.05)
    clients = FakeClients({"app"})
    status = ClientStatus(clients)
    anyio.to_thread.current_default_thread_limiter().total_tokens = 1
    release = threading.Event()
    busy = asyncio.get_running_loop().create_task(anyio.to_thread.run_sync(release.wait))
    await asyncio.sleep(0.05)
    status.start(also=[])
    try:
        await asyncio.sleep(0.5)
        reloads = clients.reloads
    finally:
        release.set()
        await busy
        await status.stop()
    assert reloads >= 3


async def test_a_failing_client_reload_does_not_stop_key_reloads(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(status_module, "REFRESH_SECONDS", 0.05)
    clients = FakeClients({"app"})

    def unreadable() -> None:
        raise RuntimeError("clients table unreadable")

    clients.during_reload = unreadable
    status = ClientStatus(clients)
    key_reloads: list[int] = []
    status.start(also=[lambda: key_reloads.append(1)])
    try:
        await asyncio.sleep(0.3)
    finally:
        await status.stop()
    assert len(key_reloads) >= 3
