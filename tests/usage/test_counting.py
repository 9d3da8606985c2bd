"""Usage counting in memory, added to the database by each process's flush; quotas from what is stored."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from barcode_cloud_server.identity import usage as usage_module
from barcode_cloud_server.identity.clients import ClientStore
from barcode_cloud_server.identity.usage import Usage, period_bounds
from barcode_cloud_server.identity.usage_report import by_operation, quota_usage, since_days
from barcode_cloud_server.storage.db import Database

GENERATE = "/v4.0/barcode/generate/{barcodeType}"
NOW = datetime(2026, 12, 31, 23, 59, 30, tzinfo=UTC).timestamp()


@pytest.fixture
def db(tmp_path: Path) -> Database:
    database = Database(f"sqlite:///{tmp_path / 'db.sqlite'}")
    database.migrate()
    return database


async def test_two_processes_counts_add_up_by_operation_and_status_class(db: Database) -> None:
    one, two = Usage(db, clock=lambda: NOW), Usage(db, clock=lambda: NOW)
    for status in (200, 200, 400, 429, 500):
        one.record("app", GENERATE, status)
    two.record("app", GENERATE, 200)
    two.record("app", "/connect/token", 401)
    two.record("app", "/healthz", 200)  # not an operation: not counted
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
        usage.record(app, GENERATE, 200)
    usage.record(app, "/connect/token", 200)  # grants count toward no quota
    usage.record(app, GENERATE, 429)  # nor do refused requests
    assert usage.refusal(app) is None
    usage.record(app, GENERATE, 400)
    refusal = usage.refusal(app)
    assert refusal is not None and (refusal.period, refusal.limit, refusal.retry_after) == ("daily", 3, 30)
    assert "daily request quota" in refusal.message
    await usage.flush()  # the counts move to the database; the refusal stays
    assert usage.refusal(app) is not None
    assert quota_usage(db, [app], datetime.fromtimestamp(NOW, UTC)) == {app: (3, 3)}
    clients.set_quota(app, None, 5)
    await usage.flush()
    assert usage.refusal(app) is None
    usage.record(app, GENERATE, 200)
    usage.record(app, GENERATE, 200)
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
    assert since_days(1, datetime(2026, 5, 2, 10, 30, tzinfo=UTC)) == datetime(2026, 5, 1, 10, tzinfo=UTC)


async def test_counts_that_could_not_be_written_wait_for_the_next_flush(
    db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    usage = Usage(db, clock=lambda: NOW)
    usage.record("app", GENERATE, 200)

    def unreachable(*_: object) -> None:
        raise OSError("database unreachable")

    monkeypatch.setattr(usage_module, "write", unreachable)
    await usage.flush()
    monkeypatch.undo()
    usage.record("app", GENERATE, 200)
    await usage.flush()
    assert by_operation(db, datetime(2026, 12, 1, tzinfo=UTC))["app"]["generate"].requests == 2
