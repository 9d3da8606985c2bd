"""The in-memory view of which clients are enabled and since when their tokens count: reads racing the 2-second
reload, and the reload under load."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Callable

import anyio.to_thread
import pytest

from barcode_cloud_server.identity import status as status_module
from barcode_cloud_server.identity.status import ClientStatus

ISSUED = 1_800_000_000  # a token's iat


class FakeClients:
    """The two reads ClientStatus makes, with hooks that run in the middle of them."""

    def __init__(self, enabled: set[str]) -> None:
        self.enabled = set(enabled)
        self.marks: dict[str, int] = {}  # client id -> tokens issued before this second are void
        self.reloads = 0
        self.during_reload: Callable[[], None] = lambda: None
        self.during_read: Callable[[], None] = lambda: None

    def enabled_clients(self) -> dict[str, int]:
        answer = {client_id: self.marks.get(client_id, 0) for client_id in self.enabled}
        self.reloads += 1
        self.during_reload()
        return answer

    def valid_after(self, client_id: str) -> int | None:
        answer = self.marks.get(client_id, 0) if client_id in self.enabled else None
        self.during_read()
        return answer


async def test_a_grant_read_before_a_reload_does_not_bring_back_a_disabled_client() -> None:
    clients = FakeClients({"app"})
    status = ClientStatus(clients)
    status.reload()
    before_authentication = status.generation  # the grant's authentication then reads "app" as enabled...
    clients.enabled.clear()  # ...the client is disabled, and the reload sees it
    status.reload()
    status.mark_enabled("app", before_authentication, 0)  # the grant finishes
    assert not await status.accepts("app", ISSUED)


async def test_a_grant_read_while_a_reload_runs_is_not_kept_after_it() -> None:
    clients = FakeClients(set())  # the reload reads "app" as disabled
    status = ClientStatus(clients)
    taken: list[int] = []
    clients.during_reload = lambda: taken.append(status.generation)  # a grant starts meanwhile
    status.reload()
    status.mark_enabled("app", taken[0], 0)
    assert not await status.accepts("app", ISSUED)


async def test_a_single_read_overtaken_by_a_reload_is_not_remembered() -> None:
    clients = FakeClients({"app"})
    status = ClientStatus(clients)

    def disable_and_reload() -> None:  # while the single read is on its way back
        clients.enabled.clear()
        clients.during_read = lambda: None
        status.reload()

    clients.during_read = disable_and_reload
    assert await status.accepts("app", ISSUED)  # this answer was true when read...
    assert not await status.accepts("app", ISSUED)  # ...but is not kept past the reload that saw the change


async def test_answers_read_between_reloads_are_remembered() -> None:
    clients = FakeClients({"app"})
    status = ClientStatus(clients)
    status.reload()
    status.mark_enabled("new", status.generation, 0)
    reads: list[str] = []
    clients.during_read = lambda: reads.append("read")
    assert await status.accepts("new", ISSUED)
    assert not await status.accepts("gone", ISSUED) and not await status.accepts("gone", ISSUED)
    assert reads == ["read"]  # "new" needed none, "gone" one


async def test_tokens_issued_before_the_mark_are_void_from_the_next_reload() -> None:
    clients = FakeClients({"app"})
    status = ClientStatus(clients)
    status.reload()
    assert await status.accepts("app", ISSUED - 5)
    clients.marks["app"] = ISSUED  # revoked during the second before ISSUED
    assert await status.accepts("app", ISSUED - 5)  # until the reload
    status.reload()
    assert not await status.accepts("app", ISSUED - 5)
    assert not await status.accepts("app", ISSUED - 1)
    assert await status.accepts("app", ISSUED)  # issued once the mark was set (TokenService.issue dates it so)
    status.mark_enabled("late", status.generation, ISSUED)  # a grant remembers the mark its row held
    assert not await status.accepts("late", ISSUED - 1) and await status.accepts("late", ISSUED)


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
