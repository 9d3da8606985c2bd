"""Usage and quotas against real servers: the counts the CLI prints, nothing lost on SIGTERM, 429 past a quota."""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from typing import Any

import httpx

from tests.support.servers import FLUSH_WAIT, QUICK_FLUSH, LiveServer
from tests.support.utc_day import clear_of_the_day_end


def generate(server: LiveServer, token: str) -> httpx.Response:
    return httpx.get(
        f"{server.api_url}/barcode/generate/QR", params={"data": "x"}, headers={"Authorization": f"Bearer {token}"}
    )


def usage_json(server: LiveServer, *args: str) -> dict[str, Any]:
    return dict(json.loads(server.cli("usage", *args, "--json").stdout))


def test_usage_counts_every_request_and_grant_and_a_stopped_server_loses_none(
    start_server: Callable[..., LiveServer],
) -> None:
    clear_of_the_day_end()  # its requests are looked for among today's
    server = start_server()
    creds = server.create_client("counted")
    token = server.token(creds)
    statuses = [generate(server, token).status_code for _ in range(7)]
    bad = httpx.get(f"{server.api_url}/barcode/generate/NoSuchType", headers={"Authorization": f"Bearer {token}"})
    refused = httpx.post(
        server.token_url,
        data={"grant_type": "client_credentials", "client_id": creds.client_id, "client_secret": "wrong"},
    )
    assert (statuses, bad.status_code, refused.status_code) == ([200] * 7, 400, 401)
    server.process.terminate()  # SIGTERM at once: the counts are only in the server's memory
    server.process.wait(timeout=20)  # uvicorn shuts down gracefully, then re-raises the signal
    report = usage_json(server, creds.client_id)
    (app,) = report["applications"]
    assert (app["client_id"], app["name"], app["requests"]) == (creds.client_id, "counted", 10)
    assert app["operations"] == {
        "generate": {"requests": 8, "by_status": {"2xx": 7, "4xx": 1}},
        "token": {"requests": 2, "by_status": {"2xx": 1, "4xx": 1}},
    }
    text = server.cli("usage", "--days", "1").stdout
    assert "counted" in text and creds.client_id in text


def test_past_a_daily_quota_the_api_answers_429_until_the_day_ends(start_server: Callable[..., LiveServer]) -> None:
    clear_of_the_day_end()
    server = start_server(*QUICK_FLUSH)
    creds = server.create_client("limited")
    assert "daily: 3, monthly: none" in server.cli("clients", "quota", creds.client_id, "--daily", "3").stdout
    token = server.token(creds)
    time.sleep(FLUSH_WAIT)  # the server reads the new quota after its next flush
    answers = [generate(server, token) for _ in range(5)]
    assert [a.status_code for a in answers] == [200, 200, 200, 429, 429]
    refused = answers[-1]
    assert 0 < int(refused.headers["retry-after"]) <= 86400
    assert "daily request quota of this application (3) is used up" in refused.text
    server.process.terminate()  # its counts flushed as it stops: the refused requests count apart
    server.process.wait(timeout=20)
    (app,) = usage_json(server, creds.client_id)["applications"]
    assert app["operations"]["generate"] == {"requests": 5, "by_status": {"2xx": 3, "429": 2}}


def test_a_cleared_quota_lets_requests_through_again(start_server: Callable[..., LiveServer]) -> None:
    clear_of_the_day_end()
    server = start_server(*QUICK_FLUSH)
    creds = server.create_client("limited")
    server.cli("clients", "quota", creds.client_id, "--daily", "1")
    token = server.token(creds)
    time.sleep(FLUSH_WAIT)
    assert [generate(server, token).status_code for _ in range(2)] == [200, 429]
    other = server.create_client("unlimited")
    assert generate(server, server.token(other)).status_code == 200
    assert "daily: none" in server.cli("clients", "quota", creds.client_id, "--daily", "0").stdout
    time.sleep(FLUSH_WAIT)
    assert generate(server, token).status_code == 200


def test_a_refused_grant_of_a_client_the_server_has_not_seen_yet_is_counted(
    start_server: Callable[..., LiveServer],
) -> None:
    # Made by the CLI after the server read its client list: the refusal comes before the server knows of it.
    server = start_server()
    creds = server.create_client("new")
    form = {"grant_type": "client_credentials", "client_id": creds.client_id, "client_secret": "wrong"}
    assert httpx.post(server.token_url, data=form).status_code == 401
    made_up = httpx.post(server.token_url, data={**form, "client_id": "f" * 32})
    assert made_up.status_code == 401
    server.process.terminate()
    server.process.wait(timeout=20)
    (app,) = usage_json(server)["applications"]  # the made-up id is not counted
    assert (app["client_id"], app["operations"]) == (
        creds.client_id,
        {"token": {"requests": 1, "by_status": {"4xx": 1}}},
    )
