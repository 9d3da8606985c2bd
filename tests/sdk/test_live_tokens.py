"""Token management against the real server (tests/conftest.py starts it): the protected ``/v4.0/whoami``
probe needs nothing but a valid token, so these run whatever the barcode routes do."""

from __future__ import annotations

import asyncio
import dataclasses
import json
import logging
import time

import pytest

from barcode_cloud import ApiException, GenerateApi, fetch_token
from barcode_cloud._client import ApiClient
from barcode_cloud._operation import Operation
from tests.support.mock_server import run_threads
from tests.support.sdk_live import (
    AsyncCountingTransport,
    CountingTransport,
    async_jwt_client,
    external_client,
    issued_tokens,
    jwt_client,
)
from tests.support.servers import LiveServer

WHOAMI = Operation("GET", "/whoami")


def whoami(client: ApiClient) -> dict[str, object]:
    return dict(json.loads(client.execute(WHOAMI).content))


def test_32_threads_one_token_request_at_the_server(live_server: LiveServer) -> None:
    creds = live_server.create_client("threads")
    transports = [CountingTransport() for _ in range(32)]
    clients = [jwt_client(live_server, creds, t) for t in transports]
    before = issued_tokens(live_server)

    results = run_threads(32, lambda i: whoami(clients[i]))

    assert all(isinstance(r, dict) and r["client_id"] == creds.client_id for r in results), results
    assert sum(t.token_requests for t in transports) == 1
    assert issued_tokens(live_server) - before == 1
    for c in clients:
        c.close()


async def test_100_tasks_one_token_request_at_the_server(live_server: LiveServer) -> None:
    creds = live_server.create_client("tasks")
    transport = AsyncCountingTransport()
    before = issued_tokens(live_server)
    async with async_jwt_client(live_server, creds, transport) as client:
        responses = await asyncio.gather(*(client.execute(WHOAMI) for _ in range(100)))
    assert all(r.status_code == 200 for r in responses)
    assert transport.token_requests == 1
    assert issued_tokens(live_server) - before == 1


def test_token_lifetime_2_for_8_seconds_has_no_401(start_server: object) -> None:
    server: LiveServer = start_server("--token-lifetime", "2")  # type: ignore[operator]
    creds = server.create_client("short")
    transport = CountingTransport()
    with jwt_client(server, creds, transport) as client:
        api = GenerateApi(client)
        deadline = time.monotonic() + 8
        while time.monotonic() < deadline:
            assert api.generate("QR", "lifetime").startswith(b"\x89PNG")
            time.sleep(0.02)
    assert transport.api_401 == 0, "a token was used after its expiry"
    assert len(transport.api_statuses) > 50
    # refreshed every 1.25 to 1.5 s: 6 or 7 fetches in 8 s, a handful, not one per call
    assert 5 <= transport.token_requests <= 8, transport.token_requests


def test_a_rejected_token_is_replaced_once(live_server: LiveServer) -> None:
    creds = live_server.create_client("tampered")
    transport = CountingTransport()
    with jwt_client(live_server, creds, transport) as client:
        whoami(client)
        transport.tamper_next = 1  # the server sees a tampered token once: a real 401
        assert whoami(client)["client_id"] == creds.client_id
    assert transport.api_statuses == [200, 401, 200]
    assert transport.token_requests == 2


def test_a_persistent_401_raises_after_one_refetch(live_server: LiveServer) -> None:
    creds = live_server.create_client("always-tampered")
    transport = CountingTransport()
    transport.tamper_next = 100
    with jwt_client(live_server, creds, transport) as client, pytest.raises(ApiException) as caught:
        whoami(client)
    assert caught.value.status == 401
    assert transport.api_statuses == [401, 401]
    assert transport.token_requests == 2


def test_external_mode_under_401_fetches_nothing(live_server: LiveServer) -> None:
    creds = live_server.create_client("external")
    token = live_server.token(creds)
    transport = CountingTransport()
    with external_client(live_server, token, transport) as client:
        assert whoami(client)["client_id"] == creds.client_id
        transport.tamper_next = 1
        with pytest.raises(ApiException) as caught:
            whoami(client)
    assert caught.value.status == 401
    assert transport.token_requests == 0
    assert transport.api_statuses == [200, 401]


def test_wrong_secret_is_invalid_client(live_server: LiveServer) -> None:
    good = live_server.create_client("wrong")
    creds = dataclasses.replace(good, client_secret=good.client_secret + "x")
    transport = CountingTransport()
    with jwt_client(live_server, creds, transport) as client, pytest.raises(ApiException) as caught:
        whoami(client)
    assert caught.value.status == 401
    assert caught.value.error == "invalid_client"
    assert transport.token_requests == 1
    assert transport.api_statuses == []


def test_fetch_token_and_access_token_property(live_server: LiveServer) -> None:
    creds = live_server.create_client("manual")
    token = fetch_token(creds.client_id, creds.client_secret, live_server.token_url)
    assert token.count(".") == 2
    with external_client(live_server, token) as client:
        assert whoami(client)["client_id"] == creds.client_id
    with jwt_client(live_server, creds) as client:
        assert client.configuration.access_token == client.configuration.access_token  # cached: same token
        assert client.configuration.access_token.count(".") == 2


def test_debug_logs_hold_no_secret_or_token(live_server: LiveServer, caplog: pytest.LogCaptureFixture) -> None:
    creds = live_server.create_client("logs")
    caplog.set_level(logging.DEBUG)
    transport = CountingTransport()
    with jwt_client(live_server, creds, transport) as client:
        whoami(client)
        transport.tamper_next = 1
        whoami(client)
        token = client.configuration.access_token
    text = "\n".join(f"{r.name} {r.getMessage()}" for r in caplog.records)
    assert "token fetched" in text
    assert creds.client_secret not in text
    assert token not in text and token.split(".")[2] not in text
