"""Han Xin Code: from the page to a symbol's modules once its position patterns are placed.

A :class:`Map` takes module coordinates to page pixels: the projective map the four cores fix, then, where the
page is not flat (bent, or a warp that is no projection), a smooth correction fitted to where the outer L shapes of
the position patterns and the alignment crossings and assistant patterns were seen, and what it leaves spread
between those places, so that each region of a large symbol follows the anchors nearest to it. :func:`follow`
finds the anchors outwards from the position patterns, each looked for about where the anchors already found put
it.

Modules are judged from the page's grey at their centres (bilinear): first against the mean of the 3 x 3 and the
9 x 9 modules around them, then again with the spill of each module's neighbours taken off (how much of it is
fitted to the symbol itself), which blur of half a module leaves on small modules."""

from __future__ import annotations

import numpy as np
from scipy import ndimage

from barcode_cloud_server.engine.recognition import hanxin_grid

# The spill of the neighbours is fitted and taken off this many times.
_EQUALIZE = 3
# Anchors are looked for this far (modules) from where the anchors found before put them, in quarter steps,
# against the function modules this far around them; a place counts when their grey correlates with the pattern
# this well, and the places nearly as good lie within this distance of each other (along a line the fit is as good
# a little way either side).
_SEARCH = 2.0
_WINDOW = 4
_CORRELATE = 0.75
_SPREAD = 1.0


def homography(src: np.ndarray, dst: np.ndarray) -> np.ndarray | None:
    """The projective map taking four points ``src`` to ``dst`` (x, y rows)."""
    rows = []
    for (x, y), (u, v) in zip(src, dst, strict=True):
        rows.append([x, y, 1, 0, 0, 0, -u * x, -u * y, -u])
        rows.append([0, 0, 0, x, y, 1, -v * x, -v * y, -v])
    _, s, vt = np.linalg.svd(np.array(rows, dtype=np.float64))
    if s[-2] < 1e-9 * s[0]:
        return None
    return np.asarray(vt[-1].reshape(3, 3))


class Map:
    """Module coordinates (x across, y down) to page pixels: a projective map, and where points at module
    coordinates ``points`` (x, y rows) lie ``offsets`` away from where it puts them (in pixels), a polynomial
    correction fitted to those offsets (as many terms as they can fit: bilinear, quadratic, then cubic) and what it
    leaves spread between them."""

    def __init__(
        self, projective: np.ndarray, side: int, points: np.ndarray | None = None, offsets: np.ndarray | None = None
    ) -> None:
        self.projective = projective
        self.side = side
        self.points = np.zeros((0, 2)) if points is None else points
        self.offsets = np.zeros((0, 2)) if offsets is None else offsets
        self.correction: np.ndarray | None = None
        self.left = np.zeros((0, 2))
        count = len(self.points)
        if count >= 4:
            terms_count = 10 if count >= 16 else 6 if count >= 7 else 4
            terms = _terms(self.points[:, 0] / side, self.points[:, 1] / side, terms_count).T
            self.correction = np.stack([np.linalg.lstsq(terms, self.offsets[:, k], rcond=None)[0] for k in (0, 1)])
            self.left = self.offsets - terms @ self.correction.T

    def plain(self) -> Map:
        return Map(self.projective, self.side)

    def __call__(self, xs: np.ndarray, ys: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        u, v, w = self.projective @ np.stack([xs, ys, np.ones_like(xs)])
        u, v = u / w, v / w
        if self.correction is not None:
            terms = _terms(xs / self.side, ys / self.side, self.correction.shape[1])
            # What the polynomial leaves at the points, spread between them by inverse distance (to the fourth:
            # each place follows the points nearest to it).
            apart = (xs[:, None] - self.points[None, :, 0]) ** 2 + (ys[:, None] - self.points[None, :, 1]) ** 2
            weights = 1.0 / np.maximum(apart, 1e-6) ** 2
            du, dv = (weights @ self.left / weights.sum(axis=1)[:, None]).T
            u, v = u + self.correction[0] @ terms + du, v + self.correction[1] @ terms + dv
        return u, v


def _terms(x: np.ndarray, y: np.ndarray, count: int) -> np.ndarray:
    return np.stack([np.ones_like(x), x, y, x * y, x * x, y * y, x * x * y, x * y * y, x**3, y**3][:count])


def grey(gray: np.ndarray, mapping: Map, xs: np.ndarray, ys: np.ndarray) -> np.ndarray:
    """The page's grey where ``mapping`` puts module coordinates ``xs``, ``ys`` (bilinear)."""
    u, v = mapping(xs, ys)
    return np.asarray(ndimage.map_coordinates(gray, [v, u], order=1, mode="nearest"))


def modules(gray: np.ndarray, mapping: Map, top: int = 0, left: int = 0, size: int | None = None) -> np.ndarray:
    """The modules (True dark) of the square of ``size`` modules (by default the symbol's side) from module ``top``,
    ``left`` under ``mapping``, judged along with one more module of the page on each side."""
    size = mapping.side if size is None else size
    ys, xs = np.mgrid[top - 1 : top + size + 1, left - 1 : left + size + 1].astype(np.float64) + 0.5
    values = grey(gray, mapping, xs.ravel(), ys.ravel()).reshape(xs.shape)
    return decide(values)[1:-1, 1:-1]


def threshold(values: np.ndarray) -> np.ndarray:
    """Which module greys are dark against the mean of the 3 x 3 and of the 9 x 9 modules around them (of each
    grid, in a stack of them)."""
    lead = (1,) * (values.ndim - 2)
    near = ndimage.uniform_filter(values, (*lead, 3, 3), mode="nearest")
    wide = ndimage.uniform_filter(values, (*lead, 9, 9), mode="nearest")
    return np.asarray(values < (near + wide) / 2)


def decide(values: np.ndarray) -> np.ndarray:
    """Which of a grid of module greys are dark: against the mean of the modules around, then with the spill of
    the neighbours (their judged colours times weights fitted to the grid) taken off, a few times over."""
    dark = threshold(values)
    flat = values.ravel()
    for _ in range(_EQUALIZE):
        x = np.pad(dark.astype(np.float64), 1)
        beside = x[:-2, 1:-1] + x[2:, 1:-1] + x[1:-1, :-2] + x[1:-1, 2:]
        corners = x[:-2, :-2] + x[2:, 2:] + x[:-2, 2:] + x[2:, :-2]
        terms = np.stack([np.ones(flat.size), dark.ravel(), beside.ravel(), corners.ravel()], axis=1)
        base, own, spill_beside, spill_corners = np.linalg.lstsq(terms, flat, rcond=None)[0]
        if own >= 0:  # dark modules not darker: nothing to go by
            break
        rest = values - base - spill_beside * beside - spill_corners * corners
        judged = rest < own / 2
        if (judged == dark).all():
            break
        dark = judged
    return dark


def bend(plain: Map, modules: np.ndarray, page: np.ndarray) -> Map:
    """``plain`` bent to put points at ``modules`` (x, y rows) at ``page``."""
    return Map(plain.projective, plain.side, modules, page - np.stack(plain(modules[:, 0], modules[:, 1]), axis=1))


def follow(gray: np.ndarray, mapping: Map, version: int) -> Map | None:
    """``mapping`` (bent to fit the position patterns) bent further to where the symbol's alignment crossings and
    assistant patterns are found, or None with none found. The anchors nearest to those already found are looked
    for first, each about where the offsets of its nearest found ones put it."""
    plain = mapping.plain()
    function, dark = hanxin_grid.layout(version)
    # The quiet zone around the symbol is light: part of the pattern an edge's assistant pattern is found by.
    function = np.pad(function, _WINDOW, constant_values=True)
    light = ~np.pad(dark, _WINDOW, constant_values=False)
    known = [(float(x), float(y)) for x, y in mapping.points]
    offsets = [(float(u), float(v)) for u, v in mapping.offsets]
    steps = np.arange(-_SEARCH, _SEARCH + 1e-9, 0.25)
    ox, oy = (a.ravel() for a in np.meshgrid(steps, steps))
    waiting = [(x + 0.5, y + 0.5) for y, x in hanxin_grid.anchors(version)]
    while waiting:
        points = np.array(known)
        apart = [float(np.hypot(*(points - a).T).min()) for a in waiting]
        ax, ay = waiting.pop(int(np.argmin(apart)))
        du, dv = _offset_at(points, np.array(offsets), ax, ay)
        x, y = round(ax - 0.5), round(ay - 0.5)
        window = (slice(y, y + 2 * _WINDOW + 1), slice(x, x + 2 * _WINDOW + 1))  # in the padded layout
        rows, cols = np.nonzero(function[window])
        expected = light[window][rows, cols].astype(np.float64)
        shape = (len(ox), len(cols))
        mx = ((cols + x - _WINDOW + 0.5)[None, :] + ox[:, None]).ravel()
        my = ((rows + y - _WINDOW + 0.5)[None, :] + oy[:, None]).ravel()
        mu, mv = plain(mx, my)
        values = ndimage.map_coordinates(gray, [mv + dv, mu + du], order=1, mode="nearest")
        score = _correlation(values.reshape(shape), expected)
        best = score >= score.max() - 0.02
        if score.max() < _CORRELATE or max(np.ptp(ox[best]), np.ptp(oy[best])) > _SPREAD:
            continue
        fx, fy = ax + ox[best].mean(), ay + oy[best].mean()
        cu, cv = plain(np.array([fx]), np.array([fy]))
        qu, qv = plain(np.array([ax]), np.array([ay]))
        # The anchor's module sits where the plain map puts (fx, fy), shifted by the offset it was looked for at.
        known.append((ax, ay))
        offsets.append((float(cu[0] - qu[0]) + du, float(cv[0] - qv[0]) + dv))
    if len(known) == len(mapping.points):
        return None
    return Map(plain.projective, plain.side, np.array(known), np.array(offsets))


def _offset_at(points: np.ndarray, offsets: np.ndarray, x: float, y: float) -> tuple[float, float]:
    """The offset from the plain map at module (x, y) the nearest anchors found suggest (weighted by closeness)."""
    apart = np.hypot(points[:, 0] - x, points[:, 1] - y)
    nearest = np.argsort(apart)[:3]
    weights = 1.0 / np.maximum(apart[nearest], 1.0) ** 2
    du, dv = (weights @ offsets[nearest]) / weights.sum()
    return float(du), float(dv)


def _correlation(values: np.ndarray, expected: np.ndarray) -> np.ndarray:
    """Each row of ``values`` correlated with ``expected``."""
    centred = values - values.mean(axis=1, keepdims=True)
    pattern = expected - expected.mean()
    norms = np.sqrt((centred**2).sum(axis=1) * (pattern**2).sum())
    return np.asarray(centred @ pattern / np.maximum(norms, 1e-9))
