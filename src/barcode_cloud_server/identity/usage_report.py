"""What the stored usage counts add up to, for the dashboard and ``barcode-cloud usage``."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from sqlalchemy import func, select

from barcode_cloud_server.identity.usage import GRANT, THROTTLED, period_bounds
from barcode_cloud_server.storage.db import Database
from barcode_cloud_server.storage.tables import UsageRow

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


def since_days(days: int, now: datetime | None = None) -> datetime:
    """The start of the hour ``days`` days before ``now``: the window of ``--days`` and the 30-day pages."""
    now = now or datetime.now(UTC)
    return now.replace(minute=0, second=0, microsecond=0) - timedelta(days=days)


def by_operation(
    db: Database, since: datetime, client_ids: Iterable[str] | None = None
) -> dict[str, dict[str, OperationCounts]]:
    """Per client id, per operation: the requests since ``since``, and by status class."""
    query = (
        select(UsageRow.client_id, UsageRow.operation, UsageRow.status_class, func.sum(UsageRow.count))
        .where(UsageRow.hour >= since)
        .group_by(UsageRow.client_id, UsageRow.operation, UsageRow.status_class)
    )
    if client_ids is not None:
        query = query.where(UsageRow.client_id.in_(list(client_ids)))
    out: dict[str, dict[str, OperationCounts]] = {}
    with db.session() as session:
        for client_id, operation, status_class, total in session.execute(query):
            out.setdefault(client_id, {}).setdefault(operation, OperationCounts()).add(status_class, int(total))
    return out


def quota_usage(db: Database, client_ids: Iterable[str], now: datetime | None = None) -> dict[str, tuple[int, int]]:
    """Per client id: the requests that count toward its quotas today and this month (UTC)."""
    day, _, month, _ = period_bounds(now or datetime.now(UTC))
    ids = list(client_ids)
    counted = (UsageRow.operation != GRANT) & (UsageRow.status_class != THROTTLED)

    def since(start: datetime) -> dict[str, int]:
        query = (
            select(UsageRow.client_id, func.sum(UsageRow.count))
            .where(UsageRow.hour >= start, UsageRow.client_id.in_(ids), counted)
            .group_by(UsageRow.client_id)
        )
        with db.session() as session:
            return {client_id: int(total) for client_id, total in session.execute(query)}

    today, this_month = since(day), since(month)
    return {client_id: (today.get(client_id, 0), n) for client_id, n in this_month.items()}
