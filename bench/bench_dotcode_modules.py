"""DotCode's reader on small modules: zint's symbols drawn at 2, 3 and 4 pixels a module (4, the generator's
default, is the reference), clean, turned, blurred, noisy, as JPEG and dim (tests/support/photo.py), seeded random
text. Prints reads and misreads per module size and condition, and the time per image.
Run: ``python bench/bench_dotcode_modules.py [--per-condition N]``.
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

from barcode_cloud_server.engine.recognition import dotcode
from barcode_cloud_server.engine.zintenc import symbol_bits

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tests.support.photo import spoil

_TEXT = "".join(chr(c) for c in range(32, 127)) + "0123456789" * 4
CONDITIONS = ("clean", "turned", "blurred", "noisy", "jpeg", "dim")


def _image(data: str, module: int, condition: str, rng: np.random.Generator) -> np.ndarray:
    sym = zint.Symbol()
    sym.symbology = zint.Symbology.DOTCODE
    sym.encode(data)
    dots = np.where(symbol_bits(sym), 0, 255).astype(np.uint8).repeat(module, 0).repeat(module, 1)
    image = Image.fromarray(np.pad(dots, 10, constant_values=255))
    if condition == "turned":
        image = image.rotate(float(rng.uniform(0, 360)), Image.Resampling.BILINEAR, expand=True, fillcolor=255)
    return np.ascontiguousarray(np.asarray(spoil(image, condition, rng)))


def main(argv: Sequence[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--per-condition", type=int, default=15)
    args = ap.parse_args(argv)
    print("| module | condition | read | misread | ms/image |")
    print("| --- | --- | --- | --- | --- |")
    for module in (4, 3, 2):
        for condition in CONDITIONS:
            texts, rng = random.Random(7), np.random.default_rng(7)
            reads = misreads = 0
            seconds = 0.0
            for _ in range(args.per_condition):
                data = "".join(texts.choice(_TEXT) for _ in range(texts.randint(1, 40)))
                gray = _image(data, module, condition, rng)
                started = time.perf_counter()
                values = [f.value for f in dotcode.find(gray, dotcode.TYPES)]
                seconds += time.perf_counter() - started
                reads += values == [data]
                misreads += any(v != data for v in values)
            n = args.per_condition
            print(f"| {module} px | {condition} | {reads}/{n} | {misreads} | {seconds / n * 1000:.0f} |", flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
