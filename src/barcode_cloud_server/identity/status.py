"""Which clients are enabled, known to every request without a database read.

A background task reloads the set of enabled client ids every ``REFRESH_SECONDS``, so disabling or deleting a
client makes its live tokens fail within that time on every server process. A client id not in the set (one
created after the last reload) costs one database read, and the answer is remembered until the next reload.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable

import anyio.to_thread

from barcode_cloud_server.identity.clients import ClientStore

REFRESH_SECONDS = 2.0
log = logging.getLogger("barcode_cloud.identity")


class ClientStatus:
    def __init__(self, clients: ClientStore) -> None:
        self._clients = clients
        self._enabled: set[str] = set()
        self._disabled: set[str] = set()
        self._task: asyncio.Task[None] | None = None

    def reload(self) -> None:
        enabled = self._clients.enabled_ids()
        self._enabled, self._disabled = enabled, set()

    def mark_enabled(self, client_id: str) -> None:
        """A client that has just authenticated is enabled (saves the read on its first API call)."""
        self._enabled.add(client_id)

    async def is_enabled(self, client_id: str) -> bool:
        if client_id in self._enabled:
            return True
        if client_id in self._disabled:
            return False
        enabled = await anyio.to_thread.run_sync(self._clients.is_enabled, client_id)
        (self._enabled if enabled else self._disabled).add(client_id)
        return enabled

    async def _refresh_forever(self, also: list[Callable[[], None]]) -> None:
        while True:
            await asyncio.sleep(REFRESH_SECONDS)
            try:
                await anyio.to_thread.run_sync(self.reload)
                for reload in also:
                    await anyio.to_thread.run_sync(reload)
            except Exception:
                log.warning("could not refresh client status and keys; keeping the last ones", exc_info=True)

    def start(self, also: list[Callable[[], None]]) -> None:
        self._task = asyncio.get_running_loop().create_task(self._refresh_forever(also))

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
