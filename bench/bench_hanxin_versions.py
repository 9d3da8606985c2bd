"""The Han Xin reader (``engine.recognition.hanxin``) on larger versions at small modules: versions 20, 40, 60 and
84 drawn by zint at 2 px modules with seeded random text, then spoilt the tests' ways (``tests/support/photo.py``:
turned, seen at an angle, shrunk to 1.5 px, blurred by 1 px, noisy, JPEG, dim, inverted; and bent like a label on
a bottle). A read counts when the reader returns exactly the symbol's text and nothing else; anything else it
returns is a misread. With ``--corpus DIR`` it also reads every image of the zxing-cpp corpus, both polarities, and
counts the Han Xin symbols reported there (there are none). Run the same command with another tree's ``src`` on
PYTHONPATH to compare: ``python bench/bench_hanxin_versions.py [--per-cell N] [--versions 20,84]
[--conditions clean,blurred] [--corpus DIR]``.
"""

from __future__ import annotations

import argparse
import random
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


def run_symbols(per_cell: int, seed: int, versions: Sequence[int], conditions: Sequence[str]) -> None:
    print("| version | condition | read | misread | ms/image |")
    print("| --- | --- | --- | --- | --- |")
    for version in versions:
        rng_data = random.Random(seed + version)
        samples = ["".join(rng_data.choices(_TEXT, k=rng_data.randint(10, 60))) for _ in range(per_cell)]
        symbols = [_symbol(data, version) for data in samples]
        for how in conditions:
            rng = np.random.default_rng(seed + version)
            reads = misreads = 0
            seconds = 0.0
            for data, symbol in zip(samples, symbols, strict=True):
                gray = np.ascontiguousarray(_spoilt(symbol, how, rng))
                search = recognition.find_inverted if how == "inverted" else recognition.find
                started = time.perf_counter()
                values = [f.value for f in search(gray, TYPES)]
                seconds += time.perf_counter() - started
                reads += values == [data]
                misreads += any(v != data for v in values)
            ms = seconds / per_cell * 1000
            print(f"| {version} | {how} | {reads}/{per_cell} | {misreads} | {ms:.0f} |", flush=True)


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
    args = ap.parse_args(argv)
    conditions = args.conditions.split(",") if args.conditions else []
    unknown = sorted(set(conditions) - set(CONDITIONS))
    if unknown:
        ap.error(f"unknown conditions {unknown}; known: {', '.join(CONDITIONS)}")
    versions = [int(v) for v in args.versions.split(",")] if args.versions else []
    if any(not 1 <= v <= 84 for v in versions):
        ap.error("versions run from 1 to 84")
    run_symbols(args.per_cell, args.seed, versions, conditions)
    if args.corpus is not None:
        run_corpus(args.corpus)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
