"""Secrets and tokens never reach the database or the logs; the service's own endpoints behave."""

from __future__ import annotations

import json
import re

import httpx
from sqlalchemy import text

from barcode_cloud_server.settings import normalize_database_url
from barcode_cloud_server.storage.db import Database
from tests.support.servers import LiveServer


def database_dump(server: LiveServer) -> bytes:
    if server.database_url is None:
        dump = b""
        for path in server.data_dir.glob("barcode-cloud.db*"):  # the file and its WAL
            dump += path.read_bytes()
        return dump
    db = Database(normalize_database_url(server.database_url))
    with db.engine.connect() as conn:
        rows = [
            repr(tuple(row)).encode()
            for table in ("clients", "signing_keys", "server_secrets")
            for row in conn.execute(text(f"SELECT * FROM {table}"))  # noqa: S608 - fixed names
        ]
    db.dispose()
    return b"\n".join(rows)


def test_secrets_and_tokens_are_stored_nowhere(backend_server: LiveServer) -> None:
    created = json.loads(backend_server.cli("clients", "create", "leak-check", "--json").stdout)
    secret = created["client_secret"]
    form = {"grant_type": "client_credentials", "client_id": created["client_id"], "client_secret": secret}
    token = httpx.post(backend_server.token_url, data=form, timeout=10).json()["access_token"]
    httpx.get(backend_server.base_url + "/v4.0/whoami", headers={"Authorization": f"Bearer {token}"}, timeout=10)
    # a failing request that carries the secret in the query string, where careless logs would show it
    httpx.post(backend_server.token_url + f"?client_secret={secret}", data={"grant_type": "x"}, timeout=10)
    # and one with the token pasted into the path, which the access log writes out
    assert httpx.get(backend_server.base_url + f"/v4.0/{token}", timeout=10).status_code == 404
    dump, logs = database_dump(backend_server), backend_server.logs()
    assert created["client_id"].encode() in dump  # the dump is real
    assert "/connect/token" in logs  # and so are the logs
    for needle in (secret, token, token.split(".")[2]):
        assert needle.encode() not in dump
        assert needle not in logs


def test_every_response_has_a_request_id_and_health_endpoints_answer(backend_server: LiveServer) -> None:
    for path in ("/healthz", "/readyz", "/metrics", "/openapi.json", "/v4.0/whoami", "/no-such-page"):
        response = httpx.get(backend_server.base_url + path, timeout=10)
        assert len(response.headers["x-request-id"]) >= 8, path
    ready = httpx.get(backend_server.base_url + "/readyz", timeout=10).json()
    assert ready == {"status": "ok", "database": True, "keys": True}
    sent = httpx.get(backend_server.base_url + "/healthz", headers={"X-Request-Id": "trace-123"}, timeout=10)
    assert sent.headers["x-request-id"] == "trace-123"
    for odd in ("caf\xe9".encode("latin-1"), b"\xaa\xb5", b"a" * 65, b"a b", b"a\tb"):
        replaced = httpx.get(backend_server.base_url + "/healthz", headers={"X-Request-Id": odd}, timeout=10)
        assert re.fullmatch(r"[0-9a-f]{16}", replaced.headers["x-request-id"]), odd
    metrics = httpx.get(backend_server.base_url + "/metrics", timeout=10).text
    assert "barcode_cloud_requests_total" in metrics


def test_xml_errors_when_asked(backend_server: LiveServer) -> None:
    response = httpx.get(backend_server.base_url + "/v4.0/whoami", headers={"Accept": "application/xml"}, timeout=10)
    assert response.status_code == 401
    assert response.headers["content-type"].startswith("application/xml")
    assert b"<ApiErrorResponse><RequestId>" in response.content


def test_svg_in_accept_does_not_ask_for_xml_errors(backend_server: LiveServer) -> None:
    for accept, xml in (
        ("image/svg+xml, application/json", False),
        ("image/*, application/json", False),
        ("application/json, application/xml", False),
        ("text/xml", True),
        ("image/png, application/xml;q=0.9", True),
    ):
        response = httpx.get(backend_server.base_url + "/v4.0/whoami", headers={"Accept": accept}, timeout=10)
        assert response.headers["content-type"].startswith("application/xml" if xml else "application/json"), accept


def test_error_timestamps_are_utc_with_z_in_json_and_xml(backend_server: LiveServer) -> None:
    url = backend_server.base_url + "/v4.0/whoami"
    as_json = httpx.get(url, timeout=10).json()["error"]["dateTime"]
    as_xml = httpx.get(url, headers={"Accept": "application/xml"}, timeout=10).text
    assert as_json.endswith("Z")
    assert re.search(r"<DateTime>\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ</DateTime>", as_xml)
