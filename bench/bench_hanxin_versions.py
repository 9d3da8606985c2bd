"""The Han Xin reader (``engine.recognition.hanxin``) on larger versions at small modules: versions 20, 40, 60 and
84 drawn by zint at 2 px modules with seeded random text, then spoilt the tests' ways (``tests/support/photo.py``:
turned, seen at an angle, shrunk to 1.5 px, blurred by 1 px, noisy, JPEG, dim, inverted; and bent like a label on
a bottle). A read counts when the reader returns exactly the symbol's text and nothing else; anything else it
returns is a misread; time is the reader's CPU time per image. With ``--base DIR`` (another tree's ``src``) a
second process reads each cell with that tree's reader just before this one does, and the CPU time's ratio to it
is printed. With ``--corpus DIR`` it also reads every image of the zxing-cpp corpus, both polarities, and counts
the Han Xin symbols reported there (there are none). Run: ``python bench/bench_hanxin_versions.py [--per-cell N]
[--versions 20,84] [--conditions clean,blurred] [--base ../main/src] [--corpus DIR]``.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import subprocess
import sys
import time
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import zint
from PIL import Image

from barcode_cloud_server.engine import recognition

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tests.support.photo import bent, photographed

TYPES = frozenset({"HanXin"})
CONDITIONS = ("clean", "turned", "perspective", "small", "blurred", "noisy", "jpeg", "dim", "inverted", "bent")
SUFFIXES = (".png", ".jpg", ".jpeg", ".webp", ".gif", ".bmp")
_TEXT = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789 .-"


def _symbol(data: str, version: int) -> np.ndarray:
    """zint's symbol of ``data`` at ``version``, 2 px modules, no quiet zone."""
    sym = zint.Symbol()
    sym.symbology = zint.Symbology.HANXIN
    sym.input_mode = zint.InputMode.UNICODE
    sym.option_2 = version
    sym.show_text = False
    sym.scale = 1
    sym.encode(data)
    sym.buffer()
    bitmap = np.asarray(sym.bitmap, dtype=np.uint8)
    return (bitmap if bitmap.ndim == 2 else bitmap[..., :3].mean(axis=2)).astype(np.uint8)


def _spoilt(gray: np.ndarray, how: str, rng: np.random.Generator) -> np.ndarray:
    if how == "bent":  # rows sag by 3 modules in the middle, columns by half as much
        return bent(np.pad(gray, 20, constant_values=255), 6.0)
    return photographed(gray, how, rng)


def _cell(version: int, how: str, per_cell: int, seed: int) -> tuple[int, int, float]:
    """Reads, misreads and CPU seconds per image of one version and condition."""
    rng_data = random.Random(seed + version)
    samples = ["".join(rng_data.choices(_TEXT, k=rng_data.randint(10, 60))) for _ in range(per_cell)]
    rng = np.random.default_rng(seed + version)
    reads = misreads = 0
    seconds = 0.0
    for data in samples:
        gray = np.ascontiguousarray(_spoilt(_symbol(data, version), how, rng))
        search = recognition.find_inverted if how == "inverted" else recognition.find
        started = time.process_time()
        values = [f.value for f in search(gray, TYPES)]
        seconds += time.process_time() - started
        reads += values == [data]
        misreads += any(v != data for v in values)
    return reads, misreads, seconds / per_cell


def _worker() -> None:
    """Cells asked for on stdin (version, condition, N, seed a line), answered on stdout: the base tree's side."""
    for line in sys.stdin:
        version, how, per_cell, seed = line.strip().split(",")
        print(json.dumps(_cell(int(version), how, int(per_cell), int(seed))), flush=True)


def run_symbols(
    per_cell: int, seed: int, versions: Sequence[int], conditions: Sequence[str], base: Path | None
) -> None:
    worker = None
    if base is not None:
        env = {**os.environ, "PYTHONPATH": str(base)}
        worker = subprocess.Popen(
            [sys.executable, __file__, "--worker"], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, env=env
        )
        print("| version | condition | base read | base misread | read | misread | base CPU ms | CPU ms | CPU / base |")
        print("| --- | --- | --- | --- | --- | --- | --- | --- | --- |")
    else:
        print("| version | condition | read | misread | CPU ms/image |")
        print("| --- | --- | --- | --- | --- |")
    for version in versions:
        for how in conditions:
            if worker is not None:
                assert worker.stdin is not None and worker.stdout is not None
                worker.stdin.write(f"{version},{how},{per_cell},{seed}\n")
                worker.stdin.flush()
                old_reads, old_misreads, old_seconds = json.loads(worker.stdout.readline())
            reads, misreads, seconds = _cell(version, how, per_cell, seed)
            mine = f"{reads}/{per_cell} | {misreads}"
            if worker is None:
                print(f"| {version} | {how} | {mine} | {seconds * 1000:.0f} |", flush=True)
                continue
            print(
                f"| {version} | {how} | {old_reads}/{per_cell} | {old_misreads} | {mine} | {old_seconds * 1000:.0f} "
                f"| {seconds * 1000:.0f} | {seconds / old_seconds:.2f} |",
                flush=True,
            )
    if worker is not None:
        assert worker.stdin is not None
        worker.stdin.close()
        worker.wait()


def run_corpus(corpus: Path) -> None:
    images = sorted(p for p in corpus.rglob("*") if p.suffix.lower() in SUFFIXES)
    reported = 0
    started = time.perf_counter()
    for path in images:
        gray = np.ascontiguousarray(np.asarray(Image.open(path).convert("L")))
        for page in (gray, np.ascontiguousarray(255 - gray)):
            found = recognition.find(page, TYPES)
            if found:
                print(f"  {path}: {[f.value for f in found]}")
            reported += len(found)
    seconds = time.perf_counter() - started
    print(f"corpus: {len(images)} images, both polarities: {reported} Han Xin reported, {seconds:.0f} s")


def main(argv: Sequence[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--per-cell", type=int, default=3, help="symbols per version and condition (default 3)")
    ap.add_argument("--seed", type=int, default=2026)
    ap.add_argument("--versions", default="20,40,60,84")
    ap.add_argument("--conditions", default=",".join(CONDITIONS), help=f"comma-separated of {', '.join(CONDITIONS)}")
    ap.add_argument("--corpus", type=Path, help="also read every image under this folder (the zxing-cpp samples)")
    ap.add_argument("--base", type=Path, help="another tree's src: each cell read by it too, in a second process")
    ap.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.worker:
        _worker()
        return 0
    conditions = args.conditions.split(",") if args.conditions else []
    unknown = sorted(set(conditions) - set(CONDITIONS))
    if unknown:
        ap.error(f"unknown conditions {unknown}; known: {', '.join(CONDITIONS)}")
    versions = [int(v) for v in args.versions.split(",")] if args.versions else []
    if any(not 1 <= v <= 84 for v in versions):
        ap.error("versions run from 1 to 84")
    run_symbols(args.per_cell, args.seed, versions, conditions, args.base)
    if args.corpus is not None:
        run_corpus(args.corpus)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
