"""Australia Post, OneCode and Mailmark decoders on damaged bar strings: how many symbols with N wrong bars are
still read, and how many are misread (read as another valid value); and how many random rows of bars of each
type's lengths are read at all.

Symbols are zint's bars for seeded random data of every format (the own-decoder bench's data); N bars picked at
random each take another of the four states. Run: ``python bench/bench_postal_damage.py [--symbols N]``;
``--auspost-spare K`` keeps K of Australia Post's four parity symbols for detection instead of the decoder's
setting (0 corrects two wrong symbols).
"""

from __future__ import annotations

import argparse
import random
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # tests.support, when run as a script

from bench_recognition_own import DATA
from tests.support.postal_bars import zint_states

from barcode_cloud_server.engine.datacheck import prepare_auspost, prepare_mailmark, prepare_onecode
from barcode_cloud_server.engine.generate import _auspost_symbology
from barcode_cloud_server.engine.recognition import australia_post, intelligent_mail, mailmark
from barcode_cloud_server.engine.recognition.fourstate import flipped
from barcode_cloud_server.engine.symbologies import BY_NAME

OTHER = {"F": "ADT", "A": "FDT", "D": "FAT", "T": "FAD"}
WRONG_BARS = (1, 2, 3, 4, 6, 8)


def _states(kind: str, data: str) -> str:
    if kind == "AustraliaPost":
        return zint_states(_auspost_symbology(data[:2]), prepare_auspost(kind, data).encoder_input)
    if kind == "OneCode":
        return zint_states("USPS_IMAIL", prepare_onecode(kind, data).encoder_input)
    return zint_states("MAILMARK_4S", prepare_mailmark(kind, data).encoder_input)


DECODERS: dict[str, Callable[[str], tuple[str, str | None] | None]] = {
    "AustraliaPost": australia_post.decode,
    "OneCode": intelligent_mail.decode,
    "Mailmark": mailmark.decode,
}


LENGTHS = {"AustraliaPost": (37, 52, 67), "OneCode": (65,), "Mailmark": (66, 78)}


def random_rows(rows: int, seed: int) -> None:
    """Random rows of each type's lengths, Australia Post's framed by its start and stop bars, read either way."""
    rng = random.Random(seed)
    for kind, decode in DECODERS.items():
        read = 0
        for i in range(rows):
            lengths = LENGTHS[kind]
            bars = "".join(rng.choices("FADT", k=lengths[i % len(lengths)]))
            if kind == "AustraliaPost":
                bars = "AT" + bars[2:-2] + "AT"
            read += decode(bars) is not None or decode(flipped(bars)) is not None
        print(f"{kind}: {read} of {rows} random rows read", flush=True)


def run(symbols: int, trials: int, seed: int) -> None:
    rng = random.Random(seed)
    print("| type | " + " | ".join(f"{n} wrong bars: read / misread" for n in WRONG_BARS) + " |")
    print("| --- |" + " --- |" * len(WRONG_BARS))
    for kind, decode in DECODERS.items():
        pool: list[tuple[str, str]] = []
        while len(pool) < symbols:  # symbols the decoder reads whole (an FCC 62 field of both tables reads as C)
            data = DATA[kind](rng)
            expected = BY_NAME[kind].prepare(kind, data).canonical
            states = _states(kind, data)
            if decode(states) == (expected, None):
                pool.append((expected, states))
        cells = []
        for wrong in WRONG_BARS:
            read = misread = 0
            for _ in range(trials):
                expected, states = rng.choice(pool)
                bars = list(states)
                for i in rng.sample(range(len(bars)), wrong):
                    bars[i] = rng.choice(OTHER[bars[i]])
                got = decode("".join(bars))
                read += got is not None and got[0] == expected
                misread += got is not None and got[0] != expected
            cells.append(f"{read}/{trials} / {misread}")
        print(f"| {kind} | " + " | ".join(cells) + " |", flush=True)


def main(argv: Sequence[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--symbols", type=int, default=100, help="random symbols per type (default 100)")
    ap.add_argument("--trials", type=int, default=2000, help="damaged symbols per type and count (default 2000)")
    ap.add_argument("--random-rows", type=int, default=50_000, help="random rows per type (default 50,000)")
    ap.add_argument("--seed", type=int, default=2026)
    ap.add_argument("--auspost-spare", type=int, default=None, help="Australia Post parity kept for detection")
    args = ap.parse_args(argv)
    if args.auspost_spare is not None:
        australia_post._SPARE = args.auspost_spare
    run(args.symbols, args.trials, args.seed)
    random_rows(args.random_rows, args.seed)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
