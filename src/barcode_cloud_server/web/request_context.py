"""Every request's context: an id (kept from a sane ``X-Request-Id``), its count and latency in the metrics, one
access-log line, and the security headers on its response."""

from __future__ import annotations

import logging
import re
import secrets
import time
from collections.abc import Callable
from typing import Any

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from barcode_cloud_server.observability import LATENCY, REQUESTS, access_log
from barcode_cloud_server.web.security_headers import headers_for, with_own_policy

# ASCII only: a str pattern's \w also matches letters such as the latin-1 'ª' and 'µ' of a raw header.
_SANE_REQUEST_ID = re.compile(r"[A-Za-z0-9._-]{1,64}")
_METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})
_children: dict[tuple[str, str, int], tuple[Any, Any]] = {}


def _count(method: str, route: str, status: int, elapsed: float) -> None:
    # labels() hashes and locks on every call; the children are cached per (method, route, status).
    if method not in _METHODS:
        method = "OTHER"  # clients choose methods: keep the label set bounded
    key = (method, route, status)
    children = _children.get(key)
    if children is None:
        children = _children[key] = (REQUESTS.labels(method, route, str(status)), LATENCY.labels(route))
    children[0].inc()
    children[1].observe(elapsed)


# Told of every answered request of a known client: its id, route template, status, request id, seconds taken and
# state (usage counting, quotas and the recent-calls log).
Recorder = Callable[[str, str, int, str, float, dict[str, Any]], None]


class RequestContextMiddleware:
    """Gives every request an id (kept from a sane ``X-Request-Id``), logs it, and counts it; every response
    also gets the security headers (``security_headers``)."""

    def __init__(self, app: ASGIApp, record: Recorder | None = None) -> None:
        self.app = app
        self.record = record

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        incoming = dict(scope["headers"]).get(b"x-request-id", b"").decode("latin-1")
        request_id = incoming if _SANE_REQUEST_ID.fullmatch(incoming) else secrets.token_hex(8)
        scope.setdefault("state", {})["request_id"] = request_id
        security = headers_for(scope["path"])
        started = time.perf_counter()
        status = 500

        async def send_with_id(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                headers = message.setdefault("headers", [])
                own = with_own_policy(headers, security)
                message["headers"] = [*headers, (b"x-request-id", request_id.encode("latin-1")), *own]
            await send(message)

        try:
            await self.app(scope, receive, send_with_id)
        finally:
            elapsed = time.perf_counter() - started
            route = getattr(scope.get("route"), "path", "unmatched")
            _count(scope["method"], route, status, elapsed)
            client_id = scope["state"].get("client_id")
            if client_id is not None and self.record is not None:
                self.record(client_id, route, status, request_id, elapsed, scope["state"])
            if route not in ("/healthz", "/metrics") and access_log.isEnabledFor(logging.INFO):
                access_log.info(
                    "request",
                    extra={
                        "request_id": request_id,
                        "method": scope["method"],
                        "path": scope["path"],
                        "status": status,
                        "ms": round(elapsed * 1000, 2),
                        "client_id": scope["state"].get("client_id"),
                    },
                )
