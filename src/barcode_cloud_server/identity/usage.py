"""Usage counting and quotas, without a database write on the request path.

Each request of an application is counted in this process's memory by (client id, hour, operation, status class);
every few seconds (``--usage-flush-seconds``) the counts are added to the database's hourly and daily counts in one
transaction (upserts, so that every process adds its own), and a process that stops flushes before it exits. After
each flush the quotas are read again with what every process has counted so far; a quota check adds what this process
counted since, so several processes may let through together up to a few seconds of requests past a quota. With
Redis (``--redis-url``), requests of applications with a quota are checked against counters every process shares
instead (identity.shared_quota). The same flush writes the recent-calls log (``recent_calls``).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import math
import time
from collections import deque
from collections.abc import Callable, Collection, MutableMapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, cast

import anyio
import anyio.to_thread
from sqlalchemy import Table, func, or_, select
from sqlalchemy.dialects.postgresql import insert as postgres_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from barcode_cloud_server.identity import playground, recent_calls
from barcode_cloud_server.identity.recent_calls import Call, CallBuffer
from barcode_cloud_server.identity.shared_quota import Period, SharedQuota, period_keys, ttl
from barcode_cloud_server.storage.db import Database
from barcode_cloud_server.storage.tables import ClientRow, DailyUsageRow, UsageRow

GRANT = "token"  # the operation name of token grants
# A process prunes the recent-calls log of the applications it wrote to at most this often, not at every flush: the
# prune ranks every logged call of them, a cost each host pays however few calls it wrote; readers take the newest
# recent_calls.KEEP, so the rows past it meanwhile are never shown.
PRUNE_SECONDS = 60.0
# The operation each counted route is; requests of other routes are not counted.
OPERATIONS = {
    "/connect/token": GRANT,
    "/v4.0/barcode/generate/{barcodeType}": "generate",
    "/v4.0/barcode/generate/{barcodeType:path}": "generate",  # the same, when the hot path does not answer it
    "/v4.0/barcode/generate-body": "generate-body",
    "/v4.0/barcode/generate-multipart": "generate-multipart",
    "/v4.0/barcode/recognize": "recognize",
    "/v4.0/barcode/recognize-body": "recognize-body",
    "/v4.0/barcode/recognize-multipart": "recognize-multipart",
    "/v4.0/barcode/scan": "scan",
    "/v4.0/barcode/scan-body": "scan-body",
    "/v4.0/barcode/scan-multipart": "scan-multipart",
    **playground.OPERATIONS,
}
THROTTLED = "429"
# In a request's state: the shared counters its count was taken from (given back if it ends in a 429).
RESERVED = "quota_reserved"
_CLASSES = {1: "1xx", 2: "2xx", 3: "3xx", 4: "4xx", 5: "5xx"}
log = logging.getLogger("barcode_cloud.usage")

Key = tuple[str, int, str, str]  # client id, hour since the epoch, operation, status class


@dataclass(frozen=True)
class QuotaState:
    daily: int | None
    monthly: int | None
    used_today: int
    used_this_month: int
    day_ends: float  # epoch seconds
    month_ends: float


@dataclass(frozen=True)
class QuotaRefusal:
    period: str  # "daily" or "monthly"
    limit: int
    retry_after: int

    @property
    def message(self) -> str:
        resets = "at 00:00 UTC" if self.period == "daily" else "on the 1st of the month, 00:00 UTC"
        return f"the {self.period} request quota of this application ({self.limit}) is used up; it resets {resets}"


def period_bounds(now: datetime) -> tuple[datetime, datetime, datetime, datetime]:
    """The UTC day and calendar month around ``now``: (day start, day end, month start, month end)."""
    day = now.replace(hour=0, minute=0, second=0, microsecond=0)
    month = day.replace(day=1)
    next_month = (
        month.replace(year=month.year + 1, month=1) if month.month == 12 else month.replace(month=month.month + 1)
    )
    return day, datetime.fromtimestamp(day.timestamp() + 86400, UTC), month, next_month


def counts_toward_quota(operation: str, status_class: str) -> bool:
    # Token grants are not API calls, and refused requests did no work.
    return operation != GRANT and status_class != THROTTLED


class Usage:
    def __init__(self, db: Database, clock: Callable[[], float] = time.time, shared: SharedQuota | None = None) -> None:
        self._db = db
        self._clock = clock
        self._shared = shared
        # Requests admitted while Redis could not be asked (added to its counters when it answers), and counts
        # taken from its counters by requests that ended in a 429 (given back at the next flush).
        self._owed: dict[str, int] = {}
        self._to_give_back: dict[tuple[str, str], int] = {}
        self._pending: dict[Key, int] = {}
        self._calls = CallBuffer()
        self._unpruned: set[str] = set()  # applications whose calls were written since the last prune
        self._pruned_at = -math.inf
        # Quota-counting requests per client: since the last swap, and swapped but not yet in the quotas read.
        self._since: dict[str, int] = {}
        self._in_flight: dict[str, int] = {}
        self._quotas: dict[str, QuotaState] = {}
        self._flushing = anyio.Lock()
        self._task: asyncio.Task[None] | None = None

    # The request path: memory only.

    def record(
        self,
        client_id: str,
        route: str,
        status: int,
        request_id: str,
        seconds: float,
        state: MutableMapping[str, object] | None = None,
    ) -> None:
        """Count and log one answered request (the request context calls this for every request, with its state)."""
        operation = OPERATIONS.get(route)
        if operation is None:
            return
        status_class = THROTTLED if status == 429 else _CLASSES.get(status // 100, "5xx")
        reserved = state.get(RESERVED) if state is not None else None
        if status_class == THROTTLED and isinstance(reserved, tuple):
            self._to_give_back[reserved] = self._to_give_back.get(reserved, 0) + 1
        now = self._clock()
        key = (client_id, int(now) // 3600, operation, status_class)
        self._pending[key] = self._pending.get(key, 0) + 1
        self._calls.add(client_id, Call(now, operation, status, seconds * 1000, request_id))
        if client_id in self._quotas and counts_toward_quota(operation, status_class):
            self._since[client_id] = self._since.get(client_id, 0) + 1

    def refusal(self, client_id: str) -> QuotaRefusal | None:
        """Why this client may not make another request now, or None when it may."""
        state = self._quotas.get(client_id)
        if state is None:
            return None
        now = self._clock()
        recent = self._since.get(client_id, 0) + self._in_flight.get(client_id, 0)
        if state.monthly is not None and now < state.month_ends and state.used_this_month + recent >= state.monthly:
            return QuotaRefusal("monthly", state.monthly, math.ceil(state.month_ends - now))
        if state.daily is not None and now < state.day_ends and state.used_today + recent >= state.daily:
            return QuotaRefusal("daily", state.daily, math.ceil(state.day_ends - now))
        return None

    async def admit(self, client_id: str, state: MutableMapping[str, object] | None) -> QuotaRefusal | None:
        """Why this request may not go on, or None when it may. A request with a ``state`` (one usage counting
        will record) takes its count from the shared counters when there are some; others are checked against
        this process's counts alone."""
        quota = self._quotas.get(client_id)
        if quota is None or self._shared is None or state is None:
            return self.refusal(client_id)
        now = self._clock()
        day, day_ends, month, month_ends = period_bounds(datetime.fromtimestamp(now, UTC))
        recent = self._since.get(client_id, 0) + self._in_flight.get(client_id, 0)
        # The stored counts seed a counter only while they are of its period (they are read every few seconds).
        day_key, month_key = period_keys(client_id, day.timestamp(), month.timestamp())
        period = Period(
            day_key,
            month_key,
            (quota.used_today if now < quota.day_ends else 0) + recent,
            (quota.used_this_month if now < quota.month_ends else 0) + recent,
            ttl(day_ends.timestamp(), now),
            ttl(month_ends.timestamp(), now),
        )
        owed = self._owed.pop(client_id, 0)
        answer = await self._shared.admit(period, owed, quota.daily, quota.monthly)
        if answer is None:
            refusal = self.refusal(client_id)
            self._owed[client_id] = self._owed.get(client_id, 0) + owed + (refusal is None)
            return refusal
        if answer == 0:
            state[RESERVED] = (day_key, month_key)
            return None
        if answer == 1 and quota.daily is not None:
            return QuotaRefusal("daily", quota.daily, math.ceil(day_ends.timestamp() - now))
        assert quota.monthly is not None
        return QuotaRefusal("monthly", quota.monthly, math.ceil(month_ends.timestamp() - now))

    # Flushing.

    async def flush(self) -> None:
        async with self._flushing:
            batch, self._pending = self._pending, {}
            calls = self._calls.take()
            for client_id, n in self._since.items():
                self._in_flight[client_id] = self._in_flight.get(client_id, 0) + n
            self._since = {}
            try:
                quotas = await anyio.to_thread.run_sync(self._write_and_read_quotas, batch, calls)
            except Exception:
                log.exception("usage counts not written; kept for the next flush")
                for key, n in batch.items():
                    self._pending[key] = self._pending.get(key, 0) + n
                self._calls.put_back(calls)
                return
            self._quotas = quotas
            self._in_flight = {}
            if self._shared is not None:
                given, self._to_give_back = self._to_give_back, {}
                if not await self._shared.give_back(given):
                    for keys, n in given.items():
                        self._to_give_back[keys] = self._to_give_back.get(keys, 0) + n

    def _write_and_read_quotas(self, batch: dict[Key, int], calls: dict[str, deque[Call]]) -> dict[str, QuotaState]:
        now = self._clock()
        due = now - self._pruned_at >= PRUNE_SECONDS
        written = self._unpruned | calls.keys()
        if batch or (due and written):
            write(self._db, batch, calls, prune=written if due else ())
        if due:
            self._unpruned, self._pruned_at = set(), now
        else:
            self._unpruned = written
        return self.read_quotas()

    def read_quotas(self) -> dict[str, QuotaState]:
        """Every client with a quota: its quotas and what it has used in the current day and month."""
        day, day_ends, month, month_ends = period_bounds(datetime.fromtimestamp(self._clock(), UTC))
        counted = (DailyUsageRow.operation != GRANT) & (DailyUsageRow.status_class != THROTTLED)
        with self._db.session() as session:
            limited = session.execute(
                select(ClientRow.id, ClientRow.daily_quota, ClientRow.monthly_quota).where(
                    or_(ClientRow.daily_quota.is_not(None), ClientRow.monthly_quota.is_not(None))
                )
            ).all()
            if not limited:
                return {}
            ids = [row.id for row in limited]

            def used_since(start: datetime) -> dict[str, int]:
                rows = session.execute(
                    select(DailyUsageRow.client_id, func.sum(DailyUsageRow.count))
                    .where(DailyUsageRow.client_id.in_(ids), DailyUsageRow.day >= start, counted)
                    .group_by(DailyUsageRow.client_id)
                )
                return {client_id: int(total) for client_id, total in rows}

            today, this_month = used_since(day), used_since(month)
        return {
            row.id: QuotaState(
                row.daily_quota,
                row.monthly_quota,
                today.get(row.id, 0),
                this_month.get(row.id, 0),
                day_ends.timestamp(),
                month_ends.timestamp(),
            )
            for row in limited
        }

    def load(self) -> None:
        """Read the quotas once, at start."""
        self._quotas = self.read_quotas()

    def start(self, every: float) -> None:
        """Flush every ``every`` seconds until :meth:`stop`."""
        self._task = asyncio.get_running_loop().create_task(self._flush_forever(every))

    async def stop(self) -> None:
        """Stop flushing every few seconds, and flush what is left."""
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
        await self.flush()
        if self._shared is not None:
            await self._shared.close()

    async def _flush_forever(self, every: float) -> None:
        while True:
            await asyncio.sleep(every)
            await self.flush()


def write(
    db: Database, batch: dict[Key, int], calls: dict[str, deque[Call]] | None = None, prune: Collection[str] = ()
) -> None:
    """Add ``batch`` to the stored hourly and daily counts (a statement each) and ``calls`` to the recent-calls
    log, and prune the log of the applications in ``prune``, in one transaction."""
    days: dict[Key, int] = {}
    for (client_id, hour, operation, status_class), n in batch.items():
        key = (client_id, hour // 24, operation, status_class)
        days[key] = days.get(key, 0) + n
    with db.session() as session:
        for table, counts, seconds in ((UsageRow, batch, 3600), (DailyUsageRow, days, 86400)):
            if counts:
                session.execute(_upsert(db, table), _rows(table, counts, seconds))
        if calls:
            recent_calls.write(session, calls)
        recent_calls.prune(session, prune)


def _upsert(db: Database, table: type[UsageRow] | type[DailyUsageRow]) -> Any:
    """One row's upsert, run for every row at once (executemany): its compiled form is cached, where a statement
    holding the rows would be built and compiled again at every flush of every process."""
    period = "hour" if table is UsageRow else "day"
    insert = sqlite_insert if db.is_sqlite else postgres_insert
    statement = insert(cast(Table, table.__table__))  # Core: ORM bulk inserts would cost more per row
    return statement.on_conflict_do_update(
        index_elements=["client_id", period, "operation", "status_class"],
        set_={"count": statement.table.c.count + statement.excluded.count},
    )


def _rows(table: type[UsageRow] | type[DailyUsageRow], counts: dict[Key, int], seconds: int) -> list[dict[str, Any]]:
    period = "hour" if table is UsageRow else "day"
    # In key order: two processes adding to the same rows lock them in the same order (no deadlock on PostgreSQL).
    return [
        {
            "client_id": client_id,
            period: datetime.fromtimestamp(start * seconds, UTC),
            "operation": operation,
            "status_class": status_class,
            "count": n,
        }
        for (client_id, start, operation, status_class), n in sorted(counts.items())
    ]
