"""Quotas on counters shared through Redis (identity/shared_quota.py): exact across processes, 429s given back,
and with Redis unreachable each process checks its own counts, loses none and pays them in when Redis is back."""

from __future__ import annotations

import logging
import secrets
from datetime import UTC, datetime
from pathlib import Path

import pytest
import redis
from redis.exceptions import ConnectionError as RedisConnectionError

from barcode_cloud_server.identity import shared_quota
from barcode_cloud_server.identity.clients import ClientStore
from barcode_cloud_server.identity.shared_quota import SharedQuota, period_keys
from barcode_cloud_server.identity.usage import Usage, period_bounds
from barcode_cloud_server.storage.db import Database

REDIS_URL = "redis://127.0.0.1:6379/15"  # the test Redis (README)
GENERATE = "/v4.0/barcode/generate/{barcodeType}"
# The processes' clock: mid-day and mid-month, so that no test's day or month ends while it counts (on the real
# clock, a test running across midnight UTC would start counting afresh halfway).
NOW = datetime(2026, 6, 15, 12, tzinfo=UTC).timestamp()


@pytest.fixture
def db(tmp_path: Path) -> Database:
    database = Database(f"sqlite:///{tmp_path / 'db.sqlite'}")
    database.migrate()
    return database


def _limited(db: Database, daily: int | None, monthly: int | None = None) -> str:
    clients = ClientStore(db)
    # A fresh id each time: the counters in the shared test Redis are per client id.
    client_id = clients.create(f"limited-{secrets.token_hex(4)}").client_id
    clients.set_quota(client_id, daily, monthly)
    return client_id


def _processes(db: Database, n: int, url: str | None = REDIS_URL) -> list[Usage]:
    processes = [Usage(db, clock=lambda: NOW, shared=SharedQuota(url) if url else None) for _ in range(n)]
    for usage in processes:
        usage.load()
    return processes


async def _call(usage: Usage, client_id: str, status: int = 200) -> bool:
    """One request through ``usage`` as the server makes it: admitted (then recorded) or refused with a 429."""
    state: dict[str, object] = {}
    refusal = await usage.admit(client_id, state)
    usage.record(client_id, GENERATE, 429 if refusal else status, "req", 0.001, state)
    return refusal is None


async def test_three_processes_share_one_quota_exactly(db: Database) -> None:
    app = _limited(db, daily=7)
    processes = _processes(db, 3)
    admitted = [await _call(processes[i % 3], app) for i in range(12)]
    assert admitted == [True] * 7 + [False] * 5
    state: dict[str, object] = {}
    refusal = await processes[1].admit(app, state)
    assert refusal is not None and (refusal.period, refusal.limit) == ("daily", 7) and refusal.retry_after > 0
    for usage in processes:
        await usage.stop()


async def test_without_redis_each_process_lets_through_up_to_the_quota_until_it_flushes(db: Database) -> None:
    # What the shared counters are for: before a flush, each process alone allows the whole quota.
    app = _limited(db, daily=7)
    processes = _processes(db, 3, url=None)
    admitted = [await _call(processes[i % 3], app) for i in range(24)]
    assert admitted.count(True) == 21


async def test_a_monthly_quota_is_shared_too_and_named_in_the_refusal(db: Database) -> None:
    app = _limited(db, daily=None, monthly=4)
    one, two = _processes(db, 2)
    assert [await _call(u, app) for u in (one, two, one, two, one)] == [True] * 4 + [False]
    refusal = await two.admit(app, {})
    assert refusal is not None and refusal.period == "monthly"
    await one.stop()
    await two.stop()


async def test_a_request_admitted_then_refused_with_a_429_gives_its_count_back_at_the_flush(db: Database) -> None:
    app = _limited(db, daily=2)
    one, two = _processes(db, 2)
    assert await _call(one, app) and await _call(one, app, status=429)  # e.g. the per-client recognition limit
    assert not await _call(two, app)  # the 429 still holds its count until a flush gives it back
    await one.flush()
    await two.flush()
    assert await _call(two, app)
    assert not await _call(one, app)
    await one.stop()
    await two.stop()


async def test_with_redis_unreachable_each_process_checks_its_own_counts_and_pays_them_in_later(
    db: Database, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    monkeypatch.setattr(shared_quota, "RETRY_SECONDS", 0.0)
    app = _limited(db, daily=6)
    one, two = _processes(db, 2)
    assert await _call(one, app)  # the shared counter holds 1

    async def unreachable(**_: object) -> int:
        raise RedisConnectionError("Redis is down")

    monkeypatch.setattr(one._shared, "_admit_script", unreachable)
    with caplog.at_level(logging.WARNING, "barcode_cloud.usage"):
        assert [await _call(one, app) for _ in range(3)] == [True] * 3  # no error: counted in the process
    warnings = [r.getMessage() for r in caplog.records if "Redis unreachable" in r.getMessage()]
    assert len(warnings) == 1
    monkeypatch.undo()
    # Back: the three admitted meanwhile are added with the next request, so the quota of 6 holds across both.
    assert [await _call(two, app), await _call(one, app)] == [True, True]
    assert [await _call(two, app), await _call(one, app)] == [False, False]
    await one.stop()
    await two.stop()


async def test_an_unreachable_redis_never_fails_a_request(db: Database) -> None:
    app = _limited(db, daily=2)
    (usage,) = _processes(db, 1, url="redis://127.0.0.1:1/0")  # nothing listens on port 1
    assert [await _call(usage, app) for _ in range(3)] == [True, True, False]
    await usage.stop()


async def test_counts_owed_from_before_redis_lost_its_data_are_not_added_twice(
    db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(shared_quota, "RETRY_SECONDS", 0.0)
    app = _limited(db, daily=6)
    one, two = _processes(db, 2)
    assert await _call(one, app)

    async def unreachable(**_: object) -> int:
        raise RedisConnectionError("Redis is down")

    monkeypatch.setattr(one._shared, "_admit_script", unreachable)
    assert [await _call(one, app) for _ in range(3)] == [True] * 3
    monkeypatch.undo()
    # Redis restarted empty meanwhile: a new epoch, no counters. The stored counts (4, once flushed) seed them.
    redis.Redis.from_url(REDIS_URL).delete(*period_keys_of(app), "bc:quota:epoch")
    await one.flush()
    await two.flush()
    assert [await _call(two, app), await _call(one, app)] == [True, True]
    assert [await _call(two, app), await _call(one, app)] == [False, False]
    await one.stop()
    await two.stop()


def period_keys_of(client_id: str) -> tuple[str, str]:
    day, _, month, _ = period_bounds(datetime.fromtimestamp(NOW, UTC))
    return period_keys(client_id, day.timestamp(), month.timestamp())
