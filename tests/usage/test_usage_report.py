"""What the usage pages, their CSV and ``barcode-cloud usage`` add up from the stored hourly counts."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from barcode_cloud_server.identity.usage import write
from barcode_cloud_server.identity.usage_report import by_operation, since_days, since_hours, timeline
from barcode_cloud_server.storage.db import Database
from tests.support.servers import database_on

NOW = datetime(2026, 12, 6, 14, 20, tzinfo=UTC)
HOUR = int(NOW.timestamp()) // 3600


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def db(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Database]:
    with database_on(request.param, tmp_path) as database:
        fill(database)
        yield database


def fill(database: Database) -> None:
    write(
        database,
        {
            ("a", HOUR, "generate", "2xx"): 5,
            ("a", HOUR, "generate", "4xx"): 1,
            ("b", HOUR, "token", "2xx"): 2,
            ("a", HOUR - 3, "scan", "5xx"): 1,
            ("a", HOUR - 24 * 2 - 1, "generate", "2xx"): 10,  # 2 days ago, 13:00
            ("a", HOUR - 24 * 29 - 15, "generate", "2xx"): 100,  # 23:00 the day before the 30 UTC days
            ("a", HOUR - 24 * 29 - 14, "generate", "2xx"): 1000,  # 00:00 on their first day
            ("playground:7", HOUR - 20, "generate", "2xx"): 3,  # a counted key that is no application
        },
    )


def test_the_last_24_hours_has_every_hour_and_sums_over_the_keys_asked_for(db: Database) -> None:
    hours = timeline(db, since_hours(24, NOW), "hour", ["a", "b"], NOW)
    assert len(hours.starts) == 24 and hours.starts[-1] == datetime(2026, 12, 6, 14, tzinfo=UTC)
    assert hours.totals[-1] == 8 and hours.totals[-4] == 1 and sum(hours.totals) == 9
    assert hours.by_operation == {"generate": [0] * 23 + [6], "scan": [0] * 20 + [1, 0, 0, 0], "token": [0] * 23 + [2]}
    assert hours.by_status["2xx"][-1] == 7 and hours.by_status["429"] == [0] * 24
    everyone = timeline(db, since_hours(24, NOW), "hour", None, NOW)
    assert sum(everyone.totals) == 12  # the playground's key too


def test_the_last_30_utc_days_by_day_add_up_to_what_the_cli_prints(db: Database) -> None:
    since = since_days(30, NOW)
    days = timeline(db, since, "day", ["a"], NOW)
    assert (days.starts[0], days.starts[-1], len(days.starts)) == (
        datetime(2026, 11, 7, tzinfo=UTC),
        datetime(2026, 12, 6, tzinfo=UTC),
        30,
    )
    assert days.totals[0] == 1000 and days.totals[-1] == 7 and days.totals[-3] == 10 and sum(days.totals) == 1017
    csv_sums: dict[tuple[str, str], int] = {}
    for line in days.lines:
        csv_sums[(line.operation, line.status_class)] = csv_sums.get((line.operation, line.status_class), 0) + (
            line.requests
        )
    cli = by_operation(db, since, ["a"])["a"]
    assert csv_sums == {(op, s): n for op, c in cli.items() for s, n in c.by_status.items()}
    assert csv_sums == {("generate", "2xx"): 1015, ("generate", "4xx"): 1, ("scan", "5xx"): 1}
    with pytest.raises(ValueError, match="00:00 UTC"):
        timeline(db, since_hours(24, NOW), "day", ["a"], NOW)  # daily rows cannot start within a day
