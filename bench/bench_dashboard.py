"""Dashboard page time with 200 applications and 30 days of usage recorded for each of them.

Builds a SQLite database (200 applications of one administrator; every hour of the last 30 days, two operations
and two status classes for each; a full recent-calls log of 200 calls each), then times /applications, the usage
page in total and of one application, and one application's page through the ASGI app in this process (no
network: the time is the server's), each against /account, a page with the same session and layout but no
figures, measured in the same run. Target: under 100 ms a page.
Run: .venv/bin/python bench/bench_dashboard.py [--apps 200] [--days 30] [--rounds 20] [--data-dir DIR]
"""

from __future__ import annotations

import argparse
import asyncio
import re
import statistics
import sys
import tempfile
import time
from collections import deque
from datetime import UTC, datetime
from pathlib import Path

import httpx
from sqlalchemy import insert

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from barcode_cloud_server.app import create_app
from barcode_cloud_server.dashboard.accounts import Accounts
from barcode_cloud_server.identity import recent_calls
from barcode_cloud_server.identity.recent_calls import KEEP, Call
from barcode_cloud_server.settings import Settings
from barcode_cloud_server.storage.tables import DailyUsageRow, UsageRow

PASSWORD = "bench password 1"


def fill(app_state: object, apps: int, days: int) -> tuple[str, str]:
    """The administrator's email and one application's id, after making them and their usage."""
    db = app_state.db  # type: ignore[attr-defined]
    clients = app_state.identity.clients  # type: ignore[attr-defined]
    accounts = Accounts(db)
    admin, token = accounts.create_user("bench@example.com", admin=True)
    accounts.use_link(token, PASSWORD)
    ids = [clients.create(f"app-{i:03d}", owner_id=admin.id).client_id for i in range(apps)]
    now_hour = int(time.time()) // 3600
    # What the usage flush writes, in bulk (its upserts of 2,884 rows an application take seconds each to compile).
    hourly: list[dict[str, object]] = []
    daily: dict[tuple[str, int, str, str], int] = {}
    for client_id in ids:
        for hour in range(now_hour - days * 24, now_hour + 1):
            for operation in ("generate", "recognize"):
                for status in ("2xx", "4xx"):
                    hour_start = datetime.fromtimestamp(hour * 3600, UTC)
                    hourly.append(
                        {"client_id": client_id, "hour": hour_start, "operation": operation, "status_class": status}
                        | {"count": 7}
                    )
                    key = (client_id, hour // 24, operation, status)
                    daily[key] = daily.get(key, 0) + 7
    log = deque((Call(time.time(), "generate", 200, 3.2, f"req-{i}") for i in range(KEEP)), maxlen=KEEP)
    with db.session() as session:
        session.execute(insert(UsageRow), hourly)
        session.execute(
            insert(DailyUsageRow),
            [
                {"client_id": c, "day": datetime.fromtimestamp(d * 86400, UTC), "operation": o, "status_class": st}
                | {"count": n}
                for (c, d, o, st), n in daily.items()
            ],
        )
        recent_calls.write(session, dict.fromkeys(ids, log))
    return admin.email, ids[0]


async def measure(app: object, email: str, client_id: str, rounds: int) -> dict[str, list[float]]:
    transport = httpx.ASGITransport(app=app)  # type: ignore[arg-type]
    async with httpx.AsyncClient(transport=transport, base_url="http://bench") as client:
        page = await client.get("/sign-in")
        csrf = re.search(r'name="csrf_token" value="([0-9a-f]+)"', page.text)
        assert csrf
        signed = await client.post("/sign-in", data={"csrf_token": csrf.group(1), "email": email, "password": PASSWORD})
        assert signed.status_code == 303, signed.text
        paths = [
            "/account",
            "/applications",
            "/usage",
            f"/applications/{client_id}/usage",
            f"/applications/{client_id}",
        ]
        times: dict[str, list[float]] = {path: [] for path in paths}
        for path, spent in times.items():
            await client.get(path)  # warm-up: templates compiled
            for _ in range(rounds):
                started = time.perf_counter()
                answer = await client.get(path)
                spent.append((time.perf_counter() - started) * 1000)
                assert answer.status_code == 200
        return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--apps", type=int, default=200)
    parser.add_argument("--days", type=int, default=30)
    parser.add_argument("--rounds", type=int, default=20)
    parser.add_argument("--data-dir", type=Path, help="keep the database here, and use the one made by a run before")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        data_dir = args.data_dir or Path(tmp)
        made = (data_dir / "barcode-cloud.db").exists()
        app = create_app(Settings(data_dir=data_dir, access_log=False))
        if made:
            email, client_id = "bench@example.com", app.state.identity.clients.list()[0].id
        else:
            started = time.perf_counter()
            email, client_id = fill(app.state, args.apps, args.days)
            rows = args.apps * (args.days * 24 + 1) * 4
            print(f"{args.apps} applications, {rows:,} usage rows ({time.perf_counter() - started:.1f} s to make)")
        times = asyncio.run(measure(app, email, client_id, args.rounds))
        reference = statistics.median(times["/account"])
        for path, spent in times.items():
            label = path.replace(client_id, "{id}")
            median = statistics.median(spent)
            print(
                f"{label:26} median {median:6.1f} ms, max {max(spent):6.1f} ms, {median / reference:5.1f}x /account"
                + ("" if path == "/account" else " (target < 100 ms)")
            )


if __name__ == "__main__":
    main()
