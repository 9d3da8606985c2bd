"""Failed client authentications lock that client id (and, much later, that address), never others."""

from __future__ import annotations

import time
from collections.abc import Callable

import httpx
import pytest
import redis

from barcode_cloud_server.identity import ratelimit
from barcode_cloud_server.identity.ratelimit import MemoryLocks, RedisLocks, lock_seconds
from tests.conftest import LiveServer, running_server

REDIS_URL = "redis://127.0.0.1:6379/15"


def attempt(server: LiveServer, client_id: str, secret: str) -> httpx.Response:
    form = {"grant_type": "client_credentials", "client_id": client_id, "client_secret": secret}
    return httpx.post(server.token_url, data=form, timeout=10)


def test_ten_failures_lock_the_client_id_but_not_other_clients(start_server: Callable[..., LiveServer]) -> None:
    server = start_server()
    victim, neighbour = server.create_client("victim"), server.create_client("neighbour")
    for _ in range(ratelimit.PER_CLIENT_FAILURES):
        assert attempt(server, victim.client_id, "guess").status_code == 401
    locked = attempt(server, victim.client_id, victim.client_secret)  # even the right secret
    assert locked.status_code == 429
    assert locked.json()["error"]
    assert 1 <= int(locked.headers["retry-after"]) <= ratelimit.FIRST_LOCK_SECONDS
    assert attempt(server, neighbour.client_id, neighbour.client_secret).status_code == 200


def test_the_address_limit_stops_spraying_over_many_client_ids(start_server: Callable[..., LiveServer]) -> None:
    server = start_server()
    statuses = [attempt(server, f"sprayed-{i}", "guess").status_code for i in range(ratelimit.PER_ADDRESS_FAILURES)]
    assert set(statuses) == {401}
    fresh = server.create_client("behind-the-same-address")
    response = attempt(server, fresh.client_id, fresh.client_secret)
    assert response.status_code == 429
    assert int(response.headers["retry-after"]) >= 1


@pytest.mark.parametrize("store", ["memory", "redis"])
def test_locks_double_up_to_fifteen_minutes(store: str) -> None:
    if store == "redis":
        redis.Redis.from_url(REDIS_URL).flushdb()
        locks: MemoryLocks | RedisLocks = RedisLocks(REDIS_URL)
    else:
        locks = MemoryLocks()
    seconds = [locks.lock("client:x") for _ in range(6)]
    assert seconds == [60, 120, 240, 480, 900, 900]
    assert 890 < locks.remaining("client:x") <= 900
    assert locks.remaining("client:y") == 0
    locks.clear("client:x")
    assert locks.remaining("client:x") == 0
    assert locks.lock("client:x") == 60
    assert [lock_seconds(n) for n in (1, 2, 5, 10)] == [60, 120, 900, 900]


def test_with_redis_a_lock_holds_across_server_processes(start_server: Callable[..., LiveServer]) -> None:
    redis.Redis.from_url(REDIS_URL).flushdb()
    # Processes behind one load balancer share the database, Redis and the public issuer name.
    shared = ("--redis-url", REDIS_URL, "--issuer", "http://barcode.test")
    first = start_server(*shared, backend="postgres")
    with running_server(first.data_dir / "second", database_url=first.database_url, args=shared) as second:
        creds = first.create_client("shared")
        for i in range(ratelimit.PER_CLIENT_FAILURES):
            server = first if i % 2 else second
            assert attempt(server, creds.client_id, "guess").status_code == 401
        assert attempt(first, creds.client_id, creds.client_secret).status_code == 429
        assert attempt(second, creds.client_id, creds.client_secret).status_code == 429
        # and a token from one process works on the other
        other = first.create_client("other")
        token = first.token(other)
        deadline = time.monotonic() + 5
        while True:
            response = httpx.get(
                second.base_url + "/v4.0/whoami", headers={"Authorization": f"Bearer {token}"}, timeout=10
            )
            if response.status_code == 200 or time.monotonic() > deadline:
                break
            time.sleep(0.2)
        assert response.status_code == 200
