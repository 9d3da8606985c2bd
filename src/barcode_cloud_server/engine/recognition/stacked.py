"""What the stacked decoders (``code16k``, ``codablock``) share: rows of Code 128 characters stacked into one symbol.

A stacked symbol's rows are short linear symbols, so they are found the way linear ones are, with scanlines, but
only at the angles the page's edges point to: the gradient orientation of every block of the page is histogrammed
(weighted by how clearly the block has one orientation), and its peaks are the scan angles. A scanline has to
stay within one row (rows are about ten modules high) over the row's length, which a fixed set of angles would
only guarantee with many of them.

A family finds its rows in the runs (in both directions: a symbol turned half a turn reads backwards), each a
:class:`Row` with its row number and codewords; :func:`symbols` gathers the rows that lie on one symbol (the same
direction and length, starts on one edge, neighbours a row apart) and keeps each row's most frequent reading.
Characters are the 107 Code 128 patterns (Code 16K uses the same table, EN 12323 Table 1).

Each family is a :class:`Family` (its row finding, which rows can share a symbol, how a symbol's rows read);
:func:`reader` makes one :class:`~.found.Reader` of them all, so that a page's orientations are found and its
lines scanned once, whichever of the families were asked for.
"""

from __future__ import annotations

import math
import time
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
from scipy import ndimage

from barcode_cloud_server.engine.recognition import row_ends
from barcode_cloud_server.engine.recognition.found import Found, Reader
from barcode_cloud_server.engine.recognition.scanlines import Runs, sample_count, scan, scan_segments

# Bar, space, bar, space, bar, space modules of the Code 128 symbol characters 0-106 (ISO/IEC 15417 Table 1).
_PATTERN_TEXT = (
    "212222 222122 222221 121223 121322 131222 122213 122312 132212 221213 221312 231212 112232 122132 122231 "
    "113222 123122 123221 223211 221132 221231 213212 223112 312131 311222 321122 321221 312212 322112 322211 "
    "212123 212321 232121 111323 131123 131321 112313 132113 132311 211313 231113 231311 112133 112331 132131 "
    "113123 113321 133121 313121 211331 231131 213113 213311 213131 311123 311321 331121 312113 312311 332111 "
    "314111 221411 431111 111224 111422 121124 121421 141122 141221 112214 112412 122114 122411 142112 142211 "
    "241211 221114 413111 241112 134111 111242 121142 121241 114212 124112 124211 411212 421112 421211 212141 "
    "214121 412121 111143 111341 131141 114113 114311 411113 411311 113141 114131 311141 411131 211412 211214 "
    "211232 211133"
)
PATTERNS: tuple[str, ...] = tuple(_PATTERN_TEXT.split())
_TABLE = np.array([[int(c) for c in p] for p in PATTERNS], dtype=np.float32)
# Edge-to-similar-edge distances (a bar and the space after it, and so on): what blur and ink spread disturb least.
_PAIRS = _TABLE[:, :-1] + _TABLE[:, 1:]

# A character is read when its nearest pattern is this close (sum of absolute differences in modules over the six
# elements and five pairs) and clearly closer than the next one. Wide enough for a blur of 0.6 module, which shifts
# every edge beside a one-module element; a wrong character is left to the row checks and check characters.
MAX_DISTANCE = 4.5
MIN_MARGIN = 0.6

# A row's modules at one end at most this many times those at the other (a symbol seen at an angle).
MAX_FORESHORTENING = 3.0

# Scan angles: at most this many orientation peaks (a page's symbols may lie at several angles).
PEAKS = 4
SPACING = 3.0
MAX_SAMPLES = 3_000_000
BLOCK = 16
# A block counts toward the orientation histogram when its gradients agree this well (0: any direction, 1: one).
COHERENCE = 0.45
# What a search costs on the reference machine: per pixel (gradients, threshold map), per sample of the scan
# and per sample for each family's row finding, nanoseconds (bench/FIGURES.md). A small page's search gets at least
# recognize's OWN_FLOOR, whatever its price.
PAGE_NS = 40.0
SAMPLE_NS = 200.0
FAMILY_SAMPLE_NS = 15.0


def characters(widths: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The Code 128 character values of rows of six element widths (bar first), and whether each was read.

    A character whose elements are all near whole modules is looked up directly; the others (blur, noise) take
    the nearest pattern by distance.
    """
    if len(widths) == 0:
        return np.zeros(0, np.int64), np.zeros(0, bool)
    total = widths.sum(axis=1, keepdims=True)
    e = (widths * (11.0 / np.maximum(total, 1e-6))).astype(np.float32)
    whole = np.rint(e)
    key = (np.clip(whole, 0, 4).astype(np.int64) * _KEY_WEIGHTS).sum(axis=1)
    best = _BY_KEY[key]
    clean = (np.abs(e - whole).max(axis=1) < _CLEAN) & (best >= 0)
    ok = clean.copy()
    rest = np.flatnonzero(~clean & (total[:, 0] > 0))
    if len(rest):
        f = e[rest]
        pairs = f[:, :-1] + f[:, 1:]
        d = np.abs(f[:, None, :] - _TABLE[None]).sum(axis=2) + np.abs(pairs[:, None, :] - _PAIRS[None]).sum(axis=2)
        order = np.argpartition(d, 1, axis=1)[:, :2]
        first = np.take_along_axis(d, order, axis=1)
        best[rest] = np.where(first[:, 0] <= first[:, 1], order[:, 0], order[:, 1])
        lo, hi = first.min(axis=1), first.max(axis=1)
        ok[rest] = (lo <= MAX_DISTANCE) & (hi - lo >= MIN_MARGIN)
    return best.astype(np.int64), ok


# Direct look-up: element widths (1-4 modules) as base-5 digits; -1 where no character has them.
_KEY_WEIGHTS = 5 ** np.arange(6, dtype=np.int64)
_BY_KEY = np.full(5**6, -1, dtype=np.int64)
_BY_KEY[(_TABLE.astype(np.int64) * _KEY_WEIGHTS).sum(axis=1)] = np.arange(len(PATTERNS))
_CLEAN = 0.3


def pattern_distance(widths: np.ndarray, modules: np.ndarray, patterns: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """For rows of element widths and their module sizes: the nearest of ``patterns`` (rows of module counts) and
    its distance (sum of absolute differences, in modules)."""
    e = widths / modules[:, None]
    d = np.abs(e[:, None, :] - patterns[None].astype(np.float32)).sum(axis=2)
    best = d.argmin(axis=1)
    return best, d[np.arange(len(d)), best]


@dataclass(frozen=True)
class Oriented:
    """The runs read one way: ``widths[j]`` is a space for even ``j``; element ``j`` is element ``index(j)`` of the
    runs, read forward or backward."""

    widths: np.ndarray
    backward: bool
    size: int  # elements of the runs

    def index(self, j: int) -> int:
        return self.size - 1 - j + (1 - self.size % 2) if self.backward else j

    def edges(self, runs: Runs, elements: np.ndarray, leading: bool) -> np.ndarray:
        """Flat positions of the leading or trailing edges (in reading order) of ``elements``."""
        i = self.size - 1 - elements + (1 - self.size % 2) if self.backward else elements
        out: np.ndarray = runs.starts[i] + (runs.widths[i] if leading == self.backward else 0.0)
        return out

    def edge(self, runs: Runs, j: int, leading: bool) -> tuple[float, float]:
        """Page coordinates of element ``j``'s leading (in reading order) or trailing edge."""
        i = self.index(j)
        start, end = float(runs.starts[i]), float(runs.starts[i] + runs.widths[i])
        forward_start = start if not self.backward else end
        forward_end = end if not self.backward else start
        return runs.point(forward_start if leading else forward_end)


def both_ways(runs: Runs) -> tuple[Oriented, Oriented]:
    n = len(runs.widths)
    back = runs.widths[::-1]
    if n % 2 == 0:  # the last element is a bar: a zero-width space keeps spaces at even indices
        back = np.concatenate([np.zeros(1, np.float32), back])
    return Oriented(runs.widths, False, n), Oriented(np.ascontiguousarray(back), True, n)


def cumulative(widths: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Running sums of the widths and of the zero-width elements (line ends), each with a leading zero."""
    return (
        np.concatenate([[0.0], np.cumsum(widths, dtype=np.float64)]),
        np.concatenate([[0], np.cumsum(widths <= 0)]),
    )


@dataclass(frozen=True)
class Row:
    """One row of a stacked symbol read along one scanline."""

    number: int
    codewords: tuple[int, ...]
    start: tuple[float, float]  # leading edge of the first bar, page coordinates
    end: tuple[float, float]  # trailing edge of the last bar
    module: float  # pixels


@dataclass(frozen=True)
class Stack:
    """The rows read on one symbol: each row number's most frequent codewords, and the symbol's corners."""

    rows: dict[int, tuple[int, ...]]
    alternatives: dict[int, list[tuple[int, ...]]]  # other readings of a row, most frequent first
    region: tuple[tuple[int, int], ...]


def orientations(page: np.ndarray) -> list[float]:
    """The scan angles (degrees, in (-90, 90]) of the page's strongest edge orientations."""
    return _peaks(_blocks(page))


def _peaks(blocks: _Blocks | None) -> list[float]:
    if blocks is None:
        return []
    keep, phi, strength = blocks
    hist = np.bincount(np.round(phi[keep]).astype(np.int64) % 180, weights=strength[keep], minlength=180)
    smooth = hist + 0.5 * (np.roll(hist, 1) + np.roll(hist, -1))
    peaks = [k for k in range(180) if smooth[k] >= smooth[k - 1] and smooth[k] > smooth[(k + 1) % 180]]
    peaks.sort(key=lambda k: -smooth[k])
    out: list[float] = []
    for k in peaks[:PEAKS]:
        if smooth[k] < 0.1 * smooth[peaks[0]]:
            break
        left, mid, right = smooth[k - 1], smooth[k], smooth[(k + 1) % 180]
        curve = left - 2 * mid + right
        centre = k + (0.5 * (left - right) / curve if curve < 0 else 0.0)
        angle = (centre + 90.0) % 180.0 - 90.0
        out.append(90.0 if angle == -90.0 else angle)
    return out


_Blocks = tuple[np.ndarray, np.ndarray, np.ndarray]


def _blocks(page: np.ndarray) -> _Blocks | None:
    """Per block of the page: whether its gradients agree on one orientation, that orientation (degrees) and
    how strongly; None when no block has one."""
    h, w = page.shape
    bh, bw = (h - 2) // BLOCK, (w - 2) // BLOCK
    if bh <= 0 or bw <= 0:
        return None
    # Block sums of the structure tensor, a strip of block rows at a time (the gradients of a whole 40 MP page
    # would take gigabytes).
    strip = max(1, _STRIP_PIXELS // (bw * BLOCK * BLOCK))
    parts = [_tensor(page[r * BLOCK : min(bh, r + strip) * BLOCK + 2, : bw * BLOCK + 2]) for r in range(0, bh, strip)]
    a, b, e = (np.concatenate([p[k] for p in parts]) for k in range(3))
    strength = np.hypot(a, b)
    keep = (strength >= COHERENCE * e) & (e > BLOCK * BLOCK * _MIN_GRADIENT**2)
    if not keep.any():
        return None
    return keep, np.degrees(0.5 * np.arctan2(b, a)), strength


def _bar_region(shape: tuple[int, int], blocks: _Blocks | None) -> tuple[tuple[int, int], tuple[int, int]] | None:
    """The rows and columns (start, end) of a page of this shape around the largest patch of its ``blocks`` that
    share its strongest orientation (within a few degrees), or None when it is too small to hold a symbol."""
    if blocks is None:
        return None
    keep, phi, strength = blocks
    hist = np.bincount(np.round(phi[keep]).astype(np.int64) % 180, weights=strength[keep], minlength=180)
    peak = float(np.argmax(hist))
    along = keep & (np.abs((phi - peak + 90) % 180 - 90) <= _REGION_ANGLE)
    labels, count = ndimage.label(along, structure=np.ones((3, 3)))
    if count == 0:
        return None
    sizes = np.bincount(labels.ravel())[1:]
    if sizes.max() < _REGION_BLOCKS:
        return None
    rows, cols = np.nonzero(labels == int(np.argmax(sizes)) + 1)
    h, w = shape
    y0, y1 = max(0, (int(rows.min()) - _PAD) * BLOCK), min(h, (int(rows.max()) + _PAD + 1) * BLOCK + 2)
    x0, x1 = max(0, (int(cols.min()) - _PAD) * BLOCK), min(w, (int(cols.max()) + _PAD + 1) * BLOCK + 2)
    return ((y0, y1), (x0, x1)) if (y1 - y0) * (x1 - x0) <= _REGION_PIXELS else None


# A blurred symbol's region: blocks within this many degrees of the strongest orientation, at least this many.
_REGION_ANGLE = 12.0
_REGION_BLOCKS = 6
# Blocks around it taken too: a symbol's ends (start and stop beside their quiet zones) are not all bars.
_PAD = 4
# A symbol this large (pixels) has modules too wide for a blur to erase them: its region is not sharpened.
_REGION_PIXELS = 400_000
# Scan angles beside the region's strongest orientation: seen at an angle and turned, a symbol's rows are no
# longer square to its bars.
_FAN = (-8.0, -4.0, 0.0, 4.0, 8.0)
# Unsharp masking of that region: the page plus this many times its difference from itself blurred by this much.
SHARPEN = 4.0
SHARPEN_SIGMA = 1.0

_STRIP_PIXELS = 1 << 21
# Scharr's derivatives are 32 times the grey step; a block's mean gradient below this many grey levels is flat.
_MIN_GRADIENT = 10.0 * 32


def _tensor(g8: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Per block of a strip (its pixels plus a one-pixel border): sums of gx² - gy², 2 gx gy and gx² + gy²."""
    g = g8.astype(np.float32)
    # Scharr's derivatives: a plain difference of neighbours favours the axes on bars a few pixels wide.
    dx = g[:, 2:] - g[:, :-2]
    dy = g[2:, :] - g[:-2, :]
    gx = 3 * (dx[:-2] + dx[2:]) + 10 * dx[1:-1]
    gy = 3 * (dy[:, :-2] + dy[:, 2:]) + 10 * dy[:, 1:-1]
    bh, bw = gx.shape[0] // BLOCK, gx.shape[1] // BLOCK

    def blocks(x: np.ndarray) -> np.ndarray:
        out: np.ndarray = x.reshape(bh, BLOCK, bw, BLOCK).sum(axis=(1, 3))
        return out

    return blocks(gx * gx - gy * gy), blocks(2 * gx * gy), blocks(gx * gx + gy * gy)


def spacing(shape: tuple[int, int]) -> float:
    """Scanline spacing for a page: ``SPACING``, sparser on pages so large that the scan would pass
    ``MAX_SAMPLES``."""
    return SPACING * max(1.0, sample_count(shape, PEAKS, SPACING) / MAX_SAMPLES)


def scan_page(page: np.ndarray, found: list[float], fan: tuple[float, ...] = (0.0,)) -> Runs | None:
    """The runs of the page along its edge orientations ``found`` (with a ``fan``: the strongest one turned by each
    angle of it, alone), or None when it has none."""
    if not found:
        return None
    angles = tuple(found[0] + a for a in fan) if len(fan) > 1 else tuple(found)
    return scan(page, angles, spacing(page.shape))


@dataclass(frozen=True)
class Family:
    """A stacked symbology: ``rows(runs, deadline)`` finds its rows in the runs, ``ends(runs)`` the starts and
    stops of rows that scanlines crossed (whole rows or not), ``length`` the least and most modules from a row's
    start to its stop, ``same(a, b)`` says whether two rows can belong to one symbol, ``read(stack)`` is the data of
    a symbol's rows when its checks hold, or None."""

    type: str
    rows: Callable[[Runs, float], list[Row]]
    ends: Callable[[Runs, row_ends.Near], tuple[list[row_ends.End], list[row_ends.End]]]
    length: tuple[int, int]
    same: Callable[[Row, Row], bool]
    read: Callable[[Stack], str | None]


def reader(families: Sequence[Family]) -> Reader:
    """One :class:`~.found.Reader` of the families: one scan of the page, each family asked for reads its runs;
    then one scan along the lines from the starts to the stops the families saw, each family reading it again.
    When that reads nothing, the most bar-like region of the page is sharpened and read the same way (a blur of
    three quarters of a module leaves a run of one-module elements a few grey levels of contrast)."""

    def find(page: np.ndarray, types: frozenset[str], deadline: float = math.inf) -> list[Found]:
        asked = [f for f in families if f.type in types]
        blocks = _blocks(page) if asked else None
        out = _read(page, asked, deadline, _peaks(blocks)) if asked else []
        region = _bar_region(page.shape, blocks) if asked and not out and time.monotonic() < deadline else None
        if region is not None:
            (y0, y1), (x0, x1) = region
            crop = page[y0:y1, x0:x1].astype(np.float32)
            sharp = np.clip(crop + SHARPEN * (crop - ndimage.gaussian_filter(crop, SHARPEN_SIGMA)), 0, 255)
            sharpened = np.ascontiguousarray(sharp.astype(np.uint8))
            for f in _read(sharpened, asked, deadline, orientations(sharpened), _FAN):
                corners = tuple((x + x0, y + y0) for x, y in f.region)
                out.append(Found(f.type, f.value, f.checksum, corners))
        return out

    def price(shape: tuple[int, int]) -> float:
        return page_price(shape, len(families))

    return Reader(frozenset(f.type for f in families), find, price)


def _read(
    page: np.ndarray, asked: list[Family], deadline: float, found: list[float], fan: tuple[float, ...] = (0.0,)
) -> list[Found]:
    runs = scan_page(page, found, fan)
    if runs is None or time.monotonic() > deadline:
        return []
    rows = {f.type: f.rows(runs, deadline) for f in asked}
    segments = [
        row_ends.lines(*f.ends(runs, _around(confirmed)), f.length, _starts(rows[f.type]))
        for f in asked
        if (confirmed := _confirmed(rows[f.type]))
    ]
    followed = np.concatenate([np.zeros((0, 4)), *segments])[: row_ends.MAX_LINES]
    if len(followed) and time.monotonic() < deadline:
        along = scan_segments(page, followed)
        for f in asked:
            rows[f.type] += f.rows(along, deadline)
    out: list[Found] = []
    for family in asked:
        for stack in symbols(rows[family.type], family.same):
            value = family.read(stack)
            if value is not None:
                out.append(Found(family.type, value, None, stack.region))
    return distinct(out)


def _confirmed(rows: list[Row]) -> list[Row]:
    """The rows that two scanlines or more read alike: a symbol's rows are several scanlines high, while the
    strokes of a busy photo that pass for a row rarely do so twice."""
    counts = Counter((r.number, r.codewords) for r in rows)
    return [r for r in rows if counts[r.number, r.codewords] >= 2]


def _around(rows: list[Row]) -> row_ends.Near:
    """Where the other rows of the symbols of ``rows`` may be: within a few row lengths of their ends (a Code 16K
    symbol of 16 rows is about three rows long)."""
    rows = rows[:_MAX_ANCHORS]
    anchors = np.array([p for r in rows for p in (r.start, r.end)], dtype=np.float64).reshape(-1, 2)
    reach = 3.0 * max((math.dist(r.start, r.end) for r in rows), default=0.0)
    return row_ends.Near(anchors, reach)


_MAX_ANCHORS = 200


def _starts(rows: list[Row]) -> np.ndarray:
    return np.array([r.start for r in rows[:_MAX_ROWS]], dtype=np.float64).reshape(-1, 2)


def page_price(shape: tuple[int, int], families: int) -> float:
    """What a search of a page of this shape for ``families`` families costs, in seconds: the page's scan and,
    when it reads nothing, its sharpened region's."""
    samples = sample_count(shape, PEAKS, spacing(shape))
    region = min(shape[0] * shape[1], _REGION_PIXELS) * len(_FAN) / SPACING
    per_sample = SAMPLE_NS + families * FAMILY_SAMPLE_NS
    return (shape[0] * shape[1] * PAGE_NS + (samples + region) * per_sample) * 1e-9


# Rows of one symbol: read in directions this close (cosine), starting within this many modules of each other
# along the rows, their neighbours at most this many modules away across them (a row is 8 to 10 modules high).
_SAME_DIRECTION = 0.97
_ALONG = 4.0
_ACROSS = 16.0
# Grouping compares every row read with every other: a page with more (noise that parsed) keeps the first ones.
_MAX_ROWS = 4000


def symbols(rows: list[Row], same: Callable[[Row, Row], bool]) -> list[Stack]:
    """The rows grouped into symbols; ``same`` says whether two rows can belong to one symbol (their lengths)."""
    rows = rows[:_MAX_ROWS]
    n = len(rows)
    if n == 0:
        return []
    start = np.array([r.start for r in rows])
    end = np.array([r.end for r in rows])
    module = np.array([r.module for r in rows])
    d = end - start
    length = np.maximum(np.hypot(d[:, 0], d[:, 1]), 1e-6)
    u = d / length[:, None]
    parent = list(range(n))

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for i in range(n):
        rel = start - start[i]
        along = np.abs(rel @ u[i])
        across = np.abs(rel @ np.array([-u[i, 1], u[i, 0]]))
        x = np.maximum(module, module[i])
        close = (u @ u[i] >= _SAME_DIRECTION) & (along <= _ALONG * x) & (across <= _ACROSS * x)
        close &= np.abs(length - length[i]) <= 0.1 * length[i]
        for j in np.flatnonzero(close[i + 1 :]) + i + 1:
            if same(rows[i], rows[int(j)]):
                parent[root(int(j))] = root(i)
    groups: dict[int, list[int]] = {}
    for i in range(n):
        groups.setdefault(root(i), []).append(i)
    out: list[Stack] = []
    for members in groups.values():
        tallies: dict[int, Counter[tuple[int, ...]]] = {}
        for i in members:
            tallies.setdefault(rows[i].number, Counter())[rows[i].codewords] += 1
        ranked = {k: [cw for cw, _ in t.most_common()] for k, t in tallies.items()}
        points = np.concatenate([start[members], end[members]])
        out.append(
            Stack(
                {k: v[0] for k, v in ranked.items()},
                {k: v[1:] for k, v in ranked.items()},
                _corners(points, u[members[0]], float(module[members].mean())),
            )
        )
    return out


def _corners(points: np.ndarray, u: np.ndarray, module: float) -> tuple[tuple[int, int], ...]:
    """The rectangle along ``u`` around the points, widened by a row's height across (the scanlines that read the
    outer rows run inside them)."""
    v = np.array([-u[1], u[0]])
    a, b = points @ u, points @ v
    a0, a1 = float(a.min()), float(a.max())
    b0, b1 = float(b.min()) - 5 * module, float(b.max()) + 5 * module
    corners = [a0 * u + b0 * v, a1 * u + b0 * v, a1 * u + b1 * v, a0 * u + b1 * v]
    return tuple((round(float(c[0])), round(float(c[1]))) for c in corners)


def with_alternatives(stack: Stack, count: int) -> list[dict[int, tuple[int, ...]]]:
    """The stack's rows 0..count-1 as read most often, then with one row at a time read its other ways (a row
    misread by a few scanlines more often than right is rare, but cheap to try)."""
    if any(k not in stack.rows for k in range(count)):
        return []
    first = {k: stack.rows[k] for k in range(count)}
    out = [first]
    for k in range(count):
        for alt in stack.alternatives.get(k, [])[:3]:
            out.append({**first, k: alt})
    return out


def distinct(found: list[Found]) -> list[Found]:
    """One report per symbol: the same value read from overlapping groups of rows (two orientation peaks, or
    both directions) is one symbol."""
    out: list[Found] = []
    for f in found:
        if not any(g.value == f.value and _overlap(g.region, f.region) for g in out):
            out.append(f)
    return out


def _overlap(a: tuple[tuple[int, int], ...], b: tuple[tuple[int, int], ...]) -> bool:
    ax, ay = [p[0] for p in a], [p[1] for p in a]
    bx, by = [p[0] for p in b], [p[1] for p in b]
    return min(ax) <= max(bx) and min(bx) <= max(ax) and min(ay) <= max(by) and min(by) <= max(ay)
