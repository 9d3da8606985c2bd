"""Generation throughput: the engine in-process, our authenticated HTTP API, and bwip-js behind Node.

All on this machine in one run: each server gets core 0 (one worker), wrk gets core 1.
  engine      GenerateRequest -> PNG bytes, in this process, pinned to core 0
  our API     GET /v4.0/barcode/generate/{type} with a bearer token (uvicorn, 1 worker); also the server's CPU
              time per request (from /proc), which other load on the machine does not inflate as much. The server
              runs at --log-level warning unless told otherwise: at the default info level every request writes
              an access log line (unless --no-access-log), ~15-20 µs more a request (10-20% fewer requests a
              second in runs here)
  bare        the same engine call in a bare ASGI app under the same uvicorn (bench/bare_generate_app.py): no token
              check, request id, metrics or validation; the floor this server and machine allow
  bwip-js     the same symbol from bwip-js (npm) in a minimal Node http server
  counting    the QR GET of our API with usage counting on against a second server with --no-count-usage,
              measured in turns (on, off, three times); target: on/off >= 0.95; and the CPU time per request of
              each server
Run: .venv/bin/python bench/bench_generate_http.py [--seconds 10]
Needs wrk and taskset (Debian: wrk, util-linux) and node/npm for bwip-js (skipped when missing).
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlencode

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tests.support.servers import free_port, running_server

from barcode_cloud_server.engine.generate import GenerateRequest, generate

CASES = {
    "QR": ("QR", "https://example.com/product/12345", "qrcode"),
    "Code128": ("Code128", "BC-2026-000123", "code128"),
}

NODE_SERVER = """
const http = require('http');
const bwipjs = require('bwip-js');
http.createServer((req, res) => {
  const u = new URL(req.url, 'http://localhost');
  bwipjs.toBuffer({bcid: u.searchParams.get('bcid'), text: u.searchParams.get('text'), scale: 4})
    .then(png => { res.writeHead(200, {'Content-Type': 'image/png'}); res.end(png); })
    .catch(err => { res.writeHead(400); res.end(String(err)); });
}).listen(Number(process.argv[2]), '127.0.0.1');
"""


def wrk(url: str, seconds: int, header: str | None = None, server_pid: int | None = None) -> tuple[float, float]:
    """(requests/s, server CPU µs per request); the CPU figure (NaN without ``server_pid``) is what the server
    spent, so it stays meaningful when other work on the machine takes cycles from core 0."""
    cmd = ["taskset", "-c", "1", "wrk", "-t1", "-c16", f"-d{seconds}s"]
    if header:
        cmd += ["-H", header]
    before = _cpu_seconds(server_pid)
    out = subprocess.run([*cmd, url], capture_output=True, text=True, check=True).stdout
    spent = _cpu_seconds(server_pid) - before
    failed = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    if failed:
        raise RuntimeError(f"{url}: {failed.group(1)} failed responses")
    match = re.search(r"Requests/sec:\s+([\d.]+)", out)
    total = re.search(r"(\d+) requests in", out)
    assert match and total, out
    return float(match.group(1)), spent / int(total.group(1)) * 1e6


def _cpu_seconds(pid: int | None) -> float:
    """User + system CPU time of a process (all its threads), from /proc; NaN when not known."""
    if pid is None:
        return float("nan")
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def pin(pid: int, core: int) -> None:
    subprocess.run(["taskset", "-a", "-p", "-c", str(core), str(pid)], check=True, capture_output=True)


def in_process_rate(request: GenerateRequest, seconds: float) -> tuple[float, float, int]:
    """(calls/s, CPU µs per call, PNG size) of the engine alone, pinned to core 0."""
    os.sched_setaffinity(0, {0})
    try:
        size = len(generate(request).content)
        count, started, cpu = 0, time.perf_counter(), time.process_time()
        while time.perf_counter() - started < seconds:
            for _ in range(100):
                generate(request)
            count += 100
        cpu_us = (time.process_time() - cpu) / count * 1e6
        return count / (time.perf_counter() - started), cpu_us, size
    finally:
        os.sched_setaffinity(0, set(range(os.cpu_count() or 1)))


def start_bwip(workdir: Path) -> tuple[subprocess.Popen[bytes], str] | None:
    if not shutil.which("npm") or not shutil.which("node"):
        return None
    subprocess.run(["npm", "install", "--silent", "--no-audit", "--no-fund", "bwip-js@4"], cwd=workdir, check=True)
    (workdir / "server.js").write_text(NODE_SERVER)
    port = free_port()
    proc = subprocess.Popen(["taskset", "-c", "0", "node", "server.js", str(port)], cwd=workdir)
    return proc, _listening(proc, port, "bwip-js server")


def _listening(proc: subprocess.Popen[bytes], port: int, what: str) -> str:
    """The base URL of ``proc`` once it accepts connections on ``port`` (10 s at most)."""
    for _ in range(100):
        with socket.socket() as s:
            if s.connect_ex(("127.0.0.1", port)) == 0:
                return f"http://127.0.0.1:{port}"
        time.sleep(0.1)
    proc.kill()
    raise RuntimeError(f"{what} did not start")


def start_bare() -> tuple[subprocess.Popen[bytes], str]:
    """bench/bare_generate_app.py under uvicorn, one worker on core 0, settings as ``barcode-cloud serve``'s."""
    port = free_port()
    cmd = ["taskset", "-c", "0", sys.executable, "-m", "uvicorn", "bench.bare_generate_app:app", "--port", str(port)]
    cmd += ["--log-level", "warning", "--no-access-log"]
    proc = subprocess.Popen(cmd, cwd=Path(__file__).resolve().parents[1])
    return proc, _listening(proc, port, "bare ASGI app")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--log-level", default="warning", help="the server's log level (info: with access log)")
    parser.add_argument("--counting-only", action="store_true", help="only usage counting on against off")
    args = parser.parse_args()
    for tool in ("wrk", "taskset"):
        if not shutil.which(tool):
            sys.exit(f"{tool} is needed")
    if args.counting_only:
        with tempfile.TemporaryDirectory() as tmp:
            counting_cost(Path(tmp), args.seconds, args.log_level)
        return
    with tempfile.TemporaryDirectory() as tmp:
        bwip = start_bwip(Path(tmp))
        bare = start_bare()
        try:
            with running_server(Path(tmp) / "data", args=("--log-level", args.log_level)) as server:
                pin(server.process.pid, 0)
                bearer = f"Authorization: Bearer {server.token()}"
                print(
                    f"{'':8} {'engine /s':>10} {'API /s':>10} {'API/engine':>10} {'bare /s':>8} {'bare/engine':>11}"
                    f" {'bwip-js /s':>10} {'API/bwip':>9} {'engine µs':>10} {'API µs':>8} {'CPU ratio':>9}"
                )
                for label, (kind, data, bcid) in CASES.items():
                    request = GenerateRequest(barcode_type=kind, data=data)
                    engine_rate, engine_us, size = in_process_rate(request, args.seconds)
                    url = f"{server.api_url}/barcode/generate/{kind}?{urlencode({'data': data})}"
                    got = httpx.get(url, headers=dict([bearer.split(": ", 1)]), timeout=10)
                    assert got.status_code == 200 and len(got.content) == size, (got.status_code, len(got.content))
                    wrk(url, 2, bearer)  # warm-up
                    api_rate, api_us = wrk(url, args.seconds, bearer, server.process.pid)
                    bare_url = f"{bare[1]}/{kind}?{urlencode({'data': data})}"
                    wrk(bare_url, 2)
                    bare_rate, _ = wrk(bare_url, args.seconds)
                    bwip_rate = float("nan")
                    if bwip is not None:
                        bwip_url = f"{bwip[1]}/?{urlencode({'bcid': bcid, 'text': data})}"
                        wrk(bwip_url, 2)
                        bwip_rate, _ = wrk(bwip_url, args.seconds)
                    print(
                        f"{label:8} {engine_rate:10.0f} {api_rate:10.0f} {api_rate / engine_rate:10.2f} "
                        f"{bare_rate:8.0f} {bare_rate / engine_rate:11.2f} "
                        f"{bwip_rate:10.0f} {api_rate / bwip_rate:9.1f} "
                        f"{engine_us:10.1f} {api_us:8.1f} {engine_us / api_us:9.2f}"
                    )
                print("targets: API/engine >= 0.50, API/bwip >= 10; bare/engine is the most any app could reach here")
                print(
                    "CPU ratio: engine CPU µs per image / server CPU µs per request (the API/engine ratio a quiet "
                    "core would show; the rates above drop when other work shares the cores)"
                )
            counting_cost(Path(tmp), args.seconds, args.log_level)
        finally:
            bare[0].kill()
            if bwip is not None:
                bwip[0].kill()


def counting_cost(tmp: Path, seconds: int, log_level: str) -> None:
    """The QR GET rate with usage counting (and the recent-calls log) on and off, in turns so that drifts of the
    machine hit both; and each server's CPU time per request, which other work on the machine inflates less."""
    kind, data, _ = CASES["QR"]
    rates: dict[str, list[float]] = {"on": [], "off": []}
    cpu: dict[str, list[float]] = {"on": [], "off": []}
    with (
        running_server(tmp / "on", args=("--log-level", log_level)) as on,
        running_server(tmp / "off", args=("--log-level", log_level, "--no-count-usage")) as off,
    ):
        servers = {"on": on, "off": off}
        bearers = {name: f"Authorization: Bearer {server.token()}" for name, server in servers.items()}
        for server in servers.values():
            pin(server.process.pid, 0)
        for _ in range(3):
            for name, server in servers.items():
                url = f"{server.api_url}/barcode/generate/{kind}?{urlencode({'data': data})}"
                wrk(url, 2, bearers[name])
                rate, cpu_us = wrk(url, seconds, bearers[name], server.process.pid)
                rates[name].append(rate)
                cpu[name].append(cpu_us)
    on_rate, off_rate = sum(rates["on"]) / 3, sum(rates["off"]) / 3
    on_us, off_us = min(cpu["on"]), min(cpu["off"])
    print(
        f"usage counting: QR GET {on_rate:.0f}/s on, {off_rate:.0f}/s off, on/off {on_rate / off_rate:.3f} "
        f"(target >= 0.95); server CPU {on_us:.0f} µs/request on, {off_us:.0f} off (best of 3), off/on "
        f"{off_us / on_us:.3f}"
    )


if __name__ == "__main__":
    main()
