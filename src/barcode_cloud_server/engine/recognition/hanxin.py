"""Han Xin Code (ISO/IEC 20830): finding symbols in a page and sampling their modules.

A position pattern is a 3 x 3 dark core with two one-module L shapes around two of its sides, light between them:
any line through the core that leaves it towards the L shapes' corner crosses dark and light runs of 1:1:1:1:3
(more or less slanted). Rows and columns of the thresholded page are searched for those runs; the dark component
each core belongs to gives its centre, and the outer L's component on the same line the way to the L's corner. In
three of the four patterns that corner is the symbol's; in the bottom left one it points inwards, which tells it
apart. The top right pattern is the one across from it; the other two are the top left and bottom right ones, in
either order (the other order is the mirror image, read as well). The cores' and outer L shapes' centres fix a map
from the symbol's modules to the page (``hanxin_sample``): the function information near the top left core gives
the version (and so the side), and the symbol is sampled again on the grid of that side, then its alignment lines
and assistant patterns (versions 4 and up) pull the grid onto the modules where the page bends. When no four
patterns read, three at the corners of a square place the missing fourth.
"""

from __future__ import annotations

import itertools
import math
import time

import numpy as np
from scipy import ndimage

from barcode_cloud_server.engine.recognition import hanxin_grid, hanxin_sample, hanxin_stream
from barcode_cloud_server.engine.recognition.found import Found, Reader

TYPE = "HanXin"
# Run widths are read against the run's module (a seventh of the five runs): a one-module run this far at most,
# the core's three modules twice as far.
_RUN_TOLERANCE = 0.5
_MAX_CANDIDATES = 60
# An outer L's pixels against its core's: 13 modules to 9, a little more where dark spreads, less where it thins.
_L_TO_CORE = (1.0, 2.2)
# Sides tried (modules) either side of the one the patterns' distance and module size suggest.
_SIDES = (0, -2, 2, -4, 4, -6, 6, -8, 8)
# The middle of a window's darkest and lightest pixels judges them where they differ by this share of the page's
# contrast at least.
_CONTRAST = 0.25
# Threes of patterns are tried for a missing fourth only on pages with this many patterns at most.
_MAX_FOR_THREES = 16
# What a search costs: a start, and per pixel of the page (threshold map, run search, components, the fours of
# patterns a busy photo offers), CPU time on this machine with room to spare (bench/bench_stacked_price.py measures
# every reader on the corpus's false positive photos and on 5-12 MP pages).
BASE_SECONDS = 0.03
PIXEL_NS = 1200.0


def _hits(dark: np.ndarray) -> list[tuple[float, float, float, float]]:
    """Each row's runs of 1:1:1:1:3 (either way): the row, the middle of the core's run and of the outer L's, and
    the module along the row."""
    h, w = dark.shape
    padded = np.zeros((h, w + 2), dtype=np.int8)
    padded[:, 1:-1] = dark
    flat = padded.ravel()
    change = np.flatnonzero(np.diff(flat)) + 1  # where a run starts
    starts = change[:-1]
    widths = np.diff(change).astype(np.float64)
    is_dark = flat[starts] == 1
    out: list[tuple[float, float, float, float]] = []
    n = len(widths)
    if n < 7:
        return out
    i = np.arange(1, n - 5)
    i = i[is_dark[i]]
    five = widths[i[:, None] + np.arange(5)]
    before, after = widths[i - 1], widths[i + 5]
    # No run of the five may cross a row's end: the padding splits rows, so a run's row is its start's.
    row_start = starts[i] // (w + 2)
    same_row = starts[i + 4] // (w + 2) == row_start
    unit = five.sum(axis=1) / 7.0
    for core_last, ones in ((True, slice(0, 4)), (False, slice(1, 5))):
        core = five[:, 4] if core_last else five[:, 0]
        ok = same_row & (unit >= 1.0) & (np.abs(core - 3 * unit) <= 2 * _RUN_TOLERANCE * unit)
        ok &= (np.abs(five[:, ones] - unit[:, None]) <= _RUN_TOLERANCE * unit[:, None]).all(axis=1)
        ok &= (before >= 0.5 * unit) & (after >= 0.5 * unit)
        start = (starts[i[ok]] % (w + 2) - 1.0)[:, None]
        bounds = start + np.concatenate([np.zeros((int(ok.sum()), 1)), np.cumsum(five[ok], axis=1)], axis=1)
        first, last = (bounds[:, 0] + bounds[:, 1]) / 2, (bounds[:, 4] + bounds[:, 5]) / 2
        core_mid, outer_mid = (last, first) if core_last else (first, last)
        out += zip(row_start[ok].tolist(), core_mid.tolist(), outer_mid.tolist(), unit[ok].tolist(), strict=True)
    return out


class _Pattern:
    """A position pattern found: its core's centre, the centre of its outer L (None when inferred), the way to its
    L shapes' corner and its module size."""

    def __init__(
        self, centre: np.ndarray, outer: np.ndarray | None, way: np.ndarray, module: float, inferred: bool = False
    ) -> None:
        self.centre = centre
        self.outer = outer
        self.way = way
        self.module = module
        self.inferred = inferred  # not seen: placed where three others that were put it, any way round


def _fourths(patterns: list[_Pattern]) -> list[_Pattern]:
    """About where a missing fourth pattern would be, for each three patterns near the corners of a square (two
    sides of about one length, 60 to 120 degrees apart: the bottom left core sits in its corner, the others
    inside theirs; the fourth across from that angle), where none was found. ``_decode_four`` places it exactly
    for each side it tries."""
    points = [(float(p.centre[0]), float(p.centre[1]), p.module) for p in patterns]  # plain floats: many small sums
    spots: list[tuple[float, float, float]] = []
    for three in itertools.combinations(points, 3):
        module = sum(m for _, _, m in three) / 3
        for k, (rx, ry, _) in enumerate(three):
            (ax, ay, _), (bx, by, _) = (p for j, p in enumerate(three) if j != k)
            ax, ay, bx, by = ax - rx, ay - ry, bx - rx, by - ry
            la, lb = math.hypot(ax, ay), math.hypot(bx, by)
            if min(la, lb) < 10 * module or not 0.7 <= la / lb <= 1.4 or abs(ax * bx + ay * by) > 0.5 * la * lb:
                continue
            x, y = rx + ax + bx, ry + ay + by
            if all(math.hypot(x - px, y - py) >= 3 * module for px, py, _ in points) and all(
                math.hypot(x - sx, y - sy) >= 2 * module for sx, sy, _ in spots
            ):
                spots.append((x, y, module))
    return [_Pattern(np.array([x, y]), None, np.zeros(2), module, inferred=True) for x, y, module in spots]


def _patterns(dark: np.ndarray) -> list[_Pattern]:
    """The position patterns in a thresholded page, those with the most runs through them first."""
    labels, count = ndimage.label(dark)
    if count == 0:
        return []
    hits: dict[int, list[tuple[int, float]]] = {}
    for transposed in (False, True):
        grid = dark.T if transposed else dark
        for row, core, outer, unit in _hits(np.ascontiguousarray(grid)):
            cy, cx = (core, row) if transposed else (row, core)
            oy, ox = (outer, row) if transposed else (row, outer)
            core_label = int(labels[int(cy), int(cx)])
            outer_label = int(labels[int(oy), int(ox)])
            if core_label and outer_label and core_label != outer_label:
                hits.setdefault(core_label, []).append((outer_label, unit))
    if not hits:
        return []
    sizes = np.bincount(labels.ravel(), minlength=count + 1)[1:].astype(np.float64)
    boxes = ndimage.find_objects(labels)

    def centre_of(label: int) -> np.ndarray:  # x, y: the mean of the component's pixels, within its box
        box = boxes[label - 1]
        ys, xs = np.nonzero(labels[box] == label)
        return np.array([xs.mean() + box[1].start, ys.mean() + box[0].start])

    candidates: list[tuple[int, int, float]] = []
    for core_label, seen in hits.items():
        outers = [o for o, _ in seen]
        outer_label = max(set(outers), key=outers.count)
        unit = float(np.median([u for _, u in seen]))
        box = boxes[core_label - 1]
        tall, wide = box[0].stop - box[0].start, box[1].stop - box[1].start
        # A core is about 3 x 3 modules, its outer L 13 modules, at the size its runs give (any turn).
        if (
            len(seen) >= 2
            and 4.0 <= sizes[core_label - 1] / unit**2 <= 20.0
            and 6.0 <= sizes[outer_label - 1] / unit**2 <= 30.0
            and _L_TO_CORE[0] <= sizes[outer_label - 1] / sizes[core_label - 1] <= _L_TO_CORE[1]
            and max(tall, wide) <= 2.0 * min(tall, wide) + 2
        ):
            candidates.append((core_label, outer_label, unit))
    candidates.sort(key=lambda c: -len(hits[c[0]]))
    out: list[_Pattern] = []
    for core_label, outer_label, _ in candidates[:_MAX_CANDIDATES]:
        module = math.sqrt(sizes[core_label - 1] / 9.0)
        centre, outer_centre = centre_of(core_label), centre_of(outer_label)
        way = outer_centre - centre
        norm = float(np.hypot(*way))
        if not 3.8 <= norm / module <= 5.8:  # 4.8 modules from the core's centre to the L's (any turn)
            continue
        out.append(_Pattern(centre, outer_centre, way / norm, module))
    return out


def _placed(cores: np.ndarray, page_points: np.ndarray, missing: int) -> np.ndarray:
    """Where the affine map taking the other three cores to their page points takes the ``missing`` one."""
    known = [k for k in range(4) if k != missing]
    source = np.hstack([cores[known], np.ones((3, 1))])
    affine = np.linalg.solve(source, page_points[known])
    return np.asarray(np.append(cores[missing], 1.0) @ affine)


def _cores(side: int) -> np.ndarray:
    """The cores' centres in module coordinates (x, y), top left, top right, bottom right, bottom left."""
    n = float(side)
    return np.array([[5.5, 5.5], [n - 5.5, 5.5], [n - 5.5, n - 5.5], [1.5, n - 1.5]])


def _outer_ls(side: int) -> np.ndarray:
    """The centres of the position patterns' outer L shapes in module coordinates, in the order of :func:`_cores`."""
    far = side - 7
    return np.asarray(_OUTER_L + np.array([[0, 0], [far, 0], [far, far], [0, far]]))


def _outer_l(pattern: np.ndarray) -> np.ndarray:
    """The centre (x, y, modules from the pattern's top left) of a position pattern's outer L: its 13 modules."""
    labels, _ = ndimage.label(pattern)
    ys, xs = np.nonzero(labels == np.argmax(np.bincount(labels.ravel())[1:]) + 1)
    return np.array([xs.mean() + 0.5, ys.mean() + 0.5])


_OUTER_L = np.array([_outer_l(hanxin_grid.position_pattern(corner)) for corner in ("tl", "tr", "br", "bl")])


# A four is decoded only when this share of its position patterns' modules read right under its map.
_PATTERNS_AGREE = 0.8


def _pattern_agreement(gray: np.ndarray, mapping: hanxin_sample.Map, seen: list[int]) -> float:
    """The share of the position patterns' modules (those of ``seen`` corners: 0 top left, then clockwise) that
    read as they should."""
    dark = _corner_modules(gray, mapping, seen, 7)
    return float((dark == np.array([_PATTERNS[k] for k in seen])).mean())


def _corner_modules(gray: np.ndarray, mapping: hanxin_sample.Map, corners: list[int], size: int) -> np.ndarray:
    """The squares of ``size`` modules at a symbol's ``corners`` (0 top left, then clockwise), each module judged
    against those around it (two more of the page on each side)."""
    far = mapping.side - size
    tops = np.array([(0, 0, far, far)[k] for k in corners], dtype=np.float64)[:, None, None]
    lefts = np.array([(0, far, far, 0)[k] for k in corners], dtype=np.float64)[:, None, None]
    ys, xs = np.mgrid[-2 : size + 2, -2 : size + 2].astype(np.float64) + 0.5
    ys, xs = ys[None] + tops, xs[None] + lefts
    values = hanxin_sample.grey(gray, mapping, xs.ravel(), ys.ravel()).reshape(xs.shape)
    return hanxin_sample.threshold(values)[:, 2:-2, 2:-2]


_PATTERNS = [hanxin_grid.position_pattern(corner) for corner in ("tl", "tr", "br", "bl")]


def _read(modules: np.ndarray) -> str | None:
    info = hanxin_grid.read_info(modules)
    if info is None:
        return None
    version, level, mask = info
    if hanxin_grid.size(version) != modules.shape[0]:
        return None
    data = hanxin_grid.correct(hanxin_grid.codewords(modules, version, mask), version, level)
    return None if data is None else hanxin_stream.decode(data)


def _arrangements(patterns: list[_Pattern]) -> list[list[_Pattern]]:
    """Fours of patterns in the order top left, top right, bottom right, bottom left, both mirror images: a
    bottom left pattern points (its L shapes' corner) across the symbol to the top right one, which points away
    from it, and the other two lie either side of the middle of that diagonal, pointing away from it."""
    if len(patterns) < 4:
        return []
    centres = np.array([p.centre for p in patterns])
    ways = np.array([p.way for p in patterns])
    modules = np.array([p.module for p in patterns])
    inferred = np.array([p.inferred for p in patterns])
    out: list[list[_Pattern]] = []
    for b, bl in enumerate(patterns):
        diagonals = centres - bl.centre
        lengths = np.hypot(diagonals[:, 0], diagonals[:, 1])
        along = diagonals / np.maximum(lengths, 1e-9)[:, None]
        ratio = modules / bl.module
        ok = (lengths >= 10 * bl.module) & (ratio >= 0.6) & (ratio <= 1.6)
        ok &= (bl.inferred | (along @ bl.way >= 0.85)) & (inferred | ((ways * along).sum(axis=1) >= 0.85))
        for t in np.flatnonzero(ok):
            tr = patterns[t]
            middle = (tr.centre + bl.centre) / 2
            across = np.array([-along[t, 1], along[t, 0]]) * lengths[t] / 2
            outward = centres - middle
            outward /= np.maximum(np.hypot(outward[:, 0], outward[:, 1]), 1e-9)[:, None]
            pointing = inferred | ((ways * outward).sum(axis=1) > 0.85)
            pointing[[b, t]] = False
            sides: list[list[_Pattern]] = []
            for spot in (middle + across, middle - across):
                off = np.hypot(*(centres - spot).T)
                near = np.flatnonzero(pointing & (off < 0.35 * lengths[t]))
                # Patterns seen before those inferred (a page with many patterns infers many).
                sides.append([patterns[i] for i in near[np.lexsort((off[near], inferred[near]))][:2]])
            for a in sides[0]:
                for c in sides[1]:
                    if a.inferred + c.inferred + tr.inferred + bl.inferred <= 1:
                        out += [[a, tr, c, bl], [c, tr, a, bl]]
    return out


def _corners(gray: np.ndarray, mapping: hanxin_sample.Map) -> np.ndarray:
    """The modules of a symbol's four corners of 9 x 9, where the position patterns and the function information
    lie (the rest left light)."""
    side = mapping.side
    out = np.zeros((side, side), dtype=bool)
    squares = _corner_modules(gray, mapping, [0, 1, 2, 3], 9)
    for square, (top, left) in zip(squares, ((0, 0), (0, side - 9), (side - 9, side - 9), (side - 9, 0)), strict=True):
        out[top : top + 9, left : left + 9] = square
    return out


def _placed_map(four: list[_Pattern], page_points: np.ndarray, side: int) -> hanxin_sample.Map | None:
    """The map of a side-``side`` symbol that puts the cores at ``page_points`` and the outer L shapes where they
    were seen (which the projective map of the cores alone misses where the page is not flat)."""
    projective = hanxin_sample.homography(_cores(side), page_points)
    if projective is None:
        return None
    plain = hanxin_sample.Map(projective, side)
    seen = [k for k, p in enumerate(four) if p.outer is not None]
    modules = np.concatenate([_cores(side), _outer_ls(side)[seen]])
    page = np.concatenate([page_points, np.array([four[k].outer for k in seen])])
    return hanxin_sample.bend(plain, modules, page)


def _decode_four(gray: np.ndarray, four: list[_Pattern]) -> Found | None:
    page_points = np.array([p.centre for p in four])
    module = float(np.mean([p.module for p in four]))
    across = float(np.hypot(*(four[1].centre - four[0].centre)))
    guess = round((across / module + 11.0 - 21.0) / 2) * 2 + 21
    missing = [k for k, p in enumerate(four) if p.inferred]
    tried = _SIDES[:5] if missing else _SIDES  # a four with one placed from the others: many more on a busy page
    sides = sorted({min(189, max(23, guess + offset)) for offset in tried}, key=lambda s: abs(s - guess))
    seen = [k for k in range(4) if k not in missing]
    for side in sides:
        if missing:  # where the other three put it on a grid of this side (an affine map: three points fix one)
            page_points[missing[0]] = _placed(_cores(side), page_points, missing[0])
        mapping = _placed_map(four, page_points, side)
        if mapping is None:
            return None
        # Not position patterns where the map puts them: with all four seen, their modules barely move with the
        # side, so once is enough.
        if (missing or side == sides[0]) and _pattern_agreement(gray, mapping, seen) < _PATTERNS_AGREE:
            if missing:
                continue
            return None
        # The function information lies beside the top left core, where a wrong side moves modules least.
        corners = _corners(gray, mapping)
        info = hanxin_grid.read_info(corners)
        if info is None:
            # Read as the mirror image (across the anti-diagonal, where the two orders of one four differ): the
            # other order is tried too, and reads.
            if hanxin_grid.read_info(np.ascontiguousarray(corners[::-1, ::-1].T)) is not None:
                return None
            continue
        version, exact = info[0], hanxin_grid.size(info[0])
        mapping = _placed_map(four, page_points, exact)
        if mapping is None:
            return None
        read = _read(hanxin_sample.modules(gray, mapping))
        if read is None and version >= 4:
            followed = hanxin_sample.follow(gray, mapping, version)
            if followed is not None:
                mapping = followed
                read = _read(hanxin_sample.modules(gray, mapping))
        if read is None:
            continue
        u, v = mapping(np.array([0.0, exact, exact, 0.0]), np.array([0.0, 0.0, exact, exact]))
        region = tuple((round(float(x)), round(float(y))) for x, y in zip(u, v, strict=True))
        return Found(TYPE, read, None, region)
    return None


def find(page: np.ndarray, types: frozenset[str], deadline: float = math.inf) -> list[Found]:
    gray = page.astype(np.float32)
    window = int(np.clip(min(page.shape) // 8, 15, 101)) | 1
    level = ndimage.uniform_filter(gray, size=window, mode="nearest")
    sample = gray[:: max(1, gray.shape[0] // 256), :: max(1, gray.shape[1] // 256)]  # enough for the contrast
    spread = float(np.percentile(sample, 95) - np.percentile(sample, 5))
    # Patterns are found in pixels darker than their neighbourhood by a little, and where it holds both colours,
    # darker than the middle of its darkest and lightest: beside the quiet zone the mean is pulled up, and a
    # blurred light module between dark ones falls under it.
    lightest = ndimage.maximum_filter(gray, size=window, mode="nearest")
    darkest = ndimage.minimum_filter(gray, size=window, mode="nearest")
    middle = np.where(lightest - darkest >= _CONTRAST * spread, (lightest + darkest) / 2, np.inf)
    patterns = _patterns(np.asarray((gray < level - max(2.0, 0.04 * spread)) & (gray < middle)))
    found = _read_fours(gray, _arrangements(patterns), deadline)
    if found or len(patterns) > _MAX_FOR_THREES:
        return found
    # None read from four patterns: one may be stained or torn away, and the other three place it.
    return _read_fours(gray, _arrangements(patterns + _fourths(patterns)), deadline)


def _read_fours(gray: np.ndarray, fours: list[list[_Pattern]], deadline: float) -> list[Found]:
    """The symbols the fours of patterns read as, each pattern in one symbol at most."""
    found: list[Found] = []
    used: set[int] = set()
    for four in fours:
        if time.monotonic() > deadline:
            break
        if any(id(p) in used for p in four):
            continue
        read = _decode_four(gray, four)
        if read is not None:
            used.update(id(p) for p in four)
            found.append(read)
    return found


def price(shape: tuple[int, int]) -> float:
    return BASE_SECONDS + shape[0] * shape[1] * PIXEL_NS * 1e-9


READER = Reader(frozenset({TYPE}), find, price)
