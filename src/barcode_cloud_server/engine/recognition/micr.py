"""MICR E-13B (ISO 1004-1, ANSI X9.27): the cheque font of ten digits and four symbols, read as a line of text.

Each character is drawn on a grid of 0.013-inch units, nine units high (the on-us symbol seven, from half a unit
below the top; the dash four, centred), 4 to 7 units wide with its right edge on the right of a 7-unit box, one
character every 0.125 inch (9.6 units) along the line. The reader finds the characters as dark components of
similar size side by side, fits a line through them at any angle, takes in every smaller mark on the line a few
cells from its ends (the symbols' parts, too small to link, and whatever else lies there: the row is read whole
or not at all), resamples the line upright (its scale may shrink steadily towards one end, as on a cheque seen
at an angle), cuts it into cells at the fitted pitch and matches each cell against the 14 glyphs drawn from
``GLYPHS``. A line is reported only when every cell matches one glyph clearly better than any other and it holds
at least one symbol (text and other fonts do not); it is tried in both reading directions and a line that reads
both ways is not reported.

The value spells the symbols as most MICR readers do: A transit, B amount, C on-us, D dash; a run of empty cells
between fields is one space. The checksum is the routing number's check digit (ABA weights 3, 7, 1) when the
transit field holds nine digits that satisfy it; nothing is refused for it.
"""

from __future__ import annotations

import itertools
import math
import time
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
from scipy import ndimage
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components
from scipy.spatial import cKDTree

from barcode_cloud_server.engine.recognition import shrink
from barcode_cloud_server.engine.recognition.found import Found, Reader
from barcode_cloud_server.engine.recognition.scanlines import BLOCK, threshold_map

TYPE = "MicrE13B"
TRANSIT, AMOUNT, ON_US, DASH = "A", "B", "C", "D"
SYMBOLS = frozenset({TRANSIT, AMOUNT, ON_US, DASH})

# The glyphs as rectangles (x0, y0, x1, y1) in units, y down from the top of the 9-unit line, x from the glyph's
# left edge; with each glyph's width. Drawn on the 0.013-inch grid of ISO 1004-1 / CPA Standard 006: strokes one
# unit wide, the lower parts of 3 to 9 two units; rounded corners left square. Every glyph's right edge is on the
# right edge of the 7-unit character box (narrow digits stand to the right of it).
GLYPHS: dict[str, tuple[float, tuple[tuple[float, float, float, float], ...]]] = {
    "0": (7, ((0, 0, 1, 9), (6, 0, 7, 9), (0, 0, 7, 1), (0, 8, 7, 9))),
    "1": (4, ((0, 0, 2, 1.5), (1, 0, 2, 5), (0, 5, 4, 9))),
    "2": (4, ((0, 0, 4, 1), (3, 0, 4, 5), (0, 4, 4, 5), (0, 4, 1, 9), (0, 8, 4, 9))),
    "3": (5, ((0, 0, 4, 1), (3, 0, 4, 5), (0, 4, 4, 5), (3, 5, 5, 9), (0, 8, 5, 9))),
    "4": (6, ((0, 0, 2, 7), (0, 6, 6, 7), (4, 5, 6, 9))),
    "5": (5, ((0, 0, 5, 1), (0, 0, 1, 5), (0, 4, 5, 5), (4, 4, 5, 9), (0, 8, 5, 9))),
    "6": (6, ((0, 0, 4, 1), (3, 0, 4, 2.5), (0, 0, 1, 9), (0, 5, 6, 6), (5, 5, 6, 9), (0, 8, 6, 9))),
    "7": (5, ((0, 0, 5, 1), (0, 0, 1, 3), (4, 0, 5, 4), (2, 3.5, 5, 4.5), (2, 4, 3, 9))),
    "8": (
        7,
        (
            (1, 0, 2, 5),
            (5, 0, 6, 5),
            (1, 0, 6, 1),
            (1, 4, 6, 5),
            (0, 4.5, 7, 5),
            (0, 5, 2, 9),
            (5, 5, 7, 9),
            (0, 8, 7, 9),
        ),
    ),
    "9": (6, ((0, 0, 6, 1), (0, 0, 1, 5), (5, 0, 6, 5), (0, 4, 6, 5), (4, 5, 6, 9))),
    TRANSIT: (7, ((4, 0, 7, 3), (0, 1.5, 2, 7.5), (4, 6, 7, 9))),
    AMOUNT: (7, ((5, 0, 7, 4), (3, 2.25, 4, 6.75), (0, 5, 2, 9))),
    ON_US: (7, ((4, 0.5, 7, 4.5), (0, 1.5, 1, 7.5), (2, 1.5, 3, 7.5))),
    DASH: (7, ((0, 2.5, 2, 6.5), (3, 2.5, 5, 6.5), (6, 2.5, 7, 6.5))),
}
BOX = 7.0  # units: the character box, its right edge every glyph's
HEIGHT = 9.0  # units
PITCH = 0.125 / 0.013  # units from one character to the next

# Samples per unit of the upright line, and the unit margins above and below the 9-unit line that it keeps.
_S = 4
_MARGIN = 2.0
# How far a glyph may sit from its cell's centre (units), and from the fitted line (units), when matched.
_SHIFT_X = 1.5
_SHIFT_Y = 0.5
_BLUR = 0.5  # units: the blurred templates' Gaussian
_ALIKE = 0.09  # log of the ratio of the line's heights at its two ends below which they count as one
_BINS = 80  # the resolution of the pitch fit's cell boundary: about half a sample
# The most the pitch changes from one end of the line to the other (a share of it), and what the largest change
# costs in the fit (a share of the line's ink near the cell edges).
_CHIRP = 0.4
_CHIRP_COST = 0.02
# A cell matches a glyph when the normalised correlation is at least this, and beats the next glyph by this.
MIN_SCORE = 0.75
# The dash is three plain bars, the shape of a blot: it must match closer (a dash scores above 0.94 however seen).
MIN_DASH_SCORE = 0.88
MIN_MARGIN = 0.03
# Components that may be characters: their radius of gyration in pixels (a digit's is about 3 units).
_MIN_SIZE_PX = 3.0
_MAX_SIZE_PX = 200.0
_DIGIT_SIZE = 3.4  # units
# Neighbours: centres at most this many sizes apart (two or three empty cells between), sizes within this ratio;
# a row's links within this angle (radians) of its direction.
_REACH = 11.0
_SIZE_RATIO = 1.8
_ALONG = 0.17
_MIN_LINKED = 3
# A mark this many cells or fewer beyond a row's end belongs to it (as far as the rows' links reach).
_ROW_GAP = 4.0
# What a search costs per pixel of the page, nanoseconds, and per page, seconds, on the reference machine (busy
# photos: components, then each row of them resampled and matched; bench/bench_micr_scan.py).
PAGE_NS = 600.0
PAGE_SECONDS = 0.02
# Larger pages are shrunk by a whole factor to at most this many pixels first: a cheque photographed that large
# still has several pixels per unit.
MAX_PIXELS = 4_000_000


def price(shape: tuple[int, int]) -> float:
    """What :func:`lines` costs on a page of this shape, seconds."""
    k = shrink.factor(shape, MAX_PIXELS)
    return PAGE_SECONDS + (shape[0] // k) * (shape[1] // k) * PAGE_NS * 1e-9


def routing_check(digits: str) -> bool:
    """Whether nine digits hold the ABA routing number check: weights 3, 7, 1 sum to a multiple of 10."""
    if len(digits) != 9 or not digits.isdigit():
        return False
    return sum(w * int(d) for w, d in zip((3, 7, 1) * 3, digits, strict=True)) % 10 == 0


def checksum(value: str) -> str | None:
    """The check digit of the routing number in the line's first transit field, when it holds."""
    parts = value.split(TRANSIT)
    if len(parts) >= 3 and routing_check(parts[1]):
        return parts[1][-1]
    return None


@dataclass(frozen=True)
class _Components:
    cx: np.ndarray
    cy: np.ndarray
    size: np.ndarray  # radius of gyration, pixels (about a third of a digit's height)


def _components(page: np.ndarray) -> _Components:
    h, w = page.shape
    smooth = ndimage.uniform_filter(page.astype(np.float32), 3)
    blocks = threshold_map(page)
    thresholds = np.repeat(np.repeat(blocks, BLOCK, axis=0), BLOCK, axis=1)[:h, :w]
    labels, count = ndimage.label(smooth < thresholds, structure=np.ones((3, 3), dtype=bool))
    n = count + 1
    area = np.bincount(labels.ravel(), minlength=n).astype(np.float64)
    area[0] = 0
    keep = area >= 8
    ys, xs = np.nonzero(keep[labels])
    lab = labels[ys, xs]
    safe = np.maximum(area, 1)

    def mean(v: np.ndarray) -> np.ndarray:
        out: np.ndarray = np.bincount(lab, v, minlength=n) / safe
        return out

    x, y = xs.astype(np.float64), ys.astype(np.float64)
    mx, my = mean(x), mean(y)
    size = np.sqrt(np.maximum(mean(x * x) - mx * mx + mean(y * y) - my * my, 0) + 1 / 6)
    ids = np.flatnonzero(keep & (size <= _MAX_SIZE_PX))
    return _Components(mx[ids], my[ids], size[ids])


def _sized(c: _Components) -> np.ndarray:
    """The marks large enough to link rows by (the symbols' small parts are not, at a scan's size)."""
    ids: np.ndarray = np.flatnonzero(c.size >= _MIN_SIZE_PX)
    return ids


def _groups(marks: _Components) -> list[tuple[np.ndarray, float]]:
    """Components in a row of neighbours of about their size, with the row's direction (radians, modulo pi).

    Neighbours of about one size link in every direction (lines of text above one another too); the direction
    most links share is the rows', and only the links along it make the groups. Members are indices of
    ``marks``."""
    sized = _sized(marks)
    c = _Components(marks.cx[sized], marks.cy[sized], marks.size[sized])
    if len(c.cx) < _MIN_LINKED:
        return []
    points = np.column_stack([c.cx, c.cy])
    pairs = cKDTree(points).query_pairs(float(c.size.max()) * _REACH, output_type="ndarray")
    if len(pairs) == 0:
        return []
    i, j = pairs[:, 0], pairs[:, 1]
    si, sj = c.size[i], c.size[j]
    near = (np.maximum(si, sj) <= _SIZE_RATIO * np.minimum(si, sj)) & (
        np.hypot(c.cx[j] - c.cx[i], c.cy[j] - c.cy[i]) <= _REACH * np.maximum(si, sj)
    )
    i, j = i[near], j[near]
    step = np.arctan2(c.cy[j] - c.cy[i], c.cx[j] - c.cx[i]) % np.pi
    out: list[tuple[np.ndarray, float]] = []
    for members in _linked(len(c.cx), i, j):
        inside = np.isin(i, members)
        bins = np.bincount((step[inside] / np.pi * 90).astype(int) % 90, minlength=90)
        # The most common direction, two degrees wide bins summed over a neighbourhood of +-8 degrees.
        smoothed = sum(np.roll(bins, k) for k in range(-4, 5))
        peak = (int(np.argmax(smoothed)) + 0.5) / 90 * np.pi
        along = inside & (np.abs((step - peak + np.pi / 2) % np.pi - np.pi / 2) <= _ALONG)
        for row in _linked(len(c.cx), i[along], j[along]):
            # The row's own direction: the mean of its links' (doubled angles: a step and its reverse agree).
            mine = 2 * step[along & np.isin(i, row)]
            out.append((sized[row], 0.5 * math.atan2(float(np.sin(mine).mean()), float(np.cos(mine).mean()))))
    return out


def _linked(n: int, i: np.ndarray, j: np.ndarray) -> list[np.ndarray]:
    graph = coo_matrix((np.ones(len(i)), (i, j)), shape=(n, n))
    count, labels = connected_components(graph, directed=False)
    sizes = np.bincount(labels, minlength=count)
    return [np.flatnonzero(labels == g) for g in np.flatnonzero(sizes >= _MIN_LINKED)]


@dataclass(frozen=True)
class _Line:
    corners: tuple[tuple[float, float], ...]  # page points of the strip's corners, top left first, clockwise
    strip: np.ndarray  # ink (dark is high), float32, rows x columns


def _line(page: np.ndarray, c: _Components, members: np.ndarray, direction: float) -> _Line | None:
    """The row's line resampled upright at ``_S`` samples per unit, reading along ``direction`` (the row's,
    radians); :func:`_turned` gives the other way. The unit is refined until the line is nine units high, at
    both ends (a cheque seen at an angle)."""
    points = np.column_stack([c.cx[members], c.cy[members]])
    unit = float(np.percentile(c.size[members], 75)) / _DIGIT_SIZE  # pixels per unit, refined below
    # Marks in line with the row but off it (a speck beyond its end) do not bend or stretch it.
    row = np.array([math.cos(direction), math.sin(direction)])
    centre = np.median(points, axis=0)
    for reach in (1.0, 0.4):  # against the row's coarse direction, then against the fitted line
        off = (points - centre) @ [-row[1], row[0]]
        on = np.abs(off - np.median(off)) <= reach * HEIGHT * unit
        points = points[on]
        if len(points) < _MIN_LINKED:
            return None
        centre = points.mean(axis=0)
        # The direction of the centres' least squares line, on the side of the row's.
        eigen = np.linalg.eigh(np.cov((points - centre).T))[1][:, -1]
        row = eigen if eigen @ row >= 0 else -eigen
    along = row
    down = np.array([-along[1], along[0]])  # y grows downwards: a quarter turn clockwise of ``along``
    t = (points - centre) @ along
    v = (points - centre) @ down
    mid = centre + float(np.median(v)) * down
    rows = int((HEIGHT + 2 * _MARGIN) * _S)
    growth = 0.0  # the unit at t is unit * exp(growth * t): a line seen at an angle shrinks towards one end
    for _ in range(6):
        # Again at each refined unit: a row of the symbols' small parts first gives too small a one.
        t = _whole_row(c, mid, along, down, unit, float(t.min()), float(t.max()))
        if abs(growth) * float(t.max() - t.min()) > math.log(2):  # the unit at one end twice the other's: no line
            return None
        ts = _columns(float(t.min()), float(t.max()), unit, growth)
        units = unit * np.exp(growth * ts)
        # The line's height from a column a unit (the whole strip once it is right), and at its ends.
        ink = _ink(_sample(page, mid, along, down, ts[::_S], units[::_S], rows), _S)
        rise = _rise(ink)
        if rise is None:
            return None
        ratio, shift = rise
        third = ink.shape[1] // 3
        left, right = (_rise(ink[:, :third]), _rise(ink[:, -third:])) if third >= 2 * PITCH else (None, None)
        spread = change = 0.0
        if left is not None and right is not None:
            spread = math.log(right[0] / left[0])
            change = spread / float(ts[::_S][-third:].mean() - ts[::_S][:third].mean())
        # Heights are measured to a sample (a quarter unit) at either edge: ends that differ by less are alike.
        alike = abs(spread) <= _ALIKE
        if abs(ratio - 1) <= 0.04 and alike:
            strip = _ink(_sample(page, mid, along, down, ts, units, rows), 1)
            return _Line(_corners(mid, along, down, ts, units), strip)
        mid = mid + shift * unit * down  # re-centred on the line's rows
        unit *= min(max(ratio, 0.6), 1.6)
        growth += 0.0 if alike else change
    return None


def _whole_row(
    c: _Components, mid: np.ndarray, along: np.ndarray, down: np.ndarray, unit: float, t0: float, t1: float
) -> np.ndarray:
    """The ends (pixels along the line from ``mid``) of the whole row of marks on the line: every mark of a
    character's size or less centred within the line's height, a few cells apart at most, whether it linked into
    the row or not (a symbol's parts are smaller than digits, and a row split at one must be read whole)."""
    offset = np.column_stack([c.cx, c.cy]) - mid
    t, v = offset @ along, offset @ down
    on = (np.abs(v) <= HEIGHT / 2 * unit) & (c.size <= _SIZE_RATIO * _DIGIT_SIZE * unit)
    gap = _ROW_GAP * PITCH * unit
    ts = np.sort(t[on])
    lo, hi = t0, t1
    for k in np.flatnonzero(ts > hi):  # rightwards: each mark near the end extends it
        if ts[k] > hi + gap:
            break
        hi = float(ts[k])
    for k in np.flatnonzero(ts < lo)[::-1]:
        if ts[k] < lo - gap:
            break
        lo = float(ts[k])
    return np.array([lo, hi])


def _columns(t0: float, t1: float, unit: float, growth: float) -> np.ndarray:
    """Positions along the line (pixels from its centre) a sample apart wherever they are, from one and a half
    cells before ``t0`` to as many after ``t1``."""
    lo = t0 - 1.5 * PITCH * unit * math.exp(growth * t0)
    hi = t1 + 1.5 * PITCH * unit * math.exp(growth * t1)
    if abs(growth) < 1e-9:
        return np.arange(lo, hi, unit / _S)
    # dt/dk = unit * exp(growth * t) / _S: exp(-growth * t) changes by growth * unit / _S a column.
    start, fall = math.exp(-growth * lo), growth * unit / _S
    count = max(2, int((start - math.exp(-growth * hi)) / fall))
    out: np.ndarray = -np.log(start - fall * np.arange(count)) / growth
    return out


def _rise(ink: np.ndarray) -> tuple[float, float] | None:
    """The line's height in the strip over nine units, and how far (units) its middle is below the strip's."""
    profile = ink.mean(axis=1)
    profile -= profile.min()
    lit = np.flatnonzero(profile >= 0.35 * profile.max())
    if len(lit) < 2:
        return None
    first, last = int(lit[0]), int(lit[-1]) + 1
    return (last - first) / _S / HEIGHT, (first + last) / 2 / _S - (HEIGHT / 2 + _MARGIN)


def _sample(
    page: np.ndarray, mid: np.ndarray, along: np.ndarray, down: np.ndarray, ts: np.ndarray, units: np.ndarray, rows: int
) -> np.ndarray:
    """The page along the line through ``mid``: a column at each position ``ts`` (pixels along it), ``rows``
    samples a unit over ``_S`` apart from ``_MARGIN`` units above the line's top (``units``: pixels per unit
    there)."""
    r = (np.arange(rows, dtype=np.float64)[:, None] / _S - (HEIGHT / 2 + _MARGIN)) * units[None, :]
    x = mid[0] + ts[None, :] * along[0] + r * down[0]
    y = mid[1] + ts[None, :] * along[1] + r * down[1]
    out: np.ndarray = ndimage.map_coordinates(page, [y, x], order=1, mode="nearest").astype(np.float32)
    return out


def _corners(
    mid: np.ndarray, along: np.ndarray, down: np.ndarray, ts: np.ndarray, units: np.ndarray
) -> tuple[tuple[float, float], ...]:
    half = HEIGHT / 2 + _MARGIN
    top = [mid + ts[k] * along - half * units[k] * down for k in (0, -1)]
    bottom = [mid + ts[k] * along + half * units[k] * down for k in (-1, 0)]
    return tuple((float(p[0]), float(p[1])) for p in (*top, *bottom))


def _ink(strip: np.ndarray, stride: int) -> np.ndarray:
    """Ink against the paper around it: the lightest nearby, further than any stroke is wide (light falls off
    unevenly across a page); ``stride``: samples per column of the strip along the line."""
    near = 5 * _S + 1
    paper = ndimage.maximum_filter(ndimage.uniform_filter(strip, 3), size=(near, max(1, near // stride)))
    ink: np.ndarray = np.clip(paper - strip, 0, None).astype(np.float32)
    return ink


def _turned(line: _Line) -> _Line:
    """The same line read the other way: the strip turned half a turn."""
    return _Line((*line.corners[2:], *line.corners[:2]), np.ascontiguousarray(line.strip[::-1, ::-1]))


@lru_cache(maxsize=64)
def _templates(pitch: float) -> tuple[list[str], np.ndarray, tuple[int, int]]:
    """Every glyph's box centred in a cell of ``pitch`` units, on the upright line's sample grid, normalised: the
    glyphs as drawn, then each blurred by ``_BLUR`` (one-unit strokes seen at two pixels a unit through a blur
    no longer look like their sharp outline)."""
    rows = int((HEIGHT + 2 * _MARGIN) * _S)
    cols = round(pitch * _S)
    fine = 4  # subsamples per sample: edges fall between samples
    names = sorted(GLYPHS)
    out = np.zeros((len(names), rows * cols), dtype=np.float32)
    for n, name in enumerate(names):
        width, rects = GLYPHS[name]
        image = np.zeros((rows * fine, cols * fine), dtype=np.float32)
        left = (pitch - BOX) / 2 + BOX - width
        for x0, y0, x1, y1 in rects:
            c0, c1 = round((left + x0) * _S * fine), round((left + x1) * _S * fine)
            r0, r1 = round((_MARGIN + y0) * _S * fine), round((_MARGIN + y1) * _S * fine)
            image[r0:r1, c0:c1] = 1.0
        out[n] = image.reshape(rows, fine, cols, fine).mean(axis=(1, 3)).ravel()
    blurred = ndimage.gaussian_filter(out.reshape(len(names), rows, cols), (0, _BLUR * _S, _BLUR * _S))
    return names, _normalised(np.concatenate([out, blurred.reshape(len(names), -1)])), (rows, cols)


def _normalised(x: np.ndarray) -> np.ndarray:
    x = x - x.mean(axis=1, keepdims=True)
    norm = np.linalg.norm(x, axis=1, keepdims=True)
    out: np.ndarray = x / np.maximum(norm, 1e-6)
    return out


def _boundaries(ink: np.ndarray) -> np.ndarray | None:
    """The cells' left edges along the strip (samples), where they put the least ink near them.

    The pitch may change steadily along the line (a cheque seen at an angle): ``pitch * (1 + chirp * x / n)`` at
    ``x`` samples from the strip's middle (``n`` its length). For each pitch and chirp the column profile is
    folded onto one cell (its ink summed by the fraction of a cell it lies at, in ``_BINS`` bins); each candidate
    edge then costs the folded ink weighed by its nearness to it, a triangle of a gap's half-width, plus a little
    for the chirp, so that a steady pitch wins when it does as well."""
    profile = ink.mean(axis=0)
    profile = np.clip(profile - np.percentile(profile, 20), 0, None)
    if profile.max() <= 0:
        return None
    profile = profile / profile.sum()
    n = len(profile)
    x = np.arange(n, dtype=np.float64) - n / 2
    # Bin centres' distances round the cell, in bins.
    apart = np.abs(np.arange(_BINS)[:, None] - np.arange(_BINS)[None, :])
    apart = np.minimum(apart, _BINS - apart)

    def cells(pitch: np.ndarray, chirp: float) -> np.ndarray:
        """Cells from the middle to each column, for each pitch."""
        if chirp == 0:
            out: np.ndarray = x[None, :] / pitch[:, None]
            return out
        return np.log1p(chirp * x / n)[None, :] * (n / chirp / pitch)[:, None]

    def best(pitches: np.ndarray, chirps: np.ndarray) -> tuple[float, float, float, float]:
        found = (math.inf, 0.0, 0.0, 0.0)
        for chirp in chirps:
            bins = (np.mod(cells(pitches, float(chirp)), 1.0) * _BINS).astype(int) % _BINS
            index = bins + _BINS * np.arange(len(pitches))[:, None]
            folded = np.bincount(index.ravel(), np.tile(profile, len(pitches)), len(pitches) * _BINS)
            folded = folded.reshape(len(pitches), _BINS)
            near = np.clip(1 - apart[None, :, :] * (pitches / _BINS)[:, None, None] / (1.3 * _S), 0, None)
            costs = np.einsum("pkj,pj->pk", near, folded) + _CHIRP_COST * abs(float(chirp)) / _CHIRP
            p, k = np.unravel_index(int(np.argmin(costs)), costs.shape)
            if costs[p, k] < found[0]:
                found = (float(costs[p, k]), float(pitches[p]), float(chirp), (k + 0.5) / _BINS)
        return found

    _, pitch, chirp, _ = best(PITCH * _S * np.linspace(0.88, 1.12, 49), np.linspace(-_CHIRP, _CHIRP, 11))
    fine = np.clip(chirp + np.linspace(-0.04, 0.04, 5), -_CHIRP, _CHIRP)
    _, pitch, chirp, edge = best(pitch * np.linspace(0.995, 1.005, 11), fine)
    ends = cells(np.array([pitch]), chirp)[0, [0, -1]]
    marks = np.arange(math.ceil(ends[0] - edge), math.floor(ends[1] - edge) + 1) + edge
    if chirp == 0:
        return n / 2 + marks * pitch
    edges: np.ndarray = n / 2 + np.expm1(marks * chirp * pitch / n) * n / chirp
    return edges


@dataclass(frozen=True)
class _Cell:
    glyph: str  # " " for an empty cell
    score: float  # normalised correlation with the glyph
    runner_up: float  # with the next best glyph


def _cells(line: _Line) -> Iterator[_Cell | None]:
    """The line's cells one by one, each matched against every glyph; a None first when the line has no pitch.

    The whole line is matched against the sharp glyphs or the blurred ones, whichever its cells match better: a
    line is printed and seen one way, and a blot in a sharp line must not pass for a blurred glyph."""
    ink = line.strip
    edges = _boundaries(ink)
    smooth = ndimage.uniform_filter(ink, 3)
    paper = float(np.percentile(smooth, 50))
    level = float(np.percentile(smooth, 99)) - paper
    if edges is None or level <= 0:
        yield None
        return
    sx, sy = int(_SHIFT_X * _S), int(_SHIFT_Y * _S)
    reach = sx + 2 * int(PITCH * _S)
    padded = np.pad(ink, ((sy, sy), (reach, reach)), mode="edge")
    margin = int(_MARGIN * _S)
    names = sorted(GLYPHS)
    matched: list[np.ndarray | None] = []  # per cell: sharp and blurred scores per glyph, None when empty
    for left_edge, right_edge in itertools.pairwise(edges):
        left = round(float(left_edge))
        names, templates, (rows, cols) = _templates(round(float(right_edge - left_edge) / _S, 1))
        core = smooth[margin:-margin, max(left, 0) : left + cols]
        if core.size == 0 or core.max() - paper < 0.5 * level:
            matched.append(None)
            continue
        at = reach + left
        windows = np.stack(
            [
                padded[dy : dy + rows, at + dx : at + dx + cols].ravel()
                for dy in range(2 * sy + 1)
                for dx in range(-sx, sx + 1)
            ]
        )
        # einsum rather than a matrix product: BLAS threads cost more than these small products on a busy host.
        scores = np.einsum("wk,gk->gw", _normalised(windows), templates).max(axis=1).reshape(2, len(names))
        if scores.max() < MIN_SCORE:  # no glyph either way: the line is not read, whatever its other cells
            best = int(np.argmax(scores.max(axis=0)))
            yield _Cell(names[best], float(scores.max()), float(scores.max()))
            return
        matched.append(scores)
    inked = [m for m in matched if m is not None]
    blurred = int(bool(inked) and np.median([m[1].max() - m[0].max() for m in inked]) > 0)
    for m in matched:
        if m is None:
            yield _Cell(" ", 1.0, 0.0)
            continue
        order = np.argsort(m[blurred])[::-1]
        yield _Cell(names[int(order[0])], float(m[blurred][order[0]]), float(m[blurred][order[1]]))


def _read(line: _Line) -> str | None:
    """The line's characters, or None at its first unsure cell."""
    text: list[str] = []
    for cell in _cells(line):
        least = MIN_DASH_SCORE if cell is not None and cell.glyph == DASH else MIN_SCORE
        if cell is None or cell.score < least or cell.score - cell.runner_up < MIN_MARGIN:
            return None
        text.append(cell.glyph)
    return " ".join("".join(text).split())


def _region(line: _Line) -> tuple[tuple[int, int], ...]:
    return tuple((round(x), round(y)) for x, y in line.corners)


def lines(page: np.ndarray, deadline: float = math.inf) -> list[Found]:
    """The MICR lines in a gray page (shrunk first when it is larger than ``MAX_PIXELS``)."""
    small, k = shrink.shrunk(page, MAX_PIXELS)
    found = _lines(small, deadline)
    if k == 1:
        return found
    return [Found(f.type, f.value, f.checksum, tuple((x * k, y * k) for x, y in f.region)) for f in found]


def _lines(page: np.ndarray, deadline: float) -> list[Found]:
    c = _components(page)
    out: list[Found] = []
    for members, direction in _groups(c):
        if time.monotonic() > deadline:
            break
        line = _line(page, c, members, direction)
        if line is None:
            continue
        reads: list[tuple[str, _Line]] = []
        for way in (line, _turned(line)):
            read = _read(way)
            if read is not None and SYMBOLS & set(read) and len(read) >= 4:
                reads.append((read, way))
        if len(reads) == 1:
            value, line = reads[0]
            found = Found(TYPE, value, checksum(value), _region(line))
            if all(f.value != value or not _overlap(f.region, found.region) for f in out):
                out.append(found)
    # Two rows read differently in one place: one of them is not the whole line, and which is not sure.
    return [f for f in out if all(g.value == f.value or not _overlap(f.region, g.region) for g in out)]


def _overlap(a: tuple[tuple[int, int], ...], b: tuple[tuple[int, int], ...]) -> bool:
    ax, ay = [p[0] for p in a], [p[1] for p in a]
    bx, by = [p[0] for p in b], [p[1] for p in b]
    return min(ax) <= max(bx) and min(bx) <= max(ax) and min(ay) <= max(by) and min(by) <= max(ay)


def _find(page: np.ndarray, types: frozenset[str], deadline: float) -> list[Found]:
    return lines(page, deadline) if TYPE in types else []


READER = Reader(frozenset({TYPE}), _find, price, asked_only=frozenset({TYPE}))
