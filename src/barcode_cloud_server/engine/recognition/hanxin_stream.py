"""Han Xin Code's data bit stream (ISO/IEC 20830 clause 6.4) as text.

Each segment starts with a 4-bit mode indicator: numeric (0001: 10-bit groups of three digits, ended by 1021, 1022
or 1023 for one, two or three digits in the last group), text (0010: 6-bit values in two sub-modes, 62 changes
sub-mode, 63 ends), binary byte (0011: a 13-bit count, then bytes), Chinese characters of GB 2312 Region One (0100)
and Region Two (0101) as 12-bit values (4095 ends, 4094 goes over to the other region), GB 18030 double-byte (0110:
15-bit values, 32767 ends), GB 18030 four-byte (0111: one 21-bit value per indicator) and ECI (1000: an
assignment number of 8, 16 or 24 bits). 0000, or too few bits for an indicator, ends the data.

Chinese characters come back through GB 18030. Bytes follow the ECI in force. With none, the specification's
default is Latin-1, but encoders write text they cannot write in Latin-1 as GB 18030 without an ECI (zint), and
some put Chinese characters' GB 2312 bytes in binary mode (BWIPP): bytes with no ECI are GB 18030 when the symbol
also holds Chinese characters, or when they are all ASCII and GB 2312 pairs (both bytes A1-FE, which Latin-1 text
with two accented letters in a row would be too: the rarer of the two); otherwise Latin-1.
"""

from __future__ import annotations

from collections.abc import Sequence

from barcode_cloud_server.engine.recognition import eci

GB = "gb18030"


class _Bits:
    def __init__(self, data: Sequence[int]) -> None:
        self.text = "".join(f"{b:08b}" for b in data)
        self.at = 0

    def left(self) -> int:
        return len(self.text) - self.at

    def take(self, count: int) -> int:
        if count > self.left():
            raise ValueError("the bit stream ends inside a value")
        value = int(self.text[self.at : self.at + count], 2)
        self.at += count
        return value


def _text_char(value: int, submode: int) -> str:
    if submode == 1:
        return "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"[value]
    for first, base in ((57, 0x7B), (51, 0x5B), (44, 0x3A), (28, 0x20), (0, 0)):
        if value >= first:
            return chr(base + value - first)
    raise AssertionError("unreachable")


def _numeric(bits: _Bits) -> str:
    groups: list[int] = []
    while (value := bits.take(10)) < 1000:
        groups.append(value)
    if value < 1021 or not groups:
        raise ValueError("not a numeric group")
    last = value - 1020
    if groups[-1] >= 10**last:
        raise ValueError("more digits in the last group than its terminator says")
    return "".join(f"{g:03d}" for g in groups[:-1]) + f"{groups[-1]:0{last}d}"[-last:]


def _text(bits: _Bits) -> str:
    out: list[str] = []
    submode = 1
    while (value := bits.take(6)) != 63:
        if value == 62:
            submode = 3 - submode
        else:
            out.append(_text_char(value, submode))
    return "".join(out)


def _region(bits: _Bits, region: int) -> bytes:
    out = bytearray()
    while (value := bits.take(12)) != 4095:
        if value == 4094:
            region = 3 - region
            continue
        if region == 2:
            first, second = 0xD8 + value // 94, 0xA1 + value % 94
        elif value >= 0xFCA:  # the pinyin letters with tones, A8A1 on
            first, second = 0xA8, 0xA1 + value - 0xFCA
        elif value >= 0xEB0:  # the symbols of rows A1-A3
            first, second = 0xA1 + (value - 0xEB0) // 94, 0xA1 + (value - 0xEB0) % 94
        else:
            first, second = 0xB0 + value // 94, 0xA1 + value % 94
        if second > 0xFE or first > 0xFE:
            raise ValueError("not a GB 2312 character")
        out += bytes((first, second))
    return bytes(out)


def _double_byte(bits: _Bits) -> bytes:
    out = bytearray()
    while (value := bits.take(15)) != 32767:
        first, rest = 0x81 + value // 190, value % 190
        second = 0x40 + rest if rest < 0x3F else 0x41 + rest
        if first > 0xFE:
            raise ValueError("not a GB 18030 double-byte character")
        out += bytes((first, second))
    return bytes(out)


def _four_byte(bits: _Bits) -> bytes:
    value = bits.take(21)
    b1, rest = divmod(value, 12600)
    b2, rest = divmod(rest, 1260)
    b3, b4 = divmod(rest, 10)
    if b1 > 0x7D:
        raise ValueError("not a GB 18030 four-byte character")
    return bytes((0x81 + b1, 0x30 + b2, 0x81 + b3, 0x30 + b4))


def _eci(bits: _Bits) -> int:
    if bits.take(1) == 0:
        return bits.take(7)
    if bits.take(1) == 0:
        return bits.take(14)
    if bits.take(1) == 0:
        return bits.take(21)
    raise ValueError("not an ECI assignment number")


def decode(data: Sequence[int]) -> str | None:
    """The text of a symbol's data codewords, or None when they do not parse."""
    bits = _Bits(data)
    # (bytes, codec) pieces; None as the codec: bytes with no ECI in force, decided once the whole is read.
    pieces: list[tuple[bytes, str | None]] = []
    codec: str | None = None
    chinese = False
    try:
        while bits.left() >= 4 and (mode := bits.take(4)) != 0:
            if mode == 1:
                pieces.append((_numeric(bits).encode("ascii"), "ascii"))
            elif mode == 2:
                pieces.append((_text(bits).encode("latin-1"), "latin-1"))
            elif mode == 3:
                pieces.append((bytes(bits.take(8) for _ in range(bits.take(13))), codec))
            elif mode in (4, 5):
                pieces.append((_region(bits, mode - 3), GB))
            elif mode == 6:
                pieces.append((_double_byte(bits), GB))
            elif mode == 7:
                pieces.append((_four_byte(bits), GB))
            elif mode == 8:
                number = _eci(bits)
                if number not in eci.CODECS:
                    return None
                codec = eci.CODECS[number]
            else:
                return None
            chinese = chinese or mode in (4, 5, 6, 7)
        plain = GB if chinese or _gb2312(b"".join(b for b, c in pieces if c is None)) else "latin-1"
        return "".join(b.decode(c or plain) for b, c in _joined(pieces))
    except (ValueError, UnicodeDecodeError):
        return None


def _gb2312(data: bytes) -> bool:
    if all(b < 0x80 for b in data):
        return False
    try:
        data.decode("gb2312")
    except UnicodeDecodeError:
        return False
    return True


def _joined(pieces: list[tuple[bytes, str | None]]) -> list[tuple[bytes, str | None]]:
    """Neighbouring pieces of one character set as one: a multi-byte character may be split across modes."""
    out: list[tuple[bytes, str | None]] = []
    for data, codec in pieces:
        if out and out[-1][1] == codec:
            out[-1] = (out[-1][0] + data, codec)
        else:
            out.append((data, codec))
    return out
