"""Structured logs, request ids and Prometheus metrics.

Logs are JSON lines, or readable lines when stderr is a terminal: the same fields either way. Nothing here logs
query strings, headers or bodies, so tokens and secrets cannot reach the log; both formatters also redact what
looks like a token or secret in any message or field, a second line of defence for messages from libraries.
"""

from __future__ import annotations

import json
import logging
import os
import re
import secrets
import sys
import time
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

from prometheus_client import REGISTRY, CollectorRegistry, Counter, Histogram
from prometheus_client.multiprocess import MultiProcessCollector
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from barcode_cloud_server.security_headers import headers_for

REQUESTS = Counter("barcode_cloud_requests_total", "HTTP requests", ["method", "route", "status"])
LATENCY = Histogram("barcode_cloud_request_seconds", "HTTP request latency", ["route"])
TOKEN_GRANTS = Counter("barcode_cloud_token_requests_total", "Token endpoint outcomes", ["outcome"])

MULTIPROCESS_DIR_ENV = "PROMETHEUS_MULTIPROC_DIR"


def metrics_registry() -> CollectorRegistry:
    """This process's metrics, or, with several workers, every worker's summed (prometheus_client's
    multiprocess mode: ``barcode-cloud serve --workers N`` sets PROMETHEUS_MULTIPROC_DIR for its workers)."""
    if os.environ.get(MULTIPROCESS_DIR_ENV):
        registry = CollectorRegistry()
        MultiProcessCollector(registry)  # type: ignore[no-untyped-call]
        return registry
    return REGISTRY


_SECRETISH = re.compile(
    r"(eyJ[\w-]{8,}\.[\w-]{8,}\.[\w-]{8,})|((?:client_secret|access_token|password)=)[^&\s\"']+",
    re.IGNORECASE,
)
_STANDARD = {*vars(logging.LogRecord("", 0, "", 0, "", None, None)), "color_message", "message"}


def redact(text: str) -> str:
    if "=" not in text and "eyj" not in text.lower():  # what every match needs; most log text has neither
        return text
    return _SECRETISH.sub(lambda m: "[redacted-jwt]" if m.group(1) else m.group(2) + "[redacted]", text)


def _timestamp(created: float) -> str:
    """ISO 8601 UTC with milliseconds, as ``datetime.isoformat`` writes it, the seconds part cached (a line per
    request: this is on every request's path at the default log level)."""
    global _second
    whole = int(created)
    cached, text = _second  # one tuple, swapped whole: threads logging at once never see half an update
    if whole != cached:
        text = datetime.fromtimestamp(whole, UTC).strftime("%Y-%m-%dT%H:%M:%S")
        _second = (whole, text)
    return f"{text}.{int((created - whole) * 1000):03d}+00:00"


_second: tuple[int, str] = (-1, "")


def log_fields(record: logging.LogRecord, formatter: logging.Formatter) -> dict[str, Any]:
    """What a log line says, redacted: time, level, logger, message, the record's extra fields, the exception."""
    entry: dict[str, Any] = {
        "time": _timestamp(record.created),
        "level": record.levelname.lower(),
        "logger": record.name,
        "message": redact(record.getMessage()),
    }
    for key, value in vars(record).items():
        if key not in _STANDARD and not key.startswith("_"):
            # Extra fields are redacted too: the access log's path is the client's to choose, and a token
            # pasted into a URL would otherwise be written out whole.
            entry[key] = redact(value) if isinstance(value, str) else value
    if record.exc_info:
        entry["exception"] = redact(formatter.formatException(record.exc_info))
    return entry


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        return _ENCODER.encode(log_fields(record, self))


class TextFormatter(logging.Formatter):
    """``time level logger: message key=value ...`` for a person at a terminal; the exception follows on its own
    lines. Values with spaces, quotes or ``=`` are written as JSON strings so that each field stays one word."""

    def format(self, record: logging.LogRecord) -> str:
        fields = log_fields(record, self)
        line = f"{fields.pop('time')} {fields.pop('level').upper():<7} {fields.pop('logger')}: {fields.pop('message')}"
        exception = fields.pop("exception", None)
        extras = " ".join(f"{key}={_word(value)}" for key, value in fields.items())
        line = f"{line} {extras}" if extras else line
        return f"{line}\n{exception}" if exception else line


_PLAIN = re.compile(r"[^\s\"'=]+")


def _word(value: object) -> str:
    if isinstance(value, str) and _PLAIN.fullmatch(value):
        return value
    return _ENCODER.encode(value)


_ENCODER = json.JSONEncoder(default=str)


# The loggers that ``--log-level debug`` opens; other libraries' loggers stay at info unless named (their debug
# output can be enormous: Pillow writes a line per TIFF tag and chunk).
OWN_LOGGERS = ("barcode_cloud", "barcode_cloud_server")
_opened: list[str] = []


def pick_format(log_format: str, stream: object) -> str:
    """``auto`` is text when ``stream`` is a terminal, JSON otherwise."""
    if log_format != "auto":
        return log_format
    isatty = getattr(stream, "isatty", None)
    return "text" if isatty is not None and isatty() else "json"


def configure_logging(
    level: str = "info", access: bool = True, log_format: str = "auto", debug_loggers: Sequence[str] = ()
) -> None:
    """Log lines on stderr at ``level`` (third-party loggers no lower than info, except those in ``debug_loggers``
    with their children, which log at debug), as JSON or text (``pick_format``). ``access=False`` drops the access
    log (one info line per request, the costliest part of a small request after its own work: behind a load
    balancer that logs requests, it can go)."""
    # The lines carry no caller, thread or process fields: don't collect them for every record (the stack walk for
    # the caller alone costs more than formatting the line).
    logging._srcfile = None
    logging.logThreads = False
    logging.logProcesses = False
    logging.logMultiprocessing = False
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(TextFormatter() if pick_format(log_format, sys.stderr) == "text" else JsonFormatter())
    root = logging.getLogger()
    root.handlers[:] = [handler]
    wanted = logging.getLevelNamesMapping()[level.upper()]
    root.setLevel(max(wanted, logging.INFO))
    for name in _opened:  # a second call (tests) starts from the defaults
        logging.getLogger(name).setLevel(logging.NOTSET)
    _opened[:] = [*OWN_LOGGERS, *debug_loggers]
    for name in OWN_LOGGERS:
        logging.getLogger(name).setLevel(wanted)
    for name in debug_loggers:
        logging.getLogger(name).setLevel(logging.DEBUG)
    # Uvicorn's own access log prints query strings; ours below prints the path only.
    logging.getLogger("uvicorn.access").disabled = True
    access_log.disabled = not access
    for name in ("uvicorn", "uvicorn.error"):
        logging.getLogger(name).handlers[:] = []
        logging.getLogger(name).propagate = True


access_log = logging.getLogger("barcode_cloud.access")
# A caller's X-Request-Id is kept when it is this plain; it goes back out in a header and into bodies and logs.
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


class RequestContextMiddleware:
    """Gives every request an id (kept from a sane ``X-Request-Id``), logs it, and counts it; every response
    also gets the security headers (``security_headers``)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

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
                message.setdefault("headers", [])
                message["headers"] = [*message["headers"], (b"x-request-id", request_id.encode("latin-1")), *security]
            await send(message)

        try:
            await self.app(scope, receive, send_with_id)
        finally:
            elapsed = time.perf_counter() - started
            route = getattr(scope.get("route"), "path", "unmatched")
            _count(scope["method"], route, status, elapsed)
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
