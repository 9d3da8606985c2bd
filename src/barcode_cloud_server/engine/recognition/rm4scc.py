"""RM4SCC (Royal Mail 4-State Customer Code), Dutch KIX and Singapore Post's 4-state code.

Each character is four bars: two of them have an ascender and two a descender. The characters 0-9 and A-Z fill a
six by six table in that order; the row is the character's ascender pair, the column its descender pair, both
numbered 1 to 6 as the pair of bars (3,4), (2,4), (2,3), (1,4), (1,3), (1,2). RM4SCC adds a check character (the
sums of the rows and of the columns of the data, each modulo 6, 0 counting as 6) and a start bar (an ascender)
and stop bar (full). Dutch KIX is the same table with no start, stop or check: nothing tells a misreading from a
reading, and both ends of a row read as characters, so it is read only when asked for, and of the two readings
the one shaped like a Dutch address (postcode, house number, optional X and suffix) is preferred. Singapore
Post's symbol is generated here with RM4SCC's bars and check (zint has no other encoder for it) and the spec has
no SingaporePost recognition type, so it reads back as RM4SCC.
"""

from __future__ import annotations

import re

from barcode_cloud_server.engine.recognition.fourstate import flipped

ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"
PAIRS = ((2, 3), (1, 3), (1, 2), (0, 3), (0, 2), (0, 1))  # bar pairs of values 1 to 6, bars from 0
_ASCENDS, _DESCENDS = frozenset("FA"), frozenset("FD")
KIX_MIN = 4
DUTCH = re.compile(r"[0-9]{4}[A-Z]{2}[0-9]{1,5}(X[A-Z0-9]{1,6})?")


def _value(marks: tuple[bool, ...]) -> int | None:
    on = tuple(k for k, m in enumerate(marks) if m)
    return PAIRS.index(on) + 1 if on in PAIRS else None


def character(bars: str) -> str | None:
    """The character four bars stand for, or None when they are not two ascenders and two descenders."""
    row = _value(tuple(b in _ASCENDS for b in bars))
    column = _value(tuple(b in _DESCENDS for b in bars))
    if row is None or column is None:
        return None
    return ALPHABET[(row - 1) * 6 + column - 1]


def check_character(text: str) -> str:
    """RM4SCC's check character of ``text`` (characters of :data:`ALPHABET`)."""
    rows = sum(ALPHABET.index(c) // 6 + 1 for c in text) % 6 or 6
    columns = sum(ALPHABET.index(c) % 6 + 1 for c in text) % 6 or 6
    return ALPHABET[(rows - 1) * 6 + columns - 1]


def _characters(states: str) -> str | None:
    if not states or len(states) % 4:
        return None
    chars = [character(states[k : k + 4]) for k in range(0, len(states), 4)]
    return None if any(c is None for c in chars) else "".join(c for c in chars if c)


def decode_rm4scc(states: str) -> tuple[str, str | None] | None:
    """An RM4SCC reading of sampled states: (data, check character), or None."""
    if len(states) < 10 or states[0] != "A" or states[-1] != "F":
        return None
    text = _characters(states[1:-1])
    if text is None or check_character(text[:-1]) != text[-1]:
        return None
    return text[:-1], text[-1]


def decode_kix(states: str) -> tuple[str, str | None] | None:
    """A Dutch KIX reading of sampled states (at least :data:`KIX_MIN` characters), or None; None too when only
    the other reading of the row is shaped like a Dutch address."""
    text = _characters(states)
    if text is None or len(text) < KIX_MIN:
        return None
    if not DUTCH.fullmatch(text):
        other = _characters(flipped(states))
        if other is not None and DUTCH.fullmatch(other):
            return None
    return text, None


DECODERS = {"RM4SCC": decode_rm4scc, "DutchKIX": decode_kix}
ASKED_ONLY = frozenset({"DutchKIX"})
