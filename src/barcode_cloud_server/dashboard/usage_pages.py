"""Usage pages: the last 24 hours by hour and the last 30 days by day, by operation and by status class, in total
(an administrator's: every counted key; a member's: their applications and their playground) and per application,
as charts, tables and CSV."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from fastapi import APIRouter
from starlette.requests import Request
from starlette.responses import Response

from barcode_cloud_server.dashboard.accounts import User
from barcode_cloud_server.dashboard.application_pages import owned_application
from barcode_cloud_server.dashboard.pages import Pages
from barcode_cloud_server.identity import playground
from barcode_cloud_server.identity.clients import ClientInfo, ClientStore
from barcode_cloud_server.identity.usage_report import (
    STATUS_CLASSES,
    OperationCounts,
    Timeline,
    by_operation,
    since_days,
    since_hours,
    timeline,
)
from barcode_cloud_server.storage.db import Database

# Each chart's window: the last 24 hours, and the last 30 UTC days (as ``barcode-cloud usage --days 30`` counts).
WINDOWS: dict[str, Callable[[], datetime]] = {"hour": lambda: since_hours(24), "day": lambda: since_days(30)}


@dataclass(frozen=True)
class KeyUsage:
    """One counted key of the total page: an application, or a key that is none: a user's playground (named by
    its user) or a deleted application (shown by the key itself)."""

    key: str
    app: ClientInfo | None
    name: str | None
    requests: int
    by_status: dict[str, int]

    @property
    def label(self) -> str:
        return self.app.name if self.app else self.name or self.key


def usage_router(pages: Pages, clients: ClientStore, db: Database) -> APIRouter:
    guard = pages.guard
    router = APIRouter(include_in_schema=False)

    def scope(user: User) -> tuple[list[str] | None, dict[str, ClientInfo]]:
        """The keys whose usage ``user`` sees (None: every counted key; a member: their applications and their
        playground) and the applications among them."""
        apps = clients.list() if user.is_admin else clients.list(owner_id=user.id)
        keys = None if user.is_admin else [*(a.id for a in apps), playground.usage_key(user.id)]
        return keys, {a.id: a for a in apps}

    def timelines(keys: list[str] | None) -> dict[str, Timeline]:
        return {period: timeline(db, since(), period, keys) for period, since in WINDOWS.items()}

    def one_timeline(keys: list[str] | None, period: str) -> Timeline:
        if period not in WINDOWS:
            raise BadPeriod()
        return timeline(db, WINDOWS[period](), period, keys)

    @router.get("/usage")
    def total(request: Request) -> Response:
        user = guard.require_user(request)
        keys, apps = scope(user)
        per_key = by_operation(db, WINDOWS["day"](), keys)
        names = playground.names(db)
        rows = [_key_usage(key, apps.get(key), names.get(key), ops) for key, ops in per_key.items()]
        rows.sort(key=_busiest)
        return pages.render(
            request, "usage.html", app=None, timelines=timelines(keys), keys=rows, status_classes=STATUS_CLASSES
        )

    @router.get("/applications/{client_id}/usage")
    def of_application(request: Request, client_id: str) -> Response:
        info = owned_application(clients, guard.require_user(request), client_id)
        return pages.render(
            request, "usage.html", app=info, timelines=timelines([info.id]), keys=[], status_classes=STATUS_CLASSES
        )

    @router.get("/usage.csv")
    def total_csv(request: Request, period: str = "day") -> Response:
        keys, _ = scope(guard.require_user(request))
        return csv_answer(request, one_timeline(keys, period), "usage-all")

    @router.get("/applications/{client_id}/usage.csv")
    def application_csv(request: Request, client_id: str, period: str = "day") -> Response:
        info = owned_application(clients, guard.require_user(request), client_id)
        return csv_answer(request, one_timeline([info.id], period), f"usage-{info.id}")

    def csv_answer(request: Request, data: Timeline, name: str) -> Response:
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow([f"{data.period}_start_utc", "operation", "status_class", "requests"])
        for line in data.lines:
            assert line.start is not None
            start = line.start.strftime("%Y-%m-%dT%H:%M:%SZ")
            writer.writerow([start, line.operation, line.status_class, line.requests])
        response = Response(
            out.getvalue(),
            media_type="text/csv; charset=utf-8",
            headers={"content-disposition": f'attachment; filename="{name}-by-{data.period}.csv"'},
        )
        return guard.finish(request, response)

    return router


class BadPeriod(Exception):
    """A CSV asked for a period other than those of the charts."""

    message = f"period is one of: {', '.join(WINDOWS)} (the last 24 hours by hour, or the last 30 UTC days by day)."


def _key_usage(key: str, app: ClientInfo | None, name: str | None, operations: dict[str, OperationCounts]) -> KeyUsage:
    by_status: dict[str, int] = {}
    for counted in operations.values():
        for status_class, n in counted.by_status.items():
            by_status[status_class] = by_status.get(status_class, 0) + n
    return KeyUsage(key, app, name, sum(c.requests for c in operations.values()), by_status)


def _busiest(row: KeyUsage) -> tuple[int, str]:
    return -row.requests, row.label
