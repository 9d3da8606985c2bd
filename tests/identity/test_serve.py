"""`barcode-cloud serve` options: several workers, debug logging without leaks, environment variables."""

from __future__ import annotations

import json
import os
import signal
import time
from collections.abc import Callable
from pathlib import Path

import httpx

from tests.support.servers import POSTGRES_ADMIN_URL, LiveServer, postgres_database, running_server


def test_two_workers_share_keys_and_clients(start_server: Callable[..., LiveServer]) -> None:
    server = start_server("--workers", "2")
    creds = server.create_client("workers")
    tokens = {server.token(creds) for _ in range(12)}
    assert len(tokens) == 12
    kids = {k["kid"] for k in httpx.get(server.base_url + "/.well-known/jwks.json", timeout=10).json()["keys"]}
    assert len(kids) == 1  # one key, made once by the parent, used by both workers
    headers = {"Authorization": f"Bearer {next(iter(tokens))}"}
    statuses = {httpx.get(server.base_url + "/v4.0/whoami", headers=headers, timeout=10).status_code for _ in range(12)}
    assert statuses == {200}
    # /metrics sums both workers, whichever of them answers
    for _ in range(3):
        metrics = httpx.get(server.base_url + "/metrics", timeout=10).text
        counted = sum(
            float(line.rsplit(" ", 1)[1])
            for line in metrics.splitlines()
            if line.startswith("barcode_cloud_requests_total{") and 'route="/v4.0/whoami"' in line
        )
        assert counted == 12
    # A key rotation: each worker reloads keys on its own, so a worker that signed with the new key while the
    # other had not loaded it yet made its tokens fail there. Tokens from either worker work on both throughout.
    server.cli("keys", "rotate")
    failures, deadline = [], time.monotonic() + 2.5
    while time.monotonic() < deadline:
        response = httpx.get(
            server.base_url + "/v4.0/whoami", headers={"Authorization": f"Bearer {server.token(creds)}"}, timeout=10
        )
        if response.status_code != 200:
            failures.append(response.json()["error"]["message"])
    assert failures == []


def test_debug_logs_hold_no_secret_or_token(start_server: Callable[..., LiveServer]) -> None:
    # Third-party loggers log at debug only when named: name the ones that see requests and the database.
    server = start_server("--log-level", "debug", "--debug-loggers", "uvicorn,python_multipart,alembic")
    creds = server.create_client("debug")
    token = server.token(creds)
    httpx.get(server.base_url + "/v4.0/whoami", headers={"Authorization": f"Bearer {token}"}, timeout=10)
    httpx.get(server.base_url + "/v4.0/whoami", headers={"Authorization": f"Bearer {token}x"}, timeout=10)
    logs = server.logs()
    assert '"level": "debug"' in logs  # the level took effect (or the checks below would prove little)
    assert creds.client_secret not in logs
    assert token.split(".")[2] not in logs


def access_lines(server: LiveServer, request_id: str = "") -> list[dict[str, object]]:
    lines = [json.loads(line) for line in server.logs_once(request_id).splitlines() if line.startswith("{")]
    return [line for line in lines if line.get("logger") == "barcode_cloud.access"]


def test_the_access_log_has_a_line_per_request_unless_switched_off(start_server: Callable[..., LiveServer]) -> None:
    for server, logged in (
        (start_server(), True),
        (start_server("--no-access-log"), False),
    ):
        headers = {"Authorization": f"Bearer {server.token()}"}
        response = httpx.get(server.api_url + "/barcode/generate/QR", params={"data": "x"}, headers=headers)
        assert response.status_code == 200
        request_id = response.headers["x-request-id"]
        if logged:
            mine = [line for line in access_lines(server, request_id) if line["request_id"] == request_id]
            assert len(mine) == 1
            assert mine[0]["path"] == "/v4.0/barcode/generate/QR" and mine[0]["status"] == 200
        else:
            assert access_lines(server) == []
            assert '"level": "info"' in server.logs()  # the rest of the info log is still there


def test_text_logs_when_asked_for(start_server: Callable[..., LiveServer]) -> None:
    server = start_server("--log-format", "text", "--log-level", "debug")
    response = httpx.get(server.base_url + "/v4.0/whoami", headers={"Authorization": f"Bearer {server.token()}"})
    request_id = response.headers["x-request-id"]
    logs = server.logs_once(f"request_id={request_id}")
    assert not [line for line in logs.splitlines() if line.startswith("{")]
    access = f"INFO    barcode_cloud.access: request request_id={request_id} method=GET path=/v4.0/whoami"
    assert f"{access} status=200 ms=" in logs
    assert " DEBUG " not in logs  # alembic's and uvicorn's debug lines stay out unless named


def test_settings_come_from_environment_variables(tmp_path: Path) -> None:
    data_dir = tmp_path
    env = {"BARCODE_CLOUD_TOKEN_LIFETIME": "77", "BARCODE_CLOUD_ISSUER": "https://barcodes.example.org"}
    with running_server(data_dir, env=env) as server:
        creds = server.create_client("env")
        form = {"grant_type": "client_credentials", "client_id": creds.client_id, "client_secret": creds.client_secret}
        assert httpx.post(server.token_url, data=form, timeout=10).json()["expires_in"] == 77
        discovery = httpx.get(server.base_url + "/.well-known/openid-configuration", timeout=10).json()
        assert discovery["issuer"] == "https://barcodes.example.org"


def test_sigterm_shuts_down_cleanly(tmp_path: Path) -> None:
    with running_server(tmp_path) as server:
        os.kill(server.process.pid, signal.SIGTERM)
        # uvicorn finishes the shutdown, then re-raises the signal it caught: -SIGTERM is a clean exit here.
        assert server.process.wait(timeout=20) in (0, -signal.SIGTERM)
        logs = server.logs()
        assert f"clients create my-app --data-dir {tmp_path}" in logs
        assert "Application shutdown complete" in logs
        assert "Traceback" not in logs


def test_readyz_says_unavailable_when_the_database_is_gone(tmp_path: Path) -> None:
    import psycopg

    with postgres_database() as url, running_server(tmp_path, database_url=url) as server:
        assert httpx.get(server.base_url + "/readyz", timeout=10).status_code == 200
        # The start hint names no data folder the server does not use, and no password.
        assert "clients create my-app with this server's --database-url" in server.logs()
        with psycopg.connect(POSTGRES_ADMIN_URL, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE "{url.rsplit("/", 1)[1]}" WITH (FORCE)')
        response = httpx.get(server.base_url + "/readyz", timeout=10)
        assert response.status_code == 503
        assert response.json() == {"status": "unavailable", "database": False, "keys": True}
        assert httpx.get(server.base_url + "/healthz", timeout=10).status_code == 200


def test_the_default_issuer_is_a_valid_url_for_every_host() -> None:
    from barcode_cloud_server.settings import Settings

    assert Settings(host="127.0.0.1", port=8080).resolved_issuer == "http://127.0.0.1:8080"
    assert Settings(host="0.0.0.0", port=81).resolved_issuer == "http://127.0.0.1:81"  # noqa: S104
    assert Settings(host="::1", port=8080).resolved_issuer == "http://[::1]:8080"
    assert Settings(host="::", port=8080).resolved_issuer == "http://127.0.0.1:8080"
    assert Settings(host="::1", issuer="https://id.example/").resolved_issuer == "https://id.example"


def test_bad_settings_are_a_clear_error_not_a_traceback(tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from barcode_cloud_server.cli.main import app

    for args in (("--log-level", "verbose"), ("--token-lifetime", "0"), ("--log-format", "yaml")):
        result = CliRunner().invoke(app, ["serve", "--data-dir", str(tmp_path), *args])
        assert result.exit_code == 2, result.output
        assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
        assert args[0].lstrip("-").replace("-", "_") + ":" in result.output
