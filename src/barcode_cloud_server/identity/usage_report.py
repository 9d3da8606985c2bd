"""What the stored usage counts add up to, for the dashboard and ``barcode-cloud usage``."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import func, select

from barcode_cloud_server.identity.usage import GRANT, THROTTLED, period_bounds
from barcode_cloud_server.storage.db import Database
from barcode_cloud_server.storage.tables import DailyUsageRow, UsageRow, as_utc

STATUS_CLASSES = ("2xx", "4xx", "429", "5xx")


@dataclass
class OperationCounts:
    requests: int = 0
    by_status: dict[str, int] = field(default_factory=dict)

    def add(self, status_class: str, n: int) -> None:
        self.requests += n
        self.by_status[status_class] = self.by_status.get(status_class, 0) + n

    def as_dict(self) -> dict[str, object]:
        return {"requests": self.requests, "by_status": dict(sorted(self.by_status.items()))}


PERIODS = {"hour": timedelta(hours=1), "day": timedelta(days=1)}


def period_start(moment: datetime, period: str) -> datetime:
    start = moment.replace(minute=0, second=0, microsecond=0)
    return start.replace(hour=0) if period == "day" else start


def since_days(days: int, now: datetime | None = None) -> datetime:
    """The start of the last ``days`` UTC days, today included: the window of ``--days`` and the 30-day figures."""
    return period_start(now or datetime.now(UTC), "day") - PERIODS["day"] * (days - 1)


def since_hours(hours: int, now: datetime | None = None) -> datetime:
    """The start of the last ``hours`` hours, this one included: the window of the hourly figures."""
    return period_start(now or datetime.now(UTC), "hour") - PERIODS["hour"] * (hours - 1)


@dataclass(frozen=True)
class Count:
    """Stored requests added up: per hour or day (``start``) or over the whole window (None), per application
    (``client_id``) or over every application asked for (None)."""

    start: datetime | None
    client_id: str | None
    operation: str
    status_class: str
    requests: int


def counts(
    db: Database,
    since: datetime,
    client_ids: Iterable[str] | None = None,
    *,
    per_client: bool,
    per: str | None = None,
) -> list[Count]:
    """The stored counts since ``since`` (of ``client_ids``, or of every counted key), per "hour", per "day" or
    (None) over the whole window: what ``barcode-cloud usage``, the usage pages, their tables and CSV all show.
    Per hour they add up the hourly rows; else the daily ones, from a day's start."""
    if per == "hour":
        return _added_up(db, UsageRow, since, client_ids, per_client, per_period=True)
    if since != period_start(since, "day"):
        raise ValueError(f"daily counts start at 00:00 UTC, not {since}")
    return _added_up(db, DailyUsageRow, since, client_ids, per_client, per_period=per == "day")


def _added_up(
    db: Database,
    table: type[UsageRow] | type[DailyUsageRow],
    since: datetime,
    client_ids: Iterable[str] | None,
    per_client: bool,
    per_period: bool,
) -> list[Count]:
    period = UsageRow.hour if table is UsageRow else DailyUsageRow.day
    group = [
        *([table.client_id] if per_client else []),
        *([period] if per_period else []),
        table.operation,
        table.status_class,
    ]
    query = select(*group, func.sum(table.count)).where(period >= since).group_by(*group)
    if client_ids is not None:
        query = query.where(table.client_id.in_(list(client_ids)))
    with db.session() as session:
        rows = session.execute(query).all()
    out = []
    for row in rows:
        values: tuple[Any, ...] = tuple(row)  # the grouped columns, then operation, status class and the sum
        client_id = values[0] if per_client else None
        start = as_utc(values[int(per_client)]) if per_period else None
        out.append(Count(start, client_id, values[-3], values[-2], int(values[-1])))
    return out


def by_operation(
    db: Database, since: datetime, client_ids: Iterable[str] | None = None
) -> dict[str, dict[str, OperationCounts]]:
    """Per client id, per operation: the requests since ``since``, and by status class."""
    out: dict[str, dict[str, OperationCounts]] = {}
    for c in counts(db, since, client_ids, per_client=True):
        assert c.client_id is not None
        out.setdefault(c.client_id, {}).setdefault(c.operation, OperationCounts()).add(c.status_class, c.requests)
    return out


@dataclass(frozen=True)
class Timeline:
    """Requests per hour or per UTC day from ``since`` to now, summed over the applications asked for: every
    period, empty ones included."""

    period: str  # "hour" or "day"
    starts: list[datetime]
    by_operation: dict[str, list[int]]
    by_status: dict[str, list[int]]
    totals: list[int]
    lines: list[Count]  # per period start, operation and status class: the CSV's rows

    def as_chart_data(self) -> dict[str, object]:
        """What the page's chart script draws: epoch seconds and one list of requests per series, as [name, values]
        pairs (a JavaScript object would put "429" before "2xx")."""
        return {
            "period": self.period,
            "x": [int(s.timestamp()) for s in self.starts],
            "operations": list(self.by_operation.items()),
            "statuses": list(self.by_status.items()),
        }


def timeline(
    db: Database, since: datetime, period: str, client_ids: Iterable[str] | None = None, now: datetime | None = None
) -> Timeline:
    """The requests since ``since`` per ``period`` ("hour" or "day") of ``client_ids`` (None: every counted key)."""
    step = PERIODS[period]
    first, last = period_start(since, period), period_start(now or datetime.now(UTC), period)
    starts = [first + step * i for i in range(int((last - first) / step) + 1)]
    index = {start: i for i, start in enumerate(starts)}
    by_op: dict[str, list[int]] = {}
    by_status: dict[str, list[int]] = {s: [0] * len(starts) for s in STATUS_CLASSES}
    totals = [0] * len(starts)
    lines = []
    for c in counts(db, since, client_ids, per_client=False, per=period):
        assert c.start is not None
        i = index.get(c.start)
        if i is None:
            continue  # counted in an hour after ``now`` (another server's clock ahead of this one)
        by_op.setdefault(c.operation, [0] * len(starts))[i] += c.requests
        by_status.setdefault(c.status_class, [0] * len(starts))[i] += c.requests
        totals[i] += c.requests
        lines.append(c)
    lines.sort(key=lambda c: (c.start, c.operation, c.status_class))
    return Timeline(period, starts, dict(sorted(by_op.items())), by_status, totals, lines)


def quota_usage(db: Database, client_ids: Iterable[str], now: datetime | None = None) -> dict[str, tuple[int, int]]:
    """Per client id: the requests that count toward its quotas today and this month (UTC)."""
    day, _, month, _ = period_bounds(now or datetime.now(UTC))
    ids = list(client_ids)
    counted = (DailyUsageRow.operation != GRANT) & (DailyUsageRow.status_class != THROTTLED)

    def since(start: datetime) -> dict[str, int]:
        query = (
            select(DailyUsageRow.client_id, func.sum(DailyUsageRow.count))
            .where(DailyUsageRow.day >= start, DailyUsageRow.client_id.in_(ids), counted)
            .group_by(DailyUsageRow.client_id)
        )
        with db.session() as session:
            return {client_id: int(total) for client_id, total in session.execute(query)}

    today, this_month = since(day), since(month)
    return {client_id: (today.get(client_id, 0), n) for client_id, n in this_month.items()}
