"""The MICR E-13B reader on damaged cheque lines: random lines (bench_recognition_own's generator, the tests'
renderer at 200 dpi) with one to three blots of ink or gaps over the characters, half of them crossed by a pen
stroke, then spoiled one of the photo ways. Counts lines read whole, nothing reported, a field reported alone (a
true part of the line) and misreads (any character wrong). Run: ``python bench/bench_micr_damage.py [--lines N]``.
"""

from __future__ import annotations

import argparse
import random
import sys
from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw

from barcode_cloud_server.engine.recognition import micr

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.bench_recognition_own import _cheque, _expected, _gray
from tests.support.photo import spoil


def damaged(data: str, r: random.Random, rng: np.random.Generator) -> np.ndarray:
    image = Image.fromarray(_gray("MicrE13B", data))
    pen = ImageDraw.Draw(image)
    for _ in range(r.randint(1, 3)):
        x, y = r.uniform(0, image.width), r.uniform(image.height * 0.3, image.height * 0.7)
        pen.ellipse((x, y, x + r.uniform(3, 14), y + r.uniform(3, 14)), fill=r.choice([0, 255]))
    if r.random() < 0.5:
        pen.line((r.uniform(0, image.width), 0, r.uniform(0, image.width), image.height), fill=60, width=2)
    spoilt = spoil(image, r.choice(["blurred", "noisy", "jpeg", "dim", "as it is"]), rng)
    return np.ascontiguousarray(np.asarray(spoilt))


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--lines", type=int, default=120)
    ap.add_argument("--seed", type=int, default=7)
    args = ap.parse_args()
    r, rng = random.Random(args.seed), np.random.default_rng(args.seed)
    whole = nothing = part = wrong = 0
    for _ in range(args.lines):
        data = _cheque(r)
        expected = _expected("MicrE13B", data)
        values = [f.value for f in micr.lines(damaged(data, r, rng))]
        if values == [expected]:
            whole += 1
        elif not values:
            nothing += 1
        elif all(v in expected for v in values):
            part += 1
        else:
            wrong += 1
            print(f"misread: {expected!r} read as {values}")
    print(f"{args.lines} damaged lines: {whole} read whole, {nothing} nothing, {part} a part alone, {wrong} misread")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
