"""The in-memory view of which clients are enabled and since when their tokens count: reads racing the 2-second
reload, the reload reading the whole set only when the status counter has moved, and the reload under load."""

from __future__ import annotations

import asyncio
import threading
import time
from collections.abc import Callable

import anyio.to_thread
import pytest

from barcode_cloud_server.identity import status as status_module
from barcode_cloud_server.identity.status import ClientStatus

ISSUED = 1_800_000_000  # a token's iat


class FakeClients:
    """The reads ClientStatus makes, with hooks that run in the middle of them. Changes made with :meth:`disable`
    and :meth:`void` move the status counter, as the database's triggers do; those made on the attributes do not."""

    def __init__(self, enabled: set[str]) -> None:
        self.enabled = set(enabled)
        self.marks: dict[str, int] = {}  # client id -> tokens issued before this second are void
        self.revision: int | None = 0
        self.revision_reads = 0
        self.reloads = 0  # whole reads
        self.during_reload: Callable[[], None] = lambda: None
        self.during_read: Callable[[], None] = lambda: None

    def disable(self, client_id: str) -> None:
        self.enabled.discard(client_id)
        self._bump()

    def void(self, client_id: str, mark: int) -> None:
        self.marks[client_id] = mark
        self._bump()

    def _bump(self) -> None:
        if self.revision is not None:
            self.revision += 1

    def status_revision(self) -> int | None:
        self.revision_reads += 1
        return self.revision

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
    clients.disable("app")  # ...the client is disabled, and the reload sees it
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
        clients.disable("app")
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
    clients.void("app", ISSUED)  # revoked during the second before ISSUED
    assert await status.accepts("app", ISSUED - 5)  # until the reload
    status.reload()
    assert not await status.accepts("app", ISSUED - 5)
    assert not await status.accepts("app", ISSUED - 1)
    assert await status.accepts("app", ISSUED)  # issued once the mark was set (TokenService.issue dates it so)
    status.mark_enabled("late", status.generation, ISSUED)  # a grant remembers the mark its row held
    assert not await status.accepts("late", ISSUED - 1) and await status.accepts("late", ISSUED)


async def test_a_reload_reads_the_whole_set_only_when_the_counter_moved() -> None:
    clients = FakeClients({"app", "other"})
    status = ClientStatus(clients)
    status.reload()
    status.reload()
    assert clients.reloads == 1
    clients.disable("app")
    status.reload()
    assert clients.reloads == 2 and not await status.accepts("app", ISSUED)
    status.reload()
    assert clients.reloads == 2 and await status.accepts("other", ISSUED)


async def test_a_change_committed_during_the_whole_read_is_read_at_the_next_reload() -> None:
    # The counter is read before the set: a change the set missed has moved it past the value remembered.
    clients = FakeClients({"app"})
    status = ClientStatus(clients)
    clients.during_reload = lambda: clients.disable("app")
    status.reload()
    assert await status.accepts("app", ISSUED)  # the set was read before the change
    clients.during_reload = lambda: None
    status.reload()
    assert not await status.accepts("app", ISSUED)


async def test_answers_read_across_a_reload_that_found_nothing_changed_are_kept() -> None:
    clients = FakeClients({"app"})
    status = ClientStatus(clients)
    status.reload()
    before_authentication = status.generation
    status.reload()  # the counter has not moved: the sets are the same, and so is the generation
    status.mark_enabled("new", before_authentication, 0)
    reads: list[str] = []
    clients.during_read = lambda: reads.append("read")
    assert await status.accepts("new", ISSUED)
    assert reads == []


async def test_the_whole_set_is_read_again_after_a_while_even_when_the_counter_stands_still() -> None:
    now = [0.0]
    clients = FakeClients({"app"})
    status = ClientStatus(clients, clock=lambda: now[0])
    status.reload()
    clients.enabled.clear()  # by hand, without moving the counter
    now[0] += status_module.WHOLE_READ_SECONDS - 1
    status.reload()
    assert await status.accepts("app", ISSUED)
    now[0] += 1
    status.reload()
    assert not await status.accepts("app", ISSUED)


async def test_without_a_counter_every_reload_reads_the_whole_set() -> None:
    clients = FakeClients({"app"})
    clients.revision = None
    status = ClientStatus(clients)
    status.reload()
    status.reload()
    assert clients.reloads == 2


async def _within_seconds(condition: Callable[[], bool], seconds: float = 10.0) -> bool:
    """Whether ``condition`` comes true within ``seconds``. A round of the refresh takes REFRESH_SECONDS plus a
    hop to its thread and back, which on a loaded machine can be several times as long: count rounds, not time."""
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            return False
        await asyncio.sleep(0.01)
    return True


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
        refreshed = await _within_seconds(lambda: clients.revision_reads >= 3)
    finally:
        release.set()
        await busy
        await status.stop()
    assert refreshed  # three rounds while the only default worker thread stayed busy


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
        assert await _within_seconds(lambda: len(key_reloads) >= 3)
    finally:
        await status.stop()
