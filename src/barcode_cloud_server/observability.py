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
import sys
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

from prometheus_client import REGISTRY, CollectorRegistry, Counter, Histogram
from prometheus_client.multiprocess import MultiProcessCollector

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
