"""Rows of thin postal bars read from profiles, for pages where the bars run together (blur, noise and JPEG at a
couple of pixels per bar): the bars are no longer blobs of their own, but the row still is one.

The page is smoothed at the scale of a bar's pitch, so that the row becomes one dark, elongated blob; the most
elongated few blobs whose own frame shows a row of bars are resampled into a strip in their frame (the angle refined
to the one whose profile across the row is sharpest),
the bars are found as the peaks of the profile along the row's shared band (a grid of one pitch, each point
snapped to its peak), and each bar's state is how dark it is in the bands above and below that shared one against
its darkness in it. Averaging along the bars and across them is what beats the noise; the decoders' checks judge
the result.
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass

import numpy as np
from scipy import ndimage

from barcode_cloud_server.engine.recognition.scanlines import BLOCK, threshold_map

Region = tuple[tuple[int, int], ...]

# The smoothing that joins bars of up to a few pixels' pitch into one row, pixels (a Gaussian's sigma).
JOIN_SIGMA = 2.0
# A row's blob: at least this long against its height and this many pixels long.
MIN_ASPECT, MIN_LENGTH = 2.0, 24.0
# The most pixels a blob may cover (larger ones are pictures, not rows of thin bars: 80 bars of 8 px pitch, 40 px
# tall, cover 25,600).
MAX_AREA = 30_000
# Angles tried about the blob's own, degrees: this far either way, in coarse steps and then fine ones.
TURN, COARSE_STEP, FINE_STEP = 3.0, 1.0, 0.25
# The profile across the row needs no more than every other column along it.
SEARCH_STEP = 2.0
# Shortest and longest pitch of the bars, pixels.
MIN_PITCH, MAX_PITCH = 2.5, 8.0
# The fewest bars of a row (the shortest postal symbol has 10).
MIN_BARS = 8
# Levels of the profile across the row, as shares of its darkest: the band every bar shares, and the row's extent.
SHARED, EXTENT = 0.72, 0.2
# A band beyond the shared one counts when it is at least this share of the row's height.
BAND = 0.12
# A bar reaches into a band when its darkness there is at least this share of its darkness in the shared band.
REACHES = 0.5
# Blobs sampled at most (the most elongated), and how much of its box a blob must fill.
MAX_ROWS, SOLID = 5, 0.6
# A strip whose ink and ground differ by less than this (gray levels) shows no bars.
MIN_CONTRAST = 16


@dataclass(frozen=True)
class _Blob:
    centre: tuple[float, float]
    angle: float  # of its long axis, radians
    length: float
    height: float


def rows(page: np.ndarray, deadline: float = math.inf) -> list[tuple[str, Region]]:
    """Rows of thin bars the smoothed page shows: states over ``FADT`` in reading order and corners. Sampling
    stops at ``deadline`` (``time.monotonic()``)."""
    gray = page.astype(np.float32)
    out: list[tuple[str, Region]] = []
    for blob in _blobs(gray)[:MAX_ROWS]:
        if time.monotonic() > deadline:
            break
        row = _row(gray, blob)
        if row is not None:
            out.append(row)
    return out


def _blobs(gray: np.ndarray) -> list[_Blob]:
    """The dark, solid, elongated blobs of the smoothed page, the most elongated first."""
    # Smoothed at the bars' pitch, the page loses nothing the blobs need when every other pixel is dropped.
    smooth = ndimage.gaussian_filter(gray, JOIN_SIGMA)[::2, ::2]
    h, w = smooth.shape
    blocks = threshold_map(smooth)
    thresholds = np.repeat(np.repeat(blocks, BLOCK, axis=0), BLOCK, axis=1)[:h, :w]
    labels, count = ndimage.label(smooth < thresholds)
    if count == 0:
        return []
    n = count + 1
    area = np.bincount(labels.ravel(), minlength=n)
    keep = (area >= 3 * MIN_LENGTH / 4) & (area <= MAX_AREA / 4)
    keep[0] = False
    # Moments of the kept blobs only: on a busy page most dark pixels are specks or one sprawling shape.
    ys, xs = np.nonzero(keep[labels])
    lab = labels[ys, xs]
    safe = np.maximum(area, 1).astype(np.float64)

    def mean(values: np.ndarray) -> np.ndarray:
        out: np.ndarray = np.bincount(lab, values, minlength=n) / safe
        return out

    x, y = 2.0 * xs, 2.0 * ys
    mx, my = mean(x), mean(y)
    cxx, cyy, cxy = mean(x * x) - mx * mx, mean(y * y) - my * my, mean(x * y) - mx * my
    root = np.sqrt(((cxx - cyy) / 2) ** 2 + cxy**2)
    # A pixel of the halved page stands for two by two: its own spread (4/12) gives thin blobs their width.
    length = np.sqrt(12 * np.maximum((cxx + cyy) / 2 + root, 0) + 4)
    height = np.sqrt(12 * np.maximum((cxx + cyy) / 2 - root, 0) + 4)
    ok = keep & (length >= MIN_LENGTH) & (length >= MIN_ASPECT * height)
    # A row is a solid rectangle; text and clutter fill much less of the box their moments describe.
    ok &= 4 * area >= SOLID * length * height
    ids = np.flatnonzero(ok)
    ids = ids[np.argsort(-(length[ids] / height[ids]), kind="stable")]
    angle = 0.5 * np.arctan2(2 * cxy, cxx - cyy)
    return [_Blob((float(mx[i]), float(my[i])), float(angle[i]), float(length[i]), float(height[i])) for i in ids]


def _row(gray: np.ndarray, blob: _Blob) -> tuple[str, Region] | None:
    cx, cy = blob.centre
    # The blob may stop short of the row's ends (a tracker alone joins its neighbours less) and its centre with it.
    half_u, half_v = 0.6 * blob.length + 2 * MAX_PITCH, blob.height + 4
    # Most elongated blobs of a photo are no rows of bars, and a degree or two off its frame a row still shows its
    # bars: one look in the blob's own frame first, the search only for what passes.
    if _states(_darkness(_strip(gray, (cx, cy), blob.angle, half_u, half_v))) is None:
        return None
    # Coarse steps, then fine ones about the best: the profile across the row is sharpest when the frame is the
    # row's own (a blob's axis leans toward its ascenders or descenders).
    best = (-1.0, blob.angle)
    for step, reach in ((COARSE_STEP, TURN), (FINE_STEP, COARSE_STEP / 2)):
        centre = best[1]
        for turn in np.arange(-reach, reach + step / 2, step):
            a = centre + math.radians(float(turn))
            across = _strip(gray, (cx, cy), a, half_u, half_v, step=SEARCH_STEP).mean(axis=1)
            sharp = float(np.square(np.diff(across)).sum())
            if sharp > best[0]:
                best = (sharp, a)
    angle = best[1]
    strip = _darkness(_strip(gray, (cx, cy), angle, half_u, half_v))
    states = _states(strip)
    if states is None:
        return None
    text, (u0, u1), (v0, v1) = states
    ux, uy = math.cos(angle), math.sin(angle)
    vx, vy = -uy, ux
    corners = [(u0 - half_u, v0 - half_v), (u1 - half_u, v0 - half_v), (u1 - half_u, v1 - half_v)]
    corners.append((u0 - half_u, v1 - half_v))
    region = tuple((round(cx + a * ux + b * vx), round(cy + a * uy + b * vy)) for a, b in corners)
    return text, region


def _strip(
    gray: np.ndarray, centre: tuple[float, float], angle: float, half_u: float, half_v: float, step: float = 1.0
) -> np.ndarray:
    """Gray values of the page in the frame turned by ``angle``: rows along the bars' axis (v, a pixel apart),
    columns along the row (u, ``step`` pixels apart)."""
    u = np.arange(-half_u, half_u + 0.5, step)
    v = np.arange(-half_v, half_v + 0.5)
    uu, vv = np.meshgrid(u, v)
    ux, uy = math.cos(angle), math.sin(angle)
    x = centre[0] + uu * ux - vv * uy
    y = centre[1] + uu * uy + vv * ux
    # Beyond the page is light ground (pages come dark on light; replicated edges would be streaks).
    out: np.ndarray = ndimage.map_coordinates(gray, [y, x], order=1, mode="constant", cval=255.0)
    return out


def _darkness(values: np.ndarray) -> np.ndarray:
    """Gray values as darkness, 0 for the strip's light ground to 1 for its ink."""
    light, dark = np.percentile(values, (90, 3))
    if light - dark < MIN_CONTRAST:
        return np.zeros_like(values)
    out: np.ndarray = np.clip((light - values) / (light - dark), 0.0, 1.0)
    return out


def _band(profile: np.ndarray, level: float) -> tuple[int, int] | None:
    """The run of ``profile`` at or above ``level`` around its maximum (first and last index)."""
    peak = int(np.argmax(profile))
    if profile[peak] < level:
        return None
    below = np.flatnonzero(profile < level)
    start = int(below[below < peak].max()) + 1 if (below < peak).any() else 0
    end = int(below[below > peak].min()) - 1 if (below > peak).any() else len(profile) - 1
    return start, end


def _pitch(profile: np.ndarray) -> float | None:
    """The bars' pitch: the strongest period of the profile within the pitches a row can have."""
    p = profile - profile.mean()
    n = len(p)
    spectrum = np.abs(np.fft.rfft(p, 4 * n))  # padded, for a finer step of frequencies
    freqs = np.fft.rfftfreq(4 * n)
    ok = (freqs >= 1 / MAX_PITCH) & (freqs <= 1 / MIN_PITCH)
    if not ok.any():
        return None
    k = int(np.flatnonzero(ok)[np.argmax(spectrum[ok])])
    return float(1 / freqs[k])


def _states(strip: np.ndarray) -> tuple[str, tuple[float, float], tuple[float, float]] | None:
    across = strip.mean(axis=1)
    top = float(across.max())
    if top <= 0:
        return None
    shared = _band(across, SHARED * top)
    extent = _band(across, EXTENT * top)
    if shared is None or extent is None:
        return None
    along = strip[shared[0] : shared[1] + 1].mean(axis=0)
    pitch = _pitch(along)
    if pitch is None:
        return None
    centres = _bars(along, pitch)
    if centres is None:
        return None
    height = extent[1] - extent[0] + 1
    bands = [(extent[0], shared[0]), (shared[1] + 1, extent[1] + 1)]
    # Each bar's column: the strip's mean over the middle half of its pitch (a running sum along the row).
    half = max(1, round(pitch / 4))
    at = np.array(centres)
    lo, hi = np.maximum(at - half, 0), np.minimum(at + half + 1, strip.shape[1])
    running = np.concatenate([np.zeros((strip.shape[0], 1)), np.cumsum(strip, axis=1)], axis=1)
    columns = (running[:, hi] - running[:, lo]) / (hi - lo)
    own = columns[shared[0] : shared[1] + 1].mean(axis=0)
    if own.min() <= 0:
        return None
    reach = []
    for start, stop in bands:
        if stop - start < BAND * height:
            reach.append(np.ones(len(centres), dtype=bool))
        else:
            reach.append(columns[start:stop].mean(axis=0) >= REACHES * own)
    text = "".join("F" if a and d else "A" if a else "D" if d else "T" for a, d in zip(*reach, strict=True))
    if len(set(text)) == 1:
        return None
    return text, (centres[0] - pitch / 2, centres[-1] + pitch / 2), (float(extent[0]), float(extent[1] + 1))


def _bars(along: np.ndarray, pitch: float) -> list[int] | None:
    """The columns of the row's bars: peaks of the profile at one pitch, from the first dark one to the last."""
    n = len(along)
    smooth = ndimage.gaussian_filter1d(along, pitch / 6)
    # The grid's phase from the profile's component at the pitch; each point is snapped to its nearby peak, and
    # the grid refitted to the peaks once (the pitch found is a little off, and over a long row that adds up).
    t = np.arange(n)
    wave = np.exp(-2j * np.pi * t / pitch)
    first = (-np.angle((along * wave).sum()) / (2 * np.pi)) * pitch % pitch
    grid = np.arange(first, n, pitch)
    for _ in range(2):
        peaks, dark = _snapped(smooth, grid, pitch)
        if len(peaks) < MIN_BARS:
            return None
        bars = np.flatnonzero(dark)
        if len(bars) < MIN_BARS:
            return None
        slope, offset = np.polyfit(grid[bars], peaks[bars], 1)
        grid = slope * grid + offset
    # The longest run of dark grid points is the row.
    best, start = (0, 0), None
    for k, d in enumerate([*dark.tolist(), False]):
        if d and start is None:
            start = k
        elif not d and start is not None:
            if k - start > best[1] - best[0]:
                best = (start, k)
            start = None
    chosen: list[int] = peaks[best[0] : best[1]].tolist()
    # Two grid points snapped to one peak: the profile is no row of bars at this pitch.
    if len(chosen) < MIN_BARS or min(np.diff(chosen)) < pitch / 2:
        return None
    return chosen


def _snapped(smooth: np.ndarray, grid: np.ndarray, pitch: float) -> tuple[np.ndarray, np.ndarray]:
    """Each grid point's peak within a third of the pitch, and whether it is a bar: a peak of the profile (not
    the slope of a neighbour's) at least half as dark as the row's median peak, or three quarters as dark."""
    n = len(smooth)
    reach = max(1, round(pitch / 3))
    centre = np.clip(np.rint(grid).astype(np.int64), 0, n - 1)
    offsets = np.arange(-reach, reach + 1)
    windows = np.clip(centre[:, None] + offsets[None, :], 0, n - 1)
    peaks = windows[np.arange(len(grid)), np.argmax(smooth[windows], axis=1)]
    left, right = smooth[np.maximum(peaks - 1, 0)], smooth[np.minimum(peaks + 1, n - 1)]
    heights = smooth[peaks]
    local = (heights >= left) & (heights >= right)
    typical = float(np.median(heights))
    # Noise can shift a faint peak to its window's edge; a neighbour's slope there is only about half as dark.
    dark = (heights >= 0.5 * typical) & (local | (heights >= 0.75 * typical))
    return peaks, dark
