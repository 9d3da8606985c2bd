"""What a search by each of the engine's own readers (``recognition.READERS``: the stacked ones, Han Xin, DotCode,
the postal rows, MICR) costs on pages holding none of their symbols, against its ``price``: the corpus's
falsepositives photos, and large pages (a photo scaled up, noise).

Prints, per reader and set of pages, the wall and CPU time per page and the largest ratio of the time to the
price: the price must stay above what a search costs, or recognize overruns its budget.
Run: ``python bench/bench_stacked_price.py [--corpus DIR] [--readers dotcode,...]``.
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Sequence
from pathlib import Path

import numpy as np
from bench_recognition_corpus import DEFAULT_CORPUS
from PIL import Image

from barcode_cloud_server.engine.recognition import READERS

SUFFIXES = (".png", ".jpg", ".jpeg", ".webp", ".gif", ".bmp")


def _pages(corpus: Path) -> dict[str, list[np.ndarray]]:
    photos = [p for p in sorted(corpus.glob("falsepositives-*/*")) if p.suffix.lower() in SUFFIXES]
    gray = [np.ascontiguousarray(np.asarray(Image.open(p).convert("L"))) for p in photos]
    large = [np.ascontiguousarray(np.asarray(Image.open(photos[i]).convert("L").resize((2560, 1920)))) for i in (3, 9)]
    rng = np.random.default_rng(1)
    large.append(rng.integers(0, 256, (3000, 4000), dtype=np.uint8))
    return {"falsepositives photos": [g for g in gray if min(g.shape) >= 8], "large pages (5-12 MP)": large}


def run(corpus: Path, readers: Sequence[str]) -> None:
    print("| reader | pages | wall ms/page | CPU ms/page | price ms/page | worst wall / price | worst CPU / price |")
    print("| --- | --- | --- | --- | --- | --- | --- |")
    for label, pages in _pages(corpus).items():
        for name, reader in READERS.items():
            if readers and name not in readers:
                continue
            wall = cpu = priced = 0.0
            worst_wall = worst_cpu = 0.0
            for page in pages:
                started, started_cpu = time.perf_counter(), time.process_time()
                found = reader.find(page, reader.types, float("inf"))
                w, c = time.perf_counter() - started, time.process_time() - started_cpu
                p = reader.price(page.shape)
                assert not found, (name, label)
                wall, cpu, priced = wall + w, cpu + c, priced + p
                worst_wall, worst_cpu = max(worst_wall, w / p), max(worst_cpu, c / p)
            n = len(pages)
            print(
                f"| {name} | {label} ({n}) | {wall / n * 1000:.0f} | {cpu / n * 1000:.0f} | {priced / n * 1000:.0f} "
                f"| {worst_wall:.2f} | {worst_cpu:.2f} |",
                flush=True,
            )


def main(argv: Sequence[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    ap.add_argument("--readers", default="", help="names in recognition.READERS (all by default)")
    args = ap.parse_args(argv)
    run(args.corpus, [r for r in args.readers.split(",") if r])
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
