"""The recent-calls log: the last ``KEEP`` calls of each application (time, operation, status, duration, request id;
never a body, token or secret). Kept in memory on the request path, bounded per application, and written by the
usage flush, which also prunes the applications it wrote to, to their newest ``KEEP``, every
``usage.PRUNE_SECONDS`` at most."""

from __future__ import annotations

from collections import deque
from collections.abc import Collection
from datetime import UTC, datetime
from typing import NamedTuple

from sqlalchemy import delete, func, insert, select
from sqlalchemy.orm import Session

from barcode_cloud_server.storage.db import Database
from barcode_cloud_server.storage.tables import RecentCallRow, as_utc

KEEP = 200


class Call(NamedTuple):  # a tuple: made on the request path, where a frozen dataclass costs twice as much
    at: float  # epoch seconds, when it was answered
    operation: str
    status: int
    ms: float
    request_id: str

    @property
    def time(self) -> datetime:
        return datetime.fromtimestamp(self.at, UTC)


class CallBuffer:
    """Calls not yet written, at most ``KEEP`` per application (older ones would be pruned at once anyway)."""

    def __init__(self) -> None:
        self._calls: dict[str, deque[Call]] = {}

    def add(self, client_id: str, call: Call) -> None:
        try:
            self._calls[client_id].append(call)
        except KeyError:
            self._calls[client_id] = deque((call,), maxlen=KEEP)

    def take(self) -> dict[str, deque[Call]]:
        taken, self._calls = self._calls, {}
        return taken

    def put_back(self, taken: dict[str, deque[Call]]) -> None:
        """Calls that could not be written, before those recorded since (still bounded)."""
        for client_id, calls in taken.items():
            newer = self._calls.get(client_id, ())
            self._calls[client_id] = deque([*calls, *newer], maxlen=KEEP)


def write(session: Session, taken: dict[str, deque[Call]]) -> None:
    """Add the calls (the log may hold more than ``KEEP`` of an application until it is pruned)."""
    rows = [
        {
            "client_id": client_id,
            "at": call.time,
            "operation": call.operation,
            "status": call.status,
            "ms": round(call.ms, 2),
            "request_id": call.request_id,
        }
        for client_id, calls in taken.items()
        for call in calls
    ]
    if rows:
        session.execute(insert(RecentCallRow), rows)


def prune(session: Session, client_ids: Collection[str]) -> None:
    """Drop all but the newest ``KEEP`` calls of each of these applications."""
    if not client_ids:
        return
    # One statement for every application, not one each: every host writes to every application it served, so a
    # statement each would cost every host as much as one host serving them all.
    newest_first = func.row_number().over(
        partition_by=RecentCallRow.client_id, order_by=(RecentCallRow.at.desc(), RecentCallRow.id.desc())
    )
    ranked = (
        select(RecentCallRow.id, newest_first.label("rank"))
        .where(RecentCallRow.client_id.in_(list(client_ids)))
        .subquery()
    )
    session.execute(delete(RecentCallRow).where(RecentCallRow.id.in_(select(ranked.c.id).where(ranked.c.rank > KEEP))))


def recent(db: Database, client_id: str, limit: int = KEEP) -> list[Call]:
    """An application's logged calls, newest first."""
    query = (
        select(RecentCallRow)
        .where(RecentCallRow.client_id == client_id)
        .order_by(RecentCallRow.at.desc(), RecentCallRow.id.desc())
        .limit(limit)
    )
    with db.session() as session:
        return [
            Call(as_utc(r.at).timestamp(), r.operation, r.status, r.ms, r.request_id) for r in session.scalars(query)
        ]
