"""How often DotCode's symbol layer reads something from dots that are no symbol or too damaged to be one: random
dot grids of every shape the reader meets, and zint's symbols with more dots flipped than their Reed-Solomon check
words correct. Counts reads (misreads: none of these holds its data) and right reads of the damaged symbols.
Run: ``python bench/bench_dotcode_misreads.py [--trials N]``.
"""

from __future__ import annotations

import argparse
import random
from collections.abc import Sequence

import zint

from barcode_cloud_server.engine.recognition import dotcode_codewords
from barcode_cloud_server.engine.zintenc import symbol_bits


def _random_grids(trials: int, rng: random.Random) -> int:
    reads = 0
    for _ in range(trials):
        width = rng.randint(5, 60)
        height = rng.randint(5, 60)
        if (width + height) % 2 == 0:
            height += 1
        bits = [int(rng.random() < 0.55) for _ in range(width * height // 2)]
        reads += dotcode_codewords.read(bits) is not None
    return reads


def _damaged(trials: int, rng: random.Random) -> tuple[int, int, int]:
    """Right reads of the symbols as zint drew them (the reference), then right reads and misreads damaged."""
    clean = right = wrong = 0
    for _ in range(trials):
        data = "".join(rng.choice("ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789 abc") for _ in range(rng.randint(1, 60)))
        sym = zint.Symbol()
        sym.symbology = zint.Symbology.DOTCODE
        sym.encode(data)
        grid = symbol_bits(sym)
        h, w = grid.shape
        bits = [int(grid[r, c]) for r, c in dotcode_codewords.places(w, h)]
        undamaged = dotcode_codewords.read(bits)
        clean += undamaged is not None and undamaged.message.text == data
        for k in rng.sample(range(len(bits)), max(1, int(len(bits) * rng.uniform(0.05, 0.3)))):
            bits[k] ^= 1
        read = dotcode_codewords.read(bits)
        right += read is not None and read.message.text == data
        wrong += read is not None and read.message.text != data
    return clean, right, wrong


def main(argv: Sequence[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--trials", type=int, default=5000)
    args = ap.parse_args(argv)
    rng = random.Random(2026)
    print(f"random grids: {_random_grids(args.trials, rng)} read of {args.trials}")
    clean, right, wrong = _damaged(args.trials, rng)
    print(f"zint's symbols as drawn: {clean} of {args.trials} read right")
    print(f"the same with 5-30% of their dots flipped: {right} read right, {wrong} misread")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
