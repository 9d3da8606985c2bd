"""Rendering: the Jinja2 templates with what every page needs (the user, the CSRF token, the dashboard's
headers)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.templating import Jinja2Templates

from barcode_cloud_server.dashboard.guard import Guard

HERE = Path(__file__).parent
STATIC_URL = "/static/dashboard"


class Pages:
    def __init__(self, guard: Guard, origin: str) -> None:
        self.guard = guard
        self.origin = origin  # this server's public origin, for the snippets pasted elsewhere
        self.templates = Jinja2Templates(directory=HERE / "templates")

    def render(self, request: Request, template: str, status: int = 200, **context: Any) -> Response:
        context.update(
            user=self.guard.user(request),
            csrf_token=self.guard.csrf_token(request),
            static=STATIC_URL,
            origin=self.origin,
            path=request.url.path,
        )
        response = self.templates.TemplateResponse(request, template, context, status_code=status)
        return self.guard.finish(request, response)

    def redirect(self, request: Request, target: str) -> Response:
        # 303: the browser follows a POST's answer with a GET.
        return self.guard.finish(request, RedirectResponse(target, status_code=303))
