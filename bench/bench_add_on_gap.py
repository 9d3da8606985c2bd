"""EAN-13 add-ons at every gap from their symbol, read by recognize (Supplement asked for): how many are read and
how many misread, per gap in modules, clean and spoilt (turned, blurred, dimmed, noisy, JPEG), beside zxing-cpp
alone on the same images.

GS1 allows 7 to 12 modules between a symbol and its add-on; gaps of 13 to 16 must give no add-on. The symbols are
drawn from ISO/IEC 15420's tables (tests/engine/test_recognize_add_ons.py), with seeded random data. Run:
``python bench/bench_add_on_gap.py [--per-gap N]``.
"""

from __future__ import annotations

import argparse
import io
import random
import sys
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import zxingcpp
from PIL import Image, ImageFilter

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tests.engine.test_recognize_add_ons import _draw

from barcode_cloud_server.engine import datacheck
from barcode_cloud_server.engine.recognize import recognize_array


def _spoilt(page: np.ndarray, rng: np.random.Generator, angle: float) -> np.ndarray:
    turned = Image.fromarray(page).rotate(angle, Image.Resampling.BILINEAR, expand=True, fillcolor=255)
    gray = np.asarray(turned.filter(ImageFilter.GaussianBlur(0.7)), dtype=np.float64)
    gray = np.clip(60 + gray * 0.6 + rng.normal(0, 8, gray.shape), 0, 255).astype(np.uint8)
    buffer = io.BytesIO()
    Image.fromarray(gray).save(buffer, "JPEG", quality=60)
    return np.asarray(Image.open(io.BytesIO(buffer.getvalue())).convert("L"))


def run(per_gap: int, seed: int, gaps: range) -> None:
    rng_data = random.Random(seed)
    print("| gap (modules) | condition | read | misread | zxing-cpp read |")
    print("| --- | --- | --- | --- | --- |")
    for gap in gaps:
        for condition in ("clean", "spoilt"):
            rng = np.random.default_rng(seed + gap)
            read = misread = zx = 0
            for i in range(per_gap):
                body = "".join(rng_data.choice("0123456789") for _ in range(12))
                ean13 = body + datacheck.gs1_check_digit(body)
                add_on = "".join(rng_data.choice("0123456789") for _ in range(2 if i % 2 else 5))
                page = _draw(ean13, add_on, gap, 2 + i % 2)
                if condition == "spoilt":
                    page = _spoilt(page, rng, float(rng.uniform(-12, 12)))
                page = np.ascontiguousarray(page)
                found = [d.value for d in recognize_array(page, ["EAN13", "Supplement"]) if d.type == "Supplement"]
                expected = [add_on] if gap <= 12 else []
                read += bool(expected) and found == expected
                misread += any(v not in expected for v in found)
                reads = zxingcpp.read_barcodes(page, ean_add_on_symbol=zxingcpp.EanAddOnSymbol.Read)
                zx += any(b.text == ean13 + add_on for b in reads)
            print(f"| {gap} | {condition} | {read}/{per_gap} | {misread} | {zx}/{per_gap} |", flush=True)


def main(argv: Sequence[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--per-gap", type=int, default=20, help="symbols per gap and condition (default 20)")
    ap.add_argument("--seed", type=int, default=2026)
    ap.add_argument("--gaps", default="7-16", help="first-last gap in modules (default 7-16)")
    args = ap.parse_args(argv)
    first, last = (int(x) for x in args.gaps.split("-"))
    run(args.per_gap, args.seed, range(first, last + 1))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
