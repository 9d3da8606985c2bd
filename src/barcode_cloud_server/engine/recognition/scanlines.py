"""Scanlines across a gray page at a set of angles, thresholded locally, as run widths.

Every decoder of this package reads the same runs: parallel lines are sampled (bilinear, so that modules of
1.5 pixels keep their edges) at each scan angle; each sample is compared with a local threshold, the midpoint
of the darkest and lightest pixels of the blocks around it (after zxing-cpp's hybrid binarisation, which copes
with uneven light), or with the page's midpoint where the neighbourhood has no contrast; edges are placed where
the profile crosses its threshold, interpolated between samples, so widths are fractional.

All lines are joined into one array of alternating space and bar widths (even indices spaces) so that the
decoders can look at every line at once with NumPy. Where a line leaves the page, zero-width elements are
inserted: nothing crosses them, and a zero-width space is never a quiet zone.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

BLOCK = 16
REACH = 3
# A block whose darkest and lightest pixels differ by less than this holds no edge: its neighbours set its
# threshold, or the page's midpoint when none of them has contrast either.
MIN_CONTRAST = 16.0


@dataclass(frozen=True)
class Runs:
    """The runs of every scanline: ``widths[i]`` is a space for even ``i``, a bar for odd ``i``.

    Positions are in the flat array of samples: line ``j`` (over all angles) holds ``bases[j]`` onwards, its first
    sample ``t_first[j]`` pixels along the line from where its angle's lines start (see :class:`Scan`).
    """

    widths: np.ndarray  # float32
    starts: np.ndarray  # float64, flat position of each element's start
    bases: np.ndarray  # int64, flat position of each line's first sample
    t_first: np.ndarray  # float32
    lines: tuple[Scan, ...]  # the geometry of each group of lines (one per angle)

    def locate(self, pos: float) -> tuple[int, int, float]:
        """(angle group, line within it, pixels along the line) of a flat position."""
        j = int(np.searchsorted(self.bases, pos, side="right")) - 1
        t = float(self.t_first[j]) + pos - float(self.bases[j])
        for k, scan in enumerate(self.lines):
            if j < scan.first + scan.count:
                return k, j - scan.first, t
        raise ValueError(pos)

    def point(self, pos: float) -> tuple[float, float]:
        """Page coordinates of a flat position."""
        k, line, t = self.locate(pos)
        return self.lines[k].at(line, t)


@dataclass(frozen=True)
class Scan:
    """Parallel lines at one angle: line ``j`` passes through ``centre + offsets[j] * normal`` and runs along
    ``direction``; ``t`` pixels along it is ``centre + offsets[j] * normal + t * direction``."""

    first: int
    count: int
    centre: tuple[float, float]
    direction: tuple[float, float]
    normal: tuple[float, float]
    offsets: tuple[float, ...]

    def at(self, line: int, t: float) -> tuple[float, float]:
        o = self.offsets[line]
        return (
            self.centre[0] + o * self.normal[0] + t * self.direction[0],
            self.centre[1] + o * self.normal[1] + t * self.direction[1],
        )


def threshold_map(gray: np.ndarray) -> np.ndarray:
    """One threshold per block: the midpoint of the darkest and lightest pixels of the blocks around it.

    The neighbourhood is wide (``REACH`` blocks either way) because a blurred symbol's narrow spaces never come
    near white: within the bars only the quiet zone beside them shows what white is.
    """
    h, w = gray.shape
    bh, bw = -(-h // BLOCK), -(-w // BLOCK)
    padded = np.pad(gray, ((0, bh * BLOCK - h), (0, bw * BLOCK - w)), mode="edge")
    blocks = padded.reshape(bh, BLOCK, bw, BLOCK)
    lo = _spread(blocks.min(axis=(1, 3)).astype(np.float32), np.minimum)
    hi = _spread(blocks.max(axis=(1, 3)).astype(np.float32), np.maximum)
    sample = gray[:: max(1, h // 200), :: max(1, w // 200)]
    lo_page, hi_page = np.percentile(sample, (2, 98))
    page_mid = float(lo_page + hi_page) / 2
    out: np.ndarray = np.where(hi - lo >= MIN_CONTRAST, (lo + hi) / 2, page_mid).astype(np.float32)
    return out


def _spread(x: np.ndarray, pick: np.ufunc) -> np.ndarray:
    """``pick`` (minimum or maximum) over the blocks within ``REACH`` of each block, one axis after the other."""
    for axis in (0, 1):
        out = x.copy()
        for shift in range(1, REACH + 1):
            lead = [slice(None)] * 2
            lag = [slice(None)] * 2
            lead[axis], lag[axis] = slice(shift, None), slice(None, -shift)
            out[tuple(lag)] = pick(out[tuple(lag)], x[tuple(lead)])
            out[tuple(lead)] = pick(out[tuple(lead)], x[tuple(lag)])
        x = out
    return x


def angles(count: int) -> tuple[float, ...]:
    """``count`` scan angles (degrees) evenly over half a turn, from -90 (exclusive) to 90: directions with a
    rightward or downward component, so that a left-to-right symbol is read left to right."""
    step = 180.0 / count
    return tuple(90.0 - k * step for k in range(count))


def sample_count(shape: tuple[int, int], n_angles: int, spacing: float) -> int:
    """About how many samples :func:`scan` takes (each line samples the page where it crosses it): what its
    time is priced from."""
    h, w = shape
    return int(n_angles * (h * w / spacing + 2 * math.hypot(h, w)))


def scan(gray: np.ndarray, scan_angles: tuple[float, ...], spacing: float) -> Runs:
    """The runs of lines ``spacing`` pixels apart at each angle, covering the page."""
    h, w = gray.shape
    thresholds = threshold_map(gray)
    flat_gray = gray.ravel()
    half = math.hypot(h, w) / 2
    cx, cy = (w - 1) / 2, (h - 1) / 2
    profiles: list[np.ndarray] = []
    bases: list[np.ndarray] = []
    firsts: list[np.ndarray] = []
    groups: list[Scan] = []
    first = 0
    base = 0
    for deg in scan_angles:
        a = math.radians(deg)
        dx, dy = math.cos(a), math.sin(a)
        nx, ny = -dy, dx
        offsets = np.arange(-half, half + spacing, spacing)
        lo, hi = _inside(offsets, cx, cy, dx, dy, nx, ny, w, h)
        keep = hi - lo >= 8
        offsets, lo, hi = offsets[keep], lo[keep], hi[keep]
        if len(offsets) == 0:
            continue
        lengths = (hi - lo + 1).astype(np.int64)
        line_of = np.repeat(np.arange(len(offsets)), lengths)
        line_base = np.concatenate([[0], np.cumsum(lengths + 1)[:-1]])
        within = np.arange(len(line_of)) - np.repeat(np.cumsum(lengths) - lengths, lengths)
        t = (lo[line_of] + within).astype(np.float32)
        o = offsets[line_of].astype(np.float32)
        xs = np.float32(cx) + o * np.float32(nx) + t * np.float32(dx)
        ys = np.float32(cy) + o * np.float32(ny) + t * np.float32(dy)
        # Each line is the mean of three parallel ones a pixel apart, along the bars: noise averages out and the
        # edges stay sharp.
        profile = _bilinear(flat_gray, w, h, xs, ys)
        profile += _bilinear(flat_gray, w, h, xs - np.float32(nx), ys - np.float32(ny))
        profile += _bilinear(flat_gray, w, h, xs + np.float32(nx), ys + np.float32(ny))
        profile /= 3
        profile -= _nearest_block(thresholds, xs, ys)
        # One blank after every line separates it from the next.
        with_blanks = np.full(len(profile) + len(offsets), np.nan, dtype=np.float32)
        with_blanks[np.arange(len(profile)) + line_of] = profile
        profiles.append(with_blanks)
        bases.append(base + line_base)
        firsts.append(lo.astype(np.float32))
        groups.append(Scan(first, len(offsets), (cx, cy), (dx, dy), (nx, ny), tuple(float(v) for v in offsets)))
        first += len(offsets)
        base += len(with_blanks)
    if not profiles:
        empty = np.zeros(1, dtype=np.float32)
        return Runs(empty, np.zeros(1), np.zeros(1, dtype=np.int64), empty, ())
    widths, starts = _runs(np.concatenate(profiles))
    return Runs(widths, starts, np.concatenate(bases), np.concatenate(firsts), tuple(groups))


def scan_segments(gray: np.ndarray, segments: np.ndarray) -> Runs:
    """The runs along line segments (rows of x0, y0, x1, y1), each sampled a pixel at a time from its first end
    like :func:`scan`'s lines, each its own group of one line."""
    h, w = gray.shape
    x0, y0, x1, y1 = (segments[:, k].astype(np.float64) for k in range(4))
    length = np.hypot(x1 - x0, y1 - y0)
    keep = length >= 8
    x0, y0, x1, y1, length = x0[keep], y0[keep], x1[keep], y1[keep], length[keep]
    if len(length) == 0:
        empty = np.zeros(1, dtype=np.float32)
        return Runs(empty, np.zeros(1), np.zeros(1, dtype=np.int64), empty, ())
    dx, dy = (x1 - x0) / length, (y1 - y0) / length
    counts = length.astype(np.int64) + 1
    line_of = np.repeat(np.arange(len(counts)), counts)
    bases = np.concatenate([[0], np.cumsum(counts + 1)[:-1]])
    t = (np.arange(len(line_of)) - np.repeat(bases - np.arange(len(counts)), counts)).astype(np.float32)
    nx, ny = (-dy[line_of]).astype(np.float32), dx[line_of].astype(np.float32)
    xs = x0[line_of].astype(np.float32) + t * dx[line_of].astype(np.float32)
    ys = y0[line_of].astype(np.float32) + t * dy[line_of].astype(np.float32)
    flat_gray = gray.ravel()
    profile = _bilinear(flat_gray, w, h, xs, ys)
    profile += _bilinear(flat_gray, w, h, xs - nx, ys - ny)
    profile += _bilinear(flat_gray, w, h, xs + nx, ys + ny)
    profile /= 3
    profile -= _nearest_block(threshold_map(gray), xs, ys)
    with_blanks = np.full(len(profile) + len(counts), np.nan, dtype=np.float32)
    with_blanks[np.arange(len(profile)) + line_of] = profile
    widths, starts = _runs(with_blanks)
    groups = tuple(
        Scan(k, 1, (float(x0[k]), float(y0[k])), (float(dx[k]), float(dy[k])), (float(-dy[k]), float(dx[k])), (0.0,))
        for k in range(len(counts))
    )
    return Runs(widths, starts, bases.astype(np.int64), np.zeros(len(counts), dtype=np.float32), groups)


def _inside(
    offsets: np.ndarray, cx: float, cy: float, dx: float, dy: float, nx: float, ny: float, w: int, h: int
) -> tuple[np.ndarray, np.ndarray]:
    """For each line, the first and last whole ``t`` at which it is on the page (lo > hi: it misses)."""
    px, py = cx + offsets * nx, cy + offsets * ny
    lo = np.full(len(offsets), -np.inf)
    hi = np.full(len(offsets), np.inf)
    for p, d, size in ((px, dx, w), (py, dy, h)):
        if abs(d) < 1e-9:
            outside = (p < 0) | (p > size - 1)
            lo[outside], hi[outside] = np.inf, -np.inf
            continue
        a, b = (0 - p) / d, (size - 1 - p) / d
        lo = np.maximum(lo, np.minimum(a, b))
        hi = np.minimum(hi, np.maximum(a, b))
    return np.ceil(lo + 1e-6), np.floor(hi - 1e-6)


def _bilinear(flat: np.ndarray, w: int, h: int, xs: np.ndarray, ys: np.ndarray) -> np.ndarray:
    """The page (flattened) sampled at (xs, ys), coordinates clamped to the page, as float32."""
    x = np.clip(xs, 0, w - 1.001)
    y = np.clip(ys, 0, h - 1.001)
    x0, y0 = x.astype(np.int32), y.astype(np.int32)
    fx, fy = x - x0, y - y0
    i = y0 * w + x0
    top: np.ndarray = flat[i].astype(np.float32)
    top += (flat[i + 1] - top) * fx
    bottom = flat[i + w].astype(np.float32)
    bottom += (flat[i + w + 1] - bottom) * fx
    top += (bottom - top) * fy
    return top


def _nearest_block(thresholds: np.ndarray, xs: np.ndarray, ys: np.ndarray) -> np.ndarray:
    """The threshold of the block each sample falls in (thresholds vary slowly: no need to interpolate)."""
    bh, bw = thresholds.shape
    bx = np.clip((xs / BLOCK).astype(np.int32), 0, bw - 1)
    by = np.clip((ys / BLOCK).astype(np.int32), 0, bh - 1)
    out: np.ndarray = thresholds.ravel()[by * bw + bx]
    return out


def _runs(flat: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Alternating space/bar widths of a flat profile (light is >= 0, NaN separates lines)."""
    state = np.where(np.isnan(flat), 0, np.where(flat >= 0, 1, 2)).astype(np.int8)
    edges = np.flatnonzero(state[1:] != state[:-1])
    a, b = flat[edges], flat[edges + 1]
    crossing = (state[edges] > 0) & (state[edges + 1] > 0)
    with np.errstate(invalid="ignore", divide="ignore"):
        frac = np.where(crossing, a / (a - b), 0.5)
    pos = edges + np.clip(np.nan_to_num(frac, nan=0.5), 0.0, 1.0)
    bounds = np.concatenate([[0.0], pos, [float(len(flat))]])
    kinds = np.concatenate([state[:1], state[edges + 1]])
    widths = np.diff(bounds)
    starts = bounds[:-1]
    # Separators (NaN runs) become one or two zero-width elements so that colours keep alternating.
    prev_kind = np.concatenate([[2], kinds[:-1]])  # as if a bar came before the first element
    next_kind = np.concatenate([kinds[1:], [0]])
    reps = np.ones(len(kinds), dtype=np.int64)
    sep = kinds == 0
    reps[sep] = np.where(prev_kind[sep] == next_kind[sep], 1, 2)
    widths = np.where(sep, 0.0, widths)
    widths = np.repeat(widths, reps).astype(np.float32)
    starts = np.repeat(starts, reps)
    if kinds[0] == 2:  # begins with a bar: a zero space before it
        widths = np.concatenate([[0.0], widths]).astype(np.float32)
        starts = np.concatenate([[0.0], starts])
    return widths, starts
