"""USPS Intelligent Mail barcode, the spec's OneCode (USPS-B-3200).

65 bars. Each bar's ascender is one bit of one of ten 13-bit characters A-J and its descender one bit of
another (the specification's bar-to-character table). A character with 2 or 5 bits set is a codeword of the
2-of-13 or 5-of-13 table; one with 11 or 8 set is such a codeword inverted, which carries a 1 of the 11-bit frame
check sequence (bits 0-9 for characters A-J). Codeword J is doubled (so that a reading from the wrong end, whose
J is odd, fails), codeword A takes 659 more for FCS bit 10. The codewords are the digits of one number in the
radices 659, 1365 x 8 and 636; that number is the routing code and the 20-digit tracking code (the second digit
in base 5), and the CRC-11 (generator 0xF35) of its 102 bits must equal the frame check sequence.

The value is what the generator takes: the tracking code's 20 digits followed by the routing code's 0, 5, 9 or 11.
There is no error correction in the symbol; no checksum is reported.
"""

from __future__ import annotations

import re
from itertools import combinations

from barcode_cloud_server.engine.recognition.fourstate import Decode

BARS = 65
# Bar to character table (USPS-B-3200 Appendix): for bars 1-65, the descender's character and bit, then the
# ascender's, as "H2E3" is bar 1's descender from bit 2 of character H and ascender from bit 3 of character E.
_BAR_TABLE_TEXT = (
    "H2E3 B10A0 J12C8 F5G11 I9D1 A1F12 C5B8 E4J11 G3I10 D9H6 F11B4 I5C12 J10A2 H1G7 D6E9 A3I6 G4C7 B1J9 H10F2 "
    "E0D8 G2A4 I11B0 J8D12 C6H7 F1E10 B12G9 H3I0 F8J7 E6C10 D4A5 I4F7 H11B9 G0J6 A6E8 C1D2 F9I12 E11G1 J5H4 "
    "D3B2 A7C0 B3E1 G10D5 I7J4 C11F6 A8H12 E2I1 F10D0 J3A9 G5C4 H8B7 F0E5 C3A10 G12J2 D11B6 I8H9 F4A11 B5C2 "
    "J1E12 I3G6 H0D7 E7H5 A12B11 C9J0 G8F3 D10I2"
)
_BAR_TABLE = [
    ((ord(d[0]) - ord("A"), int(d[1:])), (ord(a[0]) - ord("A"), int(a[1:])))
    for d, a in (re.findall(r"[A-J]\d+", bar) for bar in _BAR_TABLE_TEXT.split())
]


def n_of_13(n: int) -> list[int]:
    """The n-of-13 codeword table: each 13-bit number with n bits set whose bit reversal is not smaller, in
    ascending order, placed with its reversal from the front; palindromes fill from the back."""
    count = len(list(combinations(range(13), n)))
    table = [0] * count
    low, high = 0, count - 1
    for value in range(1 << 13):
        if value.bit_count() != n:
            continue
        mirror = int(f"{value:013b}"[::-1], 2)
        if mirror < value:
            continue
        if mirror == value:
            table[high] = value
            high -= 1
        else:
            table[low], table[low + 1] = value, mirror
            low += 2
    return table


_CODEWORD = {c: i for i, c in enumerate(n_of_13(5) + n_of_13(2))}
_RADICES = (659,) + (1365,) * 8 + (636,)


def crc11(value: int) -> int:
    """The frame check sequence of a 102-bit binary value: CRC-11, generator 0xF35, preset to all ones, over
    the 13 bytes of the value with its first byte's 2 top bits skipped."""
    data = value.to_bytes(13, "big")
    fcs = 0x7FF
    for index, byte in enumerate(data):
        bits = 6 if index == 0 else 8
        for shift in range(bits - 1, -1, -1):
            bit = (byte >> shift) & 1
            top = (fcs >> 10) & 1
            fcs = ((fcs << 1) ^ (0xF35 if top ^ bit else 0)) & 0x7FF
    return fcs


def decode(states: str) -> tuple[str, str | None] | None:
    """(value, None) of a symbol's 65 bars from its start, or None."""
    if len(states) != BARS:
        return None
    characters = [0] * 10
    for bar, state in enumerate(states):
        (d_char, d_bit), (a_char, a_bit) = _BAR_TABLE[bar]
        if state in "FD":
            characters[d_char] |= 1 << d_bit
        if state in "FA":
            characters[a_char] |= 1 << a_bit
    fcs = 0
    codewords = []
    for index, character in enumerate(characters):
        if character.bit_count() in (8, 11):
            fcs |= 1 << index
            character ^= 0x1FFF
        codeword = _CODEWORD.get(character)
        if codeword is None:
            return None
        codewords.append(codeword)
    if codewords[9] % 2:
        return None
    codewords[9] //= 2
    if codewords[0] >= 659:
        fcs |= 1 << 10
        codewords[0] -= 659
    value = 0
    for codeword, radix in zip(codewords, _RADICES, strict=True):
        if codeword >= radix:
            return None
        value = value * radix + codeword
    if value >> 102 or crc11(value) != fcs:
        return None
    text = _digits(value)
    return None if text is None else (text, None)


def _digits(value: int) -> str | None:
    """Tracking code and routing code of the binary value, or None when the routing part is out of range."""
    tracking = []
    for _ in range(18):
        value, digit = divmod(value, 10)
        tracking.append(digit)
    value, second = divmod(value, 5)
    routing, first = divmod(value, 10)
    text = "".join(map(str, [first, second, *reversed(tracking)]))
    for digits, offset in ((0, 0), (5, 1), (9, 100_001), (11, 1_000_100_001)):
        if routing - offset < 10**digits:
            return text + (f"{routing - offset:0{digits}d}" if digits else "")
    return None


DECODERS: dict[str, Decode] = {"OneCode": decode}
