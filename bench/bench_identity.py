"""Token grants per second, and what verifying a token costs each API request.

Starts a real server (SQLite, N workers) and drives it with wrk from the same machine:
  1. POST /connect/token (client_secret_post) - grants per second
  2. GET /healthz (no auth) against GET /v4.0/whoami (bearer token verified, same tiny JSON) - the ratio is
     what authentication costs per request.
Run: .venv/bin/python bench/bench_identity.py [--workers 2] [--seconds 10]
Needs wrk (Debian package `wrk`).
"""

from __future__ import annotations

import argparse
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tests.conftest import running_server


def wrk(url: str, seconds: int, connections: int, script: str | None = None, header: str | None = None) -> float:
    cmd = ["wrk", "-t1", f"-c{connections}", f"-d{seconds}s", "--latency"]
    if header:
        cmd += ["-H", header]
    # Deleted afterwards: the grant script holds the bench client's secret.
    with tempfile.NamedTemporaryFile("w", suffix=".lua") as lua:
        if script:
            lua.write(script)
            lua.flush()
            cmd += ["-s", lua.name]
        out = subprocess.run([*cmd, url], capture_output=True, text=True, check=True).stdout
    match = re.search(r"Requests/sec:\s+([\d.]+)", out)
    non2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    if non2xx:
        raise RuntimeError(f"{url}: {non2xx.group(1)} failed responses\n{out}")
    assert match, out
    return float(match.group(1))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    if not shutil.which("wrk"):
        sys.exit("wrk is needed: apt-get install wrk")
    with (
        tempfile.TemporaryDirectory() as tmp,
        running_server(Path(tmp), args=("--workers", str(args.workers), "--log-level", "warning")) as server,
    ):
        creds = server.create_client("bench")
        token = server.token(creds)
        body = f"grant_type=client_credentials&client_id={creds.client_id}&client_secret={creds.client_secret}"
        post = (
            'wrk.method = "POST"\n'
            f'wrk.body = "{body}"\n'
            'wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"\n'
        )
        warm = max(2, args.seconds // 5)
        wrk(server.base_url + "/healthz", warm, args.connections)
        # Several rounds, best kept: each wrk run opens new connections, and how they happen to spread over
        # the worker processes (which share one listening socket) moves a single run by up to 2x.
        grants = max(wrk(server.token_url, args.seconds, args.connections, post) for _ in range(args.rounds))
        # The endpoints alternate round by round, so that other load on the machine during one round does not
        # decide the ratio.
        # The control sends the same bearer header to /healthz, which ignores it: the difference to /v4.0/whoami
        # is then verification alone, not the ~900 bytes more that every authenticated request carries.
        open_rates, control_rates, auth_rates = [], [], []
        bearer = f"Authorization: Bearer {token}"
        for _ in range(args.rounds):
            open_rates.append(wrk(server.base_url + "/healthz", args.seconds, args.connections))
            control_rates.append(wrk(server.base_url + "/healthz", args.seconds, args.connections, header=bearer))
            auth_rates.append(wrk(server.base_url + "/v4.0/whoami", args.seconds, args.connections, header=bearer))
        open_rate, control_rate, auth_rate = max(open_rates), max(control_rates), max(auth_rates)
        print(f"server workers: {args.workers}, wrk: 1 thread, {args.connections} connections, {args.seconds}s a run")
        print(f"token grants:                 {grants:9.0f} /s   best of {args.rounds} (target >= 1000)")
        print(f"GET /healthz (no auth):       {open_rate:9.0f} /s   best of {args.rounds}")
        print(f"GET /healthz + bearer header: {control_rate:9.0f} /s   best of {args.rounds} (header ignored)")
        print(f"GET /v4.0/whoami (verified):  {auth_rate:9.0f} /s   best of {args.rounds}")
        print(f"  verified / no auth:          {auth_rate / open_rate:9.2f}      (target >= 0.90)")
        print(f"  verified / same header:      {auth_rate / control_rate:9.2f}      (verification alone)")


if __name__ == "__main__":
    main()
