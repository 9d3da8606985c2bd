"""Whether a scan may look for MICR E-13B lines: the MICR reader on every photo of the zxing-cpp sample corpus
(barcodes, labels, text, the false-positive folders), counting what it reports and what it costs per pixel
(wall clock and CPU time: on a shared host the CPU time is the figure to hold ``micr.PAGE_NS`` against).
Run: ``python bench/bench_micr_scan.py [--corpus FOLDER]``."""

from __future__ import annotations

import argparse
import time
from collections.abc import Sequence
from pathlib import Path

import numpy as np
from bench_recognition_corpus import DEFAULT_CORPUS
from PIL import Image

from barcode_cloud_server.engine.recognition import micr
from barcode_cloud_server.engine.recognition.micr import PAGE_NS

SUFFIXES = (".png", ".jpg", ".jpeg", ".webp", ".gif", ".bmp")


def main(argv: Sequence[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    root = ap.parse_args(argv).corpus
    paths = [p for p in sorted(root.glob("*/*")) if p.suffix.lower() in SUFFIXES]
    if not paths:
        ap.error(f"no images in the folders of {root}")
    reports = 0
    seconds = cpu = pixels = large_cpu = large_pixels = 0.0
    slowest = (0.0, "")
    for path in paths:
        gray = np.ascontiguousarray(np.asarray(Image.open(path).convert("L")))
        started, started_cpu = time.perf_counter(), time.process_time()
        found = micr.lines(gray)
        spent, spent_cpu = time.perf_counter() - started, time.process_time() - started_cpu
        seconds += spent
        cpu += spent_cpu
        pixels += gray.size
        if gray.size >= 1_000_000:
            large_cpu += spent_cpu
            large_pixels += gray.size
        slowest = max(slowest, (spent / gray.size * 1e9, path.name))
        for f in found:
            reports += 1
            print(f"reported {f.value!r} in {path.parent.name}/{path.name}")
    print(f"{len(paths)} images, {pixels / 1e6:.0f} MP: {reports} lines reported, {seconds:.1f} s")
    print(f"{seconds / pixels * 1e9:.0f} ns per pixel on average ({cpu / pixels * 1e9:.0f} ns of CPU time); ", end="")
    print(f"pages of 1 MP or more {large_cpu / max(large_pixels, 1) * 1e9:.0f} ns of CPU time per pixel; ", end="")
    print(f"slowest {slowest[0]:.0f} ns per pixel ({slowest[1]}); priced at {PAGE_NS:.0f} ns per pixel")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
