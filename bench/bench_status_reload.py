"""What a server's client status reload (``identity.status.ClientStatus.reload``, every 2 s in every process)
costs against the test PostgreSQL with many enabled clients: the reload that reads the whole set every time (as
before the status counter), and the reload that reads the counter first, when it has not moved and when it has.

    .venv/bin/python bench/bench_status_reload.py [--clients 10000] [--rounds 30]

One JSON line: the median wall time and process CPU of each, in ms, and how many times cheaper an unchanged
reload is than a whole read.
"""

from __future__ import annotations

import argparse
import json
import secrets
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # tests.support, when run as a script

from sqlalchemy import insert
from tests.support.servers import database_on

from barcode_cloud_server.identity.clients import ClientStore
from barcode_cloud_server.identity.status import ClientStatus
from barcode_cloud_server.storage.tables import ClientRow


class WholeReadEveryTime:
    """The clients as the reload saw them before the counter: no counter, so every reload reads the whole set."""

    def __init__(self, store: ClientStore) -> None:
        self.enabled_clients = store.enabled_clients
        self.valid_after = store.valid_after

    def status_revision(self) -> None:
        return None


def _median_ms(reload: Callable[[], None], rounds: int, between: Callable[[], object]) -> dict[str, float]:
    walls, cpus = [], []
    for _ in range(rounds + 2):  # the first two warm the connection pool and statement caches
        between()
        wall, cpu = time.perf_counter(), time.process_time()
        reload()
        walls.append(time.perf_counter() - wall)
        cpus.append(time.process_time() - cpu)
    return {
        "wall_ms": round(statistics.median(walls[2:]) * 1000, 2),
        "cpu_ms": round(statistics.median(cpus[2:]) * 1000, 2),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--clients", type=int, default=10_000)
    parser.add_argument("--rounds", type=int, default=30)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder, database_on("postgres", Path(folder)) as db:
        now = datetime.now(UTC)
        rows = [
            {
                "id": secrets.token_urlsafe(16),
                "name": f"app-{i}",
                "scopes": ["barcode.generate"],
                "enabled": True,
                "secret_hash": secrets.token_bytes(32),
                "created_at": now,
            }
            for i in range(args.clients)
        ]
        with db.session() as session:
            session.execute(insert(ClientRow), rows)
        store = ClientStore(db)
        changed_id = rows[0]["id"]
        assert isinstance(changed_id, str)
        old = ClientStatus(WholeReadEveryTime(store))
        new = ClientStatus(store)
        new.reload()
        result = {
            "clients": args.clients,
            "whole_read": _median_ms(old.reload, args.rounds, lambda: None),
            "counter_unchanged": _median_ms(new.reload, args.rounds, lambda: None),
            # One client's tokens voided before each reload (not timed): the counter, then the whole set.
            "counter_moved": _median_ms(new.reload, args.rounds, lambda: store.revoke_tokens(changed_id)),
        }
        result["unchanged_cheaper_x"] = round(
            result["whole_read"]["wall_ms"] / result["counter_unchanged"]["wall_ms"], 1
        )
    print(json.dumps(result))


if __name__ == "__main__":
    main()
