"""What one usage flush (``identity.usage.write``: the hourly and daily counts and the recent-calls log) costs the
server process in CPU, against the test PostgreSQL, for as many applications as a host has seen since its last
flush. Every host flushes every application it has served, so with more hosts behind one balancer each host
writes about as many rows as one host would: this cost is paid once per host.

    .venv/bin/python bench/bench_usage_flush.py [--clients 64] [--calls 5] [--rounds 20]

One JSON line: the process CPU per flush and per row, median of ``--rounds`` flushes; flushes that also prune the
recent-calls log of the applications written (as a process does at most once a minute) alternate with those that
do not, and their median is reported apart.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
from collections import deque
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # tests.support, when run as a script

from tests.support.servers import database_on

from barcode_cloud_server.identity.clients import ClientStore
from barcode_cloud_server.identity.recent_calls import Call
from barcode_cloud_server.identity.usage import Key, write

OPERATIONS = ("token", "generate", "recognize-multipart")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--clients", type=int, default=64)
    parser.add_argument("--calls", type=int, default=5, help="calls of each application since the last flush")
    parser.add_argument("--rounds", type=int, default=20)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder, database_on("postgres", Path(folder)) as db:
        store = ClientStore(db)
        ids = [store.create(f"flush-{i}").client_id for i in range(args.clients)]
        times: list[float] = []
        pruning: list[float] = []
        for round_ in range(args.rounds + 2):  # the first two warm the connection pool and statement caches
            now = time.time()
            hour = int(now) // 3600
            batch: dict[Key, int] = {}
            calls: dict[str, deque[Call]] = {}
            for client_id in ids:
                for n in range(args.calls):
                    operation = OPERATIONS[n % len(OPERATIONS)]
                    key = (client_id, hour, operation, "2xx")
                    batch[key] = batch.get(key, 0) + 1
                    calls.setdefault(client_id, deque()).append(Call(now, operation, 200, 1.0, f"r{round_}-{n}"))
            prune = calls.keys() if round_ % 2 else ()
            start = time.process_time()
            write(db, batch, calls, prune=prune)
            (pruning if prune else times).append(time.process_time() - start)
        per_flush = statistics.median(times[1:])
        rows = len(batch) * 2 + args.clients * args.calls
        result = {
            "clients": args.clients,
            "calls_each": args.calls,
            "rows_written": rows,
            "cpu_ms_per_flush": round(1000 * per_flush, 2),
            "cpu_us_per_row": round(1e6 * per_flush / rows, 1),
            "cpu_ms_per_flush_pruning": round(1000 * statistics.median(pruning[1:]), 2),
        }
        sys.stdout.write(json.dumps(result) + "\n")


if __name__ == "__main__":
    main()
