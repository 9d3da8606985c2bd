"""Load and faults on several hosts (tests.support.cluster: each server in its own network namespace, nginx in
front, a throwaway PostgreSQL and Redis): SDK clients (barcode_cloud, JWT mode, 10-second tokens) mixing token
grants, generation and recognition through nginx for a bounded time, with at most one fault in the middle.

    sudo .venv/bin/python bench/bench_cluster.py --hosts 3 --clients 64 --seconds 60 [--fault kill] [--quota N]
    sudo .venv/bin/python bench/bench_cluster.py --hosts 1 --clients 16 --seconds 40 --rate 120 --idle 10

Faults: kill (SIGKILL one host, restarted 5 s later), postgres (stopped 5 s), redis (stopped 5 s), redis-stall
(stopped with SIGSTOP 5 s: it takes connections and answers nothing), netcut (one host's veth down 5 s),
rolling (every host in turn: SIGTERM, start again). Before the fault, clients are created and secrets rotated
through one host; after it, each must still be there and work. Reported: calls and
failures per operation, throughput, p50/p99, the servers' and the shared services' CPU time per call (from
/proc), how long a change took to reach every host, the fault's recovery time, the machine's load average, and
the successful calls the usage counts in the database miss (a host killed loses what it had not flushed). With
``--quota N`` every load client gets a daily quota of N, so that every call takes its count from the quota
counters in Redis. One JSON line on stdout.

Without ``--rate`` every client calls again as soon as it has its answer (the servers saturated); with
``--rate R`` the clients together start R calls a second, one every 1/R s, each taken by a client that is free
(a call starts late only when every client is busy: ``started_late`` counts those more than 50 ms late), so one
and three hosts can be compared at the same load below saturation.

What a call costs, apart: the shared services' CPU per call each (PostgreSQL, Redis, nginx); ``--idle S``
first measures the servers' and the shared services' CPU and the servers' context switches over S quiet seconds
(the servers' background loops and the queries these make) and reports the per-call figures without them too;
the servers' context switches per call, voluntary (a thread waited) and involuntary (pre-empted while it could
run), from their threads' /proc status; the TCP connections the servers accepted per call (nginx's to them); the
load generator's own CPU per call (it shares the cores); PostgreSQL transactions and Redis commands per call are
counted from their own statistics; ``--profile FILE`` samples the first host's server with py-spy (``--py-spy``
names its binary) during the load and writes its collapsed stacks to FILE, with the samples per component;
``--calibrate`` times the CPU of one fixed piece of pure-Python work, repeated every 20 ms through the load by a
process of its own (``calibration_cpu_ms``, median and mean): the same instructions in every run, so a change
between runs is the machine's (what else ran on its cores), not the servers'.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import math
import os
import random
import signal
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
import redis
from sqlalchemy import text

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # tests.support, when run as a script

from tests.support.cluster import Cluster, running_cluster

import barcode_cloud
from barcode_cloud_server.identity.clients import ClientStore
from barcode_cloud_server.identity.usage_report import by_operation, period_start
from barcode_cloud_server.settings import normalize_database_url
from barcode_cloud_server.storage.db import Database

OPERATIONS = ("token", "generate", "recognize")
WEIGHTS = (1, 3, 1)
MAX_SECONDS = 180
LATE_S = 0.05  # a paced call that starts this much after its slot was not offered at the rate asked for
TICK = os.sysconf("SC_CLK_TCK")


@dataclass
class Stats:
    latencies: dict[str, list[float]] = field(default_factory=lambda: {op: [] for op in OPERATIONS})
    failures: dict[str, list[str]] = field(default_factory=lambda: {op: [] for op in OPERATIONS})
    finished: list[float] = field(default_factory=list)  # when each successful call ended (monotonic)

    def summary(self, seconds: float) -> dict[str, object]:
        out: dict[str, object] = {}
        for op in OPERATIONS:
            times = sorted(self.latencies[op])
            out[op] = {
                "calls": len(times),
                "failed": len(self.failures[op]),
                "per_second": round(len(times) / seconds, 1),
                "p50_ms": round(1000 * times[len(times) // 2], 1) if times else None,
                "p99_ms": round(1000 * times[min(len(times) - 1, int(len(times) * 0.99))], 1) if times else None,
                "first_failures": self.failures[op][:3],
            }
        return out


@dataclass
class Pacing:
    """Calls offered at ``rate`` a second in all: slot k is due at ``start + k / rate``, and each client takes the
    next slot when it is free, so a call starts after its slot only when every client is busy."""

    rate: float
    start: float = 0.0
    slots: int = 0
    late: int = 0  # started more than LATE_S after their slot
    worst_lag: float = 0.0

    async def wait(self, until: float) -> bool:
        """Wait for the next slot; False when it falls after ``until``."""
        due = self.start + self.slots / self.rate
        if due >= until:
            return False
        self.slots += 1
        now = time.monotonic()
        if due > now:
            await asyncio.sleep(due - now)
        else:
            self.late += now - due > LATE_S
            self.worst_lag = max(self.worst_lag, now - due)
        return True


async def _token(http: httpx.AsyncClient, url: str, creds: dict[str, str]) -> None:
    """A token grant as the SDK makes one: 429/502/503/504 and connection errors tried again (three times)."""
    form = {"grant_type": "client_credentials", **creds}
    for attempt in range(4):
        try:
            response = await http.post(url, data=form)
        except (httpx.ConnectError, httpx.RemoteProtocolError, httpx.ReadError):
            if attempt == 3:
                raise
            await asyncio.sleep(0.25 * 2**attempt)
            continue
        if response.status_code == 200:
            return
        if response.status_code not in (429, 502, 503, 504) or attempt == 3:
            raise RuntimeError(f"token: {response.status_code} {response.text[:200]}")
        await asyncio.sleep(float(response.headers.get("retry-after", 0.25 * 2**attempt)))


async def _client(
    cluster: Cluster,
    creds: dict[str, str],
    sessions: tuple[barcode_cloud.AsyncApiClient, httpx.AsyncClient],
    png: bytes,
    stats: Stats,
    until: float,
    n: int,
    weights: tuple[int, ...],
    pacing: Pacing | None,
) -> None:
    rng = random.Random(n)
    api, http = sessions
    generate, recognize = barcode_cloud.AsyncGenerateApi(api), barcode_cloud.AsyncRecognizeApi(api)
    calls = 0
    while time.monotonic() < until:
        if pacing and not await pacing.wait(until):
            break
        op = rng.choices(OPERATIONS, weights)[0]
        start = time.perf_counter()
        try:
            if op == "token":
                await _token(http, cluster.proxy_url + "/connect/token", creds)
            elif op == "generate":
                await generate.generate("QR", f"bench {n} {calls}")
            else:
                found = await recognize.recognize_multipart("QR", png)
                if [b.barcode_value for b in found.barcodes or []] != ["bench"]:
                    raise RuntimeError(f"recognized {found.barcodes}")
            stats.latencies[op].append(time.perf_counter() - start)
            stats.finished.append(time.monotonic())
        except Exception as exc:
            stats.failures[op].append(f"{type(exc).__name__}: {str(exc)[:200]}")
        calls += 1


def _per_window(finished: list[float], start: float, seconds: float, window: float) -> list[int]:
    """Successful calls ended in each ``window`` seconds of the run (a stall shows as a dip)."""
    counts = [0] * max(1, math.ceil(seconds / window))
    for t in finished:
        counts[min(len(counts) - 1, max(0, int((t - start) / window)))] += 1
    return counts


def _tree(root: int) -> list[int]:
    """A process and its descendants."""
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            children.setdefault(int(fields[1]), []).append(int(entry.name))
    found, pending = [], [root]
    while pending:
        pid = pending.pop()
        found.append(pid)
        pending.extend(children.get(pid, []))
    return found


def _tree_cpu(root: int) -> float:
    """CPU seconds of a process and its descendants (and of the children they have reaped)."""
    total = 0.0
    for pid in _tree(root):
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += sum(int(x) for x in fields[11:15]) / TICK  # utime stime cutime cstime
    return total


def _tree_switches(root: int) -> dict[str, int]:
    """Context switches of every live thread of a process and its descendants: voluntary (it waited) and
    involuntary (pre-empted while it could run). A thread that has exited takes its counts with it."""
    out = {"voluntary": 0, "involuntary": 0}
    for pid in _tree(root):
        with contextlib.suppress(OSError):
            for task in Path(f"/proc/{pid}/task").iterdir():
                with contextlib.suppress(OSError):
                    for line in (task / "status").read_text().splitlines():
                        if line.startswith("voluntary_ctxt_switches:"):
                            out["voluntary"] += int(line.split()[1])
                        elif line.startswith("nonvoluntary_ctxt_switches:"):
                            out["involuntary"] += int(line.split()[1])
    return out


def _servers(cluster: Cluster) -> list[int]:
    return [h.process.pid for h in cluster.hosts if h.process and h.process.poll() is None]


SHARED = ("postgres", "redis", "proxy")


def _cpu(cluster: Cluster) -> dict[str, float]:
    processes = (cluster.pg_process, cluster.redis_process, cluster.proxy_process)
    shared = {name: _tree_cpu(p.pid) if p is not None else 0.0 for name, p in zip(SHARED, processes, strict=True)}
    return {
        "servers": sum(_tree_cpu(pid) for pid in _servers(cluster)),
        "shared": sum(shared.values()),
        **shared,
        "generator": time.process_time(),  # this process: the load clients
    }


def _switches(cluster: Cluster) -> dict[str, int]:
    counts = [_tree_switches(pid) for pid in _servers(cluster)]
    return {kind: sum(c[kind] for c in counts) for kind in ("voluntary", "involuntary")}


def _accepted(cluster: Cluster) -> int:
    """TCP connections the servers' network namespaces have accepted (each host has its own: nginx's
    connections to it, and the readiness checks)."""
    total = 0
    for pid in _servers(cluster):
        names, values = [
            line.split() for line in Path(f"/proc/{pid}/net/snmp").read_text().splitlines() if line.startswith("Tcp:")
        ]
        total += int(values[names.index("PassiveOpens")])
    return total


# The same pure-Python work, timed in CPU every 20 ms through the load by a process of its own (a few % of a
# core): a change in what the same instructions cost between runs comes from the machine (the other processes on
# its cores, their caches), which every process's CPU per call, ours included, pays too.
_CALIBRATION = """
import statistics, sys, time
times, until = [], time.monotonic() + float(sys.argv[1])
while time.monotonic() < until:
    start = time.thread_time()
    table = {}
    for i in range(1000):
        table[str(i)] = [i, i * i, str(i)]
    sum(len(v[2]) for v in table.values())
    times.append(time.thread_time() - start)
    time.sleep(0.02)
print(1000 * statistics.median(times), 1000 * statistics.mean(times))
"""


def _calibration(seconds: float) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-c", _CALIBRATION, str(seconds)], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True
    )


def _shared_counts(cluster: Cluster, db: Database) -> dict[str, int]:
    """PostgreSQL's transactions in the cluster's database, its index and table scans and rows written per
    table, and the commands Redis has run, so far."""
    with db.session() as session:
        transactions = session.execute(
            text("SELECT xact_commit + xact_rollback FROM pg_stat_database WHERE datname = current_database()")
        ).scalar_one()
        tables = session.execute(
            text(
                "SELECT relname, coalesce(seq_scan, 0) + coalesce(idx_scan, 0), n_tup_ins + n_tup_upd"
                " FROM pg_stat_user_tables"
            )
        ).all()
    info = redis.Redis.from_url(cluster.env["BARCODE_CLOUD_REDIS_URL"]).info("stats")
    counts = {"db_transactions": int(transactions), "redis_commands": int(info["total_commands_processed"])}
    for name, scans, written in tables:
        counts[f"db_scans:{name}"], counts[f"db_written:{name}"] = int(scans), int(written)
    return counts


# Where a sample of the server's stack is spent: the first of these found in it, from the innermost frame out.
COMPONENTS = (
    ("redis", ("redis/", "limits/")),
    ("database", ("sqlalchemy/", "psycopg")),
    ("jwt", ("jwt/", "identity/tokens.py")),
    ("rsa", ("cryptography/",)),
    ("recognize", ("engine/recognition/", "engine/recognize")),
    ("generate", ("engine/",)),
    ("identity", ("identity/",)),
    ("http", ("uvicorn/", "h11/", "httptools")),
    ("framework", ("starlette/", "fastapi/", "pydantic", "anyio/")),
    ("event loop", ("asyncio/",)),
)


def _components(collapsed: str) -> dict[str, int]:
    """Samples per component in py-spy's collapsed stacks (one "frame;frame;... count" a line)."""
    out: dict[str, int] = {}
    for line in collapsed.splitlines():
        stack, _, count = line.rpartition(" ")
        frames = stack.split(";")[::-1]
        name = next((name for frame in frames for name, marks in COMPONENTS if any(m in frame for m in marks)), "other")
        out[name] = out.get(name, 0) + int(count)
    return dict(sorted(out.items(), key=lambda kv: -kv[1]))


def _propagation(cluster: Cluster, creds: dict[str, str]) -> float:
    """Seconds from a secret rotation with --overlap 0 through the first host until every host refuses the
    tokens issued before it."""
    form = {"grant_type": "client_credentials", **creds}
    token = httpx.post(cluster.hosts[0].url + "/connect/token", data=form).json()["access_token"]
    auth = {"Authorization": f"Bearer {token}"}
    cluster.cli("clients", "rotate-secret", creds["client_id"], "--overlap", "0")
    start = time.monotonic()
    pending = list(cluster.hosts)
    while pending and time.monotonic() - start < 10:
        pending = [
            h for h in pending if httpx.get(h.url + "/v4.0/barcode/generate/QR?data=p", headers=auth).status_code != 401
        ]
        time.sleep(0.02)
    return round(time.monotonic() - start, 2) if not pending else float("inf")


def _all_ready(cluster: Cluster) -> bool:
    try:
        return all(httpx.get(h.url + "/readyz", timeout=2).status_code == 200 for h in cluster.hosts)
    except httpx.HTTPError:
        return False


def _until_ready(cluster: Cluster, since: float) -> float:
    while not _all_ready(cluster) and time.monotonic() - since < 60:
        time.sleep(0.1)
    return round(time.monotonic() - since, 2)


def _fault(cluster: Cluster, kind: str) -> dict[str, object]:
    """Apply one fault, undo it, and say how long until every host was ready again (from the fault's start)."""
    start = time.monotonic()
    if kind == "kill":
        cluster.stop_host(cluster.hosts[1], signal.SIGKILL)
        time.sleep(5)
        cluster.start_host(cluster.hosts[1])
    elif kind == "postgres":
        cluster.stop_postgres()
        time.sleep(5)
        cluster.start_postgres()
    elif kind == "redis":
        cluster.stop_redis()
        time.sleep(5)
        cluster.start_redis()
    elif kind == "redis-stall":  # running but answering nothing (SIGSTOP), as a Redis swapping or paused does
        assert cluster.redis_process is not None
        cluster.redis_process.send_signal(signal.SIGSTOP)
        time.sleep(5)
        cluster.redis_process.send_signal(signal.SIGCONT)
    elif kind == "netcut":
        cluster.set_link(cluster.hosts[-1], up=False)
        time.sleep(5)
        cluster.set_link(cluster.hosts[-1], up=True)
    elif kind == "rolling":
        for host in cluster.hosts:
            cluster.stop_host(host, signal.SIGTERM)
            cluster.start_host(host)
            cluster.wait_ready(host)
    return {"fault": kind, "recovered_after_s": _until_ready(cluster, start)}


def _made_before(cluster: Cluster) -> list[dict[str, str]]:
    """Clients created and secrets rotated through one host before the fault: each must survive it."""
    made = []
    for i in range(4):
        created = json.loads(cluster.cli("clients", "create", f"before-{i}", "--json").stdout)
        if i % 2:
            created = json.loads(cluster.cli("clients", "rotate-secret", created["client_id"], "--json").stdout)
        made.append({"client_id": created["client_id"], "client_secret": created["client_secret"]})
    return made


def _uncounted(db: Database, clients: list[dict[str, str]], stats: Stats, since: datetime) -> dict[str, int]:
    """Successful generations and recognitions the clients saw that the stored usage counts miss (each SDK call
    that succeeded got exactly one 2xx; its retries answered otherwise)."""
    counts = by_operation(db, since, [c["client_id"] for c in clients])
    stored = {
        op: sum(ops[name].by_status.get("2xx", 0) for ops in counts.values() if name in ops)
        for op, name in (("generate", "generate"), ("recognize", "recognize-multipart"))
    }
    return {op: len(stats.latencies[op]) - n for op, n in stored.items()}


def _lost(store: ClientStore, made: list[dict[str, str]]) -> int:
    """Clients made (or secrets rotated) before the fault that the database no longer knows."""
    return sum(store.authenticate(c["client_id"], c["client_secret"]) is None for c in made)


async def _load(
    cluster: Cluster,
    clients: list[dict[str, str]],
    png: bytes,
    seconds: float,
    fault: str | None,
    weights: tuple[int, ...],
    pacing: Pacing | None,
    begin: Callable[[], float],
) -> tuple[Stats, dict[str, object] | None]:
    """The clients' load for ``seconds`` from ``begin()`` (which measures what is before, and says when)."""
    async with contextlib.AsyncExitStack() as stack:
        # Every client is made before the clock starts: each builds an SSL context (~0.15 s of CPU on a busy
        # machine) while blocking the one event loop every client shares, which stalled the first tens of seconds.
        sessions = []
        for c in clients:
            config = barcode_cloud.Configuration(
                client_id=c["client_id"], client_secret=c["client_secret"], host=cluster.proxy_url + "/v4.0"
            )
            api = await stack.enter_async_context(barcode_cloud.AsyncApiClient(config))
            sessions.append((api, await stack.enter_async_context(httpx.AsyncClient(timeout=30))))
        stats = Stats()
        start = begin()
        until = start + seconds
        if pacing:
            pacing.start = start
        tasks = [
            asyncio.create_task(_client(cluster, c, session, png, stats, until, n, weights, pacing))
            for n, (c, session) in enumerate(zip(clients, sessions, strict=True))
        ]
        fault_result: dict[str, object] | None = None
        if fault:
            await asyncio.sleep(seconds / 3)
            fault_result = await asyncio.to_thread(_fault, cluster, fault)
        await asyncio.gather(*tasks)
    return stats, fault_result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--hosts", type=int, default=3, choices=(1, 2, 3))
    parser.add_argument("--clients", type=int, default=64)
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--fault", choices=("kill", "postgres", "redis", "redis-stall", "netcut", "rolling"))
    parser.add_argument("--only", choices=OPERATIONS, help="one operation instead of the mix (for its cost alone)")
    parser.add_argument("--quota", type=int, help="a daily quota on every load client (never reached)")
    parser.add_argument("--idle", type=float, default=0, help="seconds of quiet to measure the idle CPU")
    parser.add_argument("--profile", type=Path, help="py-spy's collapsed stacks of the first host go here")
    parser.add_argument("--py-spy", default="py-spy", help="the py-spy binary")
    parser.add_argument("--calibrate", action="store_true", help="time a fixed workload's CPU during the load")
    parser.add_argument("--rate", type=float, help="calls a second offered by all the clients together (paced)")
    args = parser.parse_args()
    if args.rate is not None and args.rate <= 0:
        parser.error("--rate must be above 0")
    load_at_start = os.getloadavg()[0]  # the other sessions', before this run's cluster starts
    weights = tuple(int(op == args.only) for op in OPERATIONS) if args.only else WEIGHTS
    seconds = min(args.seconds, MAX_SECONDS)
    with running_cluster(args.hosts, token_lifetime=10) as cluster:
        db = Database(normalize_database_url(cluster.database_url))
        store = ClientStore(db)
        clients = [store.create(f"load-{i}").as_dict() for i in range(args.clients + 4)]
        creds = [{"client_id": str(c["client_id"]), "client_secret": str(c["client_secret"])} for c in clients]
        propagation = [_propagation(cluster, creds[i]) for i in range(3)]
        setup, creds = creds[3], creds[4:]  # setup fetches the image to recognize: its call is no load client's
        if args.quota:
            for c in creds:
                store.set_quota(c["client_id"], args.quota, None)
            time.sleep(cluster.usage_flush_seconds + 1)  # every host reads quotas when it flushes
        made = _made_before(cluster)
        token = httpx.post(
            cluster.proxy_url + "/connect/token", data={"grant_type": "client_credentials", **setup}
        ).json()["access_token"]
        png = httpx.get(
            cluster.proxy_url + "/v4.0/barcode/generate/QR?data=bench", headers={"Authorization": f"Bearer {token}"}
        ).content
        pids = [h.process.pid for h in cluster.hosts if h.process]
        since = period_start(datetime.now(UTC) - timedelta(seconds=seconds + 60), "day")
        idle_ms_per_s, idle_switches_per_s = None, None
        if args.idle:
            idle_before, switches_before, idle_start = _cpu(cluster), _switches(cluster), time.monotonic()
            time.sleep(args.idle)
            idle_wall, idle_after, switches = time.monotonic() - idle_start, _cpu(cluster), _switches(cluster)
            measured = ("servers", "shared", *SHARED)
            idle_ms_per_s = {k: 1000 * (idle_after[k] - idle_before[k]) / idle_wall for k in measured}
            idle_switches_per_s = {k: (switches[k] - switches_before[k]) / idle_wall for k in switches}
        profiler: list[subprocess.Popen[bytes]] = []
        calibration: list[subprocess.Popen[str]] = []
        before: dict[str, dict[str, float]] = {}

        def begin() -> float:
            if args.profile:
                # --gil: the samples of the thread running Python code, not of threads waiting on I/O
                record = ["record", "--pid", str(pids[0]), "--format", "raw", "--rate", "200", "--gil", "--nonblocking"]
                command = [args.py_spy, *record, "--duration", str(int(seconds) - 2), "--output", str(args.profile)]
                profiler.append(subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL))
            if args.calibrate:
                calibration.append(_calibration(seconds))
            before["load"] = {"average": os.getloadavg()[0]}
            before["shared"] = {k: float(v) for k, v in _shared_counts(cluster, db).items()}
            before["cpu"] = _cpu(cluster)
            before["switches"] = {k: float(v) for k, v in _switches(cluster).items()}
            before["accepted"] = {"servers": float(_accepted(cluster))}
            before["wall"] = {"start": time.monotonic()}
            return before["wall"]["start"]

        pacing = Pacing(args.rate) if args.rate else None
        stats, fault = asyncio.run(_load(cluster, creds, png, seconds, args.fault, weights, pacing, begin))
        wall_start = before["wall"]["start"]
        wall = time.monotonic() - wall_start
        load_before, shared_before, cpu_before = before["load"]["average"], before["shared"], before["cpu"]
        cpu_after, switches_after, accepted_after = _cpu(cluster), _switches(cluster), _accepted(cluster)
        time.sleep(1)  # PostgreSQL publishes its statistics about once a second
        shared_after = _shared_counts(cluster, db)
        load_after = os.getloadavg()[0]
        time.sleep(cluster.usage_flush_seconds + 1)  # every host has added its counts
        calls = sum(len(v) for v in stats.latencies.values())
        result: dict[str, object] = {
            "hosts": args.hosts,
            "only": args.only,
            "clients": len(creds),
            "seconds": round(wall, 1),
            "calls": calls,
            "failed": sum(len(v) for v in stats.failures.values()),
            "per_second": round(calls / wall, 1),
            "calls_per_5s": _per_window(stats.finished, wall_start, wall, 5),
            "operations": stats.summary(wall),
            "propagation_s": propagation,
            "propagation_median_s": statistics.median(propagation),
            "lost_after": _lost(store, made),
            "usage_uncounted": _uncounted(db, creds, stats, since),
            "quota": args.quota,
            "load_average_at_start": round(load_at_start, 2),
            "load_average": [round(load_before, 1), round(load_after, 1)],
            "server_pids_changed": [h.process.pid for h in cluster.hosts if h.process] != pids,
        }
        if pacing:
            result["offered_per_second"] = round(pacing.slots / wall, 1)
            result["started_late"] = pacing.late
            result["worst_lag_s"] = round(pacing.worst_lag, 3)
        for name, count in shared_before.items():
            if shared_after[name] != count:
                result[f"{name}_per_call"] = round((shared_after[name] - count) / calls, 3)
        if calibration:
            median, mean = (float(x) for x in calibration[0].communicate(timeout=30)[0].split())
            result["calibration_cpu_ms"] = {"median": round(median, 3), "mean": round(mean, 3)}
        if profiler and args.profile:
            profiler[0].wait(timeout=30)
            result["profile_samples"] = _components(args.profile.read_text())
        if result["failed"]:
            errors = (cluster.folder / "nginx.log").read_text(errors="replace").splitlines()
            result["proxy_errors"] = [line[:300] for line in errors if "[error]" in line][:5]
        if fault:
            result.update(fault)
        else:  # a killed or restarted server takes its CPU time with it
            result["server_cpu_ms_per_call"] = round(1000 * (cpu_after["servers"] - cpu_before["servers"]) / calls, 3)
            for name in ("shared", *SHARED):
                result[f"{name}_cpu_ms_per_call"] = round(1000 * (cpu_after[name] - cpu_before[name]) / calls, 3)
            generator = cpu_after["generator"] - cpu_before["generator"]
            result["generator_cpu_ms_per_call"] = round(1000 * generator / calls, 3)
            accepted = accepted_after - before["accepted"]["servers"]
            result["server_connections_per_call"] = round(accepted / calls, 4)
            for kind, count in switches_after.items():
                result[f"server_{kind}_switches_per_call"] = round((count - before["switches"][kind]) / calls, 2)
            if idle_ms_per_s is not None and idle_switches_per_s is not None:
                for name, key in (("servers", "server"), ("shared", "shared"), ("postgres", "postgres")):
                    busy = 1000 * (cpu_after[name] - cpu_before[name]) - idle_ms_per_s[name] * wall
                    result[f"{key}_idle_ms_per_s"] = round(idle_ms_per_s[name], 2)
                    result[f"{key}_cpu_ms_per_call_less_idle"] = round(busy / calls, 3)
                for kind, per_s in idle_switches_per_s.items():
                    busy_switches = switches_after[kind] - before["switches"][kind] - per_s * wall
                    result[f"server_{kind}_switches_per_call_less_idle"] = round(busy_switches / calls, 2)
        sys.stdout.write(json.dumps(result) + "\n")


if __name__ == "__main__":
    main()
