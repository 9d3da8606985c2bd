"""Royal Mail Mailmark 4-state barcodes C (22 characters, 66 bars) and L (26 characters, 78 bars) (Royal Mail Mailmark
4-state barcode C and L encoding and decoding instructions).

The bars are extender groups of three; bar j of group i holds bits 5 - j and 2 - j of a 6-bit symbol, the first as
the ascender and the second as the descender in even groups, the other way round in odd ones (a full bar is both, a
tracker neither). The symbols sit in the groups in the specification's extender order. The first data symbols (9 in
C, 11 in L) are the 30 values with an even number of bits set but for 0 and 63, the others and the check symbols the
32 with an odd number: the data numbers and check numbers are their indices. The numbers are a Reed-Solomon codeword
over GF(32) (x^5 + x^2 + 1, roots alpha^1 up; 6 check numbers in C, 7 in L, after the data). A symbol outside its
table is an erasure, one check number to correct, any other wrong symbol costs two; three check numbers are kept for
detection, so C corrects three erased symbols or one wrong and one erased, L one more erased. The data numbers are
the digits (radix 30, then 32) of one number: the destination postcode and DPS, item ID, supply chain ID, class,
format and version ID, in radices (10^8, 100 or 10^6, 15, 5, 4) from the right; the postcode is one of six patterns
of letters, digits and spaces, each a range of values, or 0 for an international item ("XY11" and spaces).

The value is the symbol's characters as the generator takes them: format, version, class, supply chain ID, item ID,
postcode and DPS; barcode L's trailing spaces (the generator pads 23 to 25 characters to 26) are dropped down to 23
characters. Mailmark carries no check character; no checksum is reported.
"""

from __future__ import annotations

from dataclasses import dataclass

from barcode_cloud_server.engine.recognition import reed_solomon
from barcode_cloud_server.engine.recognition.fourstate import Decode

_GF = reed_solomon.Field(5, 0x25)
_EVEN = [v for v in range(1, 63) if v.bit_count() % 2 == 0]
_ODD = [v for v in range(64) if v.bit_count() % 2 == 1]
_EVEN_NUMBER = {v: i for i, v in enumerate(_EVEN)}
_ODD_NUMBER = {v: i for i, v in enumerate(_ODD)}
_CLASSES = "0123456789ABCDE"
# Check symbols kept for detection: nearly every number is a valid message, so only the code tells a symbol
# from other bars; with 3 unused, a random word passes about once in 32^3 times the ways to place its errors.
_SPARE = 3
_INTERNATIONAL = "XY11     "
# Destination postcode + DPS patterns, types 1-6: A a letter, L one of the letters the inward code and DPS use,
# N a digit, S a space. Their values follow one another from 1 (0 is the international designation).
POSTCODE_PATTERNS = ("ANANLLNLS", "AANNLLNLS", "AANNNLLNL", "AANANLLNL", "ANNLLNLSS", "ANNNLLNLS")
POSTCODE_SETS = {"A": "ABCDEFGHIJKLMNOPQRSTUVWXYZ", "L": "ABDEFGHJLNPQRSTUWXYZ", "N": "0123456789", "S": " "}


@dataclass(frozen=True)
class _Layout:
    characters: int
    supply_chain_digits: int
    radix_30: int  # data numbers in radix 30 (then radix 32)
    data: int
    check: int
    extender: tuple[int, ...]  # extender group of each data / check symbol


_LAYOUTS = {
    66: _Layout(22, 2, 9, 16, 6, (3, 5, 7, 11, 13, 14, 16, 17, 19, 0, 1, 2, 4, 6, 8, 9, 10, 12, 15, 18, 20, 21)),
    78: _Layout(
        26, 6, 11, 19, 7, (2, 5, 7, 8, 13, 14, 15, 16, 21, 22, 23, 0, 1, 3, 4, 6, 9, 10, 11, 12, 17, 18, 19, 20, 24, 25)
    ),
}


def decode(states: str) -> tuple[str, str | None] | None:
    """(value, None) of a symbol's bars from its start, or None."""
    layout = _LAYOUTS.get(len(states))
    if layout is None:
        return None
    groups = [_group(states[3 * i : 3 * i + 3], i % 2 == 1) for i in range(layout.characters)]
    numbers, erasures = [], []
    for k, group in enumerate(layout.extender):
        number = (_EVEN_NUMBER if k < layout.radix_30 else _ODD_NUMBER).get(groups[group])
        if number is None:  # a symbol outside its table: a bar misread, at a known place
            erasures.append(k)
        numbers.append(number or 0)
    corrected = reed_solomon.correct(_GF, numbers, layout.check, erasures=erasures, spare=_SPARE)
    if corrected is None:
        return None
    value = 0
    for k, number in enumerate(corrected[0][: layout.data]):
        radix = 30 if k < layout.radix_30 else 32
        if number >= radix:
            return None
        value = value * radix + number
    text = _fields(value, layout)
    if text is None:
        return None
    if layout.characters == 26:
        text = text[:23] + text[23:].rstrip(" ")
    return text, None


def _group(bars: str, odd: bool) -> int:
    """The 6-bit symbol of an extender group's three bars."""
    high, low = ("D", "A") if odd else ("A", "D")
    symbol = 0
    for j, bar in enumerate(bars):
        if bar in ("F", high):
            symbol |= 1 << (5 - j)
        if bar in ("F", low):
            symbol |= 1 << (2 - j)
    return symbol


def _fields(value: int, layout: _Layout) -> str | None:
    value, version = divmod(value, 4)
    value, form = divmod(value, 5)
    value, mail_class = divmod(value, 15)
    value, supply_chain = divmod(value, 10**layout.supply_chain_digits)
    postcode_value, item = divmod(value, 10**8)
    postcode = _postcode(postcode_value)
    if postcode is None:
        return None
    return f"{form}{version + 1}{_CLASSES[mail_class]}{supply_chain:0{layout.supply_chain_digits}d}{item:08d}{postcode}"


def _postcode(value: int) -> str | None:
    """The destination postcode and DPS of their value, or None past the last pattern's range."""
    if value == 0:
        return _INTERNATIONAL
    start = 1
    for pattern in POSTCODE_PATTERNS:
        size = 1
        for kind in pattern:
            size *= len(POSTCODE_SETS[kind])
        if value < start + size:
            rest = value - start
            chars = []
            for kind in reversed(pattern):
                rest, index = divmod(rest, len(POSTCODE_SETS[kind]))
                chars.append(POSTCODE_SETS[kind][index])
            return "".join(reversed(chars))
        start += size
    return None


DECODERS: dict[str, Decode] = {"Mailmark": decode}
