"""Expired sessions and spent account links leave the database on a timer in every server process, a bounded
batch at a time (and with ``barcode-cloud users purge``)."""

from __future__ import annotations

import asyncio
import contextlib
import logging

import anyio.to_thread

from barcode_cloud_server.dashboard.accounts import Accounts

PURGE_SECONDS = 600.0
# Rows of each kind one run deletes at most: a short transaction that never holds the tables for long. A full
# batch means more may be waiting: the next run comes after AGAIN_SECONDS instead.
PURGE_BATCH = 1000
AGAIN_SECONDS = 5.0
log = logging.getLogger("barcode_cloud.dashboard")


class Purger:
    def __init__(self, accounts: Accounts, every: float = PURGE_SECONDS, batch: int = PURGE_BATCH) -> None:
        self._accounts = accounts
        self._every = every
        self._batch = batch
        self._task: asyncio.Task[None] | None = None

    def start(self) -> None:
        self._task = asyncio.get_running_loop().create_task(self._purge_forever())

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task

    async def _purge_forever(self) -> None:
        # The first run at start: a server that was down for a while has the most to catch up on.
        while True:
            wait = self._every
            try:
                purged = await anyio.to_thread.run_sync(self._accounts.purge_expired, self._batch)
            except Exception:
                log.warning("could not purge expired sessions and links; trying again later", exc_info=True)
            else:
                if max(purged.sessions, purged.links) >= self._batch:
                    wait = AGAIN_SECONDS
            await asyncio.sleep(wait)
