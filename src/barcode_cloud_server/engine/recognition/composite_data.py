"""The data of a GS1 composite component (ISO/IEC 24723, 5): its codewords to a bit string, the bit string to a
GS1 element string.

CC-A packs the bit string straight into base-928 codewords, 69 bits in 7 codewords (a shorter last group of b
bits in b // 10 + 1 codewords); CC-B and CC-C carry it as bytes in PDF417 byte compaction after the linkage
codeword 920. The bit string opens with the encodation method: "0" general purpose, "10" a production or
expiry date and a lot number compacted, "11" an AI 90 field compacted (its leading number and letter, then its
other characters in a 5-bit upper-case alphabet or in the general field; AI 21 or 8004 after it may lose its AI
digits). The rest is the general-purpose compaction that GS1 DataBar Expanded shares: numeric pairs in 7 bits,
alphanumeric characters in 5 or 6 bits, ISO/IEC 646 characters in 5, 7 or 8 bits, latches between them, FNC1 as
the separator after a variable-length element, and padding (numeric latch then "00100"s) to the symbol's size.
"""

from __future__ import annotations

from collections.abc import Sequence

from barcode_cloud_server.engine.recognition import gs1_elements
from barcode_cloud_server.engine.recognition.gs1_elements import GS  # FNC1 as a separator inside the data

_BYTE, _BYTE_SIX, _LINKAGE = 901, 924, 920

# Bits carried by each number of CC-A data codewords (the sizes of ISO/IEC 24723 Table 9).
CC_A_BITS = {6: 59, 8: 78, 9: 88, 10: 98, 11: 108, 12: 118, 14: 138, 17: 167, 20: 197}

_ALNUM_SPECIAL = {58: "*", 59: ",", 60: "-", 61: ".", 62: "/"}
_ISO_SPECIAL = dict(zip(range(232, 253), "!\"%&'()*+,-./:;<=>?_ ", strict=True))


def base928_bits(codewords: Sequence[int]) -> str | None:
    """The bit string of CC-A data codewords, or None when their count is no CC-A size or a group overflows."""
    total = CC_A_BITS.get(len(codewords))
    if total is None or any(not 0 <= c < 928 for c in codewords):
        return None
    out: list[str] = []
    for start in range(0, total, 69):
        bits = min(69, total - start)
        group = codewords[start // 69 * 7 : start // 69 * 7 + bits // 10 + 1]
        value = 0
        for c in group:
            value = value * 928 + c
        if value >= 1 << bits:
            return None
        out.append(format(value, f"0{bits}b"))
    return "".join(out)


def byte_bits(codewords: Sequence[int]) -> str | None:
    """The bit string of a CC-B or CC-C component's data codewords (920, a byte compaction latch, the bytes in
    groups of six as five base-900 codewords and, after 901, the last one to five bytes a codeword each, then the
    900s that pad the symbol), or None when they are not that."""
    data = list(codewords)
    while data and data[-1] == 900:
        data.pop()
    if len(data) < 2 or data[0] != _LINKAGE or data[1] not in (_BYTE, _BYTE_SIX):
        return None
    body = data[2:]
    if any(c >= 900 for c in body):
        return None
    single = 0 if data[1] == _BYTE_SIX else (len(body) % 5 or 5)
    if data[1] == _BYTE_SIX and len(body) % 5:
        return None
    grouped, tail = body[: len(body) - single], body[len(body) - single :]
    out = bytearray()
    for i in range(0, len(grouped), 5):
        value = 0
        for c in grouped[i : i + 5]:
            value = value * 900 + c
        if value >= 1 << 48:
            return None
        out += value.to_bytes(6, "big")
    if any(c > 255 for c in tail):
        return None
    out += bytes(tail)
    return "".join(format(b, "08b") for b in out)


def decode(bits: str) -> str | None:
    """The element string (``(AI)data...``) a component's bit string carries, or None when it does not parse."""
    if bits.startswith("0"):
        raw = _general(bits, 1)
    elif bits.startswith("10"):
        raw = _date_and_lot(bits)
    else:
        raw = _ai90(bits)
    return None if raw is None else gs1_elements.hri(raw)


def _date_and_lot(bits: str) -> str | None:
    """Encodation method "10": "11" (no date) or a 16-bit date and a bit naming AI 11 or 17, then the general
    field, which holds the lot number (AI 10 implied) unless it opens with FNC1."""
    if bits[2:4] == "11":
        rest = _general(bits, 4)
        return None if rest is None else "10" + rest
    if len(bits) < 19:
        return None
    value = int(bits[2:18], 2)
    yy, mm, dd = value // 384, value // 32 % 12 + 1, value % 32
    if yy > 99 or dd > 31:
        return None
    date = ("17" if bits[18] == "1" else "11") + f"{yy:02d}{mm:02d}{dd:02d}"
    rest = _general(bits, 19)
    if rest is None:
        return None
    return date + rest if rest.startswith(GS) or not rest else date + "10" + rest


_TABLE_3 = "BDHIJKLNPQRSTVWZ"  # the letters an AI 90 field's first letter takes in 4 bits after a number below 31
_AI90_CROPPED = {"0": "", "10": "21", "11": "8004"}


def _ai90(bits: str) -> str | None:
    """Encodation method "11": the AI 90 data's mode ("11" upper-case letters and digits in 5 or 6 bits, "10"
    numeric, "0" alphanumeric, both then in the general field), which AI follows it with its digits left out ("0"
    none, "10" 21, "11" 8004), its leading number and letter, then the rest."""
    pos = 2
    mode = next((m for m in ("11", "10", "0") if bits.startswith(m, pos)), None)
    if mode is None:
        return None
    pos += len(mode)
    cropped = next((c for c in ("10", "11", "0") if bits.startswith(c, pos)), None)
    if cropped is None:
        return None
    pos += len(cropped)
    if len(bits) < pos + 9:
        return None
    number = int(bits[pos : pos + 5], 2)
    if number < 31:
        letter, pos = _TABLE_3[int(bits[pos + 5 : pos + 9], 2)], pos + 9
    else:
        if len(bits) < pos + 20:
            return None
        number, code = int(bits[pos + 5 : pos + 15], 2), int(bits[pos + 15 : pos + 20], 2)
        if code > 25 or number > 999:
            return None
        letter, pos = chr(ord("A") + code), pos + 20
    head = "90" + (str(number) if number else "") + letter
    if mode == "11":  # upper-case letters (5 bits, A = 0), digits (6 bits, '0' = 52), FNC1 (11111) ends the field
        while pos + 5 <= len(bits):
            five = int(bits[pos : pos + 5], 2)
            if five == 31:
                head, pos = head + GS, pos + 5
                break
            if five < 26:
                head, pos = head + chr(ord("A") + five), pos + 5
                continue
            if pos + 6 > len(bits) or not 52 <= int(bits[pos : pos + 6], 2) <= 61:
                return None
            head, pos = head + str(int(bits[pos : pos + 6], 2) - 52), pos + 6
        rest = _general(bits, pos)
        if rest is None:
            return None
        if not head.endswith(GS):
            return head + rest
        return head + _AI90_CROPPED[cropped] + rest if rest else head.rstrip(GS)
    rest = _general(bits, pos, "alphanumeric" if mode == "0" else "numeric")
    if rest is None:
        return None
    field, gs, others = rest.partition(GS)
    return head + field + (gs + _AI90_CROPPED[cropped] + others if gs else "")


def _general(bits: str, pos: int, mode: str = "numeric") -> str | None:
    """General-purpose compaction from ``pos`` (numeric mode first) to the end; FNC1s as GS, trailing ones
    dropped."""
    out: list[str] = []
    n = len(bits)
    while pos < n:
        left = n - pos
        if mode == "numeric":
            if left < 7:
                value = int(bits[pos : pos + 4], 2) if left >= 4 else 0
                if value > 10:
                    return None
                if value:
                    out.append(str(value - 1))  # a last single digit, plus one, in four bits
                break
            if bits[pos : pos + 4] == "0000":
                mode, pos = "alphanumeric", pos + 4
                continue
            first, second = divmod(int(bits[pos : pos + 7], 2) - 8, 11)
            out += [GS if first == 10 else str(first), GS if second == 10 else str(second)]
            pos += 7
            continue
        if bits[pos : pos + 3] == "000" and left >= 3:
            mode, pos = "numeric", pos + 3
            continue
        if left < 5:
            break
        five = int(bits[pos : pos + 5], 2)
        if five == 4:  # "00100": to ISO/IEC 646 from alphanumeric, back from it
            mode, pos = ("iso646" if mode == "alphanumeric" else "alphanumeric"), pos + 5
            continue
        if 5 <= five <= 14:
            out.append(str(five - 5))
            pos += 5
            continue
        if five == 15:
            out.append(GS)
            mode, pos = "numeric", pos + 5
            continue
        char, width = _character(bits, pos, mode)
        if char is None:
            return None
        out.append(char)
        pos += width
    text = "".join(out)
    return text.rstrip(GS)


def _character(bits: str, pos: int, mode: str) -> tuple[str | None, int]:
    """A 6-bit alphanumeric or a 7- or 8-bit ISO/IEC 646 character at ``pos``, and its width."""
    if mode == "alphanumeric":
        if len(bits) - pos < 6:
            return None, 0
        six = int(bits[pos : pos + 6], 2)
        if 32 <= six <= 57:
            return chr(ord("A") + six - 32), 6
        return _ALNUM_SPECIAL.get(six), 6
    if len(bits) - pos >= 7:
        seven = int(bits[pos : pos + 7], 2)
        if 64 <= seven <= 89:
            return chr(seven + 1), 7
        if 90 <= seven <= 115:
            return chr(seven + 7), 7
    if len(bits) - pos >= 8:
        return _ISO_SPECIAL.get(int(bits[pos : pos + 8], 2)), 8
    return None, 0
