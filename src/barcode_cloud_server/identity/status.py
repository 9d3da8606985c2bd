"""Which clients are enabled, and since when their tokens count, known to every request without a database read.

A background task reloads the enabled client ids, each with its mark (tokens issued before it are void), every
``REFRESH_SECONDS``, so disabling or deleting a client (or disabling its owner's account), or voiding its tokens,
makes its live tokens fail within that time on every server process. A reload first reads one row, the counter the
database bumps with every such change, and reads the whole set only when the counter has moved since the last whole
read. A client id not in the set (one created after the last whole read) costs one database read, and the answer is
remembered until the next whole read.

Answers read from the database outside a reload (a token grant's authentication, the single read above) are
only remembered when no whole read has run since they were read: otherwise a read made just before a client was
disabled could put it back into the set that the reload had just made without it, and its tokens would keep
working until the reload after. A reload that finds the counter unchanged changes nothing, so answers read
across it are kept: any change committed before it read the counter would have moved it.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import threading
import time
from collections.abc import Callable
from typing import Protocol

import anyio
import anyio.to_thread

REFRESH_SECONDS = 2.0
# A whole read at least this often even when the counter stands still: rows written with the database's triggers
# off (a restore with --disable-triggers), or a restored backup whose counter is one a process has already seen,
# change the clients without moving it.
WHOLE_READ_SECONDS = 60.0
log = logging.getLogger("barcode_cloud.identity")


class EnabledClients(Protocol):
    def status_revision(self) -> int | None: ...
    def enabled_clients(self) -> dict[str, int]: ...
    def valid_after(self, client_id: str) -> int | None: ...


class ClientStatus:
    def __init__(self, clients: EnabledClients, clock: Callable[[], float] = time.monotonic) -> None:
        self._clients = clients
        self._clock = clock
        # The counter as read before the last whole read (None: no whole read yet, or no counter), and when.
        self._revision: int | None = None
        self._read_at = 0.0
        self._enabled: dict[str, int] = {}  # client id -> the earliest iat still valid
        self._disabled: set[str] = set()
        # Bumped when a whole read starts and again when it has replaced the sets: an answer read under one
        # generation may be added only while it is still the current one.
        self._generation = 0
        self._lock = threading.Lock()
        self._task: asyncio.Task[None] | None = None

    @property
    def generation(self) -> int:
        """Take this before a database read whose answer goes to :meth:`mark_enabled`."""
        return self._generation

    def reload(self) -> None:
        # The counter before the whole read: a change committed after this read moves it for the next reload.
        revision = self._clients.status_revision()
        now = self._clock()
        if revision is not None and revision == self._revision and now - self._read_at < WHOLE_READ_SECONDS:
            return
        with self._lock:
            self._generation += 1
        enabled = self._clients.enabled_clients()
        with self._lock:
            self._enabled, self._disabled = enabled, set()
            self._revision, self._read_at = revision, now
            self._generation += 1

    def mark_enabled(self, client_id: str, generation: int, valid_after: int) -> None:
        """A client that has just authenticated is enabled (saves the read on its first API call).

        ``generation`` is :attr:`generation` from before the authentication read the client's row, and
        ``valid_after`` the mark that row held.
        """
        self._remember(client_id, valid_after, generation)

    def _remember(self, client_id: str, valid_after: int | None, generation: int) -> None:
        with self._lock:
            if generation != self._generation:
                return
            if valid_after is None:
                self._disabled.add(client_id)
            else:
                self._enabled[client_id] = valid_after

    def known(self, client_id: str) -> bool:
        """Whether the client was enabled at the last reload (no database read)."""
        return client_id in self._enabled

    async def accepts(self, client_id: str, issued_at: int) -> bool:
        """Whether a token of this client issued at ``issued_at`` (its ``iat``) may be used: the client is enabled
        and has not voided its tokens since."""
        valid_after = self._enabled.get(client_id)
        if valid_after is None:
            if client_id in self._disabled:
                return False
            generation = self._generation
            valid_after = await anyio.to_thread.run_sync(self._clients.valid_after, client_id)
            self._remember(client_id, valid_after, generation)
        return valid_after is not None and issued_at >= valid_after

    async def _refresh_forever(self, also: list[Callable[[], None]]) -> None:
        # Its own thread limiter: under load every thread of the default one may be busy with token grants,
        # and a refresh waiting behind them would stretch the 2 seconds a revocation takes without bound.
        limiter = anyio.CapacityLimiter(1)
        while True:
            await asyncio.sleep(REFRESH_SECONDS)
            # Each separately: a failing key reload must not stop revocations, nor the other way round.
            for reload in (self.reload, *also):
                try:
                    await anyio.to_thread.run_sync(reload, limiter=limiter)
                except Exception:
                    log.warning("could not refresh %s; keeping the last state", _name(reload), exc_info=True)

    def start(self, also: list[Callable[[], None]]) -> None:
        self._task = asyncio.get_running_loop().create_task(self._refresh_forever(also))

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task


def _name(reload: Callable[[], None]) -> str:
    return getattr(reload, "__qualname__", repr(reload))
