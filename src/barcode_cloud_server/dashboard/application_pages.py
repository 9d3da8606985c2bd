"""/applications: the signed-in user's applications (every one for administrators), their secrets shown once,
rotation with overlap, disable and enable, deletion confirmed by name."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated

from fastapi import APIRouter, Depends, Form
from starlette.requests import Request
from starlette.responses import Response

from barcode_cloud_server.dashboard.account_pages import csrf_on_post
from barcode_cloud_server.dashboard.accounts import User
from barcode_cloud_server.dashboard.guard import NotFound
from barcode_cloud_server.dashboard.pages import Pages
from barcode_cloud_server.identity.clients import ClientInfo, ClientStore, Credentials, UnknownScope
from barcode_cloud_server.identity.recent_calls import KEEP, recent
from barcode_cloud_server.identity.scopes import ALL_SCOPES
from barcode_cloud_server.identity.usage_report import STATUS_CLASSES, by_operation, quota_usage, since_days
from barcode_cloud_server.storage.db import Database

OVERLAPS = {"0": "None: the old secret stops now", "3600": "1 hour", "86400": "1 day", "604800": "7 days"}
MAX_NAME = 200


def application_router(pages: Pages, clients: ClientStore, db: Database) -> APIRouter:
    guard = pages.guard
    router = APIRouter(include_in_schema=False, dependencies=[Depends(csrf_on_post(guard))])

    def owned(user: User, client_id: str) -> ClientInfo:
        return owned_application(clients, user, client_id)

    def listing(request: Request, user: User, status: int = 200, error: str | None = None) -> Response:
        apps = clients.list() if user.is_admin else clients.list(owner_id=user.id)
        owners = {u.id: u.email for u in guard.accounts.users()} if user.is_admin else {}
        used = quota_usage(db, [a.id for a in apps])
        rows = [AppRow(a, *used.get(a.id, (0, 0))) for a in apps]
        return pages.render(
            request, "applications.html", status, rows=rows, owners=owners, scopes=ALL_SCOPES, error=error
        )

    def detail(request: Request, info: ClientInfo, status: int = 200, error: str | None = None) -> Response:
        today, month = quota_usage(db, [info.id]).get(info.id, (0, 0))
        counts = by_operation(db, since_days(30), [info.id]).get(info.id, {})
        return pages.render(
            request,
            "application.html",
            status,
            app=info,
            row=AppRow(info, today, month),
            operations=sorted(counts.items()),
            calls=recent(db, info.id),
            keep=KEEP,
            status_classes=STATUS_CLASSES,
            overlaps=OVERLAPS,
            error=error,
        )

    def secret_page(request: Request, creds: Credentials, rotated: bool) -> Response:
        return pages.render(request, "secret.html", creds=creds, rotated=rotated, api_host=pages.origin + "/v4.0")

    @router.get("/applications")
    def applications(request: Request) -> Response:
        return listing(request, guard.require_user(request))

    @router.post("/applications")
    def create(
        request: Request, name: Annotated[str, Form()] = "", scope: Annotated[list[str] | None, Form()] = None
    ) -> Response:
        user = guard.require_user(request)
        name = name.strip()
        if not name or len(name) > MAX_NAME:
            return listing(request, user, 400, f"Name the application (1 to {MAX_NAME} characters).")
        if not scope:
            return listing(request, user, 400, "Choose at least one scope.")
        try:
            creds = clients.create(name, scope, owner_id=user.id)
        except UnknownScope as exc:
            return listing(request, user, 400, str(exc))
        return secret_page(request, creds, rotated=False)

    @router.get("/applications/{client_id}")
    def application(request: Request, client_id: str) -> Response:
        return detail(request, owned(guard.require_user(request), client_id))

    @router.post("/applications/{client_id}/quota")
    def set_quota(
        request: Request, client_id: str, daily: Annotated[str, Form()] = "", monthly: Annotated[str, Form()] = ""
    ) -> Response:
        info = owned(guard.require_user(request), client_id)
        try:
            limits = [_quota(daily), _quota(monthly)]
        except ValueError:
            return detail(request, info, 400, "A quota is a whole number of requests (empty or 0: no limit).")
        clients.set_quota(client_id, *limits)
        return pages.redirect(request, f"/applications/{client_id}")

    @router.post("/applications/{client_id}/rotate")
    def rotate(request: Request, client_id: str, overlap: Annotated[str, Form()] = "86400") -> Response:
        owned(guard.require_user(request), client_id)
        if overlap not in OVERLAPS:
            raise NotFound()
        creds = clients.rotate_secret(client_id, int(overlap))
        if creds is None:
            raise NotFound()
        return secret_page(request, creds, rotated=True)

    @router.post("/applications/{client_id}/disable")
    def disable(request: Request, client_id: str) -> Response:
        owned(guard.require_user(request), client_id)
        clients.set_enabled(client_id, False)
        return pages.redirect(request, f"/applications/{client_id}")

    @router.post("/applications/{client_id}/enable")
    def enable(request: Request, client_id: str) -> Response:
        owned(guard.require_user(request), client_id)
        clients.set_enabled(client_id, True)
        return pages.redirect(request, f"/applications/{client_id}")

    @router.post("/applications/{client_id}/delete")
    def delete(request: Request, client_id: str, confirm_name: Annotated[str, Form()] = "") -> Response:
        info = owned(guard.require_user(request), client_id)
        if confirm_name != info.name:
            return detail(request, info, 400, "Type the application's name exactly to delete it.")
        clients.delete(client_id)
        return pages.redirect(request, "/applications")

    return router


def owned_application(clients: ClientStore, user: User, client_id: str) -> ClientInfo:
    """The application when this user may see it; otherwise 404, as for one that does not exist."""
    info = clients.get(client_id)
    if info is None or not (user.is_admin or info.owner_id == user.id):
        raise NotFound()
    return info


@dataclass(frozen=True)
class AppRow:
    """An application with the requests that count toward its quotas today and this month (UTC)."""

    app: ClientInfo
    today: int
    this_month: int

    @property
    def left_today(self) -> int | None:
        return None if self.app.daily_quota is None else max(self.app.daily_quota - self.today, 0)

    @property
    def left_this_month(self) -> int | None:
        return None if self.app.monthly_quota is None else max(self.app.monthly_quota - self.this_month, 0)


def _quota(text: str) -> int | None:
    value = int(text.strip() or "0")
    if value < 0:
        raise ValueError(text)
    return value or None
