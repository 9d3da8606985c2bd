"""DotCode and GS1 DotCode (AIM ISS DotCode rev 4.0, ISO/IEC 21471): finding the dots of a symbol in a page.

DotCode has no finder pattern: its dots sit on the places of a square grid where column + row is even, which is a
square lattice of its own, turned 45 degrees and a diagonal apart. So the page's dark spots are found (local minima
of the lightly smoothed page, darker than the middle of their surroundings, at a few scales of the page), spots a
few lattice steps apart are grouped, and each group fitted to a lattice: the direction and length of the steps to
the nearest neighbours give a first lattice, and a least-squares fit of the spots to their lattice points (an
affine map: a slightly slanted photo still fits) refines it. The lattice points the spots cover give the symbol's
columns and rows; every dot place is then sampled and thresholded between the two levels the places hold.

Which corner is the symbol's first is decided the way the specification leaves it to the reader: of the eight
ways to turn and mirror the grid, those with a dot place at the top left are read as a symbol, and Reed-Solomon
(``dotcode_codewords``) says which holds.
"""

from __future__ import annotations

import math
import time

import numpy as np
from scipy import ndimage
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components
from scipy.spatial import cKDTree

from barcode_cloud_server.engine.recognition import dotcode_codewords
from barcode_cloud_server.engine.recognition.found import Found, Reader

TYPES = frozenset({"DotCode", "GS1DotCode"})
# Smoothing of each scale of the page, pixels: a dot two pixels wide keeps one minimum, noise mostly none.
SMOOTHING = 0.8
# A spot is darker than the middle of the lightest and darkest of the pixels around it (this window, pixels of
# the scale), where those differ by at least this much (of 255).
WINDOW = 9
CONTRAST = 24.0
# Spots this many times the distance to their nearest neighbour apart belong to one group (a symbol's places
# are a diagonal apart, its empty stretches rarely more than two places).
LINK = 2.3
MIN_SPOTS = 12
# A spot lies on the lattice when it is this close (in lattice steps) to a lattice point, and a group is a symbol
# when most of its spots do.
ON_LATTICE = 0.3
MIN_ON_LATTICE = 0.75
MAX_SIDE = 200
# Scales of the page searched (pixels of the page per pixel searched): modules of about 3-6 pixels at each. The
# page is doubled for modules of two pixels, whose diagonal neighbours blur into one another at their own size.
SCALES = (0.5, 1.0, 2.0, 4.0)
# What a search costs on the reference machine: per pixel of the page (all scales: smoothing, filters, spots), and
# per page (bench/FIGURES.md).
PIXEL_NS = 150.0
BASE_SECONDS = 0.05


# Minima among the four nearest neighbours only: dots two pixels wide touch their diagonal neighbours' corners.
_CROSS = np.array([[0, 1, 0], [1, 1, 1], [0, 1, 0]], dtype=bool)


def _spots(page: np.ndarray) -> np.ndarray:
    """The dark spots of one scale of the page, as (x, y) rows."""
    smooth = ndimage.gaussian_filter(page.astype(np.float32), SMOOTHING)
    low = ndimage.minimum_filter(smooth, WINDOW)
    high = ndimage.maximum_filter(smooth, WINDOW)
    h, w = smooth.shape
    # A slope far below the contrast breaks the ties of flat-bottomed dots, so that each keeps one minimum.
    ties = np.arange(w, dtype=np.float32)[None, :] * 1e-4 + np.arange(h, dtype=np.float32)[:, None] * 1.3e-4
    tied = smooth + ties
    spot = (
        (tied == ndimage.minimum_filter(tied, footprint=_CROSS))
        & (smooth < (low + high) / 2)
        & (high - low >= CONTRAST)
    )
    ys, xs = np.nonzero(spot)
    if len(xs) == 0:
        return np.zeros((0, 2))
    # A flat dot wider than two pixels can keep two minima a diagonal apart: the darker stays.
    close = cKDTree(np.stack([xs, ys], axis=1)).query_pairs(1.5, output_type="ndarray")
    if len(close):
        level = tied[ys, xs]
        i, j = close[:, 0], close[:, 1]
        drop = np.where(level[i] > level[j], i, j)
        keep = np.ones(len(xs), dtype=bool)
        keep[drop] = False
        ys, xs = ys[keep], xs[keep]
    # Sub-pixel centres: the darkness-weighted mean of each spot's 3 x 3 neighbourhood.
    depth = np.maximum((low + high) / 2 - smooth, 0)
    padded = np.pad(depth, 1)
    sx = np.zeros(len(xs))
    sy = np.zeros(len(xs))
    total = np.zeros(len(xs))
    for dy in (-1, 0, 1):
        for dx in (-1, 0, 1):
            weight = padded[ys + 1 + dy, xs + 1 + dx]
            sx += weight * dx
            sy += weight * dy
            total += weight
    total = np.maximum(total, 1e-6)
    return np.stack([xs + sx / total, ys + sy / total], axis=1)


def _groups(points: np.ndarray) -> list[np.ndarray]:
    """Indices of the spots of each group large enough to be a symbol."""
    if len(points) < MIN_SPOTS:
        return []
    tree = cKDTree(points)
    nearest, _ = tree.query(points, k=2)
    step = nearest[:, 1]
    pairs = tree.query_pairs(float(np.percentile(step, 90)) * LINK, output_type="ndarray")
    if len(pairs) == 0:
        return []
    d = np.linalg.norm(points[pairs[:, 0]] - points[pairs[:, 1]], axis=1)
    keep = d <= LINK * np.minimum(step[pairs[:, 0]], step[pairs[:, 1]])
    pairs = pairs[keep]
    n = len(points)
    graph = coo_matrix((np.ones(len(pairs)), (pairs[:, 0], pairs[:, 1])), shape=(n, n))
    count, labels = connected_components(graph, directed=False)
    sizes = np.bincount(labels, minlength=count)
    return [np.flatnonzero(labels == k) for k in np.flatnonzero(sizes >= MIN_SPOTS)]


class _Lattice:
    """Page position = origin + s * a + t * b for lattice point (s, t): a and b are the diagonal steps between
    dot places; column = s - t, row = s + t."""

    def __init__(self, origin: np.ndarray, a: np.ndarray, b: np.ndarray) -> None:
        self.origin, self.a, self.b = origin, a, b

    def coordinates(self, points: np.ndarray) -> np.ndarray:
        basis = np.stack([self.a, self.b], axis=1)
        return np.linalg.solve(basis, (points - self.origin).T).T

    def position(self, column: np.ndarray, row: np.ndarray) -> np.ndarray:
        s, t = (column + row) / 2.0, (row - column) / 2.0
        return self.origin + s[..., None] * self.a + t[..., None] * self.b  # type: ignore[no-any-return]


def _lattice(points: np.ndarray) -> tuple[_Lattice, np.ndarray] | None:
    """The lattice a group of spots lies on and the spots that do, or None."""
    tree = cKDTree(points)
    dist, index = tree.query(points, k=min(5, len(points)))
    nearest = float(np.median(dist[:, 1]))
    vectors = points[index[:, 1:]] - points[:, None, :]
    lengths = dist[:, 1:]
    near = (lengths > 0) & (lengths <= 1.25 * nearest)
    v = vectors[near]
    if len(v) < MIN_SPOTS:
        return None
    angle4 = 4 * np.arctan2(v[:, 1], v[:, 0])
    phi = math.atan2(float(np.sin(angle4).mean()), float(np.cos(angle4).mean())) / 4
    step = float(np.median(lengths[near]))
    a = step * np.array([math.cos(phi), math.sin(phi)])
    b = step * np.array([-math.sin(phi), math.cos(phi)])
    centre = points[np.argmin(np.linalg.norm(points - points.mean(axis=0), axis=1))]
    lattice = _Lattice(centre, a, b)
    # The first lattice is a few per cent off (blur pulls neighbouring spots together): fitted near the centre
    # first, then farther out.
    reach = np.linalg.norm(points - centre, axis=1) / step
    for radius in (3.0, 6.0, 12.0, math.inf, math.inf):
        st = lattice.coordinates(points)
        whole = np.rint(st)
        inliers = (np.abs(st - whole).max(axis=1) <= ON_LATTICE) & (reach <= radius)
        if inliers.sum() < min(MIN_SPOTS, 6):
            return None
        design = np.column_stack([np.ones(int(inliers.sum())), whole[inliers]])
        fit, *_ = np.linalg.lstsq(design, points[inliers], rcond=None)
        if abs(float(fit[1, 0] * fit[2, 1] - fit[1, 1] * fit[2, 0])) < 0.5 * step * step:  # no lattice spanned
            return None
        lattice = _Lattice(fit[0], fit[1], fit[2])
    st = lattice.coordinates(points)
    inliers = np.abs(st - np.rint(st)).max(axis=1) <= ON_LATTICE
    if inliers.mean() < MIN_ON_LATTICE or inliers.sum() < MIN_SPOTS:
        return None
    return lattice, np.rint(st[inliers]).astype(int)


# The eight ways to turn and mirror a grid.
_ORIENTATIONS = [(k, flip) for flip in (False, True) for k in range(4)]


def _orient(grid: np.ndarray, k: int, flip: bool) -> np.ndarray:
    return np.rot90(grid.T if flip else grid, k)


def _read_grid(dark: np.ndarray, place: np.ndarray) -> dotcode_codewords.Read | None:
    for k, flip in _ORIENTATIONS:
        p = _orient(place, k, flip)
        if not p[0, 0]:
            continue
        g = _orient(dark, k, flip)
        h, w = g.shape
        read = dotcode_codewords.read([int(g[r, c]) for r, c in dotcode_codewords.places(w, h)])
        if read is not None:
            return read
    return None


def _threshold(values: np.ndarray) -> float:
    """Between the two levels of the sampled places (two-means)."""
    lo, hi = float(values.min()), float(values.max())
    t = (lo + hi) / 2
    for _ in range(10):
        dark, light = values[values < t], values[values >= t]
        if len(dark) == 0 or len(light) == 0:
            break
        t = (float(dark.mean()) + float(light.mean())) / 2
    return t


def _boxes(cr: np.ndarray) -> list[tuple[int, int, int, int]]:
    """Column and row ranges (first, last) the symbol may have: the spots' extent, or one wider or taller when an
    edge row or column has no dots (columns + rows must be odd)."""
    c0, c1 = int(cr[:, 0].min()), int(cr[:, 0].max())
    r0, r1 = int(cr[:, 1].min()), int(cr[:, 1].max())
    if (c1 - c0 + r1 - r0) % 2:  # width + height odd
        return [(c0, c1, r0, r1)]
    return [(c0 - 1, c1, r0, r1), (c0, c1 + 1, r0, r1), (c0, c1, r0 - 1, r1), (c0, c1, r0, r1 + 1)]


def _symbol(smooth: np.ndarray, points: np.ndarray, scale: float) -> Found | None:
    fitted = _lattice(points)
    if fitted is None:
        return None
    lattice, st = fitted
    cr = np.stack([st[:, 0] - st[:, 1], st[:, 0] + st[:, 1]], axis=1)
    for c0, c1, r0, r1 in _boxes(cr):
        w, h = c1 - c0 + 1, r1 - r0 + 1
        if min(w, h) < 5 or max(w, h) > MAX_SIDE:
            continue
        columns, rows = np.meshgrid(np.arange(c0, c1 + 1), np.arange(r0, r1 + 1))
        place = (columns + rows) % 2 == 0
        xy = lattice.position(columns.astype(float), rows.astype(float))
        values = ndimage.map_coordinates(smooth, [xy[..., 1], xy[..., 0]], order=1, mode="nearest")
        if not place.any():
            continue
        dark = (values < _threshold(values[place])) & place
        read = _read_grid(dark, place)
        if read is None:
            continue
        corners = lattice.position(
            np.array([c0 - 0.5, c1 + 0.5, c1 + 0.5, c0 - 0.5]), np.array([r0 - 0.5, r0 - 0.5, r1 + 0.5, r1 + 0.5])
        )
        region = tuple((round(float(x) * scale), round(float(y) * scale)) for x, y in corners)
        kind = "GS1DotCode" if read.message.gs1 else "DotCode"
        return Found(kind, read.message.text, None, region)
    return None


def _scaled(page: np.ndarray, scale: float) -> np.ndarray:
    if scale < 1:
        return np.repeat(np.repeat(page.astype(np.float32), 2, axis=0), 2, axis=1)
    if scale == 1:
        return page.astype(np.float32)
    factor = int(scale)
    h, w = (page.shape[0] // factor) * factor, (page.shape[1] // factor) * factor
    blocks = page[:h, :w].astype(np.float32).reshape(h // factor, factor, w // factor, factor)
    return blocks.mean(axis=(1, 3))  # type: ignore[no-any-return]


def _inside(x: float, y: float, region: tuple[tuple[int, int], ...]) -> bool:
    xs = [p[0] for p in region]
    ys = [p[1] for p in region]
    return min(xs) <= x <= max(xs) and min(ys) <= y <= max(ys)


def find(page: np.ndarray, types: frozenset[str], deadline: float = math.inf) -> list[Found]:
    found: list[Found] = []
    for scale in SCALES:
        if min(page.shape) / scale < 16 or time.monotonic() > deadline:
            break
        level = _scaled(page, scale)
        points = _spots(level)
        smooth = ndimage.gaussian_filter(level, SMOOTHING)
        for members in _groups(points):
            if time.monotonic() > deadline:
                break
            group = points[members]
            cx, cy = group.mean(axis=0) * scale
            if any(_inside(cx, cy, f.region) for f in found):
                continue
            symbol = _symbol(smooth, group, scale)
            if symbol is not None:
                found.append(symbol)
    return [f for f in found if f.type in types]


def price(shape: tuple[int, int]) -> float:
    return BASE_SECONDS + shape[0] * shape[1] * PIXEL_NS * 1e-9


READER = Reader(TYPES, find, price)
