"""With Redis unreachable, the failure limits count in the process instead of failing the token request."""

from __future__ import annotations

import logging
import socket
import time
from collections.abc import Iterator

import pytest
from redis.exceptions import ConnectionError as RedisConnectionError

from barcode_cloud_server.identity import ratelimit
from barcode_cloud_server.identity.ratelimit import PER_SECRET_FAILURES, FailureLimiter, MemoryLocks

TEST_REDIS = "redis://127.0.0.1:6379/15"  # the test Redis (README)


def test_an_unreachable_redis_falls_back_to_counting_in_memory(caplog: pytest.LogCaptureFixture) -> None:
    limiter = FailureLimiter("redis://127.0.0.1:1/0")  # nothing listens on port 1
    with caplog.at_level(logging.WARNING, "barcode_cloud.identity"):
        for _ in range(PER_SECRET_FAILURES):
            assert limiter.retry_after("client", "wrong", "192.0.2.7") is None
            limiter.failed("client", "wrong", "192.0.2.7")
        wait = limiter.retry_after("client", "wrong", "192.0.2.7")
        limiter.succeeded("client", "right", "192.0.2.7")
    assert wait is not None and wait > 0
    assert limiter.retry_after("client", "right", "192.0.2.7") is None
    warnings = [r.getMessage() for r in caplog.records if "Redis unreachable" in r.getMessage()]
    assert len(warnings) == 1  # once per outage, not per request


@pytest.fixture
def silent_redis() -> Iterator[str]:
    """A Redis URL whose server takes connections (the kernel's backlog) and never answers: a stalled Redis."""
    with socket.socket() as server:
        server.bind(("127.0.0.1", 0))
        server.listen(64)
        yield f"redis://127.0.0.1:{server.getsockname()[1]}/0"


def test_a_redis_that_does_not_answer_costs_one_timeout_not_one_per_token_request(silent_redis: str) -> None:
    limiter = FailureLimiter(silent_redis)
    start = time.monotonic()
    for _ in range(PER_SECRET_FAILURES):
        assert limiter.retry_after("client", "wrong", "192.0.2.7") is None
        limiter.failed("client", "wrong", "192.0.2.7")
    took = time.monotonic() - start
    assert limiter.retry_after("client", "wrong", "192.0.2.7") is not None  # counted in the process meanwhile
    # One socket timeout (1 s), then the process's own counts until RETRY_SECONDS have passed.
    assert took < 1 + ratelimit.RETRY_SECONDS


class _FailingOnce(MemoryLocks):
    """Locks whose first use fails as an unreachable Redis does; counts the uses after it."""

    def __init__(self) -> None:
        super().__init__()
        self.failed_once = False
        self.uses = 0

    def remaining(self, key: str) -> float:
        if not self.failed_once:
            self.failed_once = True
            raise RedisConnectionError("Redis is down")
        self.uses += 1
        return super().remaining(key)


class _Clock:
    """The limiter's ``time`` module, whose monotonic clock moves only when told: a step between two calls is then
    as long as the test says, however the machine stalls it."""

    def __init__(self) -> None:
        self.now = 1000.0

    def monotonic(self) -> float:
        return self.now


def test_redis_is_asked_again_once_the_retry_delay_has_passed(monkeypatch: pytest.MonkeyPatch) -> None:
    clock = _Clock()
    monkeypatch.setattr(ratelimit, "time", clock)
    shared = _FailingOnce()
    limiter = FailureLimiter(TEST_REDIS, locks=shared)
    assert limiter.retry_after("client", "secret", "192.0.2.7") is None  # fails over to the process's counts
    clock.now += ratelimit.RETRY_SECONDS * 0.9
    assert limiter.retry_after("client", "secret", "192.0.2.7") is None
    assert shared.uses == 0  # not asked within the delay
    clock.now += ratelimit.RETRY_SECONDS * 0.2
    assert limiter.retry_after("client", "secret", "192.0.2.7") is None
    assert shared.uses > 0
