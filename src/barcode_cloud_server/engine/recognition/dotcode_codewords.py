"""DotCode's symbol layer (AIM ISS DotCode rev 4.0, ISO/IEC 21471): from the dots of a symbol to its data.

A symbol is ``width`` x ``height`` positions, width + height odd, with a dot place wherever column + row is even.
The places hold a stream of bits: two for the mask, then nine for each codeword (the 5-of-9 patterns of Annex C),
then padding (dots). The stream is laid in rows from the bottom when the height is odd, in
columns from the left when it is even, and its last six bits go to the six corner places, which the rows or
columns skip. The codewords are the mask, the data and the check words, values 0-112: the data is masked by adding
``k * i`` (k = 0, 3, 7 or 17, the mask's prime) to the i-th data codeword, and the check words are Reed-Solomon
over GF(113), generator roots 3^1 ... 3^n, interleaved over as many blocks as keep each under 113 words.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

import numpy as np

from barcode_cloud_server.engine.recognition import eci, gs1_elements

GF = 113
PRIMITIVE = 3
MASK_STEPS = (0, 3, 7, 17)
# Check words a correction leaves unused: a reader tries eight orientations of every group of spots it finds, and
# a word corrected to the limit of its checks could be any word near a codeword (no misreads).
SPARE_CHECKS = 2

# Annex C: the dot patterns of the codeword values 0-112, first dot the most significant bit.
_PATTERN_TEXT = (
    "155 0ab 0ad 0b5 0d5 156 15a 16a 1aa 0ae 0b6 0ba 0d6 0da 0ea 12b 12d 135 14b 14d 153 159 165 169 195 1a5 1a9 "
    "057 05b 05d 06b 06d 075 097 09b 09d 0a7 0b3 0b9 0cb 0cd 0d3 0d9 0e5 0e9 12e 136 13a 14e 15c 166 16c 172 174 "
    "196 19a 1a6 1ac 1b2 1b4 1ca 1d2 1d4 05e 06e 076 07a 09e 0bc 0ce 0dc 0e6 0ec 0f2 0f4 117 11b 11d 127 133 139 "
    "147 163 171 18b 18d 193 199 1a3 1b1 1c5 1c9 1d1 02f 037 03b 03d 04f 067 073 079 08f 0c7 0e3 0f1 11e 13c 178 "
    "18e 19c 1b8 1c6 1cc"
)
PATTERNS: tuple[int, ...] = tuple(int(p, 16) for p in _PATTERN_TEXT.split())
_VALUE_OF = {p: v for v, p in enumerate(PATTERNS)}


def corners(width: int, height: int) -> tuple[tuple[int, int], ...]:
    """The six corner places (row, column) in the order the stream's last six bits fill them."""
    w, h = width, height
    if h % 2:
        return ((0, w - 2), (h - 1, w - 2), (1, w - 1), (h - 2, w - 1), (0, 0), (h - 1, 0))
    return ((h - 2, w - 1), (h - 2, 0), (h - 1, w - 2), (h - 1, 1), (0, w - 1), (0, 0))


def places(width: int, height: int) -> list[tuple[int, int]]:
    """Every dot place (row, column) in stream order."""
    skip = set(corners(width, height))
    if height % 2:
        order = [(r, c) for r in range(height - 1, -1, -1) for c in range(width)]
    else:
        order = [(r, c) for c in range(width) for r in range(height)]
    return [(r, c) for r, c in order if (r + c) % 2 == 0 and (r, c) not in skip] + list(corners(width, height))


@cache
def place_indices(width: int, height: int) -> tuple[np.ndarray, np.ndarray]:
    """:func:`places` as row and column index arrays."""
    rows, columns = zip(*places(width, height), strict=True)
    return np.array(rows), np.array(columns)


def data_count(dots: int) -> int:
    """How many data codewords (after the mask's) a symbol of ``dots`` dot places holds: the most whose mask,
    data and check words fit (encoders pad the data to fill the symbol)."""
    count = 0
    while 9 * (count + 1 + 3 + (count + 1) // 2) + 2 <= dots:
        count += 1
    return count


def check_count(data: int) -> int:
    return 3 + data // 2


def _blocks(total: int) -> int:
    return (total + GF - 2) // (GF - 1)


def _poly_eval(poly: list[int], x: int) -> int:
    """``poly`` (lowest degree first) at ``x``."""
    total = 0
    for c in reversed(poly):
        total = (total * x + c) % GF
    return total


def _correct_block(word: list[int], checks: int, erasures: list[int]) -> list[int] | None:
    """One Reed-Solomon block (highest degree first) corrected, or None: errors and erasures (indices) together
    within the block's checks less ``SPARE_CHECKS``."""
    n = len(word)
    syndromes = [_poly_eval(word[::-1], pow(PRIMITIVE, j, GF)) for j in range(1, checks + 1)]
    if not any(syndromes):
        return word
    if len(erasures) > checks:
        return None
    # Erasure locator, then Berlekamp-Massey on from it (errors and erasures).
    locator = [1]
    for i in erasures:
        x = pow(PRIMITIVE, n - 1 - i, GF)
        locator = _poly_mul(locator, [1, (-x) % GF])
    e = len(erasures)
    lam, prev = locator[:], locator[:]
    length, shift, b = e, 1, 1
    for r in range(e, checks):
        delta = sum(lam[k] * syndromes[r - k] for k in range(len(lam)) if r - k >= 0) % GF
        if delta == 0:
            shift += 1
            continue
        factor = delta * pow(b, GF - 2, GF) % GF
        update = [0] * shift + [c * factor % GF for c in prev]
        new = [(a - c) % GF for a, c in _pad(lam, update)]
        if 2 * length <= r + e:
            length, prev, b, shift = r + 1 + e - length, lam, delta, 1
        else:
            shift += 1
        lam = new
    while len(lam) > 1 and lam[-1] == 0:
        lam.pop()
    found = [i for i in range(n) if _poly_eval(lam, pow(PRIMITIVE, -(n - 1 - i) % (GF - 1), GF)) == 0]
    errors = len(found) - e
    if len(found) != len(lam) - 1 or errors < 0 or 2 * errors + e > checks - SPARE_CHECKS:
        return None
    omega = _poly_mul(syndromes, lam)[:checks]
    derivative = [(k * c) % GF for k, c in enumerate(lam)][1:]
    out = word[:]
    for i in found:
        inverse = pow(PRIMITIVE, -(n - 1 - i) % (GF - 1), GF)
        denominator = _poly_eval(derivative, inverse)
        if denominator == 0:
            return None
        value = _poly_eval(omega, inverse) * pow(denominator, GF - 2, GF) % GF
        out[i] = (out[i] + value) % GF
    if any(_poly_eval(out[::-1], pow(PRIMITIVE, j, GF)) for j in range(1, checks + 1)):
        return None
    return out


def _pad(a: list[int], b: list[int]) -> list[tuple[int, int]]:
    size = max(len(a), len(b))
    return list(zip(a + [0] * (size - len(a)), b + [0] * (size - len(b)), strict=True))


def _poly_mul(a: list[int], b: list[int]) -> list[int]:
    out = [0] * (len(a) + len(b) - 1)
    for i, x in enumerate(a):
        for j, y in enumerate(b):
            out[i + j] = (out[i + j] + x * y) % GF
    return out


def correct(words: list[int], data: int, erasures: frozenset[int] = frozenset()) -> tuple[list[int], int] | None:
    """The codewords (mask, ``data`` data words, check words) corrected, and how many were changed; None when
    some block cannot be corrected. ``erasures`` are the indices of words known to be unreadable."""
    total = len(words)
    step = _blocks(total)
    out = words[:]
    for start in range(step):
        index = list(range(start, total, step))
        data_in_block = len(range(start, data + 1, step))
        block = [words[i] for i in index]
        fixed = _correct_block(block, len(block) - data_in_block, [k for k, i in enumerate(index) if i in erasures])
        if fixed is None:
            return None
        for k, i in enumerate(index):
            out[i] = fixed[k]
    return out, sum(a != b for a, b in zip(out, words, strict=True))


def unmask(words: list[int]) -> list[int] | None:
    """The data codewords of corrected codewords (mask word first, check words excluded by the caller)."""
    if words[0] >= len(MASK_STEPS):
        return None
    step = MASK_STEPS[words[0]]
    return [(v - step * i) % GF for i, v in enumerate(words[1:])]


@dataclass(frozen=True)
class Message:
    """What a symbol's data codewords say: the text (bytes as U+0000-U+00FF unless an ECI says otherwise) and
    whether it is GS1 data (then ``text`` is the HRI form, AIs in parentheses)."""

    text: str
    gs1: bool


_MACROS = {97: ("[)>\x1e05\x1d", "\x1e\x04"), 98: ("[)>\x1e06\x1d", "\x1e\x04"), 99: ("[)>\x1e12\x1d", "\x1e\x04")}
_SPECIAL_B = {96: b"\r\n", 97: b"\t", 98: b"\x1c", 99: b"\x1d", 100: b"\x1e"}


class _Parser:
    """Section 5.2: code sets A, B and C with their shifts and latches, binary mode, ECIs, macros."""

    def __init__(self, values: list[int]) -> None:
        self.values = values
        self.k = 0
        self.segments: list[tuple[str, bytearray]] = [("latin-1", bytearray())]
        self.trailer = b""

    def emit(self, data: bytes) -> None:
        self.segments[-1][1].extend(data)

    def next(self) -> int:
        if self.k >= len(self.values):
            raise ValueError("message cut short")
        v = self.values[self.k]
        self.k += 1
        return v

    def eci(self) -> None:
        v = self.next()
        if v >= 40:
            v = (v - 40) * 12769 + self.next() * 113 + self.next() + 40
        self.segments.append((eci.CODECS.get(v, "latin-1"), bytearray()))

    def char(self, code_set: str, v: int, upper: bool = False) -> None:
        if code_set == "A":
            if v >= 96:
                raise ValueError("not a code set A character")
            ch = v + 32 if v < 64 else v - 64
        elif v < 96:
            ch = v + 32
        else:
            if upper:
                raise ValueError("no upper shift of a special character")
            self.emit(_SPECIAL_B[v])
            return
        self.emit(bytes([ch + 128 if upper else ch]))

    def run(self) -> Message:
        gs1 = False
        code = "C"
        if self.values and self.values[0] == 109:  # FNC3 first: reader initialisation, no data
            self.k = 1
        start = self.k
        while self.k < len(self.values):
            v = self.next()
            at_start = self.k - 1 == start
            # The first data position in code set B (after a leading latch) holds the macros.
            macro_place = self.k - 1 == start + 1 and self.values[start] == 106
            if code == "X":
                code = self.binary(v)
                continue
            if at_start and code == "C" and v <= 100:
                gs1 = True
            if v == 107:  # FNC1: first, the data is not GS1 (DotCode's data is GS1 unless it says otherwise)
                if not at_start:
                    self.emit(b"\x1d")
            elif v == 108:  # FNC2: an ECI, or (last codeword) after a Structured Append's index and count
                if self.k == len(self.values):
                    del self.segments[-1][1][-2:]
                    break
                self.eci()
            elif v == 109:  # FNC3 past the start: not data
                pass
            elif v in (110, 111):
                self.char("AB"[v - 110], self.next(), upper=True)
            elif v == 112:
                code = "X"
            elif code == "C":
                code = self.code_c(v)
            elif code == "B":
                code = self.code_b(v, macro_place)
            else:
                code = self.code_a(v)
        text = "".join(bytes(data).decode(codec, errors="strict") for codec, data in self.segments)
        text += self.trailer.decode("ascii")
        # Digits first are GS1 data; digits that are no element string (a short number) are read as they are.
        formatted = gs1_elements.hri(text) if gs1 else None
        return Message(text, False) if formatted is None else Message(formatted, True)

    def code_c(self, v: int) -> str:
        if v < 100:
            self.emit(f"{v:02d}".encode())
        elif v == 100:  # (17) and three pairs, then (10)
            self.emit(b"17" + b"".join(f"{self.next():02d}".encode() for _ in range(3)) + b"10")
        elif v == 101:
            return "A"
        elif v <= 105:
            for _ in range(v - 101):
                self.char("B", self.next())
        elif v == 106:
            return "B"
        else:
            raise ValueError("FNC3 in code set C")
        return "C"

    def code_b(self, v: int, macro_place: bool) -> str:
        if macro_place and 97 <= v <= 100:
            header, trailer = _MACROS.get(v, ("[)>\x1e", "\x04"))
            self.emit(header.encode())
            if v == 100:  # the format's two digits follow as code set B characters
                self.char("B", self.next())
                self.char("B", self.next())
            self.trailer = trailer.encode()
        elif v <= 100:
            self.char("B", v)
        elif v == 101:
            self.char("A", self.next())
        elif v == 102:
            return "A"
        elif v <= 105:
            self.shift_c(v - 101)
        else:
            return "C"
        return "B"

    def code_a(self, v: int) -> str:
        if v < 96:
            self.char("A", v)
        elif v <= 101:
            for _ in range(v - 95):
                self.char("B", self.next())
        elif v == 102:
            return "B"
        elif v <= 105:
            self.shift_c(v - 101)
        else:
            return "C"
        return "A"

    def shift_c(self, count: int) -> None:
        for _ in range(count):
            v = self.next()
            if v >= 100:
                raise ValueError("not a digit pair")
            self.emit(f"{v:02d}".encode())

    def binary(self, v: int) -> str:
        """Binary mode at ``v``: a group of up to six base-103 codewords is one byte fewer (or ECI markers,
        256-258), 103-108 interrupt it for 2-7 digit pairs and 109-111 end it in code set A, B or C."""
        if 103 <= v <= 108:
            self.shift_c(v - 101)
            return "X"
        if v in (109, 110, 111):
            return "ABC"[v - 109]
        if v > 111:
            raise ValueError("binary mode ended by no terminator")
        group = [v]
        while len(group) < 6 and self.k < len(self.values) and self.values[self.k] < 103:
            group.append(self.next())
        self.binary_values(group)
        return "X"

    def binary_values(self, group: list[int]) -> None:
        number = 0
        for g in group:
            number = number * 103 + g
        count = len(group) - 1
        values = []
        for _ in range(count):
            number, value = divmod(number, 259)
            values.append(value)
        if number:
            raise ValueError("binary group out of range")
        pending = list(reversed(values))
        while pending:
            value = pending.pop(0)
            if value < 256:
                self.emit(bytes([value]))
                continue
            size = value - 255
            if len(pending) < size:
                raise ValueError("ECI cut short")
            number = 0
            for _ in range(size):
                number = number * 256 + pending.pop(0)
            self.segments.append((eci.CODECS.get(number, "latin-1"), bytearray()))


def message(values: list[int]) -> Message | None:
    """The data of unmasked data codewords, or None when they do not parse."""
    if not values:
        return None
    try:
        return _Parser(values).run()
    except (ValueError, UnicodeDecodeError, LookupError):
        return None


def dot_values(bits: list[int], data: int) -> tuple[list[int], frozenset[int]]:
    """The codewords (mask first) of a symbol's bit stream and the indices of the patterns Annex C lacks."""
    words = [bits[0] * 2 + bits[1]]
    bad: set[int] = set()
    for i in range(data + check_count(data)):
        pattern = 0
        for b in bits[2 + 9 * i : 11 + 9 * i]:
            pattern = pattern * 2 + b
        value = _VALUE_OF.get(pattern)
        if value is None:
            bad.add(i + 1)
            value = 0
        words.append(value)
    return words, frozenset(bad)


@dataclass(frozen=True)
class Read:
    message: Message
    corrected: int


def read(bits: list[int]) -> Read | None:
    """A symbol's bit stream (the dot places in stream order) read: None unless Reed-Solomon holds and the data
    parses."""
    data = data_count(len(bits))
    if data == 0:  # too small a symbol for even one data word
        return None
    words, bad = dot_values(bits, data)
    fixed = correct(words, data, bad)
    if fixed is None and all(bits[-6:]):
        # Masks 0'-3' light the six corners whatever bits they held: the codewords with bits there are erased.
        first = (len(bits) - 6 - 2) // 9 + 1
        fixed = correct(words, data, bad | frozenset(range(first, len(words))))
    if fixed is None:
        return None
    words, changed = fixed
    if not any(words):  # every code's zero word: what a regular pattern of dots misfitted reads as
        return None
    values = unmask(words[: data + 1])
    text = None if values is None else message(values)
    return None if text is None else Read(text, changed)
