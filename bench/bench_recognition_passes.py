"""Where Normal-mode recognition spends its CPU on real photos, pass by pass, and which pass finds what.

Every image of zxing-cpp's corpus (or every Nth) is read the way `barcode-cloud recognize` reads it (the file's
bytes, every type, the Photo plan), with each pass of the plan timed in CPU seconds (building its variants and
its reads), the first read and the engine's own decoders too. Prints per pass: CPU seconds over all images, how
many images ran it, and on how many images it found the first barcode; then images with a barcode, CPU seconds per
image (all images, and those where nothing is found), for the `src` on PYTHONPATH. Run it once with the old and
once with the new `src` in the same session to compare.

    PYTHONPATH=src .venv/bin/python bench/bench_recognition_passes.py --jobs 2
    PYTHONPATH=src .venv/bin/python bench/bench_recognition_passes.py --sample 4 --mode Excellent
"""

from __future__ import annotations

import argparse
import json
import time
from collections import Counter
from collections.abc import Callable, Iterator
from concurrent.futures import ProcessPoolExecutor
from dataclasses import replace
from pathlib import Path
from typing import Any

from bench_cli_recognize import DEFAULT_CORPUS, SUFFIXES

from barcode_cloud_server.engine import recognition
from barcode_cloud_server.engine import recognize as engine
from barcode_cloud_server.engine import recognize_plan as plan_module

_current = ["first"]
_cpu: Counter[str] = Counter()
_ran: Counter[str] = Counter()
_prep: Counter[str] = Counter()  # of _cpu, building the variants


def _timed(name: str, make: Callable[..., Any]) -> Callable[..., Any]:
    def wrapped(*args: Any) -> Any:
        _current[0] = name
        _ran[name] += 1
        started = time.process_time()
        try:
            return make(*args)
        finally:
            _cpu[name] += time.process_time() - started
            _prep[name] += time.process_time() - started

    return wrapped


def _timed_reader(reader: Callable[..., Iterator[Any]]) -> Callable[..., Iterator[Any]]:
    def wrapped(*args: Any, **kwargs: Any) -> Iterator[Any]:
        started = time.process_time()
        found = list(reader(*args, **kwargs))
        _cpu[_current[0]] += time.process_time() - started
        return iter(found)

    return wrapped


def _install() -> None:
    for name, spec in list(plan_module.PASSES.items()):
        plan_module.PASSES[name] = replace(spec, make=_timed(name, spec.make))
    engine._Search.zxing = _timed_reader(engine._Search.zxing)  # type: ignore[method-assign]
    engine._Search.zbar = _timed_reader(engine._Search.zbar)  # type: ignore[method-assign]
    find, find_inverted = recognition.find, recognition.find_inverted
    recognition.find = _timed("own", find)  # type: ignore[assignment]
    recognition.find_inverted = _timed("own", find_inverted)  # type: ignore[assignment]
    first = engine._first_read

    def first_read(*args: Any) -> Any:
        _current[0] = "first"
        _ran["first"] += 1
        return first(*args)

    engine._first_read = first_read  # type: ignore[assignment]


def _one(args: tuple[str, str]) -> dict[str, Any]:
    path, mode = args
    if not getattr(_one, "installed", False):
        _install()
        _one.installed = True  # type: ignore[attr-defined]
    _cpu.clear()
    _ran.clear()
    _prep.clear()
    _current[0] = "first"
    started = time.process_time()
    dets = engine.recognize_bytes(Path(path).read_bytes(), mode=engine.Mode(mode))
    return {
        "path": path,
        "cpu": time.process_time() - started,
        "found": sorted({d.source for d in dets}),
        "values": sorted(f"{d.type}:{d.value}" for d in dets),
        "passes": dict(_cpu),
        "ran": dict(_ran),
        "prep": dict(_prep),
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    ap.add_argument("--mode", default="Normal", choices=["Fast", "Normal", "Excellent"])
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--sample", type=int, default=1, help="every Nth image only")
    ap.add_argument("--json", type=Path, help="write every image's figures here")
    opts = ap.parse_args()
    if opts.sample < 1:
        ap.error("--sample must be 1 or more")
    images = sorted(p for p in opts.corpus.rglob("*") if p.suffix.lower() in SUFFIXES)[:: opts.sample]
    if not images:
        ap.error(f"no images in {opts.corpus}")
    with ProcessPoolExecutor(opts.jobs) as pool:
        rows = list(pool.map(_one, [(str(p), opts.mode) for p in images], chunksize=4))
    if opts.json:
        opts.json.write_text(json.dumps(rows, indent=1))
    cpu: Counter[str] = Counter()
    ran: Counter[str] = Counter()
    prep: Counter[str] = Counter()
    first_find: Counter[str] = Counter()
    for row in rows:
        cpu.update(row["passes"])
        prep.update(row["prep"])
        ran.update(row["ran"])
        for source in row["found"]:
            first_find[source] += 1
    print(f"{'pass':28} {'CPU s':>8} {'of it, variants':>15} {'images run':>10} {'images found':>12}")
    for name, seconds in cpu.most_common():
        finder = "zxing" if name == "first" else "engine" if name == "own" else name  # Detection.source
        print(f"{name:28} {seconds:8.2f} {prep[name]:15.2f} {ran[name]:10d} {first_find[finder]:12d}")
    found = [r for r in rows if r["values"]]
    empty = [r for r in rows if not r["values"]]
    total = sum(r["cpu"] for r in rows)
    print(f"images {len(rows)}, with a barcode {len(found)}, CPU s per image {total / len(rows):.3f}")
    if empty:
        print(f"CPU s per image where nothing is found ({len(empty)}): {sum(r['cpu'] for r in empty) / len(empty):.3f}")


if __name__ == "__main__":
    main()
