"""Macro PDF417 (structured append): which segment of its file a symbol is, read from its control block.

zxing-cpp's Python binding reports a Macro PDF417 symbol's file ID but not its segment index, so the segments of one
file found in an image cannot be put in order from its results. This module reads the symbol's codewords itself
(ISO/IEC 15438): the symbol's quadrilateral is sampled upright, each line across it is cut into codewords of 17
modules (8 runs) looked up in the three clusters' bar patterns (``pdf417.codeword_values``), the row of each line
comes from its left row indicator, and each row's codewords are the ones most of its lines agree on. The codewords
count only when their Reed-Solomon error correction codewords are exactly right (there is no correction here: a
symbol zxing-cpp needed its error correction for is left unmerged), then the control block (codeword 928, the
segment index, the file ID, optional fields after 923, 922 on the last segment) is parsed.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from barcode_cloud_server.engine.pdf417 import codeword_values, error_correction

Point = tuple[float, float]

_START = (8, 1, 1, 1, 1, 1, 1, 3)  # the start pattern's bar and space widths, in modules
_MACRO, _OPTIONAL, _LAST = 928, 923, 922
_SEGMENT_COUNT_FIELD = 1
_OVERSAMPLE = 2.0  # samples per image pixel along the rows


@dataclass(frozen=True)
class Segment:
    index: int  # zero-based, as the control block holds it
    file_id: str  # the file ID codewords, three digits each (as zxing-cpp's FileId)
    count: int | None  # the segment count field, when the symbol carries it
    last: bool  # the symbol carries the terminator of the last segment


def read_segment(gray: np.ndarray, corners: Sequence[Point]) -> Segment | None:
    """The Macro PDF417 control block of the symbol within ``corners`` (top left, top right, bottom right, bottom
    left, in the symbol's orientation), or None when it cannot be read exactly or the symbol has none."""
    codewords = _codewords(upright(gray, corners))
    return None if codewords is None else _control_block(codewords)


def voted_codewords(gray: np.ndarray, corners: Sequence[Point]) -> tuple[list[int], int] | None:
    """Every codeword of the PDF417 symbol within ``corners`` (as for :func:`read_segment`), each row the one
    most of its lines read, and its number of error correction codewords; not checked (a caller may correct)."""
    return _voted(upright(gray, corners))


def upright(gray: np.ndarray, corners: Sequence[Point]) -> np.ndarray:
    """The quadrilateral sampled onto a rectangle (bilinear in both the map and the pixels)."""
    tl, tr, br, bl = (np.asarray(p, dtype=np.float64) for p in corners)
    width = int(max(np.hypot(*(tr - tl)), np.hypot(*(br - bl))) * _OVERSAMPLE) + 2
    height = int(max(np.hypot(*(bl - tl)), np.hypot(*(br - tr)))) + 2  # a line per pixel: rows are 2X or more
    u = np.linspace(0.0, 1.0, width)[None, :, None]
    v = np.linspace(0.0, 1.0, height)[:, None, None]
    points = (1 - u) * (1 - v) * tl + u * (1 - v) * tr + u * v * br + (1 - u) * v * bl
    h, w = gray.shape
    x = np.clip(points[..., 0], 0, w - 1.001)
    y = np.clip(points[..., 1], 0, h - 1.001)
    x0, y0 = x.astype(np.int64), y.astype(np.int64)
    fx, fy = x - x0, y - y0
    g = gray.astype(np.float64)
    top = g[y0, x0] * (1 - fx) + g[y0, x0 + 1] * fx
    bottom = g[y0 + 1, x0] * (1 - fx) + g[y0 + 1, x0 + 1] * fx
    out: np.ndarray = top * (1 - fy) + bottom * fy
    return out


def _line(line: np.ndarray, values: list[dict[int, int]]) -> list[tuple[int, int]]:
    """(cluster, value) of each codeword of one line, from the left row indicator on; empty when the line does not
    start with a start pattern or its codewords do not share one cluster."""
    dark = line < (float(line.min()) + float(line.max())) / 2
    bounds = np.concatenate(([0], np.flatnonzero(dark[1:] != dark[:-1]) + 1, [len(dark)]))
    first = 0 if dark[0] else 1  # runs alternate: the first dark one is the start pattern's wide bar
    widths: list[int] = np.diff(bounds)[first:].tolist()
    if len(widths) < 16 or _units(widths[:8]) != _START:
        return []
    out: list[tuple[int, int]] = []
    for j in range(8, len(widths) - 7, 8):
        units = _units(widths[j : j + 8])
        if sum(units) != 17 or min(units) < 1 or max(units) > 6:
            break
        pattern = 0
        for k, unit in enumerate(units):
            pattern = (pattern << unit) | (((1 << unit) - 1) if k % 2 == 0 else 0)
        found = [(c, values[c][pattern]) for c in range(3) if pattern in values[c]]
        if not found:
            break  # the stop pattern (or an unreadable codeword) ends the line
        out.append(found[0])
    if not out or any(c != out[0][0] for c, _ in out):
        return []
    return out


def _units(runs: list[int]) -> tuple[int, ...]:
    """Run widths in modules, for runs that span 17 modules together."""
    total = sum(runs)
    return tuple(round(r * 17 / total) for r in runs)


def _codewords(sampled: np.ndarray) -> list[int] | None:
    voted = _voted(sampled)
    if voted is None:
        return None
    codewords, k = voted
    n = codewords[0]
    if n + k != len(codewords) or error_correction(codewords[:n], k) != codewords[n:]:
        return None
    return codewords[:n]


def _voted(sampled: np.ndarray) -> tuple[list[int], int] | None:
    values = codeword_values()
    lines = [cw for cw in (_line(row, values) for row in sampled) if len(cw) >= 3]
    if not lines:
        return None
    shape: Counter[tuple[str, int]] = Counter()
    for cw in lines:
        cluster, left = cw[0]
        # Left row indicators: cluster 0 holds (rows - 1) // 3, cluster 1 the EC level and (rows - 1) % 3,
        # cluster 2 the data columns - 1 (ISO/IEC 15438, 5.3.2).
        shape[(("rows3", "level", "cols")[cluster], left % 30)] += 1
    facts: dict[str, int] = {}
    for (name, value), _ in shape.most_common():
        facts.setdefault(name, value)
    if len(facts) < 3:
        return None
    cols = facts["cols"] + 1
    rows = 3 * facts["rows3"] + facts["level"] % 3 + 1
    level = facts["level"] // 3
    votes: dict[int, Counter[tuple[int, ...]]] = {}
    for cw in lines:
        if len(cw) < cols + 1:
            continue
        cluster, left = cw[0]
        row = 3 * (left // 30) + cluster
        if row < rows:
            votes.setdefault(row, Counter())[tuple(v for _, v in cw[1 : cols + 1])] += 1
    if len(votes) != rows:
        return None
    codewords = [v for r in range(rows) for v in votes[r].most_common(1)[0][0]]
    return codewords, 2 ** (level + 1)


def _numeric(codewords: Sequence[int]) -> int:
    """A field in numeric compaction: base 900, with the leading 1 that keeps leading zeros taken off."""
    n = 0
    for c in codewords:
        n = n * 900 + c
    digits = str(n)
    return int(digits[1:]) if digits.startswith("1") and len(digits) > 1 else -1


def _control_block(data: list[int]) -> Segment | None:
    if _MACRO not in data[1:]:
        return None
    block = data[data.index(_MACRO, 1) + 1 :]
    while block and block[-1] == 900:  # padding never follows the block, but a reader should not care
        block.pop()
    if len(block) < 2:
        return None
    index = _numeric(block[:2])
    rest = block[2:]
    file_id: list[int] = []
    while rest and rest[0] not in (_OPTIONAL, _LAST):
        file_id.append(rest.pop(0))
    count: int | None = None
    last = False
    while rest:
        marker = rest.pop(0)
        if marker == _LAST:
            last = True
            continue
        if marker != _OPTIONAL or not rest:
            return None
        field = rest.pop(0)
        body: list[int] = []
        while rest and rest[0] not in (_OPTIONAL, _LAST):
            body.append(rest.pop(0))
        if field == _SEGMENT_COUNT_FIELD:
            count = _numeric(body)
    if index < 0:
        return None
    return Segment(index, "".join(f"{c:03d}" for c in file_id), count, last)
