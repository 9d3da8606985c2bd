"""Whether a scan may look for MICR E-13B lines: the MICR reader on every photo of the zxing-cpp sample corpus
(barcodes, labels, text, the false-positive folders), counting what it reports and what it costs per megapixel.
Run: ``python bench/bench_micr_scan.py [corpus folder]``."""

from __future__ import annotations

import sys
import time
from pathlib import Path

import numpy as np
from PIL import Image

from barcode_cloud_server.engine.recognition import micr

CORPUS = Path("/work/shared/corpus/zxing-cpp-samples")
SUFFIXES = (".png", ".jpg", ".jpeg", ".webp", ".gif", ".bmp")


def main() -> int:
    root = Path(sys.argv[1]) if len(sys.argv) > 1 else CORPUS
    paths = [p for p in sorted(root.glob("*/*")) if p.suffix.lower() in SUFFIXES]
    reports = 0
    seconds = pixels = 0.0
    slowest = (0.0, "")
    for path in paths:
        gray = np.ascontiguousarray(np.asarray(Image.open(path).convert("L")))
        started = time.perf_counter()
        found = micr.lines(gray)
        spent = time.perf_counter() - started
        seconds += spent
        pixels += gray.size
        slowest = max(slowest, (spent / gray.size * 1e9, path.name))
        for f in found:
            reports += 1
            print(f"reported {f.value!r} in {path.parent.name}/{path.name}")
    print(f"{len(paths)} images, {pixels / 1e6:.0f} MP: {reports} lines reported, {seconds:.1f} s")
    print(f"{seconds / pixels * 1e9:.0f} ns per pixel on average; slowest {slowest[0]:.0f} ns per pixel ({slowest[1]})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
