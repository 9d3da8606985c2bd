"""What the postal bar sampler (engine.recognition.fourstate) costs against its price: pages with no postal
symbol (the corpus's falsepositives photos, a sample of its other photos, noise), the time of one search of each
(sampling and every postal decoder), per pixel, and the largest ratio of a search's time to ``price(shape)``.

Run: ``python bench/bench_fourstate_price.py [--repeat N]``; the load average is printed beside the figures,
since on a shared machine every time is that machine's.
"""

from __future__ import annotations

import argparse
import math
import os
import sys
import time
from collections.abc import Sequence
from pathlib import Path

import numpy as np
from PIL import Image

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_recognition_corpus import DEFAULT_CORPUS, IMAGE_SUFFIXES

from barcode_cloud_server.engine import recognition
from barcode_cloud_server.engine.recognition import fourstate


def _load(paths: list[Path]) -> list[np.ndarray]:
    return [
        np.ascontiguousarray(np.asarray(Image.open(p).convert("L")))
        for p in paths
        if p.suffix.lower() in IMAGE_SUFFIXES
    ]


def _pages(corpus: Path) -> dict[str, list[np.ndarray]]:
    false = sorted(corpus.glob("falsepositives-*/*"))
    photos = sorted(p for p in corpus.glob("*/*") if not p.parent.name.startswith("falsepositives"))[::20]
    noise = [np.random.default_rng(1).integers(0, 256, (1000, 1000), dtype=np.uint8)]
    return {
        "falsepositives photos": _load(false),
        "other corpus images (every 20th)": _load(photos),
        "noise": noise,
    }


def run(repeat: int, corpus: Path) -> None:
    reader = recognition.READERS["fourstate"]
    print(f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
    print("| pages | count | megapixels | ns per pixel | worst time / price (its shape) | found |")
    print("| --- | --- | --- | --- | --- | --- |")
    for name, pages in _pages(corpus).items():
        seconds, worst, found, worst_shape = 0.0, 0.0, 0, (0, 0)
        for page in pages:
            best = math.inf
            for _ in range(repeat):
                started = time.perf_counter()
                found += len(reader.find(page, reader.types, math.inf))
                best = min(best, time.perf_counter() - started)
            seconds += best
            if best / fourstate.price(page.shape) > worst:
                worst, worst_shape = best / fourstate.price(page.shape), page.shape
        pixels = sum(p.size for p in pages)
        ns = seconds / pixels * 1e9
        shape = f"{worst_shape[1]}x{worst_shape[0]}"
        print(f"| {name} | {len(pages)} | {pixels / 1e6:.1f} | {ns:.0f} | {worst:.2f} ({shape}) | {found} |")


def main(argv: Sequence[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--repeat", type=int, default=3, help="runs per page, the fastest counts (default 3)")
    ap.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS, help="the zxing-cpp sample corpus")
    args = ap.parse_args(argv)
    run(args.repeat, args.corpus)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
