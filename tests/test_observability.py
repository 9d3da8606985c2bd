"""The log lines, JSON or text: their timestamp, their fields, their levels, and what they never contain."""

from __future__ import annotations

import copy
import io
import json
import logging
import sys
from collections.abc import Iterator
from datetime import UTC, datetime

import pytest
from PIL import Image

from barcode_cloud_server.observability import (
    OWN_LOGGERS,
    JsonFormatter,
    TextFormatter,
    _timestamp,
    configure_logging,
    pick_format,
    redact,
)

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


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


@pytest.fixture
def stderr(monkeypatch: pytest.MonkeyPatch) -> Iterator[io.StringIO]:
    """A stderr for configure_logging to write to; the logging set-up is put back afterwards. (Set in the test's
    own phase: pytest's capture sets sys.stderr again when the test body starts.)"""
    root = logging.getLogger()
    handlers, level = root.handlers[:], root.level
    stream = io.StringIO()
    yield stream
    root.handlers[:], root.level = handlers, level
    for name in (*OWN_LOGGERS, "PIL"):
        logging.getLogger(name).setLevel(logging.NOTSET)


def access_record() -> logging.LogRecord:
    record = logging.LogRecord("barcode_cloud.access", logging.INFO, "", 0, "request %s", (JWT,), None)
    record.__dict__.update(request_id="ab12", method="GET", path=f"/v4.0/a b/{JWT}", status=200, ms=1.5)
    record.client_id = None
    return record


def test_text_lines_have_the_json_lines_fields_redacted_the_same() -> None:
    record = access_record()  # one record: two would carry different times
    fields = json.loads(JsonFormatter().format(copy.copy(record)))
    text = TextFormatter().format(copy.copy(record))
    assert JWT not in text
    head = f"{fields.pop('time')} INFO    barcode_cloud.access: request [redacted-jwt] "
    assert text.startswith(head)
    fields.pop("level"), fields.pop("logger"), fields.pop("message")
    assert text[len(head) :].split(" ", 1)[0] == "request_id=ab12"
    for key, value in fields.items():
        assert f"{key}={json.dumps(value) if not isinstance(value, str) or ' ' in value else value}" in text
    assert 'path="/v4.0/a b/[redacted-jwt]"' in text and "client_id=null" in text


def test_text_lines_carry_the_exception_redacted() -> None:
    try:
        raise ValueError(f"bad token {JWT}")
    except ValueError:
        record = logging.LogRecord("x", logging.ERROR, "", 0, "failed", (), sys.exc_info())
    first, *rest = TextFormatter().format(record).splitlines()
    assert first.endswith("ERROR   x: failed")
    assert rest[0] == "Traceback (most recent call last):" and "ValueError: bad token [redacted-jwt]" in rest


def test_auto_is_text_on_a_terminal_and_json_otherwise(stderr: io.StringIO, monkeypatch: pytest.MonkeyPatch) -> None:
    assert pick_format("auto", Terminal()) == "text" and pick_format("auto", io.StringIO()) == "json"
    assert pick_format("json", Terminal()) == "json" and pick_format("text", io.StringIO()) == "text"
    monkeypatch.setattr(sys, "stderr", stderr)
    configure_logging("info")
    logging.getLogger("barcode_cloud.api").info("piped")
    assert json.loads(stderr.getvalue())["message"] == "piped"
    terminal = Terminal()
    monkeypatch.setattr(sys, "stderr", terminal)
    configure_logging("info")
    logging.getLogger("barcode_cloud.api").info("at a terminal")
    assert terminal.getvalue().rstrip().endswith("INFO    barcode_cloud.api: at a terminal")
    configure_logging("info", log_format="json")
    logging.getLogger("barcode_cloud.api").info("asked for json")
    assert json.loads(terminal.getvalue().splitlines()[-1])["message"] == "asked for json"


def open_a_tiff() -> None:
    buffer = io.BytesIO()
    Image.new("L", (8, 8)).save(buffer, "TIFF")
    Image.open(io.BytesIO(buffer.getvalue())).load()


def loggers_at_debug(stderr: io.StringIO) -> set[str]:
    lines = [json.loads(line) for line in stderr.getvalue().splitlines()]
    return {line["logger"].split(".")[0] for line in lines if line["level"] == "debug"}


def test_debug_level_is_ours_and_third_party_debug_only_by_name(
    stderr: io.StringIO, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(sys, "stderr", stderr)
    configure_logging("debug", log_format="json")
    logging.getLogger("barcode_cloud_server.engine").debug("ours")
    open_a_tiff()
    assert loggers_at_debug(stderr) == {"barcode_cloud_server"}
    configure_logging("debug", log_format="json", debug_loggers=["PIL"])
    open_a_tiff()
    assert loggers_at_debug(stderr) == {"barcode_cloud_server", "PIL"}
    before = stderr.getvalue()
    configure_logging("info", log_format="json")  # the loggers opened above close again
    logging.getLogger("barcode_cloud_server.engine").debug("not at info")
    open_a_tiff()
    assert stderr.getvalue() == before
    configure_logging("warning", log_format="json", debug_loggers=["PIL"])  # named: debug whatever the level
    open_a_tiff()
    new = [json.loads(line) for line in stderr.getvalue()[len(before) :].splitlines()]
    assert new and {(line["logger"].split(".")[0], line["level"]) for line in new} == {("PIL", "debug")}
