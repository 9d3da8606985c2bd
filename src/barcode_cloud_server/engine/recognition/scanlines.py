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
    """The runs of every scanline: ``widths[i]`` is a space for even ``i``, a bar for odd ``i``."""

    widths: np.ndarray  # float32
    starts: np.ndarray  # float64, position of each element's start in the flattened line grid
    line_length: int  # samples per line, plus the one blank that separates lines in the flat grid
    lines: tuple[Scan, ...]  # the geometry of each group of lines (one per angle)

    def point(self, pos: float) -> tuple[float, float]:
        """Page coordinates of a flat grid position."""
        line, t = divmod(pos, self.line_length)
        for scan in self.lines:
            if line < scan.first + scan.count:
                return scan.at(int(line) - scan.first, t)
        raise ValueError(pos)

    def angle_and_line(self, pos: float) -> tuple[int, int]:
        """Which angle group and which line (its index within the group) a flat grid position belongs to."""
        line = int(pos // self.line_length)
        for k, scan in enumerate(self.lines):
            if line < scan.first + scan.count:
                return k, line - scan.first
        raise ValueError(pos)


@dataclass(frozen=True)
class Scan:
    """Parallel lines at one angle: line ``j`` starts at ``origin + j * spacing * normal`` and runs along
    ``direction``, one sample per pixel."""

    first: int
    count: int
    origin: tuple[float, float]
    direction: tuple[float, float]
    normal: tuple[float, float]
    spacing: float

    def at(self, line: int, t: float) -> tuple[float, float]:
        ox = self.origin[0] + line * self.spacing * self.normal[0] + t * self.direction[0]
        oy = self.origin[1] + line * self.spacing * self.normal[1] + t * self.direction[1]
        return (ox, oy)


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
    """How many samples :func:`scan` takes: what its time is priced from."""
    h, w = shape
    diag = math.hypot(h, w)
    return int(n_angles * (diag / spacing + 1) * (diag + 2))


def scan(gray: np.ndarray, scan_angles: tuple[float, ...], spacing: float) -> Runs:
    """The runs of lines ``spacing`` pixels apart at each angle, covering the page."""
    h, w = gray.shape
    thresholds = threshold_map(gray)
    diag = math.hypot(h, w)
    n_t = int(diag) + 1
    cx, cy = (w - 1) / 2, (h - 1) / 2
    t = np.arange(n_t, dtype=np.float32) - n_t / 2
    profiles: list[np.ndarray] = []
    groups: list[Scan] = []
    first = 0
    for deg in scan_angles:
        a = math.radians(deg)
        dx, dy = math.cos(a), math.sin(a)
        nx, ny = -dy, dx
        offsets = np.arange(-diag / 2, diag / 2 + spacing, spacing, dtype=np.float32)
        # Lines that miss the page entirely are left out.
        span = abs(nx) * w / 2 + abs(ny) * h / 2
        offsets = offsets[np.abs(offsets) <= span]
        xs = cx + offsets[:, None] * nx + t[None, :] * dx
        ys = cy + offsets[:, None] * ny + t[None, :] * dy
        profiles.append(_profile(gray, thresholds, xs, ys))
        origin = (cx + float(offsets[0]) * nx - n_t / 2 * dx, cy + float(offsets[0]) * ny - n_t / 2 * dy)
        groups.append(Scan(first, len(offsets), origin, (dx, dy), (nx, ny), spacing))
        first += len(offsets)
    grid = np.concatenate(profiles, axis=0)
    blank = np.full((grid.shape[0], 1), np.nan, dtype=np.float32)
    flat = np.concatenate([grid, blank], axis=1).ravel()
    widths, starts = _runs(flat)
    return Runs(widths, starts, n_t + 1, tuple(groups))


def _profile(gray: np.ndarray, thresholds: np.ndarray, xs: np.ndarray, ys: np.ndarray) -> np.ndarray:
    """Sample minus local threshold along each line (bilinear), NaN outside the page."""
    h, w = gray.shape
    inside = (xs >= 0) & (xs <= w - 1) & (ys >= 0) & (ys <= h - 1)
    x = np.clip(xs, 0, w - 1.001)
    y = np.clip(ys, 0, h - 1.001)
    x0, y0 = x.astype(np.int32), y.astype(np.int32)
    fx, fy = x - x0, y - y0
    g = gray
    top = g[y0, x0] * (1 - fx) + g[y0, x0 + 1] * fx
    bottom = g[y0 + 1, x0] * (1 - fx) + g[y0 + 1, x0 + 1] * fx
    value = top * (1 - fy) + bottom * fy
    # The threshold map is sampled at block resolution, bilinear between block centres.
    bh, bw = thresholds.shape
    bx = np.clip(x / BLOCK - 0.5, 0, bw - 1.001)
    by = np.clip(y / BLOCK - 0.5, 0, bh - 1.001)
    bx0, by0 = bx.astype(np.int32), by.astype(np.int32)
    gx, gy = bx - bx0, by - by0
    bx1, by1 = np.minimum(bx0 + 1, bw - 1), np.minimum(by0 + 1, bh - 1)
    tt = thresholds[by0, bx0] * (1 - gx) + thresholds[by0, bx1] * gx
    tb = thresholds[by1, bx0] * (1 - gx) + thresholds[by1, bx1] * gx
    level = tt * (1 - gy) + tb * gy
    out: np.ndarray = (value - level).astype(np.float32)
    out[~inside] = np.nan
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
