"""Rows of evenly spaced bars of a few heights (the four-state and two-state postal codes), sampled as strings.

Interface for the postal families (keep these names stable):

- :func:`candidates` ``(page, deadline) -> list[Candidate]``: every row of at least ``MIN_BARS`` evenly spaced
  bars of about one width, at any rotation, in a C-contiguous uint8 gray page (dark bars on light).
- :class:`Candidate`: ``states`` is one character per bar in reading order over ``"FADT"``: ``F`` full
  (ascender, tracker and descender), ``A`` ascender (tracker and the part above it), ``D`` descender (tracker and
  the part below it), ``T`` tracker only. Two-state codes (Postnet, Planet: bottom-aligned bars of two heights)
  come out as ``F`` and ``D``. ``region`` is the row's four corners in page pixels. Which end is the start is not
  known: the row turned half a turn reads :func:`flipped` (reversed, ``A`` and ``D`` exchanged).
- :func:`reader` ``(decoders, asked_only) -> found.Reader``: a Reader from ``{spec type: decode}``, where
  ``decode(states) -> (value, checksum) | None`` is a family's tables and checks, and returns a value only when
  the structure and check characters hold. The reader tries every candidate in both readings. One reader serves
  all postal families (``READERS["fourstate"]`` in the package), so that a page is sampled once.

How: the page is thresholded locally (the shared :func:`~.scanlines.threshold_map`, less the ridges a blurred
gap between thin bars leaves), its dark connected components measured by their moments (centre, axis, length and
width), and components of like width that stand side by side, a few widths apart across their axis and sharing
the tracker's stretch along it, are joined. Each group is turned into its own frame (the long axis of its bars'
centres), kept to the band its elongated bars span, sorted along the row and cut where the spacing breaks; each
row is then levelled (turned until the tops of its ascending bars and the bottoms of its descending ones lie
level), and a bar's state is where its two ends (from its moments) lie against the midpoints between the row's
outermost and innermost ends. A row whose bars are all alike is no candidate. Pages over ``MAX_PIXELS`` are sampled
shrunk by a whole factor; the largest groups are sampled first, and the deadline is heeded after the first few.

Thin bars that blur, noise and compression run together into blobs are no components of their own:
:func:`merged_candidates` reads such rows from profiles (:mod:`.bar_profile`), and the reader asks it when the
components gave nothing.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass

import numpy as np
from scipy import ndimage
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components
from scipy.spatial import cKDTree

from barcode_cloud_server.engine.recognition import bar_profile, shrink
from barcode_cloud_server.engine.recognition.found import Found, Reader
from barcode_cloud_server.engine.recognition.scanlines import BLOCK, threshold_map

Decode = Callable[[str], "tuple[str, str | None] | None"]

MIN_BARS = 8  # the shortest postal symbol (RM4SCC with one character) has 10 bars
# A bar's width in pixels: below this it is specks, above this it is not a postal code at the page's scale.
MIN_WIDTH, MAX_WIDTH = 0.8, 40.0
# Components are joined when their centres are at most this many widths apart across the bars...
REACH = 3.5
# ... and widths differ by at most this factor; a row's bars keep within it of their median width.
WIDTH_RATIO = 3.0
# No postal code's bars are longer than this many widths (zint's: 4 to 8).
TALL = 10.0
# An elongated bar (length against width) sets a group's axis; a tracker alone is nearly square.
ELONGATED = 2.2
# Bars follow each other at the row's pitch within this share of it.
PITCH_SLACK = 0.35
# ... the pitch being the median of this many gaps about a gap.
PITCH_SPAN = 9
# The ends of a row's bars lie at two levels (an ascender and not) only when these differ by this share of the
# row's height; otherwise all bars reach the one level.
LEVELS = 0.15
# A ridge (a blurred gap) is lighter than the pixels this far away on both sides.
RIDGE_STEP = 2
# What sampling costs per pixel of the page, nanoseconds, and per page, seconds, on the reference machine (see
# bench/FIGURES.md).
PAGE_NS = 350.0
PAGE_SECONDS = 0.01
# And what the pass for bars that run together adds (:mod:`.bar_profile`: its smoothing, and its few rows).
MERGED_NS = 300.0
MERGED_SECONDS = 0.02
# Larger pages are shrunk by a whole factor to at most this many pixels before they are sampled (their bars must
# then be at least twice that factor wide): the price of a page stays within a Normal scan's budget.
MAX_PIXELS = 4_000_000
# Groups of bars sampled even past the deadline (the largest ones).
ALWAYS_GROUPS = 4
# Components with at least this many pixels are too large to be a bar of any postal code here.
MAX_AREA = 40_000


@dataclass(frozen=True)
class Candidate:
    """A row of bars: their states in reading order and the row's corners in page pixels."""

    states: str
    region: tuple[tuple[int, int], ...]


_FLIP = str.maketrans("AD", "DA")


def flipped(states: str) -> str:
    """The same row read from its other end (the symbol turned half a turn): reversed, A and D exchanged."""
    return states[::-1].translate(_FLIP)


def price(shape: tuple[int, int]) -> float:
    """What :func:`candidates` costs on a page of this shape, seconds."""
    k = shrink.factor(shape, MAX_PIXELS)
    return PAGE_SECONDS + MERGED_SECONDS + (shape[0] // k) * (shape[1] // k) * (PAGE_NS + MERGED_NS) * 1e-9


@dataclass(frozen=True)
class _Components:
    cx: np.ndarray
    cy: np.ndarray
    length: np.ndarray  # along the component's major axis, pixels
    width: np.ndarray
    angle: np.ndarray  # of the major axis, radians in (-pi/2, pi/2]


def _dark(page: np.ndarray) -> np.ndarray:
    """Dark pixels: below the local threshold, and not a ridge between two thin bars (a blurred gap never gets
    back to white, but it is lighter than the pixels two away on either side, in one of four directions, by half
    their depth below the threshold or more: ``g - s > (t - s) / 2``, that is ``2g - t > s`` for both sides)."""
    h, w = page.shape
    blocks = np.rint(threshold_map(page)).astype(np.int16)
    thresholds = np.repeat(np.repeat(blocks, BLOCK, axis=0), BLOCK, axis=1)[:h, :w]
    gray = page.astype(np.int16)
    dark: np.ndarray = gray < thresholds
    lifted = 2 * gray - thresholds
    s = RIDGE_STEP
    padded = np.pad(gray, s, mode="edge")
    for dy, dx in ((0, s), (s, 0), (s, s), (s, -s)):
        before = padded[s - dy : s - dy + h, s - dx : s - dx + w]
        after = padded[s + dy : s + dy + h, s + dx : s + dx + w]
        dark &= (lifted <= before) | (lifted <= after)
    return dark


def _components(dark: np.ndarray) -> _Components | None:
    labels, count = ndimage.label(dark, structure=np.ones((3, 3), dtype=bool))
    if count == 0:
        return None
    n = count + 1
    area = np.bincount(labels.ravel(), minlength=n)
    keep = (area >= 3) & (area <= MAX_AREA)
    keep[0] = False
    # Moments of the kept components only: on a busy page most components are specks.
    ys, xs = np.nonzero(keep[labels])
    lab = labels[ys, xs]
    x, y = xs.astype(np.float64), ys.astype(np.float64)
    safe = np.maximum(area, 1).astype(np.float64)

    def mean(weights: np.ndarray) -> np.ndarray:
        out: np.ndarray = np.bincount(lab, weights, minlength=n) / safe
        return out

    mx, my = mean(x), mean(y)
    # Central second moments from the raw ones, plus a pixel's own spread (1/12) so that one-pixel-wide bars
    # have a width.
    cxx = mean(x * x) - mx * mx + 1 / 12
    cyy = mean(y * y) - my * my + 1 / 12
    cxy = mean(x * y) - mx * my
    ids = np.flatnonzero(keep)
    cxx, cyy, cxy = cxx[ids], cyy[ids], cxy[ids]
    half_trace = (cxx + cyy) / 2
    root = np.sqrt(((cxx - cyy) / 2) ** 2 + cxy**2)
    major, minor = half_trace + root, np.maximum(half_trace - root, 1e-6)
    length, width = np.sqrt(12 * major), np.sqrt(12 * minor)
    # Solid rectangles only: a letter or a blot fills much less of the box its moments describe.
    solid = area[ids] >= 0.6 * length * width
    good = solid & (width >= MIN_WIDTH) & (width <= MAX_WIDTH)
    ids = ids[good]
    angle = 0.5 * np.arctan2(2 * cxy[good], (cxx - cyy)[good])
    return _Components(mx[ids], my[ids], length[good], width[good], angle)


def _groups(c: _Components) -> list[np.ndarray]:
    """Indices of components joined into rows of side-by-side bars (before the rows' checks)."""
    n = len(c.cx)
    if n < MIN_BARS:
        return []
    points = np.column_stack([c.cx, c.cy])
    tree = cKDTree(points)
    # Neighbours are within reach across the bars and up to a bar's length along them (an ascender beside a
    # descender); a postal bar is at most TALL widths long.
    reach = REACH * c.width + np.minimum(c.length, TALL * c.width) + 1
    near = tree.query_ball_point(points, r=reach, return_sorted=False)
    counts = np.fromiter((len(x) for x in near), dtype=np.int64, count=n)
    if counts.sum() == 0:
        return []
    i = np.repeat(np.arange(n), counts)
    j = np.fromiter((k for x in near for k in x), dtype=np.int64, count=int(counts.sum()))
    # Each pair comes from the query of either or both of its members: duplicates join nothing new.
    other = i != j
    i, j = i[other], j[other]
    wi, wj = c.width[i], c.width[j]
    wide = np.maximum(wi, wj)
    ok = wide <= WIDTH_RATIO * np.minimum(wi, wj)
    ddx, ddy = c.cx[j] - c.cx[i], c.cy[j] - c.cy[i]
    # Across the bars: measured in the frame of the more elongated of the two (a tracker's own axis means little).
    first = c.length[i] / c.width[i] >= c.length[j] / c.width[j]
    ang = np.where(first, c.angle[i], c.angle[j])
    along = np.abs(ddx * np.cos(ang) + ddy * np.sin(ang))
    across = np.abs(-ddx * np.sin(ang) + ddy * np.cos(ang))
    # Side by side, they share the tracker's stretch of their axis.
    shared = 0.5 * (c.length[i] + c.length[j]) - along
    ok &= (across <= REACH * wide) & (across >= 0.8 * wide) & (shared >= 0.25 * np.minimum(c.length[i], c.length[j]))
    # Two elongated bars must be parallel.
    both = (c.length[i] >= ELONGATED * wi) & (c.length[j] >= ELONGATED * wj)
    turn = np.abs((c.angle[i] - c.angle[j] + np.pi / 2) % np.pi - np.pi / 2)
    ok &= ~both | (turn <= math.radians(12))
    graph = coo_matrix((np.ones(int(ok.sum())), (i[ok], j[ok])), shape=(n, n))
    count, label = connected_components(graph, directed=False)
    sizes = np.bincount(label, minlength=count)
    order = np.argsort(label, kind="stable")
    starts = np.concatenate([[0], np.cumsum(sizes)])
    return [order[starts[g] : starts[g + 1]] for g in np.flatnonzero(sizes >= MIN_BARS)]


def _rows(c: _Components, members: np.ndarray) -> list[Candidate]:
    elongated = members[c.length[members] >= ELONGATED * c.width[members]]
    if len(elongated) < 2:
        return []
    # The row's direction: the long axis of its bars' centres (a thin bar's own axis is steps of pixels, a
    # degree or more off, and over a long row that moves the ends of the bars by more than an ascender).
    px, py = c.cx[members] - c.cx[members].mean(), c.cy[members] - c.cy[members].mean()
    direction = 0.5 * math.atan2(float(2 * (px * py).sum()), float((px * px - py * py).sum()))
    # Reading direction, pointing rightward, and downward for rows within a degree of upright; the bars' "down"
    # is to its right.
    if direction < math.radians(1) - math.pi / 2:
        direction += math.pi
    ux, uy = math.cos(direction), math.sin(direction)
    vx, vy = -uy, ux
    u = c.cx[members] * ux + c.cy[members] * uy
    v = c.cx[members] * vx + c.cy[members] * vy
    # The row's full bars: its longest (a row may hold only a few).
    tall = float(c.length[elongated].max())
    centre = float(np.median(v[np.isin(members, elongated)]))
    width = float(np.median(c.width[elongated]))
    inside = (np.abs(v - centre) <= 0.5 * tall) & (c.length[members] <= 1.3 * tall)
    inside &= (c.width[members] <= WIDTH_RATIO * width) & (c.width[members] >= width / WIDTH_RATIO)
    members, u = members[inside], u[inside]
    order = np.argsort(u)
    members, u = members[order], u[order]
    out: list[Candidate] = []
    for run in _even_runs(u):
        out += _sample(c, members[run], (ux, uy), (vx, vy))
    return out


def _even_runs(u: np.ndarray) -> list[np.ndarray]:
    """Index runs of at least ``MIN_BARS`` positions that follow each other at a pitch that changes slowly."""
    if len(u) < MIN_BARS:
        return []
    gaps = np.diff(u)
    pitch = float(np.median(gaps))
    if pitch <= 0:
        return []
    # At the row's pitch, or at the pitch of the bars about the gap: seen at an angle, a row's far end is narrower
    # than its near one.
    local = ndimage.median_filter(gaps, size=PITCH_SPAN, mode="nearest")
    regular = (np.abs(gaps - pitch) <= PITCH_SLACK * pitch) | (np.abs(gaps - local) <= PITCH_SLACK * local)
    runs: list[np.ndarray] = []
    start = 0
    for k in [*np.flatnonzero(~regular).tolist(), len(gaps)]:
        if k + 1 - start >= MIN_BARS:
            runs.append(np.arange(start, k + 1))
        start = k + 1
    return runs


def _ends(c: _Components, bars: np.ndarray, v_axis: tuple[float, float]) -> tuple[np.ndarray, np.ndarray]:
    """Each bar's ends along the bars' axis, from its moments: a rectangle of its length and width at its angle."""
    centre = c.cx[bars] * v_axis[0] + c.cy[bars] * v_axis[1]
    turn = c.angle[bars] - math.atan2(v_axis[1], v_axis[0])
    half = 0.5 * (c.length[bars] * np.abs(np.cos(turn)) + c.width[bars] * np.abs(np.sin(turn)))
    return centre - half, centre + half


def _levelled(
    c: _Components, bars: np.ndarray, u_axis: tuple[float, float], v_axis: tuple[float, float]
) -> tuple[tuple[float, float], tuple[float, float]]:
    """The row's axes turned so that the tops of its ascending bars and the bottoms of its descending ones lie
    level: the bars' centres, which the first direction comes from, sit higher for ascenders and lower for
    descenders, so a row with more of one than the other comes out tilted, and its far ends are misjudged."""
    top, bottom = _ends(c, bars, v_axis)
    height = float(bottom.max() - top.min())
    if height <= 0:
        return u_axis, v_axis
    u = c.cx[bars] * u_axis[0] + c.cy[bars] * u_axis[1]
    num = den = 0.0
    for ends, reach in ((top, _upper(top, height, low=True)), (bottom, _upper(bottom, height, low=False))):
        if int(reach.sum()) >= 2:
            du, dv = u[reach] - u[reach].mean(), ends[reach] - ends[reach].mean()
            num, den = num + float((du * dv).sum()), den + float((du * du).sum())
    if den <= 0:
        return u_axis, v_axis
    slope = num / den
    ux, uy = u_axis[0] + slope * v_axis[0], u_axis[1] + slope * v_axis[1]
    norm = math.hypot(ux, uy)
    ux, uy = ux / norm, uy / norm
    return (ux, uy), (-uy, ux)


def _sample(
    c: _Components, bars: np.ndarray, u_axis: tuple[float, float], v_axis: tuple[float, float]
) -> list[Candidate]:
    for _ in range(2):  # the first pass judges ascenders and descenders in the tilted frame; the second settles them
        u_axis, v_axis = _levelled(c, bars, u_axis, v_axis)
    top, bottom = _ends(c, bars, v_axis)
    height = float(bottom.max() - top.min())
    if height <= 0:
        return []
    ascends = _upper(top, height, low=True)
    descends = _upper(bottom, height, low=False)
    # A tracker must still be a bar of the row: it spans the band every bar shares.
    shared_top, shared_bottom = float(top.max()), float(bottom.min())
    if shared_bottom - shared_top < 0.1 * height:
        return []
    states = "".join(
        "F" if a and d else "A" if a else "D" if d else "T" for a, d in zip(ascends, descends, strict=True)
    )
    if len(set(states)) == 1:  # bars all alike carry nothing: stripes, a linear symbol's bars
        return []
    u = c.cx[bars] * u_axis[0] + c.cy[bars] * u_axis[1]
    side = float(np.median(c.width[bars])) / 2
    u0, u1 = float(u.min()) - side, float(u.max()) + side
    v0, v1 = float(top.min()), float(bottom.max())
    corners = [(u0, v0), (u1, v0), (u1, v1), (u0, v1)]
    region = tuple((round(a * u_axis[0] + b * v_axis[0]), round(a * u_axis[1] + b * v_axis[1])) for a, b in corners)
    return [Candidate(states, region)]


def _upper(ends: np.ndarray, height: float, *, low: bool) -> np.ndarray:
    """Which bars reach beyond the tracker at this end (``low``: the tops, the smaller the further out)."""
    lo, hi = float(ends.min()), float(ends.max())
    if hi - lo < LEVELS * height:
        return np.ones(len(ends), dtype=bool)
    middle = (lo + hi) / 2
    out: np.ndarray = ends < middle if low else ends > middle
    return out


def _scaled(rows: list[Candidate], k: int) -> list[Candidate]:
    return rows if k == 1 else [Candidate(c.states, tuple((x * k, y * k) for x, y in c.region)) for c in rows]


def candidates(page: np.ndarray, deadline: float = math.inf) -> list[Candidate]:
    """Every row of evenly spaced bars in a gray page; sampling stops at ``deadline`` (``time.monotonic()``)
    with the rows found so far."""
    found: list[Candidate] = []
    page, k = shrink.shrunk(page, MAX_PIXELS)
    if min(page.shape) < 8:
        return found
    comps = _components(_dark(page))
    if comps is None:
        return found
    # The largest groups first, and the first few whatever the clock says: the page's sampling, most of the
    # cost, is spent by then, and a busy machine should not lose the symbol for the price of a few groups.
    groups = sorted(_groups(comps), key=len, reverse=True)
    for rank, members in enumerate(groups):
        if rank >= ALWAYS_GROUPS and time.monotonic() > deadline:
            break
        found += _rows(comps, members)
    return _scaled(found, k)


def merged_candidates(page: np.ndarray, deadline: float = math.inf) -> list[Candidate]:
    """Rows of bars too thin and spoilt to stand apart (:mod:`.bar_profile`); sampling stops at ``deadline``."""
    small, k = shrink.shrunk(page, MAX_PIXELS)
    if min(small.shape) < 8:
        return []
    rows = [Candidate(states, region) for states, region in bar_profile.rows(small, deadline)]
    return _scaled(rows, k)


def _same(a: Found, b: Found) -> bool:
    """Whether two reads are one symbol: the same value where their boxes overlap."""
    if (a.type, a.value) != (b.type, b.value):
        return False
    ax, ay = [x for x, _ in a.region], [y for _, y in a.region]
    bx, by = [x for x, _ in b.region], [y for _, y in b.region]
    return min(ax) <= max(bx) and min(bx) <= max(ax) and min(ay) <= max(by) and min(by) <= max(ay)


def reader(decoders: Mapping[str, Decode], asked_only: frozenset[str] = frozenset()) -> Reader:
    """A :class:`~.found.Reader` of the postal types ``decoders`` reads: ``{spec type: decode}``."""

    def read(rows: list[Candidate], types: frozenset[str], out: list[Found]) -> None:
        for row in rows:
            for name in sorted(types & decoders.keys()):
                for states in (row.states, flipped(row.states)):
                    got = decoders[name](states)
                    if got is not None:
                        found = Found(name, got[0], got[1], row.region)
                        if not any(_same(found, other) for other in out):
                            out.append(found)
                        break

    def find(page: np.ndarray, types: frozenset[str], deadline: float) -> list[Found]:
        out: list[Found] = []
        read(candidates(page, deadline), types, out)
        # Rows whose bars run together are looked for only on pages where nothing was read: their sampling costs
        # more than the components' (their text lines are sampled too), and most symbols need none of it.
        if not out and time.monotonic() < deadline:
            read(merged_candidates(page, deadline), types, out)
        return out

    return Reader(frozenset(decoders), find, price, asked_only)
