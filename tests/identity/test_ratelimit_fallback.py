"""With Redis unreachable, the failure limits count in the process instead of failing the token request."""

from __future__ import annotations

import logging

import pytest

from barcode_cloud_server.identity.ratelimit import PER_SECRET_FAILURES, FailureLimiter


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
