"""Which clients are enabled, known to every request without a database read.

A background task reloads the set of enabled client ids every ``REFRESH_SECONDS``, so disabling or deleting a
client makes its live tokens fail within that time on every server process. A client id not in the set (one
created after the last reload) costs one database read, and the answer is remembered until the next reload.

Answers read from the database outside a reload (a token grant's authentication, the single read above) are
only remembered when no reload has run since they were read: otherwise a read made just before a client was
disabled could put it back into the set that the reload had just made without it, and its tokens would keep
working until the reload after.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import threading
from collections.abc import Callable
from typing import Protocol

import anyio
import anyio.to_thread

REFRESH_SECONDS = 2.0
log = logging.getLogger("barcode_cloud.identity")


class EnabledClients(Protocol):
    def enabled_ids(self) -> set[str]: ...
    def is_enabled(self, client_id: str) -> bool: ...


class ClientStatus:
    def __init__(self, clients: EnabledClients) -> None:
        self._clients = clients
        self._enabled: set[str] = set()
        self._disabled: set[str] = set()
        # Bumped when a reload starts reading and again when it has replaced the sets: an answer read under one
        # generation may be added only while it is still the current one.
        self._generation = 0
        self._lock = threading.Lock()
        self._task: asyncio.Task[None] | None = None

    @property
    def generation(self) -> int:
        """Take this before a database read whose answer goes to :meth:`mark_enabled`."""
        return self._generation

    def reload(self) -> None:
        with self._lock:
            self._generation += 1
        enabled = self._clients.enabled_ids()
        with self._lock:
            self._enabled, self._disabled = enabled, set()
            self._generation += 1

    def mark_enabled(self, client_id: str, generation: int) -> None:
        """A client that has just authenticated is enabled (saves the read on its first API call).

        ``generation`` is :attr:`generation` from before the authentication read the client's row.
        """
        self._remember(client_id, True, generation)

    def _remember(self, client_id: str, enabled: bool, generation: int) -> None:
        with self._lock:
            if generation == self._generation:
                (self._enabled if enabled else self._disabled).add(client_id)

    async def is_enabled(self, client_id: str) -> bool:
        if client_id in self._enabled:
            return True
        if client_id in self._disabled:
            return False
        generation = self._generation
        enabled = await anyio.to_thread.run_sync(self._clients.is_enabled, client_id)
        self._remember(client_id, enabled, generation)
        return enabled

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
