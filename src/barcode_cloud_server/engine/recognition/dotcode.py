"""DotCode and GS1 DotCode (AIM ISS DotCode rev 4.0, ISO/IEC 21471): finding the dots of a symbol in a page.

DotCode has no finder pattern: its dots sit on the places of a square grid where column + row is even, which is a
square lattice of its own, turned 45 degrees and a diagonal apart. So the page's dark spots are found (local minima
of the lightly smoothed page, darker than the middle of their surroundings, at a few scales of the page), spots a
few lattice steps apart are grouped, and each group whose steps to its nearest neighbours point one way (text
and pictures' do not) is fitted to a lattice: the direction and length of those steps give a first lattice, and
least-squares fits of the spots to their lattice points, growing out from the centre, refine it (an affine map
near the centre, then a homography: a photo taken at an angle still fits). The places the dark spots cover give
the symbol's columns and rows; every dot place is then sampled and thresholded between the two levels the places
hold. Dots of about two pixels blur into their diagonal neighbours, so a group that close is read again on the
page around it doubled; there blur pulls neighbouring dots' spots together, shortening the steps between them but
not the period the spots repeat at, which gives the first lattice's steps instead. A symbol with wide empty
stretches falls into several groups: a looser grouping joins them.

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
NOISE_CONTRAST = 10.0
# Spots this many times the distance to their nearest neighbour apart belong to one group (a symbol's places
# are a diagonal apart, its empty stretches rarely more than two places).
LINK = 2.3
MIN_SPOTS = 12
# A spot lies on the lattice when it is this close (in lattice steps) to a lattice point, and a group is a symbol
# when most of its spots do.
ON_LATTICE = 0.3
MIN_ON_LATTICE = 0.75
MAX_SIDE = 200
# More spots than this at one scale of a page are texture or noise (the largest symbol has 20,000 dot places).
MAX_SPOTS = 150_000
# Scales of the page searched (pixels of the page per pixel searched): modules of about 3-6 pixels at each.
SCALES = (1.0, 2.0, 4.0, 8.0)
# Groups whose spots are closer than this (pixels; a module of about 2.5) are read again with the page around
# them doubled: dots of two pixels blur into their diagonal neighbours at their own size. Such groups are the
# looser ones (spots this many times their nearest neighbour's distance apart: small dots blur away), the page
# doubled this many lattice steps around them, in a few places a page, smoothed more, and sharpened (this much of
# an unsharp mask) when the doubled part does not read as it is.
FINE_STEP = 3.6
FINE_LINK = 4.0
FINE_MARGIN = 10.0
FINE_CROPS = 4
FINE_GROUPS = 3  # the largest groups of each grouping of the doubled part tried
FINE_SMOOTHING = 1.2
SHARPEN = 1.0
# A group is fitted to a lattice only when the directions to its spots' nearest neighbours agree this well (the
# length of the mean of their unit vectors, at four times their angles): DotCode's do, turned, blurred or noisy;
# most groups of text and pictures' spots do not.
COHERENCE = 0.6
# Pages larger than this are searched from half their size on (modules of three pixels and more): their full
# size costs seconds.
FULL_SIZE_PIXELS = 4_000_000
# What a search costs on the reference machine (CPU time; bench/bench_stacked_price.py --readers dotcode): per
# pixel searched, summed over the scales (smoothing, filters, spots, groups), and per page.
PIXEL_NS = 600.0
BASE_SECONDS = 0.05


# Minima among the four nearest neighbours only: dots two pixels wide touch their diagonal neighbours' corners.
_CROSS = np.array([[0, 1, 0], [1, 1, 1], [0, 1, 0]], dtype=bool)


def _spots(page: np.ndarray, smoothing: float = SMOOTHING) -> np.ndarray:
    """The dark spots of one scale of the page, as (x, y) rows."""
    smooth = ndimage.gaussian_filter(page.astype(np.float32), smoothing)
    low = ndimage.minimum_filter(smooth, WINDOW)
    high = ndimage.maximum_filter(smooth, WINDOW)
    h, w = smooth.shape
    # A slope far below the contrast breaks the ties of flat-bottomed dots, so that each keeps one minimum.
    ties = np.arange(w, dtype=np.float32)[None, :] * 1e-4 + np.arange(h, dtype=np.float32)[:, None] * 1.3e-4
    tied = smooth + ties
    # Noise spans a window too: the contrast asked for grows with the page's noise (the typical step between
    # neighbouring pixels, which flat paper sets).
    noise = float(np.median(np.abs(np.diff(smooth[:: max(1, h // 256)], axis=1))))
    spot = (
        (tied == ndimage.minimum_filter(tied, footprint=_CROSS))
        & (smooth < (low + high) / 2)
        & (high - low >= max(CONTRAST, NOISE_CONTRAST * noise))
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


def _groups(points: np.ndarray) -> tuple[list[np.ndarray], list[np.ndarray]]:
    """Indices of the spots of each group large enough to be a symbol: grouped strictly (spots ``LINK`` times the
    distance to their nearest neighbour apart) and loosely (``FINE_LINK`` times), from one search for neighbours."""
    if len(points) < MIN_SPOTS:
        return [], []
    tree = cKDTree(points)
    nearest, _ = tree.query(points, k=2)
    step = nearest[:, 1]
    typical = float(np.percentile(step, 90))
    pairs = tree.query_pairs(typical * FINE_LINK, output_type="ndarray").reshape(-1, 2)
    d = np.linalg.norm(points[pairs[:, 0]] - points[pairs[:, 1]], axis=1)
    reach = np.minimum(np.minimum(step[pairs[:, 0]], step[pairs[:, 1]]), typical)

    def components(linked: np.ndarray) -> list[np.ndarray]:
        n = len(points)
        graph = coo_matrix((np.ones(len(linked)), (linked[:, 0], linked[:, 1])), shape=(n, n))
        count, labels = connected_components(graph, directed=False)
        sizes = np.bincount(labels, minlength=count)
        return [np.flatnonzero(labels == k) for k in np.flatnonzero(sizes >= MIN_SPOTS)]

    return components(pairs[d <= LINK * reach]), components(pairs[d <= FINE_LINK * reach])


def _candidates(strict: list[np.ndarray], loose: list[np.ndarray], largest: int | None = None) -> list[np.ndarray]:
    """The groups of spots tried as symbols (the ``largest`` of each grouping): a symbol with wide empty stretches
    falls into several strict groups, so the loose groups that join them are tried after the strict ones."""
    joined = [g for g in loose if not any(len(g) == len(s) for s in strict if g[0] in s)]
    return sorted(strict, key=len, reverse=True)[:largest] + sorted(joined, key=len, reverse=True)[:largest]


class _Lattice:
    """Page position of lattice point (s, t) through a homography (a photo seen at an angle stays a lattice, its
    steps shrinking towards the far side): column = s - t, row = s + t, and s and t are the diagonal steps
    between dot places."""

    def __init__(self, matrix: np.ndarray) -> None:
        self.matrix = matrix / matrix[2, 2]
        self.inverse = np.linalg.inv(self.matrix)

    @staticmethod
    def affine(origin: np.ndarray, a: np.ndarray, b: np.ndarray) -> np.ndarray:
        """The matrix of position = origin + s * a + t * b."""
        return np.array([[a[0], b[0], origin[0]], [a[1], b[1], origin[1]], [0.0, 0.0, 1.0]])

    @staticmethod
    def _apply(matrix: np.ndarray, x: np.ndarray, y: np.ndarray) -> np.ndarray:
        u = matrix[0, 0] * x + matrix[0, 1] * y + matrix[0, 2]
        v = matrix[1, 0] * x + matrix[1, 1] * y + matrix[1, 2]
        w = matrix[2, 0] * x + matrix[2, 1] * y + matrix[2, 2]
        return np.stack([u / w, v / w], axis=-1)

    def coordinates(self, points: np.ndarray) -> np.ndarray:
        return self._apply(self.inverse, points[:, 0], points[:, 1])

    def position(self, column: np.ndarray, row: np.ndarray) -> np.ndarray:
        return self._apply(self.matrix, (column + row) / 2.0, (row - column) / 2.0)


def _homography(st: np.ndarray, xy: np.ndarray) -> np.ndarray | None:
    """The least-squares homography taking lattice points to page points (direct linear transform, both sides
    centred and scaled first so that the system is well conditioned)."""

    def normalise(p: np.ndarray) -> np.ndarray:
        centre = p.mean(axis=0)
        scale = math.sqrt(2) / max(float(np.linalg.norm(p - centre, axis=1).mean()), 1e-9)
        return np.array([[scale, 0, -scale * centre[0]], [0, scale, -scale * centre[1]], [0, 0, 1.0]])

    ns, nx = normalise(st), normalise(xy)
    a = np.column_stack([st, np.ones(len(st))]) @ ns.T
    b = np.column_stack([xy, np.ones(len(xy))]) @ nx.T
    zero = np.zeros((len(a), 3))
    rows = np.vstack(
        [
            np.hstack([a, zero, -b[:, :1] * a]),
            np.hstack([zero, a, -b[:, 1:2] * a]),
        ]
    )
    # The least singular vector, from the 9 x 9 normal matrix (an SVD of the tall system costs far more).
    _, vectors = np.linalg.eigh(rows.T @ rows)
    h = vectors[:, 0].reshape(3, 3)
    matrix = np.linalg.inv(nx) @ h @ ns
    if abs(matrix[2, 2]) < 1e-12:
        return None
    return np.asarray(matrix / matrix[2, 2])


def _merged(points: np.ndarray) -> np.ndarray:
    """The spots with those much closer together than the group's usual spacing made one (their mean): a noisy
    dot several pixels wide keeps more than one minimum."""
    if len(points) < MIN_SPOTS:
        return points
    tree = cKDTree(points)
    nearest, _ = tree.query(points, k=2)
    pairs = tree.query_pairs(0.6 * float(np.median(nearest[:, 1])), output_type="ndarray")
    if len(pairs) == 0:
        return points
    n = len(points)
    graph = coo_matrix((np.ones(len(pairs)), (pairs[:, 0], pairs[:, 1])), shape=(n, n))
    count, labels = connected_components(graph, directed=False)
    sizes = np.bincount(labels, minlength=count)[:, None]
    sums = np.zeros((count, 2))
    np.add.at(sums, labels, points)
    return np.asarray(sums / sizes)


def _steps(points: np.ndarray) -> tuple[float, float, float]:
    """The direction (radians, modulo a quarter turn) and length of the steps from the spots to their nearest
    neighbours, and how well the directions agree (1: all one lattice's; text and pictures' spots point anywhere)."""
    tree = cKDTree(points)
    dist, index = tree.query(points, k=min(5, len(points)))
    nearest = float(np.median(dist[:, 1]))
    vectors = points[index[:, 1:]] - points[:, None, :]
    lengths = dist[:, 1:]
    near = (lengths > 0) & (lengths <= 1.25 * nearest)
    v = vectors[near]
    if len(v) < MIN_SPOTS:
        return 0.0, 0.0, 0.0
    angle4 = 4 * np.arctan2(v[:, 1], v[:, 0])
    sin, cos = float(np.sin(angle4).mean()), float(np.cos(angle4).mean())
    return math.atan2(sin, cos) / 4, float(np.median(lengths[near])), math.hypot(sin, cos)


def _period(offsets: np.ndarray, direction: np.ndarray, step: float) -> float:
    """The lattice step along ``direction`` that the spots' offsets from a spot repeat at, near the steps to their
    nearest neighbours (``step``): the strongest of their Fourier components along it. Under blur, neighbouring
    dots' spots pull towards each other, shortening those steps, not the period of the lattice."""
    along = offsets @ direction
    periods = step * PERIODS
    strength = np.abs(np.exp(2j * np.pi * along[None, :] / periods[:, None]).mean(axis=1))
    return float(periods[np.argmax(strength)])


def _lattice(points: np.ndarray, phi: float, step: float, periodic: bool) -> tuple[_Lattice, np.ndarray] | None:
    """The lattice a group of spots lies on and the spots that do, or None. Its first steps are ``step`` long, or,
    if ``periodic``, the period the spots repeat at along them."""
    centre = points[np.argmin(np.linalg.norm(points - points.mean(axis=0), axis=1))]
    a = np.array([math.cos(phi), math.sin(phi)])
    b = np.array([-math.sin(phi), math.cos(phi)])
    if periodic:
        offsets = points - centre
        # Near the centre only: a symbol seen at an angle has a longer period on its near side than its far one.
        near = offsets[np.linalg.norm(offsets, axis=1) <= PERIOD_REACH * step]
        a, b = _period(near, a, step) * a, _period(near, b, step) * b
        step = math.sqrt(abs(a[0] * b[1] - a[1] * b[0]))
    else:
        a, b = step * a, step * b
    lattice = _Lattice(_Lattice.affine(centre, a, b))
    # The first lattice is a few per cent off (blur pulls neighbouring spots together): fitted near the centre
    # first (an affine map), then farther out (a homography).
    reach = np.linalg.norm(points - centre, axis=1) / step
    # The first fit takes a dozen spots at least, however empty the middle of the symbol.
    first = max(_REACH[0], float(np.sort(reach)[min(len(reach), MIN_SPOTS) - 1]))
    for radius in (first, *(r for r in _REACH if r > first)):
        st = lattice.coordinates(points)
        whole = np.rint(st)
        inliers = (np.abs(st - whole).max(axis=1) <= ON_LATTICE) & (reach <= radius)
        if inliers.sum() < min(MIN_SPOTS, 6):
            return None
        if radius <= AFFINE_REACH:
            design = np.column_stack([np.ones(int(inliers.sum())), whole[inliers]])
            fit, *_ = np.linalg.lstsq(design, points[inliers], rcond=None)
            matrix: np.ndarray | None = _Lattice.affine(fit[0], fit[1], fit[2])
        else:
            matrix = _homography(whole[inliers], points[inliers])
        # No lattice spanned: steps collapsed onto a line (or the page's horizon within the group).
        if matrix is None or abs(float(np.linalg.det(matrix[:2, :2]))) < 0.5 * step * step:
            return None
        if abs(float(np.linalg.det(matrix))) < 1e-9 * step * step:
            return None
        lattice = _Lattice(matrix)
    st = lattice.coordinates(points)
    inliers = np.abs(st - np.rint(st)).max(axis=1) <= ON_LATTICE
    if inliers.mean() < MIN_ON_LATTICE or inliers.sum() < MIN_SPOTS:
        return None
    return lattice, np.rint(st[inliers]).astype(int)


# The lattice's period is looked for among these multiples of the steps to the spots' nearest neighbours (blur
# made them a quarter shorter in two-pixel symbols), with the spots within this many of those steps of the centre.
PERIODS = np.linspace(0.9, 1.5, 61)
PERIOD_REACH = 8.0
# Lattice steps from the centre within which spots are fitted, growing: an affine map at first, a homography
# once the spots span enough of the symbol for one.
_REACH = (3.0, 5.0, 8.0, 12.0, 18.0, 27.0, 40.0, math.inf, math.inf)
AFFINE_REACH = 5.0


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
        rows, columns = dotcode_codewords.place_indices(w, h)
        read = dotcode_codewords.read(g[rows, columns].astype(int).tolist())
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


def _sample(smooth: np.ndarray, lattice: _Lattice, columns: np.ndarray, rows: np.ndarray) -> np.ndarray:
    xy = lattice.position(columns.astype(float), rows.astype(float))
    return np.asarray(ndimage.map_coordinates(smooth, [xy[..., 1], xy[..., 0]], order=1, mode="nearest"))


def _dark_places(smooth: np.ndarray, lattice: _Lattice, cr: np.ndarray) -> np.ndarray:
    """The spots' places (column, row) that are dark against the places' light neighbours (the place to the
    right of a dot place is never one): noise in a quiet zone can fall on the lattice, but not darken it."""
    spots = _sample(smooth, lattice, cr[:, 0], cr[:, 1])
    light = _sample(smooth, lattice, cr[:, 0] + 1, cr[:, 1])
    return np.asarray(cr[spots < _threshold(np.concatenate([spots, light]))])


def _symbol(smooth: np.ndarray, points: np.ndarray, scale: float, offset: tuple[int, int] = (0, 0)) -> Found | None:
    """The symbol a group of spots of one scale of the page (``scale`` page pixels a pixel, its top left at
    ``offset`` in the page) makes, or None."""
    if scale >= 1:  # dots of two pixels doubled keep one minimum each, and their spots stray closer together
        points = _merged(points)
    phi, step, coherence = _steps(points)
    if coherence < COHERENCE:
        return None
    # The period is looked for on the page doubled only: there dots of two pixels blur into their neighbours, and
    # elsewhere it costs more than it helps (more groups of text and pictures' spots fit a lattice).
    fitted = _lattice(points, phi, step, periodic=scale < 1)
    if fitted is None:
        return None
    lattice, st = fitted
    cr = _dark_places(smooth, lattice, np.stack([st[:, 0] - st[:, 1], st[:, 0] + st[:, 1]], axis=1))
    if len(cr) < MIN_SPOTS:
        return None
    for c0, c1, r0, r1 in _boxes(cr):
        w, h = c1 - c0 + 1, r1 - r0 + 1
        if min(w, h) < 5 or max(w, h) > MAX_SIDE:
            continue
        columns, rows = np.meshgrid(np.arange(c0, c1 + 1), np.arange(r0, r1 + 1))
        place = (columns + rows) % 2 == 0
        values = _sample(smooth, lattice, columns, rows)
        dark = (values < _threshold(values[place])) & place
        read = _read_grid(dark, place)
        if read is None:
            continue
        corners = lattice.position(
            np.array([c0 - 0.5, c1 + 0.5, c1 + 0.5, c0 - 0.5]), np.array([r0 - 0.5, r0 - 0.5, r1 + 0.5, r1 + 0.5])
        )
        region = tuple((round(x * scale) + offset[0], round(y * scale) + offset[1]) for x, y in corners.tolist())
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


def _fine(page: np.ndarray, points: np.ndarray) -> tuple[Found | None, tuple[tuple[int, int], ...]]:
    """A group of spots a little over two pixels apart read again at twice the size: the page around it doubled,
    where neighbouring dots of two pixels no longer blur into one. Also the part of the page doubled."""
    margin = FINE_MARGIN * _steps(points)[1]  # at this size a symbol's spots may fall into several groups
    h, w = page.shape
    x0, y0 = (max(0, math.floor(v - margin)) for v in points.min(axis=0))
    x1, y1 = min(w, math.ceil(points[:, 0].max() + margin)), min(h, math.ceil(points[:, 1].max() + margin))
    doubled = _scaled(page[y0:y1, x0:x1], 0.5)
    # Then sharpened: a blur of half a module runs neighbouring dots of two pixels together.
    sharpened = np.clip(doubled + SHARPEN * (doubled - ndimage.gaussian_filter(doubled, 2.0)), 0, 255)
    region = ((x0, y0), (x1, y0), (x1, y1), (x0, y1))
    for crop in (doubled, sharpened):
        fine = _spots(crop, FINE_SMOOTHING)
        smooth = ndimage.gaussian_filter(crop, FINE_SMOOTHING)
        for group in _candidates(*_groups(fine), FINE_GROUPS):
            symbol = _symbol(smooth, fine[group], 0.5, (x0, y0))
            if symbol is not None:
                return symbol, region
    return None, region


def _covers(region: tuple[tuple[int, int], ...], points: np.ndarray) -> bool:
    return all(_inside(float(x), float(y), region) for x, y in (points.min(axis=0), points.max(axis=0)))


def _scales(shape: tuple[int, int]) -> list[float]:
    """The scales a page of this shape is searched at: not the full size of a large page."""
    full = shape[0] * shape[1] <= FULL_SIZE_PIXELS
    return [s for s in SCALES if (full or s > 1) and min(shape) / s >= 16]


def _worth_doubling(points: np.ndarray, doubled: list[tuple[tuple[int, int], ...]]) -> bool:
    """Whether a group of spots is read again on the page around it doubled: spots about two pixels apart (the
    spots of dots that small stray and their steps agree little, so any such group may be a symbol), a group no
    larger than the largest symbol, not yet doubled."""
    width, height = points.max(axis=0) - points.min(axis=0)
    return (
        _steps(points)[1] < FINE_STEP
        and max(width, height) <= 2 * MAX_SIDE
        and not any(_covers(d, points) for d in doubled)
    )


def find(page: np.ndarray, types: frozenset[str], deadline: float = math.inf) -> list[Found]:
    found: list[Found] = []
    for scale in _scales(page.shape):
        if time.monotonic() > deadline:
            break
        level = _scaled(page, scale)
        points = _spots(level)
        if len(points) > MAX_SPOTS:  # texture or noise at this scale, not symbols
            continue
        smooth = ndimage.gaussian_filter(level, SMOOTHING)
        strict, loose = _groups(points)
        for members in _candidates(strict, loose):
            if time.monotonic() > deadline:
                break
            group = points[members]
            cx, cy = group.mean(axis=0) * scale
            if any(_inside(cx, cy, f.region) for f in found):
                continue
            symbol = _symbol(smooth, group, scale)
            if symbol is not None:
                found.append(symbol)
        if scale == 1:
            found += _doubled(page, points, loose, found, deadline)
    return [f for f in found if f.type in types]


def _doubled(
    page: np.ndarray, points: np.ndarray, loose: list[np.ndarray], found: list[Found], deadline: float
) -> list[Found]:
    """The symbols of modules of about two pixels: the loose groups of the page's spots (dots that small blur
    away), read on the page around them doubled."""
    out: list[Found] = []
    doubled: list[tuple[tuple[int, int], ...]] = []
    for members in sorted(loose, key=len, reverse=True):
        group = points[members]
        cx, cy = group.mean(axis=0)
        if time.monotonic() > deadline or len(doubled) >= FINE_CROPS:
            break
        if any(_inside(cx, cy, f.region) for f in found + out) or not _worth_doubling(group, doubled):
            continue
        symbol, crop = _fine(page, group)
        doubled.append(crop)
        if symbol is not None:
            out.append(symbol)
    return out


def price(shape: tuple[int, int]) -> float:
    searched = sum(shape[0] * shape[1] / (s * s) for s in _scales(shape))
    return BASE_SECONDS + searched * PIXEL_NS * 1e-9


READER = Reader(TYPES, find, price)
