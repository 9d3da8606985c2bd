"""Australia Post 4-state customer barcodes (Australia Post Customer Barcoding Technical Specifications).

Bars count 0 full, 1 ascender, 2 descender, 3 tracker. A symbol is the start bars 1 3, the format control code
(FCC, two digits of the N table, two bars a digit), the 8-digit delivery point identifier (DPID, N table), for FCC
59 and 62 customer information (N table, or C table: three bars a character), a filler bar 3 where the bars so far
do not make whole triples, four Reed-Solomon parity symbols and the stop bars 1 3: 37 bars for FCC 11 (standard
customer), 45 (reply paid), 87 (routing) and 92 (redirection), 52 for 59 (customer barcode 2, 16 bars of
information) and 67 for 62 (customer barcode 3, 31 bars). The bars between start and stop, three to a symbol
(16 a + 4 b + c), are a Reed-Solomon codeword over GF(64) (x^6 + x + 1, roots alpha^1 to alpha^4). One wrong symbol
(up to three bars) is corrected, and up to three are detected.

The value is what the generator takes: FCC, DPID and customer information, read with the N table when all its
bar pairs are digits, else with the C table (whose trailing 'z', three trackers each, are filler and dropped).
FCC 62's 30 bars of information are 15 digits or 10 characters; when they are both (digits 0-8, which are also
characters A-Z and 0), they are read as characters.
"""

from __future__ import annotations

from itertools import product

from barcode_cloud_server.engine.recognition import reed_solomon
from barcode_cloud_server.engine.recognition.fourstate import Decode

_BARS = {"F": 0, "A": 1, "D": 2, "T": 3}
_GF = reed_solomon.Field(6, 0x43)
_PARITY = 4
# Parity symbols kept for detection: correcting two wrong symbols (all four parity symbols) makes some symbols with
# more wrong bars into other valid ones; correcting one does not (bench/bench_postal_damage.py).
_SPARE = 1
_ENDS = (1, 3)  # start and stop
_FCC_INFO_BARS = {"11": 0, "45": 0, "87": 0, "92": 0, "59": 16, "62": 31}
_LENGTHS = {0: 37, 16: 52, 31: 67}  # bars of customer information: bars of the symbol
_FILLER = 3
# N table: the digits in the order of their bar pairs (0 0, 0 1, 0 2, 1 0, ... 2 2, 3 0).
_N = dict(zip(sorted(p for p in product(range(4), repeat=2) if 3 not in p or p == (3, 0)), "0123456789", strict=True))


def _c_table() -> dict[tuple[int, ...], str]:
    """C table: triples of bars 0-2 in ascending order are A-Z then 0, a 3 followed by two of them 1-9, and the
    other triples holding a 3, ascending, space, '#' and a-z ('z' is three trackers)."""
    triples = list(product(range(4), repeat=3))
    plain = [t for t in triples if 3 not in t]
    three_first = [t for t in triples if t[0] == 3 and 3 not in t[1:]]
    other = [t for t in triples if 3 in t and t not in three_first]
    letters = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0" + "123456789" + " #abcdefghijklmnopqrstuvwxyz"
    return dict(zip(plain + three_first + other, letters, strict=True))


_C = _c_table()


def decode(states: str) -> tuple[str, str | None] | None:
    """(value, None) of a symbol's bars from its start, or None (Australia Post symbols carry no check
    character; the Reed-Solomon parity is not reported)."""
    if len(states) not in _LENGTHS.values() or not set(states) <= _BARS.keys():
        return None
    bars = [_BARS[s] for s in states]
    if tuple(bars[:2]) != _ENDS or tuple(bars[-2:]) != _ENDS:
        return None
    inner = bars[2:-2]
    word = [16 * a + 4 * b + c for a, b, c in zip(inner[0::3], inner[1::3], inner[2::3], strict=True)]
    corrected = reed_solomon.correct(_GF, word, _PARITY, spare=_SPARE)
    if corrected is None:
        return None
    data = [bar for symbol in corrected[0][:-_PARITY] for bar in (symbol >> 4, (symbol >> 2) & 3, symbol & 3)]
    digits = _digits(data[:20])
    if digits is None or digits[:2] not in _FCC_INFO_BARS:
        return None
    info_bars = _FCC_INFO_BARS[digits[:2]]
    if _LENGTHS[info_bars] != len(states):
        return None
    info = _information(data[20:], info_bars)
    return None if info is None else (digits + info, None)


def _digits(bars: list[int]) -> str | None:
    """N table digits of an even number of bars, or None when a pair is not a digit."""
    pairs = [_N.get((a, b)) for a, b in zip(bars[0::2], bars[1::2], strict=True)]
    return None if None in pairs else "".join(p for p in pairs if p)


def _information(bars: list[int], length: int) -> str | None:
    """The customer information of ``length`` bars (and the filler bar after it when the symbol has one)."""
    if any(bar != _FILLER for bar in bars[length:]):
        return None
    field = bars[:length]
    even, whole = length - length % 2, length - length % 3
    numeric = _digits(field[:even]) if all(bar == _FILLER for bar in field[even:]) else None
    table_c = all(bar == _FILLER for bar in field[whole:])
    # FCC 62's two tables fill the same 30 bars; bars 0-2 alone are both digits 0-8 and C characters A-Z and 0:
    # such a field is read as characters, one with a 9 (bars 3 0) as digits.
    if numeric is not None and (not table_c or "9" in numeric):
        return numeric
    if not table_c:
        return None
    chars = "".join(_C[(a, b, c)] for a, b, c in zip(field[0:whole:3], field[1:whole:3], field[2:whole:3], strict=True))
    return chars.rstrip("z")


DECODERS: dict[str, Decode] = {"AustraliaPost": decode}
