"""What looking for a GS1 composite component costs on pages that hold none: recognize asked for GS1CompositeBar
on the corpus's photos of its host symbols (EAN/UPC, GS1-128, DataBar) and its falsepositives photos.

Prints, per set of pages, the CPU time per page and the share of it spent reading above the linear symbols
(``recognition.composite.read_above``, each linear read searched), and how many composites were reported (none
should be: the corpus holds no composite symbol). Run old and new code one after the other (``PYTHONPATH``) and
compare the shares: CPU times, as the machine's load drifts.
Run: ``python bench/bench_composite_absent.py [--corpus DIR] [--every N]``.
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import numpy as np
from bench_recognition_corpus import DEFAULT_CORPUS
from PIL import Image

from barcode_cloud_server.engine.recognition import composite
from barcode_cloud_server.engine.recognize import Mode, recognize_array

SUFFIXES = (".png", ".jpg", ".jpeg", ".webp", ".gif", ".bmp")
SETS = {
    "EAN/UPC photos": ("ean13-*", "ean8-*", "upca-*", "upce-*"),
    "GS1-128 and DataBar photos": ("code128-*", "rss14-*", "rssexpanded-*", "rssexpandedstacked-*"),
    "falsepositives photos": ("falsepositives-*",),
}


class _Timed:
    """``composite.read_above`` with the CPU time spent in it summed."""

    def __init__(self, inner: Callable[..., Any]) -> None:
        self.inner = inner
        self.seconds = 0.0
        self.calls = 0

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        started = time.process_time()
        try:
            return self.inner(*args, **kwargs)
        finally:
            self.seconds += time.process_time() - started
            self.calls += 1


def run(corpus: Path, every: int) -> None:
    timed = _Timed(composite.read_above)
    composite.read_above = timed  # type: ignore[assignment]  # measured where recognize_composite calls it
    print("| pages | CPU ms/page | read_above CPU ms/page | read_above share | searches/page | composites reported |")
    print("| --- | --- | --- | --- | --- | --- |")
    for label, patterns in SETS.items():
        paths = sorted(p for pattern in patterns for p in corpus.glob(f"{pattern}/*") if p.suffix.lower() in SUFFIXES)
        paths = paths[::every]
        timed.seconds, timed.calls = 0.0, 0
        cpu = 0.0
        reported = 0
        for path in paths:
            gray = np.ascontiguousarray(np.asarray(Image.open(path).convert("L")))
            started = time.process_time()
            found = recognize_array(gray, ["GS1CompositeBar"], Mode.NORMAL)
            cpu += time.process_time() - started
            reported += len(found)
        n = len(paths)
        if not n:
            print(f"| {label} (0) | - | - | - | - | - |", flush=True)
            continue
        print(
            f"| {label} ({n}) | {cpu / n * 1000:.0f} | {timed.seconds / n * 1000:.1f} | "
            f"{timed.seconds / max(cpu, 1e-9):.1%} | {timed.calls / n:.1f} | {reported} |",
            flush=True,
        )


def main(argv: Sequence[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    ap.add_argument("--every", type=int, default=3, help="every Nth page of each set (default 3)")
    args = ap.parse_args(argv)
    if args.every < 1:
        ap.error("--every must be 1 or more")
    if not any(next(args.corpus.glob(f"{pattern}/*"), None) for patterns in SETS.values() for pattern in patterns):
        ap.error(f"none of the sets' folders in {args.corpus}")
    run(args.corpus, args.every)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
