"""The 2 of 5 family: each digit is five elements, two of them wide (weights 1, 2, 4, 7 and parity; 0 is 4+7).

Standard (Industrial) and IATA 2 of 5 put the five elements in the bars, every space narrow; Matrix and
DataLogic 2 of 5 spread them over bar, space, bar, space, bar and a narrow gap. The four differ in start and stop
(narrow N, wide W; Matrix's start and stop bar are wider still and read as wide):
Standard start bars W W N, stop W N W; IATA start N N, stop W N; Matrix start bar W then N N, stop W N N;
DataLogic start N N (bar, space, bar, space), stop W N N (bar, space, bar).

None of them has a mandatory check digit (the optional Mod 10 one cannot be told from data), so a read needs
the whole grammar, clean quiet zones, at least two digits and more scanlines in agreement than checked types.
"""

from __future__ import annotations

import numpy as np

from barcode_cloud_server.engine.recognition.linear import Family, Read, two_widths, uniform

_DIGITS = {
    "00110": "0",
    "10001": "1",
    "01001": "2",
    "11000": "3",
    "00101": "4",
    "10100": "5",
    "01100": "6",
    "00011": "7",
    "10010": "8",
    "01010": "9",
}
QUIET = 5.0  # narrow elements of quiet zone required either side (the specifications ask for 10)
MIN_DIGITS = 2


def _flags(wide: np.ndarray) -> str:
    return "".join("1" if w else "0" for w in wide)


def _digits(groups: list[str]) -> str | None:
    out = [_DIGITS.get(g) for g in groups]
    if len(out) < MIN_DIGITS or any(d is None for d in out):
        return None
    return "".join(d for d in out if d is not None)


def _quiet(narrow: float, lead: float, trail: float) -> bool:
    return lead >= QUIET * narrow and trail >= QUIET * narrow


def _bars_only(elements: np.ndarray, lead: float, trail: float, start: str, stop: str) -> str | None:
    """Standard and IATA: the bars carry everything, the spaces are all narrow."""
    bars, spaces = elements[0::2], elements[1::2]
    wide = two_widths(bars, 1.8, 3.8)
    if wide is None or not wide.any() or not uniform(spaces):
        return None
    if not _quiet(float(bars[~wide].mean()), lead, trail):
        return None
    flags = _flags(wide)
    if not flags.startswith(start) or not flags.endswith(stop):
        return None
    body = flags[len(start) : len(flags) - len(stop)]
    if len(body) % 5:
        return None
    return _digits([body[i : i + 5] for i in range(0, len(body), 5)])


def _matrix(elements: np.ndarray, lead: float, trail: float, start: str, stop: str) -> str | None:
    """Matrix and DataLogic: bar, space, bar, space, bar and a narrow gap per digit."""
    bars, spaces = elements[0::2], elements[1::2]
    wide_bars, wide_spaces = two_widths(bars, 1.8, 4.5), two_widths(spaces, 1.8, 4.5)
    if wide_bars is None or wide_spaces is None or not wide_bars.any() or not wide_spaces.any():
        return None
    wide = np.empty(len(elements), dtype=bool)
    wide[0::2], wide[1::2] = wide_bars, wide_spaces
    if not _quiet(float(elements[~wide].mean()), lead, trail):
        return None
    flags = _flags(wide)
    if not flags.startswith(start) or not flags.endswith(stop):
        return None
    body = flags[len(start) : len(flags) - len(stop)]
    if len(body) % 6 or "1" in body[5::6]:
        return None
    return _digits([body[i : i + 5] for i in range(0, len(body), 6)])


# (type, reader, start flags, stop flags, elements around the digits, elements per digit)
_VARIANTS = (
    ("Standard2of5", _bars_only, "110", "101", 6 + 5, 10),
    ("IATA2of5", _bars_only, "00", "10", 4 + 3, 10),
    ("Matrix2of5", _matrix, "100000", "10000", 6 + 5, 6),
    ("DataLogic2of5", _matrix, "0000", "100", 4 + 3, 6),
)


def _fits(counts: np.ndarray) -> np.ndarray:
    out = np.zeros(len(counts), dtype=bool)
    for _, _, _, _, frame, per_digit in _VARIANTS:
        out |= (counts >= frame + MIN_DIGITS * per_digit) & ((counts - frame) % per_digit == 0)
    return out


def _read(elements: np.ndarray, lead: float, trail: float) -> Read | None:
    n = len(elements)
    for name, reader, start, stop, frame, per_digit in _VARIANTS:
        if n < frame + MIN_DIGITS * per_digit or (n - frame) % per_digit:
            continue
        # Standard and IATA flags are bars only: their start and stop are written per bar.
        value = reader(elements, lead, trail, start, stop) or reader(elements[::-1], trail, lead, start, stop)
        if value is not None:
            return Read(name, value, None)
    return None


FAMILY = Family(
    types=tuple(v[0] for v in _VARIANTS),
    fits=_fits,
    read=_read,
    votes={v[0]: 3 for v in _VARIANTS},
)
