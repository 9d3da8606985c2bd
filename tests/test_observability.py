"""The JSON log lines: their timestamp, their fields, and what they never contain."""

from __future__ import annotations

import json
import logging
import sys
from datetime import UTC, datetime

import pytest

from barcode_cloud_server.observability import JsonFormatter, _timestamp, redact

JWT = "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJhYmMifQ.c2lnbmF0dXJlc2lnbmF0dXJl"


@pytest.mark.parametrize("created", [0.0, 1764400000.0, 1764400000.0005, 1764400000.9996, 1764400001.25])
def test_timestamps_are_what_isoformat_writes(created: float) -> None:
    assert _timestamp(created) == datetime.fromtimestamp(created, UTC).isoformat(timespec="milliseconds")


def test_secrets_are_redacted_from_messages_and_extra_fields() -> None:
    assert redact(f"Bearer {JWT}") == "Bearer [redacted-jwt]"
    assert redact("grant_type=client_credentials&CLIENT_SECRET=s3cr3t&x=1") == (
        "grant_type=client_credentials&CLIENT_SECRET=[redacted]&x=1"
    )
    assert redact("/v4.0/barcode/generate/QR") == "/v4.0/barcode/generate/QR"
    record = logging.LogRecord("barcode_cloud.access", logging.INFO, "", 0, "token %s", (JWT,), None)
    record.path = f"/v4.0/{JWT}"
    record.status = 200
    line = json.loads(JsonFormatter().format(record))
    assert JWT not in json.dumps(line)
    assert line["message"] == "token [redacted-jwt]" and line["path"] == "/v4.0/[redacted-jwt]"
    assert line["status"] == 200 and line["level"] == "info" and line["logger"] == "barcode_cloud.access"


def test_exceptions_are_logged_with_their_traceback_redacted() -> None:
    try:
        raise ValueError(f"bad token {JWT}")
    except ValueError:
        record = logging.LogRecord("x", logging.ERROR, "", 0, "failed", (), sys.exc_info())
    line = json.loads(JsonFormatter().format(record))
    assert "ValueError" in line["exception"] and JWT not in line["exception"]
