"""Generation throughput: the engine in-process, our authenticated HTTP API, and bwip-js behind Node.

All on this machine in one run: each server gets core 0 (one worker), wrk gets core 1.
  engine      GenerateRequest -> PNG bytes, in this process, pinned to core 0
  our API     GET /v4.0/barcode/generate/{type} with a bearer token (uvicorn, 1 worker)
  bwip-js     the same symbol from bwip-js (npm) in a minimal Node http server
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

from tests.conftest import free_port, running_server

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


def wrk(url: str, seconds: int, header: str | None = None) -> float:
    cmd = ["taskset", "-c", "1", "wrk", "-t1", "-c16", f"-d{seconds}s"]
    if header:
        cmd += ["-H", header]
    out = subprocess.run([*cmd, url], capture_output=True, text=True, check=True).stdout
    failed = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    if failed:
        raise RuntimeError(f"{url}: {failed.group(1)} failed responses")
    match = re.search(r"Requests/sec:\s+([\d.]+)", out)
    assert match, out
    return float(match.group(1))


def pin(pid: int, core: int) -> None:
    subprocess.run(["taskset", "-a", "-p", "-c", str(core), str(pid)], check=True, capture_output=True)


def in_process_rate(request: GenerateRequest, seconds: float) -> tuple[float, int]:
    os.sched_setaffinity(0, {0})
    try:
        size = len(generate(request).content)
        count, started = 0, time.perf_counter()
        while time.perf_counter() - started < seconds:
            for _ in range(100):
                generate(request)
            count += 100
        return count / (time.perf_counter() - started), size
    finally:
        os.sched_setaffinity(0, set(range(os.cpu_count() or 1)))


def start_bwip(workdir: Path) -> tuple[subprocess.Popen[bytes], str] | None:
    if not shutil.which("npm") or not shutil.which("node"):
        return None
    subprocess.run(["npm", "install", "--silent", "--no-audit", "--no-fund", "bwip-js@4"], cwd=workdir, check=True)
    (workdir / "server.js").write_text(NODE_SERVER)
    port = free_port()
    proc = subprocess.Popen(["taskset", "-c", "0", "node", "server.js", str(port)], cwd=workdir)
    for _ in range(100):
        with socket.socket() as s:
            if s.connect_ex(("127.0.0.1", port)) == 0:
                return proc, f"http://127.0.0.1:{port}"
        time.sleep(0.1)
    proc.kill()
    raise RuntimeError("bwip-js server did not start")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seconds", type=int, default=10)
    args = parser.parse_args()
    for tool in ("wrk", "taskset"):
        if not shutil.which(tool):
            sys.exit(f"{tool} is needed")
    with tempfile.TemporaryDirectory() as tmp:
        bwip = start_bwip(Path(tmp))
        try:
            with running_server(Path(tmp) / "data", args=("--log-level", "warning")) as server:
                pin(server.process.pid, 0)
                bearer = f"Authorization: Bearer {server.token()}"
                print(f"{'':8} {'engine /s':>10} {'API /s':>10} {'API/engine':>10} {'bwip-js /s':>10} {'API/bwip':>9}")
                for label, (kind, data, bcid) in CASES.items():
                    engine_rate, size = in_process_rate(GenerateRequest(barcode_type=kind, data=data), args.seconds)
                    url = f"{server.api_url}/barcode/generate/{kind}?{urlencode({'data': data})}"
                    got = httpx.get(url, headers=dict([bearer.split(": ", 1)]), timeout=10)
                    assert got.status_code == 200 and len(got.content) == size, (got.status_code, len(got.content))
                    wrk(url, 2, bearer)  # warm-up
                    api_rate = wrk(url, args.seconds, bearer)
                    bwip_rate = float("nan")
                    if bwip is not None:
                        bwip_url = f"{bwip[1]}/?{urlencode({'bcid': bcid, 'text': data})}"
                        wrk(bwip_url, 2)
                        bwip_rate = wrk(bwip_url, args.seconds)
                    print(
                        f"{label:8} {engine_rate:10.0f} {api_rate:10.0f} {api_rate / engine_rate:10.2f} "
                        f"{bwip_rate:10.0f} {api_rate / bwip_rate:9.1f}"
                    )
                print("targets: API/engine >= 0.50, API/bwip >= 10")
        finally:
            if bwip is not None:
                bwip[0].kill()


if __name__ == "__main__":
    main()
