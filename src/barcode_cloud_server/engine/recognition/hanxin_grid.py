"""Han Xin Code (ISO/IEC 20830) from a square of modules to its data codewords.

A version v symbol is 21 + 2v modules square. Its function modules are the four 7 x 7 position patterns (the
bottom left one set the other way round from the other three), their one-module separators, the two copies of the
34-module function information beside them and, from version 4, the alignment lines and the assistant alignment
patterns on the edges (Annex A). Every other module carries data, row by row from the top left, after the 13-way
interleave of the codewords (the first of every 13, then the second, ...). The function information is the
version + 20 (8 bits), the error correction level - 1 (2 bits) and the mask (2 bits) as three 4-bit symbols with
four Reed-Solomon check symbols over GF(16) (x^4 + x + 1); the data blocks carry check codewords over GF(256)
(x^8 + x^6 + x^5 + x + 1), the generator's roots alpha^1 ... alpha^2t.
"""

from __future__ import annotations

import functools
from collections.abc import Callable

import numpy as np

from barcode_cloud_server.engine.recognition import reed_solomon
from barcode_cloud_server.engine.recognition.hanxin_tables import BLOCKS, K, M, R

VERSIONS = range(1, 85)
FUNCTION_FIELD = reed_solomon.Field(4, 0x13)
DATA_FIELD = reed_solomon.Field(8, 0x163)
INFO_BITS = 34
INTERLEAVE = 13

# The top left position pattern, rows from the top: nested L shapes around a 3 x 3 core, their corner at the
# symbol's. The top right and bottom right ones are its mirror image and its half turn (their corner at the
# symbol's too); the bottom left one is the top right one again, so that its core, not its corner, is at the
# symbol's corner: the pattern that tells orientation and mirroring.
_TOP_LEFT = ("1111111", "1000000", "1011111", "1010000", "1010111", "1010111", "1010111")


def size(version: int) -> int:
    return 21 + 2 * version


def version_of(side: int) -> int | None:
    return (side - 21) // 2 if side % 2 and 23 <= side <= 189 else None


def position_pattern(corner: str) -> np.ndarray:
    """The 7 x 7 position pattern at ``corner`` ("tl", "tr", "bl" or "br") of the symbol, True dark."""
    top_left = np.array([[c == "1" for c in row] for row in _TOP_LEFT])
    return {"tl": top_left, "tr": top_left[:, ::-1], "bl": top_left[:, ::-1], "br": top_left[::-1, ::-1]}[corner]


def _steps(version: int) -> list[tuple[int, int]]:
    """The alignment lines' offsets from one edge and the width of the block that follows each (Annex A): M blocks
    K modules wide, then blocks of R - 1."""
    side, k, r, m = size(version), K[version - 1], R[version - 1], M[version - 1]
    steps: list[tuple[int, int]] = []
    at = 0
    while at < side:
        width = k if len(steps) < m else r - 1
        steps.append((at, width))
        at += width
    return steps


@functools.lru_cache(maxsize=84)
def layout(version: int) -> tuple[np.ndarray, np.ndarray]:
    """The function modules of a version (a boolean mask) and their colours (True dark; the function information's
    modules read light here)."""
    n = size(version)
    function = np.zeros((n, n), dtype=bool)
    dark = np.zeros((n, n), dtype=bool)

    def put(y: int, x: int, value: bool) -> None:  # the first pattern to claim a module keeps it
        if 0 <= x < n and 0 <= y < n and not function[y, x]:
            function[y, x], dark[y, x] = True, value

    for corner, (y0, x0) in {"tl": (0, 0), "tr": (0, n - 7), "bl": (n - 7, 0), "br": (n - 7, n - 7)}.items():
        function[y0 : y0 + 7, x0 : x0 + 7] = True
        dark[y0 : y0 + 7, x0 : x0 + 7] = position_pattern(corner)
    # Separators (light) and the function information's place: the 8th and 9th rows and columns from each corner.
    for band in (7, 8):
        for i in range(band + 1):
            for y, x in ((band, i), (i, band), (band, n - 1 - i), (i, n - 1 - band)):
                put(y, x, False)
                put(n - 1 - y, x, False)
    if version >= 4:
        _alignment(version, put)
    return function, dark


def _alignment(version: int, put: Callable[[int, int, bool], None]) -> None:
    n, odd = size(version), M[version - 1] % 2 == 1
    steps = _steps(version)

    def assistant(y: int, x: int) -> None:
        for dy in (-1, 0, 1):
            for dx in (-1, 0, 1):
                put(y + dy, x + dx, dy == dx == 0)

    # Assistant patterns on the edges, where an alignment line meets an edge with no corner of the lines there.
    for i, (at, _) in enumerate(steps):
        if (i % 2 == 0) == odd:
            assistant(at, 0)
            assistant(n - 1, n - 1 - at)
        if i % 2:
            assistant(at, n - 1)
            assistant(0, n - 1 - at)
    # Alignment lines: from every other crossing, a dark line left across the block and down its right side, each
    # with a light line inside it.
    for i, (y, h) in enumerate(steps):
        for j, (from_right, w) in enumerate(steps):
            if (i + j) % 2 or i == j == 0:
                continue
            x = n - 1 - from_right
            for d in range(w + 1):
                put(y, x - d, True)
                put(y + 1, x - d - 1, False)
            for d in range(1, h):
                put(y + d, x, True)
                put(y + d + 1, x - 1, False)


def anchors(version: int) -> list[tuple[int, int]]:
    """The modules (row, column) that fix the grid between the position patterns: where alignment lines start
    (every other crossing of the lines' offsets) and the assistant patterns' centres on the edges, away from the
    position patterns."""
    n, odd = size(version), M[version - 1] % 2 == 1
    steps = _steps(version) if version >= 4 else []
    out = [
        (y, n - 1 - from_right)
        for i, (y, _) in enumerate(steps)
        for j, (from_right, _) in enumerate(steps)
        if (i + j) % 2 == 0 and i + j > 0
    ]
    for i, (at, _) in enumerate(steps):
        if (i % 2 == 0) == odd:
            out += [(at, 0), (n - 1, n - 1 - at)]
        if i % 2:
            out += [(at, n - 1), (0, n - 1 - at)]
    return sorted(p for p in set(out) if min(p[0], n - 1 - p[0]) > 8 or min(p[1], n - 1 - p[1]) > 8)


def function_info(version: int, level: int, mask: int) -> list[int]:
    """The 34 bits of the function information: the three data symbols, their four check symbols and six light
    modules."""
    return _info_codeword((version + 20) << 4 | (level - 1) << 2 | mask) + [0] * 6


def info_places(n: int) -> tuple[list[tuple[int, int]], list[tuple[int, int]]]:
    """Where the two copies of the function information's first 34 bits lie in a side-``n`` symbol: (row, column)
    of each bit, along the top left and top right corners, and turned half round along the others."""
    first: list[tuple[int, int]] = []
    second: list[tuple[int, int]] = []
    for bit in range(INFO_BITS):
        if bit < 9:
            first.append((8, bit))
            second.append((n - 9, n - 1 - bit))
        elif bit < 17:
            first.append((16 - bit, 8))
            second.append((n - 17 + bit, n - 9))
        elif bit < 26:
            first.append((bit - 17, n - 9))
            second.append((n - 1 - bit + 17, 8))
        else:
            first.append((8, n - 9 + bit - 25))
            second.append((n - 9, 8 - bit + 25))
    return first, second


@functools.lru_cache(maxsize=8)
def _info_indices(n: int) -> tuple[tuple[np.ndarray, np.ndarray], ...]:
    """:func:`info_places` of the first 28 bits as row and column index arrays, for each copy."""
    return tuple(
        (np.array([r for r, _ in places[:28]]), np.array([c for _, c in places[:28]])) for places in info_places(n)
    )


def _all_infos() -> tuple[np.ndarray, list[tuple[int, int, int]]]:
    """Every function information's 28 data and check bits. The code is linear over GF(2), so each is the sum of
    the codewords of its 12 data bits alone: 12 Reed-Solomon encodings instead of 1344."""
    keys = [(v, level, mask) for v in VERSIONS for level in range(1, 5) for mask in range(4)]
    data = np.array(
        [[((v + 20) << 4 | (level - 1) << 2 | mask) >> (11 - b) & 1 for b in range(12)] for v, level, mask in keys]
    )
    basis = np.array([_info_codeword(1 << (11 - b)) for b in range(12)])
    return (data @ basis % 2).astype(np.int8), keys


def _info_codeword(data: int) -> list[int]:
    symbols = [data >> 8, data >> 4 & 15, data & 15]
    symbols += reed_solomon.remainder(FUNCTION_FIELD, symbols, 4, first_root=1)
    return [s >> (3 - b) & 1 for s in symbols for b in range(4)]


_INFO_TABLE, _INFO_KEYS = _all_infos()


def read_info(modules: np.ndarray, most_wrong: int = 6, one_copy: int = 2) -> tuple[int, int, int] | None:
    """The version, level and mask whose function information both copies in a symbol's modules come nearest, if
    no more than ``most_wrong`` of their 56 data and check bits differ from it (seven correctable symbols of a
    copy's seven would be 14) and no other is as near; or, the other copy spoilt, the one a single copy is within
    ``one_copy`` bits of (two copies' codewords differ in five bits at least)."""
    first, second = (modules[rows, cols] for rows, cols in _info_indices(modules.shape[0]))
    return info_from_bits(first, second, most_wrong, one_copy)


def info_from_bits(
    first: np.ndarray, second: np.ndarray, most_wrong: int = 6, one_copy: int = 2
) -> tuple[int, int, int] | None:
    """:func:`read_info` of the two copies' first 28 bits."""
    apart = [(copy.astype(np.int8) != _INFO_TABLE).sum(axis=1) for copy in (first, second)]
    for distance, most in ((apart[0] + apart[1], most_wrong), (apart[0], one_copy), (apart[1], one_copy)):
        best = int(np.argmin(distance))
        if distance[best] <= most and int((distance == distance[best]).sum()) == 1:
            return _INFO_KEYS[best]
    return None


def mask_of(version: int, mask: int) -> np.ndarray:
    """Where a mask pattern flips the data modules (positions counted from 1, i down, j across)."""
    n = size(version)
    i, j = np.mgrid[1 : n + 1, 1 : n + 1]
    flips = {
        0: np.zeros((n, n), dtype=bool),
        1: (i + j) % 2 == 0,
        2: ((i + j) % 3 + j % 3) % 2 == 0,
        3: (i % j + j % i + i % 3 + j % 3) % 2 == 0,
    }[mask]
    return np.asarray(flips & ~layout(version)[0])


def codewords(modules: np.ndarray, version: int, mask: int) -> list[int]:
    """The codewords in a symbol's data modules, unmasked and de-interleaved into block order."""
    function, _ = layout(version)
    bits = (modules ^ mask_of(version, mask))[~function]
    total = sum(b * (d + c) for b, d, c in BLOCKS[version - 1][0])
    words = np.packbits(bits[: total * 8].astype(np.uint8)).tolist()
    stream = [0] * total
    placed = (i for start in range(INTERLEAVE) for i in range(start, total, INTERLEAVE))
    for word, i in zip(words, placed, strict=True):
        stream[i] = word
    return stream


def correct(stream: list[int], version: int, level: int) -> list[int] | None:
    """The data codewords of a symbol's codewords (in block order), each block corrected, or None when a block
    cannot be."""
    data: list[int] = []
    at = 0
    for count, k, parity in BLOCKS[version - 1][level - 1]:
        for _ in range(count):
            fixed = reed_solomon.correct(DATA_FIELD, stream[at : at + k + parity], parity, first_root=1)
            if fixed is None:
                return None
            data += fixed[0][:k]
            at += k + parity
    return data
