"""How long ``barcode-cloud`` commands take from start to finish (``serve``: to its first 200 from /readyz, with one
worker and with two), and how much of that is imports, for this tree and another (``--base``, a folder holding
``barcode_cloud_server``: a copy of an older commit's ``src``, e.g. ``git archive main src | tar -x -C /tmp/base``).
The two are run alternately, round after round, so that the load of a shared machine falls on both alike. Commands
start as the installed ``barcode-cloud`` script does (a file that imports the CLI: ``serve --workers 2``'s worker
processes import it again).

    .venv/bin/python bench/bench_cli_start.py --base /tmp/base/src [--rounds 5]

One JSON line per command and tree, in seconds, each the best of the rounds: wall time, CPU time (user and system,
of the command's processes; ``serve`` until it is ready), and the total of ``-X importtime``'s top-level imports
(``serve``'s workers write theirs to the same stream).
"""

from __future__ import annotations

import argparse
import json
import math
import os
import re
import resource
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import NamedTuple

import httpx

HERE = Path(__file__).resolve().parents[1] / "src"
# Top-level lines of -X importtime: "import time: self | cumulative | name", the name not indented.
_TOP = re.compile(r"^import time:\s+\d+ \|\s+(\d+) \| (\S.*)$")


class Took(NamedTuple):
    wall: float
    cpu: float  # the command's processes' user and system time (serve: until it is ready)
    imports: float


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _env(src: Path) -> dict[str, str]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith("BARCODE_CLOUD_")}
    return {**clean, "PYTHONPATH": str(src)}


def _imports(stderr: str) -> float:
    return sum(int(m[1]) for line in stderr.splitlines() if (m := _TOP.match(line))) / 1e6


# What pip writes for the console script.
LAUNCHER = """import sys
from barcode_cloud_server.cli.main import app
if __name__ == "__main__":
    sys.argv[0] = "barcode-cloud"
    sys.exit(app())
"""


def _command(launcher: Path, args: list[str], importtime: bool) -> list[str]:
    return [sys.executable, *(["-X", "importtime"] if importtime else []), str(launcher), *args]


def _tree_cpu(pid: int) -> float:
    """User and system seconds of a running process and its children (``serve``'s workers), from Linux's /proc."""
    total = 0.0
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:  # gone meanwhile
            continue
        if pid in (int(stat.parent.name), int(fields[1])):
            total += (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    return total


def _run(launcher: Path, src: Path, args: list[str], importtime: bool) -> Took:
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    done = subprocess.run(
        _command(launcher, args, importtime), env=_env(src), capture_output=True, text=True, timeout=120, check=True
    )
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime
    return Took(wall, cpu, _imports(done.stderr))


def _serve(launcher: Path, src: Path, data_dir: Path, workers: int, importtime: bool) -> Took:
    port = _free_port()
    args = ["serve", "--port", str(port), "--data-dir", str(data_dir), "--workers", str(workers)]
    with tempfile.TemporaryFile("w+") as log:
        start = time.perf_counter()
        process = subprocess.Popen(
            _command(launcher, [*args, "--log-format", "json"], importtime),
            env=_env(src),
            stderr=log,
            stdout=subprocess.DEVNULL,
        )
        try:
            while True:
                if process.poll() is not None:
                    raise RuntimeError(f"serve exited with {process.returncode}")
                try:
                    if httpx.get(f"http://127.0.0.1:{port}/readyz", timeout=1).status_code == 200:
                        break
                except httpx.HTTPError:
                    pass
                time.sleep(0.01)
            elapsed = time.perf_counter() - start
            cpu = _tree_cpu(process.pid)
        finally:
            process.terminate()
            process.wait(timeout=30)
        log.seek(0)
        return Took(elapsed, cpu, _imports(log.read()))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--base", type=Path, required=True, help="the other tree's folder of packages")
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    trees = {"base": args.base.resolve(), "this": HERE}
    with tempfile.TemporaryDirectory() as folder:
        work = Path(folder)
        launcher = work / "barcode-cloud"
        launcher.write_text(LAUNCHER)
        data = {tree: work / tree for tree in trees}  # each its own: the trees' schemas may differ
        commands: dict[str, Callable[[str, Path, bool], Took]] = {
            "--help": lambda tree, src, it: _run(launcher, src, ["--help"], it),
            "clients list": lambda tree, src, it: _run(
                launcher, src, ["clients", "list", "--data-dir", str(data[tree])], it
            ),
            "generate": lambda tree, src, it: _run(
                launcher, src, ["generate", "QR", "x", "-o", str(work / "x.png")], it
            ),
            "serve": lambda tree, src, it: _serve(launcher, src, data[tree], 1, it),
            "serve --workers 2": lambda tree, src, it: _serve(launcher, src, data[tree], 2, it),
        }
        for tree, src in trees.items():  # the databases are made before the clock starts
            _run(launcher, src, ["migrate", "--data-dir", str(data[tree])], importtime=False)
        best: dict[tuple[str, str], Took] = {}
        for _ in range(args.rounds):
            for name, command in commands.items():
                for tree, src in trees.items():
                    # Wall and CPU time without -X importtime (it slows imports down), imports in a run of their own.
                    timed, imported = command(tree, src, False), command(tree, src, True)
                    old = best.get((name, tree), Took(math.inf, math.inf, math.inf))
                    best[(name, tree)] = Took(
                        min(old.wall, timed.wall), min(old.cpu, timed.cpu), min(old.imports, imported.imports)
                    )
    for (name, tree), took in best.items():
        figures = {"wall_s": round(took.wall, 3), "cpu_s": round(took.cpu, 3), "imports_s": round(took.imports, 3)}
        print(json.dumps({"command": name, "tree": tree, **figures}))


if __name__ == "__main__":
    main()
