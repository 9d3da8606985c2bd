"""Failed client authentications lock that client id and secret (and, much later, the id or the address), never
the right secret of a client that has used it, nor other clients."""

from __future__ import annotations

import hashlib
import time
from collections.abc import Callable

import httpx
import pytest
import redis

from barcode_cloud_server.identity import ratelimit
from barcode_cloud_server.identity.ratelimit import FailureLimiter, MemoryLocks, RedisLocks, lock_seconds, source_of
from tests.support.servers import LiveServer, running_server

REDIS_URL = "redis://127.0.0.1:6379/15"


def attempt(server: LiveServer, client_id: str, secret: str, forwarded_for: str | None = None) -> httpx.Response:
    form = {"grant_type": "client_credentials", "client_id": client_id, "client_secret": secret}
    headers = {"X-Forwarded-For": forwarded_for} if forwarded_for else {}
    return httpx.post(server.token_url, data=form, headers=headers, timeout=10)


def test_ten_failures_lock_that_secret_but_not_the_right_one_nor_other_clients(
    start_server: Callable[..., LiveServer],
) -> None:
    server = start_server()
    victim, neighbour = server.create_client("victim"), server.create_client("neighbour")
    for _ in range(ratelimit.PER_SECRET_FAILURES):
        assert attempt(server, victim.client_id, "guess").status_code == 401
    locked = attempt(server, victim.client_id, "guess")
    assert locked.status_code == 429
    assert locked.json()["error"]
    assert 1 <= int(locked.headers["retry-after"]) <= ratelimit.FIRST_LOCK_SECONDS
    # Anyone can send the victim's id (it is every token's sub): its own secret still works...
    assert attempt(server, victim.client_id, victim.client_secret).status_code == 200
    # ...another wrong secret is counted on its own...
    assert attempt(server, victim.client_id, "another guess").status_code == 401
    assert attempt(server, neighbour.client_id, neighbour.client_secret).status_code == 200


def test_the_client_ceiling_caps_guessing_but_never_locks_out_a_secret_that_has_worked() -> None:
    limiter = FailureLimiter()
    limiter.succeeded("victim", "right", "198.51.100.7")
    for i in range(ratelimit.PER_CLIENT_FAILURES):  # a botnet: a new secret from a new address every time
        limiter.failed("victim", f"guess-{i}", f"203.0.{i // 250}.{i % 250}")
    assert limiter.retry_after("victim", "guess-next", "192.0.2.1") == ratelimit.FIRST_LOCK_SECONDS
    assert limiter.retry_after("victim", "just-rotated", "198.51.100.7") is not None  # never used: waits too
    assert limiter.retry_after("victim", "right", "192.0.2.1") is None
    assert limiter.retry_after("neighbour", "guess-next", "192.0.2.1") is None


def test_the_address_limit_stops_spraying_without_locking_out_known_clients(
    start_server: Callable[..., LiveServer],
) -> None:
    # The test talks to the server from loopback, which uvicorn trusts as a proxy (FORWARDED_ALLOW_IPS): the
    # address that counts is the rightmost X-Forwarded-For entry, the one the proxy itself appended.
    office = "198.51.100.1"
    server = start_server()
    regular = server.create_client("regular")
    assert attempt(server, regular.client_id, regular.client_secret, office).status_code == 200
    rotated = server.create_client("regular-before-its-rotation")
    assert attempt(server, rotated.client_id, rotated.client_secret, office).status_code == 200
    statuses = [
        # the sprayer varies what it writes into the header itself: the proxy's entry is the one counted
        attempt(server, f"sprayed-{i}", "guess", f"203.0.113.{i}, {office}").status_code
        for i in range(ratelimit.PER_ADDRESS_FAILURES)
    ]
    assert set(statuses) == {401}
    fresh = server.create_client("behind-the-same-address")
    response = attempt(server, fresh.client_id, fresh.client_secret, office)
    assert response.status_code == 429
    assert int(response.headers["retry-after"]) >= 1
    # A client that has authenticated from this address before is not locked out with the sprayer, nor is a
    # secret known good anywhere...
    assert attempt(server, regular.client_id, regular.client_secret, office).status_code == 200
    assert attempt(server, regular.client_id, regular.client_secret, "198.51.100.3").status_code == 200
    # ...nor a new secret of a client that has authenticated here (vouched by client id)...
    new = server.clients.rotate_secret(rotated.client_id, 0)
    assert new is not None
    assert attempt(server, rotated.client_id, new.client_secret, office).status_code == 200
    # ...nor is anyone at another address.
    assert attempt(server, fresh.client_id, fresh.client_secret, "198.51.100.2").status_code == 200


def test_a_known_client_still_has_its_own_limits_at_a_locked_address() -> None:
    limiter = FailureLimiter()
    limiter.succeeded("regular", "right", "192.0.2.1")
    for i in range(ratelimit.PER_ADDRESS_FAILURES):
        limiter.failed(f"sprayed-{i}", "guess", "192.0.2.1")
    assert limiter.retry_after("fresh", "right", "192.0.2.1") is not None
    assert limiter.retry_after("regular", "right", "192.0.2.1") is None
    assert limiter.retry_after("regular", "other", "192.0.2.1") is None  # vouched by client id at this address
    assert limiter.retry_after("regular", "right", "192.0.2.2") is None
    for _ in range(ratelimit.PER_SECRET_FAILURES):
        limiter.failed("regular", "stale", "192.0.2.1")
    assert limiter.retry_after("regular", "stale", "192.0.2.1") == ratelimit.FIRST_LOCK_SECONDS
    assert limiter.retry_after("regular", "right", "192.0.2.1") is None


def test_the_secret_is_keyed_and_never_part_of_a_key() -> None:
    seen: list[str] = []

    class Recording(MemoryLocks):
        def remaining(self, key: str) -> float:
            seen.append(key)
            return super().remaining(key)

        def lock(self, key: str) -> float:
            seen.append(key)
            return super().lock(key)

        def vouch(self, key: str, seconds: int) -> None:
            seen.append(key)
            super().vouch(key, seconds)

        def vouched(self, key: str) -> bool:
            seen.append(key)
            return super().vouched(key)

    secret = "s3cret-value"
    first, second = FailureLimiter(locks=Recording(), secret_key=b"k1"), FailureLimiter(locks=Recording())
    for limiter in (first, second):
        limiter.succeeded("app", secret, "192.0.2.1")
        for _ in range(ratelimit.PER_SECRET_FAILURES):
            limiter.failed("app", secret, "192.0.2.1")
        limiter.retry_after("app", secret, "192.0.2.1")
    half = len(seen) // 2
    unkeyed = hashlib.sha256(f"app\n{secret}".encode()).hexdigest()
    assert not any(secret in key or unkeyed[:32] in key for key in seen)
    assert not set(seen[:half]) & {k for k in seen[half:] if k.startswith(("secret:", "good:"))}


def test_ipv6_addresses_count_by_their_64() -> None:
    limiter = FailureLimiter()
    for i in range(ratelimit.PER_ADDRESS_FAILURES):
        limiter.failed(f"sprayed-{i}", "guess", f"2001:db8:0:7::{i + 1:x}")  # a new address for every guess
    assert limiter.retry_after("fresh", "right", "2001:db8:0:7:ffff::1") is not None
    assert limiter.retry_after("fresh", "right", "2001:db8:0:8::1") is None  # the next subscriber's block
    assert source_of("::ffff:198.51.100.7") == source_of("198.51.100.7") == "198.51.100.7"
    assert source_of("unknown") == "unknown"


class FakeClock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_a_success_between_an_attackers_rounds_does_not_reset_the_doubling() -> None:
    clock = FakeClock()
    limiter = FailureLimiter(locks=MemoryLocks(clock))
    for i in range(ratelimit.PER_CLIENT_FAILURES):
        limiter.failed("victim", f"guess-{i}", f"203.0.{i // 250}.{i % 250}")
    assert limiter.retry_after("victim", "new", "198.51.100.7") == 60
    clock.now += 61
    assert limiter.retry_after("victim", "new", "198.51.100.7") is None
    limiter.succeeded("victim", "right", "198.51.100.7")  # the victim's own application gets its token
    limiter.failed("victim", "guess-again", "203.0.113.9")  # and the attacker guesses again: the lock doubles
    assert limiter.retry_after("victim", "new", "203.0.113.9") == 120


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
    assert locks.lock("client:y") == 60
    assert [lock_seconds(n) for n in (1, 2, 5, 10)] == [60, 120, 900, 900]
    assert not locks.vouched("vouched:x")
    locks.vouch("vouched:x", 60)
    assert locks.vouched("vouched:x") and not locks.vouched("vouched:y")


def test_with_redis_a_lock_holds_across_server_processes(start_server: Callable[..., LiveServer]) -> None:
    redis.Redis.from_url(REDIS_URL).flushdb()
    # Processes behind one load balancer share the database, Redis and the public issuer name.
    shared = ("--redis-url", REDIS_URL, "--issuer", "http://barcode.test")
    first = start_server(*shared, backend="postgres")
    with running_server(first.data_dir / "second", database_url=first.database_url, args=shared) as second:
        creds = first.create_client("shared")
        for i in range(ratelimit.PER_SECRET_FAILURES):
            server = first if i % 2 else second
            assert attempt(server, creds.client_id, "guess").status_code == 401
        assert attempt(first, creds.client_id, "guess").status_code == 429
        assert attempt(second, creds.client_id, "guess").status_code == 429
        assert attempt(second, creds.client_id, creds.client_secret).status_code == 200
        keys = b" ".join(redis.Redis.from_url(REDIS_URL).keys("*"))
        assert b"guess" not in keys and creds.client_secret.encode() not in keys
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
