"""Dashboard page time with 200 applications and 30 days of usage recorded for each of them.

Builds a SQLite database (200 applications of one administrator; every hour of the last 30 days, two operations
and two status classes for each), then times /applications and one application's page through the ASGI app in
this process (no network: the time is the server's). Target: under 100 ms a page.
Run: .venv/bin/python bench/bench_dashboard.py [--apps 200] [--days 30] [--rounds 20]
"""

from __future__ import annotations

import argparse
import asyncio
import re
import statistics
import sys
import tempfile
import time
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from barcode_cloud_server.app import create_app
from barcode_cloud_server.dashboard.accounts import Accounts
from barcode_cloud_server.identity.usage import write
from barcode_cloud_server.settings import Settings

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
    for client_id in ids:
        batch = {
            (client_id, hour, operation, status): 7
            for hour in range(now_hour - days * 24, now_hour + 1)
            for operation in ("generate", "recognize")
            for status in ("2xx", "4xx")
        }
        write(db, batch)
    return admin.email, ids[0]


async def measure(app: object, email: str, client_id: str, rounds: int) -> dict[str, list[float]]:
    transport = httpx.ASGITransport(app=app)  # type: ignore[arg-type]
    async with httpx.AsyncClient(transport=transport, base_url="http://bench") as client:
        page = await client.get("/sign-in")
        csrf = re.search(r'name="csrf_token" value="([0-9a-f]+)"', page.text)
        assert csrf
        signed = await client.post("/sign-in", data={"csrf_token": csrf.group(1), "email": email, "password": PASSWORD})
        assert signed.status_code == 303, signed.text
        times: dict[str, list[float]] = {"/applications": [], f"/applications/{client_id}": []}
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
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        app = create_app(Settings(data_dir=Path(tmp), access_log=False))
        started = time.perf_counter()
        email, client_id = fill(app.state, args.apps, args.days)
        rows = args.apps * (args.days * 24 + 1) * 4
        print(f"{args.apps} applications, {rows:,} usage rows ({time.perf_counter() - started:.1f} s to make)")
        for path, spent in asyncio.run(measure(app, email, client_id, args.rounds)).items():
            label = "/applications/{id}" if path != "/applications" else path
            print(f"{label:22} median {statistics.median(spent):6.1f} ms, max {max(spent):6.1f} ms (target < 100 ms)")


if __name__ == "__main__":
    main()
