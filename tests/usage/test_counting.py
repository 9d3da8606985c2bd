"""Usage counting in memory, added to the database by each process's flush; quotas from what is stored."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from alembic import command
from sqlalchemy import insert, select

from barcode_cloud_server.identity import usage as usage_module
from barcode_cloud_server.identity.clients import ClientStore
from barcode_cloud_server.identity.recent_calls import KEEP, recent
from barcode_cloud_server.identity.usage import Usage, period_bounds
from barcode_cloud_server.identity.usage_report import by_operation, quota_usage, since_days, since_hours
from barcode_cloud_server.storage.db import Database, _alembic_config
from barcode_cloud_server.storage.tables import DailyUsageRow, RecentCallRow, UsageRow, as_utc
from tests.support.servers import database_on

GENERATE = "/v4.0/barcode/generate/{barcodeType}"
NOW = datetime(2026, 12, 31, 23, 59, 30, tzinfo=UTC).timestamp()


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def db(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Database]:
    with database_on(request.param, tmp_path) as database:
        yield database


async def test_two_processes_counts_add_up_by_operation_and_status_class(db: Database) -> None:
    one, two = Usage(db, clock=lambda: NOW), Usage(db, clock=lambda: NOW)
    for status in (200, 200, 400, 429, 500):
        one.record("app", GENERATE, status, "req", 0.001)
    two.record("app", GENERATE, 200, "req", 0.001)
    two.record("app", "/connect/token", 401, "req", 0.001)
    two.record("app", "/healthz", 200, "req", 0.001)  # not an operation: not counted
    await one.flush()
    await two.flush()
    await one.flush()  # nothing new: adds nothing
    counts = by_operation(db, datetime(2026, 12, 1, tzinfo=UTC))["app"]
    assert counts["generate"].requests == 6
    assert counts["generate"].by_status == {"2xx": 3, "4xx": 1, "429": 1, "5xx": 1}
    assert counts["token"].by_status == {"4xx": 1}
    assert set(counts) == {"generate", "token"}


async def test_a_quota_refuses_with_the_time_left_in_its_period(db: Database) -> None:
    clients = ClientStore(db)
    app = clients.create("limited").client_id
    clients.set_quota(app, 3, None)
    usage = Usage(db, clock=lambda: NOW)
    usage.load()
    for _ in range(2):
        usage.record(app, GENERATE, 200, "req", 0.001)
    usage.record(app, "/connect/token", 200, "req", 0.001)  # grants count toward no quota
    usage.record(app, GENERATE, 429, "req", 0.001)  # nor do refused requests
    assert usage.refusal(app) is None
    usage.record(app, GENERATE, 400, "req", 0.001)
    refusal = usage.refusal(app)
    assert refusal is not None and (refusal.period, refusal.limit, refusal.retry_after) == ("daily", 3, 30)
    assert "daily request quota" in refusal.message
    await usage.flush()  # the counts move to the database; the refusal stays
    assert usage.refusal(app) is not None
    assert quota_usage(db, [app], datetime.fromtimestamp(NOW, UTC)) == {app: (3, 3)}
    clients.set_quota(app, None, 5)
    await usage.flush()
    assert usage.refusal(app) is None
    usage.record(app, GENERATE, 200, "req", 0.001)
    usage.record(app, GENERATE, 200, "req", 0.001)
    monthly = usage.refusal(app)
    assert monthly is not None and monthly.period == "monthly"


def test_periods_are_utc_days_and_calendar_months() -> None:
    day, day_end, month, month_end = period_bounds(datetime.fromtimestamp(NOW, UTC))
    assert (day.day, day_end, month.day, month_end) == (
        31,
        datetime(2027, 1, 1, tzinfo=UTC),
        1,
        datetime(2027, 1, 1, tzinfo=UTC),
    )
    assert since_days(1, datetime(2026, 5, 2, 10, 30, tzinfo=UTC)) == datetime(2026, 5, 2, tzinfo=UTC)
    assert since_days(30, datetime(2026, 5, 2, 10, 30, tzinfo=UTC)) == datetime(2026, 4, 3, tzinfo=UTC)
    assert since_hours(24, datetime(2026, 5, 2, 10, 30, tzinfo=UTC)) == datetime(2026, 5, 1, 11, tzinfo=UTC)


async def test_counts_that_could_not_be_written_wait_for_the_next_flush(
    db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    usage = Usage(db, clock=lambda: NOW)
    usage.record("app", GENERATE, 200, "req", 0.001)
    await _flush_with_the_database_down(usage, monkeypatch)
    usage.record("app", GENERATE, 200, "req", 0.001)
    await usage.flush()
    assert by_operation(db, datetime(2026, 12, 1, tzinfo=UTC))["app"]["generate"].requests == 2


async def test_the_flush_logs_each_applications_newest_calls_and_keeps_the_last_200(db: Database) -> None:
    clock = [NOW]
    usage = Usage(db, clock=lambda: clock[0])
    for i in range(150):
        clock[0] = NOW + i
        usage.record("app", GENERATE, 200 if i % 10 else 400, f"first-{i}", 0.0125)
    usage.record("other", "/connect/token", 401, "grant", 0.002)
    usage.record("other", "/healthz", 200, "not-an-operation", 0.001)
    await usage.flush()
    for i in range(100):
        clock[0] = NOW + 150 + i
        usage.record("app", GENERATE, 200, f"second-{i}", 0.02)
    await usage.flush()
    calls = recent(db, "app")
    assert len(calls) == KEEP == 200
    assert [c.request_id for c in calls[:2]] == ["second-99", "second-98"]
    assert calls[-1].request_id == "first-50"  # the oldest 50 were pruned
    first_400 = next(c for c in calls if c.request_id == "first-140")
    assert (first_400.operation, first_400.status, first_400.ms) == ("generate", 400, 12.5)
    assert first_400.time == datetime.fromtimestamp(NOW + 140, UTC)
    assert [(c.operation, c.status, c.request_id) for c in recent(db, "other")] == [("token", 401, "grant")]


async def test_the_log_is_pruned_once_a_minute_at_most_and_shows_the_newest_200_between(db: Database) -> None:
    clock = [NOW]
    usage = Usage(db, clock=lambda: clock[0])

    def stored() -> int:
        with db.session() as session:
            return len(session.execute(select(RecentCallRow.id).where(RecentCallRow.client_id == "app")).all())

    for flush, at in enumerate((0, 5, 10, usage_module.PRUNE_SECONDS + 1)):
        clock[0] = NOW + at
        for i in range(150 if flush < 3 else 0):
            usage.record("app", GENERATE, 200, f"{flush}-{i}", 0.001)
        await usage.flush()
        shown = [c.request_id for c in recent(db, "app")]
        assert len(shown) == min(KEEP, 150 * min(flush + 1, 3)) and shown[0] == f"{min(flush, 2)}-149"
        # Pruned at the first flush and a minute later (with nothing new to write), not between.
        assert stored() == {0: 150, 1: 300, 2: 450, 3: KEEP}[flush]


async def test_calls_that_could_not_be_written_wait_for_the_next_flush_still_bounded(
    db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    usage = Usage(db, clock=lambda: NOW)
    for i in range(KEEP):
        usage.record("app", GENERATE, 200, f"old-{i}", 0.001)
    await _flush_with_the_database_down(usage, monkeypatch)
    usage.record("app", GENERATE, 200, "new", 0.001)
    await usage.flush()
    ids = [c.request_id for c in recent(db, "app")]
    assert len(ids) == KEEP and "new" in ids and "old-0" not in ids and "old-1" in ids


@pytest.mark.parametrize("backend", ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def test_migration_0006_adds_up_the_hourly_counts_per_day(backend: str, tmp_path: Path) -> None:
    with database_on(backend, tmp_path, migrate=False) as db:
        with db.engine.begin() as conn:
            config = _alembic_config()
            config.attributes["connection"] = conn
            command.upgrade(config, "0005")
            day = datetime(2026, 12, 5, tzinfo=UTC)
            rows = [("a", day + timedelta(hours=h), "generate", "2xx", 3) for h in (0, 5, 23, 24)]
            conn.execute(
                insert(UsageRow),
                [dict(zip(("client_id", "hour", "operation", "status_class", "count"), r, strict=True)) for r in rows],
            )
        db.migrate()
        with db.session() as session:
            stored = session.execute(select(DailyUsageRow.day, DailyUsageRow.count).order_by(DailyUsageRow.day)).all()
        assert [(as_utc(d), n) for d, n in stored] == [(day, 9), (day + timedelta(days=1), 3)]


async def test_a_deleted_applications_log_goes_with_it(db: Database) -> None:
    clients = ClientStore(db)
    app = clients.create("short-lived").client_id
    usage = Usage(db, clock=lambda: NOW)
    usage.record(app, GENERATE, 200, "logged", 0.001)
    await usage.flush()
    assert [c.request_id for c in recent(db, app)] == ["logged"]
    clients.delete(app)
    assert recent(db, app) == []
    assert by_operation(db, datetime(2026, 12, 1, tzinfo=UTC))[app]["generate"].requests == 1


async def _flush_with_the_database_down(usage: Usage, monkeypatch: pytest.MonkeyPatch) -> None:
    def unreachable(*_: object) -> None:
        raise OSError("database unreachable")

    monkeypatch.setattr(usage_module, "write", unreachable)
    await usage.flush()
    monkeypatch.undo()
