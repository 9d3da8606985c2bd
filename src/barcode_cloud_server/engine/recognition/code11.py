"""Code 11 (USS Code 11, AIM): digits and '-', start/stop character, one check character C or two, C and K.

Each character is three bars and two spaces, two widths, followed by a narrow gap; the start and the stop are the
same character. C weighs the characters 1 to 10 from the right, K weighs data and C 1 to 9, both modulo 11 with
'-' worth 10 (AIM USS Code 11, check characters). The specification uses C alone for data of up to 10 characters
and both above; readers meet both, so a symbol is read with the split its length calls for, else the other.
"""

from __future__ import annotations

import numpy as np

from barcode_cloud_server.engine.recognition.linear import Family, Read, check_digit_mod, two_widths

# Narrow (0) / wide (1) of bar, space, bar, space, bar.
_PATTERNS = {
    "00001": "0",
    "10001": "1",
    "01001": "2",
    "11000": "3",
    "00101": "4",
    "10100": "5",
    "01100": "6",
    "00011": "7",
    "10010": "8",
    "10000": "9",
    "00100": "-",
}
_START = "00110"
_ALPHABET = "0123456789-"
QUIET = 5.0  # narrow elements of quiet zone required either side (the specification asks for 10)


def check_c(data: str) -> str:
    return _ALPHABET[check_digit_mod((_ALPHABET.index(c) for c in data), range(1, 11), 11)]


def check_k(data_and_c: str) -> str:
    return _ALPHABET[check_digit_mod((_ALPHABET.index(c) for c in data_and_c), range(1, 10), 11)]


def split_checks(chars: str) -> tuple[str, str] | None:
    """(data, check characters) of a decoded character string, or None when no check fits."""
    one = len(chars) >= 2 and check_c(chars[:-1]) == chars[-1]
    two = len(chars) >= 3 and check_c(chars[:-2]) == chars[-2] and check_k(chars[:-1]) == chars[-1]
    if two and (len(chars) - 2 > 10 or not one):
        return chars[:-2], chars[-2:]
    if one:
        return chars[:-1], chars[-1:]
    return None


def _fits(counts: np.ndarray) -> np.ndarray:
    out: np.ndarray = (counts >= 23) & ((counts - 5) % 6 == 0)
    return out


def _read(elements: np.ndarray, lead: float, trail: float) -> Read | None:
    bars, spaces = elements[0::2], elements[1::2]
    wide_bars, wide_spaces = two_widths(bars, 1.5, 3.5), two_widths(spaces, 1.5, 3.5)
    if wide_bars is None or wide_spaces is None or not wide_bars.any() or not wide_spaces.any():
        return None
    wide = np.empty(len(elements), dtype=bool)
    wide[0::2], wide[1::2] = wide_bars, wide_spaces
    narrow = float(elements[~wide].mean())
    if lead < QUIET * narrow or trail < QUIET * narrow:
        return None
    flags = "".join("1" if w else "0" for w in wide)
    groups = [flags[i : i + 5] for i in range(0, len(flags), 6)]
    gaps = flags[5::6]
    if "1" in gaps or groups[0] != _START or groups[-1] != _START:
        return None
    chars = [_PATTERNS.get(g) for g in groups[1:-1]]
    if any(c is None for c in chars):
        return None
    split = split_checks("".join(c for c in chars if c is not None))
    if split is None or not split[0]:
        return None
    return Read("Code11", split[0], split[1])


FAMILY = Family(types=("Code11",), fits=_fits, read=_read, votes={"Code11": 2}, backwards=True)
