"""The 2D component of a GS1 composite symbol (ISO/IEC 24723), read above its linear component.

CC-A and CC-B are MicroPDF417-like: 2 to 4 data columns of PDF417 codewords (17 modules, clusters 0, 3 and 6
cycling down the rows) between row address patterns (10 modules) and a one-module stop bar; CC-A's three-column
form has no left pattern. CC-C is a PDF417 symbol. The region above the linear symbol (its reading direction
gives "above") is sampled upright, each line is matched against the row layouts (group widths in modules where
they lie, the stop bar and the light either side), its codewords looked up in the clusters (one of three or four
may be unread); consecutive lines of one cluster make a row, each codeword the one most of its lines read, lines
that read only a row's right part (noise spoilt its left) filling in. Seen at an angle, the rows are not square to
the bars and converge: when lines were read but no component, lines are read at the tilts around the one that
reads most, alone and together, each placed where its row ends. A component counts only when its row count and columns
are a size of the specification with the first row's cluster it prescribes, and its Reed-Solomon code (PDF417's,
over GF(929): ``gf929``) corrects what is wrong, two check codewords to spare; ``composite_data`` then decodes its
data. A CC-C's codewords are read by ``pdf417_macro`` (in the corners zxing-cpp found it in) and corrected alike.
"""

from __future__ import annotations

import copy
import dataclasses
import itertools
import math
from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from functools import cache

import numpy as np
from scipy import ndimage

from barcode_cloud_server.engine.pdf417 import patterns
from barcode_cloud_server.engine.pdf417_macro import voted_codewords
from barcode_cloud_server.engine.recognition import composite_data, gf929

Point = tuple[float, float]


def _sizes(
    cols: int, rows: Sequence[int], ec: Sequence[int], first: Sequence[int]
) -> dict[tuple[int, int], tuple[int, int]]:
    return {(cols, r): (k, c) for r, k, c in zip(rows, ec, first, strict=True)}


# Sizes: (columns, rows) -> (error correction codewords, cluster of the first row: 0, 1, 2 for clusters 0, 3, 6),
# ISO/IEC 24723 Tables 9-11 (CC-A) and ISO/IEC 24728 (MicroPDF417, CC-B's 2- to 4-column sizes).
_CC_A = {
    **_sizes(2, (5, 6, 7, 8, 9, 10, 12), (4, 4, 5, 5, 6, 6, 7), (2, 0, 1, 1, 1, 0, 1)),
    **_sizes(3, (4, 5, 6, 7, 8), (4, 5, 6, 7, 7), (1, 0, 1, 2, 2)),
    **_sizes(4, (3, 4, 5, 6, 7), (4, 5, 6, 7, 8), (0, 0, 0, 0, 1)),
}
_CC_B = {
    **_sizes(2, (8, 11, 14, 17, 20, 23, 26), (8, 9, 9, 10, 11, 13, 15), (0, 0, 1, 2, 0, 2, 2)),
    **_sizes(
        3,
        (6, 8, 10, 12, 15, 20, 26, 32, 38, 44),
        (12, 14, 16, 18, 21, 26, 32, 38, 44, 50),
        (0, 0, 2, 0, 0, 0, 0, 2, 2, 0),
    ),
    **_sizes(
        4,
        (4, 6, 8, 10, 12, 15, 20, 26, 32, 38, 44),
        (8, 12, 14, 16, 18, 21, 26, 32, 38, 44, 50),
        (1, 0, 0, 2, 0, 0, 0, 0, 2, 2, 0),
    ),
}
# Row layouts: R a row address pattern (6 elements, 10 modules), C a codeword (8 elements, 17 modules); a stop
# bar of one module ends every row. The kinds each layout can be.
_LAYOUTS = {"RCCR": ("CC-A", "CC-B"), "CRCCR": ("CC-A",), "RCRCCR": ("CC-B",), "RCCRCCR": ("CC-A", "CC-B")}
_GROUP = {"R": (6, 10), "C": (8, 17)}


def _layout_spans(layout: str) -> tuple[list[tuple[int, int, int]], int, int]:
    """Each group's element range and modules, the layout's elements and modules (the stop bar left out)."""
    spans: list[tuple[int, int, int]] = []
    e = m = 0
    for g in layout:
        count, modules = _GROUP[g]
        spans.append((e, e + count, modules))
        e, m = e + count, m + modules
    return spans, e, m


_SPANS = {layout: _layout_spans(layout) for layout in _LAYOUTS}
_TOLERANCE = 0.2  # a group's width may be this share off its modules times the module where it lies
_FORESHORTENING = math.log(1.6)  # the modules of a row's two halves differ at most this much (a log ratio)
# How far the sampled region reaches beyond the linear symbol, in lengths of the linear symbol: to each side (a
# component may be wider than its linear symbol) and above (CC-B's tallest sizes).
_SIDE = 0.35
_ABOVE = 1.8
_OVERSAMPLE = 2.0
# The first band reaches this far above the linear symbol's read (a reader may read the bars low down: up to their
# height), the next ones this far each, in lengths of the linear symbol.
_FIRST_BAND = 0.8
_BAND = 0.3
_WINDOW = 40.0  # the stretch of a line, in pixels, over which dark and light are told apart (blur needs it wide)
_CONTRAST = 24.0  # the least difference of dark and light there, in gray levels
_SAME_BARS = 0.6  # the least normalised correlation of the two profiles
_PROFILE_GAP = 6.0  # the least distance in pixels between the two profiles that measure a linear symbol's tilt
# Turns (degrees) tried when a symbol's tilt cannot be measured: a four-column row drifts a row's height over its
# width past about a degree, so they are that close, up to the tilt a reader still reads a symbol at.
_TURNS = (0.0, *(sign * k * 1.5 for k in range(1, 13) for sign in (1, -1)))
# Rows read but no component: the tilts around the one reading most lines are tried (at least this many lines
# above the linear symbol's read), in steps this many degrees apart, up to this far from that one; the lines of the
# tilts that read at least this share of the most are read together.
_EVIDENCE = 1
_TILT_STEP = 1.0
_MAX_TILT = 10.0
_WIDE = 0.3
_TALL = 10.0  # modules: no component row is taller
_UNREAD = -1  # a codeword a line did not read
_GAP = 8.0  # modules between lines read (some rows of two modules unread) past which they are not one symbol
_SPARE = 2  # error correction codewords kept for detection: a component with k corrects (k - 2) // 2 errors


@dataclass(frozen=True)
class Component:
    kind: str  # "CC-A", "CC-B" or "CC-C"
    value: str  # the GS1 element string it carries
    corners: tuple[Point, Point, Point, Point]  # in the page, top left, top right, bottom right, bottom left


@dataclass(frozen=True)
class _Line:
    layout: str
    y: float  # the t where the row read ends (up from the linear symbol's centre, pixels): the stop bar ends
    # every row, read whole or in part, at one tilt or another
    x0: float  # the s where the row read starts and ends (along the linear symbol, pixels)
    x1: float
    module: float  # pixels
    cluster: int
    values: tuple[int, ...]


def read_above(
    gray: np.ndarray, linear: Sequence[Point], either_way: bool = False, stacked: bool = False
) -> Component | None:
    """The CC-A or CC-B component above the linear symbol whose corners are ``linear`` (top left, top right,
    bottom right, bottom left as a reader gives them: the first two along the reading direction), or None.
    ``either_way``: the reading direction may be backwards (the reversed rows of DataBar Expanded Stacked).
    ``stacked``: a symbol of rows, whose tilt is looked for when it cannot be measured (other symbols whose tilt
    cannot be measured are read along the reader's direction only).

    The region above is sampled in bands, upwards: reading stops at the first band with no row read once rows
    were read (the component ended), or when the first band, as tall as the bars may be, holds none. Rows read
    but no component: the rows are not square to the bars (seen at an angle, each row at its own tilt), and
    lines are read at the tilts around the one that reads most (:func:`_tilted`)."""
    tl, tr, br, bl = linear
    frames = [_Frame(gray, corners) for corners in ([linear, (br, bl, tl, tr)] if either_way else [linear])]
    seen: list[dict[float, list[_Line]]] = [{} for _ in frames]
    # Unmeasured (a stacked symbol's rows cross the profiles), the tilt is looked for: the reader's direction first
    # (either way round), then turns either way.
    for turn in _TURNS if stacked else (0.0,):
        for frame, lines in zip(frames, seen, strict=True):
            if turn and frame.measured:
                continue
            lines[turn] = _lines(gray, frame.turned(turn))
            found = _found(frame, lines[turn])
            if found is not None:
                return found
    for frame, lines in zip(frames, seen, strict=True):
        found = _tilted(gray, frame, lines)
        if found is not None:
            return found
    return None


def _tilted(gray: np.ndarray, frame: _Frame, seen: dict[float, list[_Line]]) -> Component | None:
    """The component read at the tilts around the one that read most lines (``seen``: the lines read at each
    tilt tried, in degrees), each tilt's lines alone (:func:`_tilts` orders them), then those of the tilts near
    the one that read most together, then those of all that read many (rows seen at an angle converge: each is
    read at its own tilt)."""
    start = max(seen, key=lambda turn: len(seen[turn]))
    if sum(line.y > frame.t[1] for line in seen[start]) < _EVIDENCE:
        return None  # lines within the linear symbol's read are its bars (EAN/UPC photos have many)
    for turn in _tilts(seen, start):
        seen[turn] = _lines(gray, frame.turned(turn))
        found = _found(frame, seen[turn])
        if found is not None:
            return found
    peak = max(seen, key=lambda turn: len(seen[turn]))
    near = [turn for turn in seen if abs(turn - peak) <= _TILT_STEP / 2]
    wide = [turn for turn in seen if len(seen[turn]) >= _WIDE * len(seen[peak])]
    for turns in (near, wide):
        found = _found(frame, [line for turn in turns for line in seen[turn]])
        if found is not None:
            return found
    return None


def _tilts(seen: dict[float, list[_Line]], start: float) -> Iterator[float]:
    """The tilts to read next (``seen`` is filled in between): up the slope of the count of lines read in whole
    steps from ``start`` while it rises, then half steps either side of ``start`` and of the peak (counts of
    noisy rows are rough)."""
    peak = start
    for direction in (1.0, -1.0):
        while abs(peak - start) < _MAX_TILT:
            turn = round(peak + direction * _TILT_STEP, 3)
            if turn not in seen:
                yield turn
            if len(seen[turn]) <= len(seen[peak]):
                break
            peak = turn
    for centre in (start, peak):
        for turn in (round(centre - _TILT_STEP / 2, 3), round(centre + _TILT_STEP / 2, 3)):
            if turn not in seen:
                yield turn


def _lines(gray: np.ndarray, frame: _Frame) -> list[_Line]:
    """The rows read on lines across the region above, placed in the frame's untilted axes."""
    lines: list[_Line] = []
    t = 0.0  # from the middle of the read up: a tilted read's corners reach past the bars
    first = frame.t[1] + _FIRST_BAND * frame.length
    while t < frame.t[2]:
        top = min(frame.t[2], first if not lines else t + _BAND * frame.length)
        found = _read_lines(frame.sample(gray, t, top), top, frame.step)
        lines += found
        t = top
        if (lines and not found) or not lines:
            break
    return _short([frame.placed(line) for line in lines])


def _short(lines: list[_Line]) -> list[_Line]:
    """The lines but runs of lines of one layout ending at one place that read one cluster over more than
    ``_TALL`` modules: a linear symbol's bars (theirs match a row's layout now and then, each line its own
    codewords), not a component's rows, a few modules tall each and every one in the next cluster."""
    places: dict[tuple[str, int], list[_Line]] = {}
    for line in lines:
        places.setdefault((line.layout, round(line.x1 / (2 * line.module))), []).append(line)
    tall: set[int] = set()
    for place in places.values():
        place.sort(key=lambda line: line.y)
        first = 0
        for k in range(1, len(place) + 1):
            if k < len(place) and place[k].cluster == place[k - 1].cluster:
                continue
            if place[k - 1].y - place[first].y > _TALL * place[first].module:
                tall.update(id(line) for line in place[first:k])
            first = k
    return [line for line in lines if id(line) not in tall]


def _found(frame: _Frame, lines: list[_Line]) -> Component | None:
    for rows in _symbols(lines):
        read = _component(rows)
        if read is not None:
            s0 = min(line.x0 for row in rows for line in row)
            s1 = max(line.x1 for row in rows for line in row)
            t1, t0 = rows[0][0].y, rows[-1][-1].y
            box = (frame.at(s0, t1), frame.at(s1, t1), frame.at(s1, t0), frame.at(s0, t0))
            return Component(read[0], read[1], box)
    return None


def read_pdf417(gray: np.ndarray, corners: Sequence[Point]) -> Component | None:
    """A CC-C component: the PDF417 symbol within ``corners``, when it opens with the linkage codeword 920."""
    voted = voted_codewords(gray, corners)
    if voted is None:
        return None
    corrected = gf929.correct(voted[0], voted[1], _SPARE)
    if corrected is None:
        return None
    codewords = corrected[0]
    if codewords[0] + voted[1] != len(codewords):  # the symbol length descriptor
        return None
    bits = composite_data.byte_bits(codewords[1 : codewords[0]])
    value = None if bits is None else composite_data.decode(bits)
    if value is None:
        return None
    tl, tr, br, bl = corners
    return Component("CC-C", value, (tl, tr, br, bl))


class _Frame:
    """The linear symbol's own axes: ``s`` along its reading direction, ``t`` up from its bars (both in pixels,
    from its centre); the region sampled reaches ``_SIDE`` of its length beyond either end and ``_ABOVE`` above.

    A reader's corners of a tilted linear symbol follow its scanlines, not its bars: the direction across the
    bars is measured in the image (``_across_bars``), the reading direction only says which way round; when it
    cannot be measured (``measured``), the reading direction stands in. :meth:`turned` gives the same frame with
    its lines tilted; :meth:`placed` and :meth:`at` are in the untilted axes."""

    def __init__(self, gray: np.ndarray, linear: Sequence[Point]) -> None:
        tl, tr, br, bl = (np.asarray(p, dtype=np.float64) for p in linear)
        along = (tr - tl) + (br - bl)
        across = _across_bars(gray, (tl, tr, br, bl))
        self.measured = across is not None
        if across is None:
            across = along
        if float(across @ along) < 0:
            across = -across
        self.origin = (tl + tr + br + bl) / 4
        self.corners = [p - self.origin for p in (tl, tr, br, bl)]
        self.step = 1 / _OVERSAMPLE  # pixels between samples along a line
        self._axes(across / max(float(np.hypot(*across)), 1e-9))
        self.base_u, self.base_up = self.u, self.up

    def _axes(self, u: np.ndarray) -> None:
        self.u = u
        self.up = np.array([u[1], -u[0]])
        s = [float(p @ self.u) for p in self.corners]
        t = [float(p @ self.up) for p in self.corners]
        self.length = max(s) - min(s)
        self.s = (min(s) - _SIDE * self.length, max(s) + _SIDE * self.length)
        self.t = (min(t), max(t), max(t) + _ABOVE * self.length)

    def turned(self, degrees: float) -> _Frame:
        """The frame with its lines turned ``degrees`` counterclockwise."""
        if not degrees:
            return self
        c, s = math.cos(math.radians(degrees)), math.sin(math.radians(degrees))
        out = copy.copy(self)
        out._axes(np.array([c * self.base_u[0] + s * self.base_u[1], -s * self.base_u[0] + c * self.base_u[1]]))
        return out

    def placed(self, line: _Line) -> _Line:
        """A row read on one of this frame's lines (its ``x0``, ``x1`` and module in samples, ``y`` the line's
        ``t``) in the untilted axes."""
        s0, s1 = (self.s[0] + x * self.step for x in (line.x0, line.x1))
        a, b = (s * self.u + line.y * self.up for s in (s0, s1))
        return dataclasses.replace(
            line,
            y=float(b @ self.base_up),
            x0=float(a @ self.base_u),
            x1=float(b @ self.base_u),
            module=line.module * self.step,
        )

    def at(self, s: float, t: float) -> Point:
        p = self.origin + s * self.base_u + t * self.base_up
        return (float(p[0]), float(p[1]))

    def sample(self, gray: np.ndarray, t0: float, t1: float) -> np.ndarray:
        """Lines one pixel apart from ``t1`` down to ``t0``, samples ``step`` apart along each (bilinear)."""
        s = np.arange(self.s[0], self.s[1], self.step)
        t = np.arange(t1, t0, -1.0)
        x = self.origin[0] + s[None, :] * self.u[0] + t[:, None] * self.up[0]
        y = self.origin[1] + s[None, :] * self.u[1] + t[:, None] * self.up[1]
        out: np.ndarray = ndimage.map_coordinates(
            gray, [y, x], order=1, mode="constant", cval=255.0, output=np.float32
        )  # light beyond the page: lines past its edge would repeat its edge pixels, one row read many times
        return out


def _across_bars(gray: np.ndarray, corners: Sequence[np.ndarray]) -> np.ndarray | None:
    """The direction across the bars (along the reading direction), from how far the bars shift between two
    profiles across them, one near the top of the read and one near the bottom; None when the read is too short
    to tell or the profiles do not cross the same bars. Short profiles along the reader's scanlines first (a long
    one leaves a steeply tilted symbol), then long ones across the bars so found."""
    tl, tr, br, bl = corners
    scan = (tr - tl) + (br - bl)
    length = float(np.hypot(*scan)) / 2
    if length < 16:
        return None
    d = scan / (2 * length)
    n = np.array([-d[1], d[0]])  # down the bars as the reader saw them
    centre = (tl + tr + br + bl) / 4
    half = max(abs(float((bl - tl) @ n)), abs(float((br - tr) @ n)), 2 * _PROFILE_GAP) / 2
    rough = _shifted(gray, centre, d, half, min(0.6 * length, 6 * half))
    if rough is None:
        return None
    fine = _shifted(gray, centre, rough, half, 0.6 * length)
    across = rough if fine is None else fine
    return across if float(across @ d) >= 0 else -across


def _shifted(gray: np.ndarray, centre: np.ndarray, d: np.ndarray, half: float, reach: float) -> np.ndarray | None:
    """The direction across the bars from two profiles along ``d`` (``reach`` either side of ``centre``), ``half``
    either side of it, by the shift that best aligns them."""
    n = np.array([-d[1], d[0]])
    s = np.arange(-reach, reach, 0.5)
    profiles = []
    for t in (-half, half):
        x = centre[0] + s * d[0] + t * n[0]
        y = centre[1] + s * d[1] + t * n[1]
        line = ndimage.map_coordinates(np.asarray(gray, dtype=np.float32), [y, x], order=1, mode="nearest")
        profiles.append(line - line.mean())
    energy = float(np.sqrt((profiles[0] ** 2).sum() * (profiles[1] ** 2).sum()))
    corr = np.correlate(profiles[1], profiles[0], mode="full") / max(energy, 1e-9)
    lags = np.arange(-len(s) + 1, len(s))
    corr = np.where(np.abs(lags) <= 4 * half, corr, -np.inf)  # up to 45 degrees off, in half pixels
    k = int(np.argmax(corr))
    if corr[k] < _SAME_BARS:
        return None  # the two profiles do not cross the same bars (a stacked symbol's rows)
    shift = float(lags[k])
    if 0 < k < len(corr) - 1 and np.isfinite(corr[k - 1]) and np.isfinite(corr[k + 1]):
        a, b, c = float(corr[k - 1]), float(corr[k]), float(corr[k + 1])
        if a - 2 * b + c < 0:
            shift += 0.5 * (a - c) / (a - 2 * b + c)
    bars = n * 2 * half + d * shift * 0.5  # from the top profile to the bottom one, along a bar
    across = np.array([bars[1], -bars[0]])
    return across / float(np.hypot(*across))


def _read_lines(band: np.ndarray, t_top: float, step: float) -> list[_Line]:
    """The rows read on each line of a band (the ``t`` of each line: ``t_top`` less its index). The band's
    elements (runs of dark or light) are numbered through all its lines at once, each line's ending at its end."""
    if band.size == 0:
        return []
    window = max(3, round(_WINDOW / step))
    low = ndimage.minimum_filter1d(band, window, axis=1)
    high = ndimage.maximum_filter1d(band, window, axis=1)
    dark = (band < (low + high) / 2) & (high - low > _CONTRAST)
    lines, width = dark.shape
    flat = dark.ravel()
    cut = np.zeros(flat.size + 1, dtype=bool)
    cut[0] = cut[-1] = True
    cut[1:-1] = flat[1:] != flat[:-1]
    cut[np.arange(1, lines) * width] = True  # a line's end ends its last element
    cum = np.flatnonzero(cut).astype(np.float64)  # element k spans cum[k] to cum[k + 1] (samples into the band)
    widths = np.diff(cum)
    line = (cum[:-1] // width).astype(np.int64)
    first = np.searchsorted(line, np.arange(lines))  # each line's first element; the next line's is its end
    end = np.append(first[1:], len(widths))[line]
    dark_element = flat[cum[:-1].astype(np.int64)]
    enough = (end - first[line]) >= 30
    out: list[_Line] = []
    for layout, (spans, e, m) in _SPANS.items():
        starts = np.flatnonzero(dark_element & enough)
        starts = starts[starts + e + 1 < end[starts]]
        if len(starts) == 0:
            continue
        module = (cum[starts + e] - cum[starts]) / m
        ok = module >= 1.5
        # Seen at an angle, modules shrink along the row: each group is measured against the module where it lies,
        # interpolated between those of the row's two halves (split between groups).
        half = len(spans) // 2
        e_half, m_half = spans[half][0], sum(modules for _, _, modules in spans[:half])
        left = (cum[starts + e_half] - cum[starts]) / m_half
        right = (cum[starts + e] - cum[starts + e_half]) / (m - m_half)
        ok &= np.abs(np.log(right / np.maximum(left, 1e-9))) <= _FORESHORTENING
        at, centres = 0, (m_half / 2, (m + m_half) / 2)
        for a, b, modules in spans:
            local = left + (right - left) * ((at + modules / 2 - centres[0]) / (centres[1] - centres[0]))
            ratio = (cum[starts + b] - cum[starts + a]) / (np.maximum(local, 1e-9) * modules)
            ok &= np.abs(ratio - 1) <= _TOLERANCE
            at += modules
        stop = widths[starts + e]
        ok &= (stop >= 0.4 * module) & (stop <= 2.2 * module)
        ok &= (starts == first[line[starts]]) | (widths[np.maximum(starts - 1, 0)] >= 0.8 * module)
        ok &= widths[starts + e + 1] >= 0.8 * module
        starts, module = starts[ok], module[ok]
        read = _codewords(cum, starts, spans)
        if read is None:
            continue
        kept, cluster, values = read
        for i, j in enumerate(kept.tolist()):
            s, row = int(starts[j]), int(line[starts[j]])
            x0, x1 = float(cum[s]) - row * width, float(cum[s + e + 1]) - row * width
            out.append(_Line(layout, t_top - row, x0, x1, float(module[j]), int(cluster[i]), tuple(values[i].tolist())))
    return out


@cache
def _edge_keys() -> tuple[np.ndarray, np.ndarray]:
    """The six edge-to-similar-edge widths of every PDF417 codeword (a bar and the space after it, a space and
    the bar after it, ...), in modules, as sorted keys (base 16), and each key's cluster * 929 + value: unique
    over the three clusters, and unchanged when ink spreads or blur narrows the spaces (ISO/IEC 15438's reference
    decode measures them so)."""
    table = patterns()
    keys, found = [], []
    for cluster in range(3):
        for value in range(929):
            bits = format(int(table[cluster, value]), "017b")
            widths = [len(run) for run in bits.replace("01", "0 1").replace("10", "1 0").split()]
            keys.append(sum((widths[i] + widths[i + 1]) * 16**i for i in range(6)))
            found.append(cluster * 929 + value)
    order = np.argsort(keys)
    return np.asarray(keys, dtype=np.int64)[order], np.asarray(found, dtype=np.int64)[order]


def _codewords(
    cum: np.ndarray, starts: np.ndarray, spans: list[tuple[int, int, int]]
) -> tuple[np.ndarray, np.ndarray, np.ndarray] | None:
    """Of rows read from element ``starts`` (``cum``: where elements start): those whose codewords, all but at
    most one of three or four, are codewords of one cluster (noise spoils one here and another on the next line:
    the row's lines vote), that cluster and their codewords (``_UNREAD`` for one that is no codeword of it)."""
    keys, found = _edge_keys()
    clusters, values = [], []
    for a, _, modules in spans:
        if modules != 17:
            continue  # a row address pattern: its width was checked
        at = starts + a
        edges = np.stack([cum[at + i + 2] - cum[at + i] for i in range(6)], axis=1)
        rounded = np.rint(edges * (17 / (cum[at + 8] - cum[at]))[:, None]).astype(np.int64)
        key = (np.clip(rounded, 0, 15) * 16 ** np.arange(6)).sum(axis=1)
        index = np.minimum(np.searchsorted(keys, key), len(keys) - 1)
        hit = (keys[index] == key) & (rounded <= 15).all(axis=1)
        clusters.append(np.where(hit, found[index] // 929, -1))
        values.append(found[index] % 929)
    cluster_of, value_of = np.stack(clusters, axis=1), np.stack(values, axis=1)
    counts = np.stack([(cluster_of == k).sum(axis=1) for k in range(3)], axis=1)
    best, top = counts.argmax(axis=1), counts.max(axis=1)
    columns = cluster_of.shape[1]
    kept = np.flatnonzero(((counts == top[:, None]).sum(axis=1) == 1) & (top >= max(2, columns - 1)))
    if len(kept) == 0:
        return None
    mine = cluster_of[kept] == best[kept, None]
    return kept, best[kept], np.where(mine, value_of[kept], _UNREAD)


def _symbols(lines: list[_Line]) -> list[list[list[_Line]]]:
    """Candidate symbols: lines of one layout starting at one place, cut into rows (runs of one cluster), top
    down; the most codewords first."""
    out: list[list[list[_Line]]] = []
    for layout in _LAYOUTS:
        mine = sorted((line for line in lines if line.layout == layout), key=lambda line: line.x0)
        groups: list[list[_Line]] = []
        for line in mine:
            if groups and line.x0 - groups[-1][-1].x0 <= 3 * line.module:
                groups[-1].append(line)
            else:
                groups.append([line])
        for group in groups:
            if len(group) < 3:
                continue
            merged = _agreeing(group + _right_parts(group, lines))
            for part in _apart(sorted(merged, key=lambda line: -line.y)):
                rows = _rows(part) if len(part) >= 3 else []
                if rows:
                    out.append(rows)
    # The widest layout first: a four-column row holds two- and three-column layouts too.
    out.sort(key=lambda rows: (-rows[0][0].layout.count("C") * len(rows), -sum(len(r) for r in rows)))
    return out


def _right_parts(group: list[_Line], lines: list[_Line]) -> list[_Line]:
    """The lines that read only the right part of the group's rows (a layout that ends the group's, ending where
    its rows end), as lines of the group's layout whose first codewords were not read: noise spoils a long row's
    left part on many lines."""
    layout = group[0].layout
    ends = np.median([line.x1 for line in group])
    top, bottom = max(line.y for line in group), min(line.y for line in group)
    out: list[_Line] = []
    for line in lines:
        if line.layout == layout or not layout.endswith(line.layout) or abs(line.x1 - ends) > 3 * line.module:
            continue
        if not bottom - _GAP * line.module <= line.y <= top + _GAP * line.module:
            continue
        unread = (_UNREAD,) * (layout.count("C") - len(line.values))
        out.append(dataclasses.replace(line, layout=layout, values=unread + line.values))
    return out


def _agreeing(lines: list[_Line]) -> list[_Line]:
    """The lines whose cluster most lines within half a module of them share (a part misread at a row's height
    would cut the row in two)."""
    y = np.array([line.y for line in lines])
    cluster = np.array([line.cluster for line in lines])
    near = np.abs(y[:, None] - y[None, :]) <= np.array([line.module / 2 for line in lines])[:, None]
    counts = np.stack([(near & (cluster[None, :] == k)).sum(axis=1) for k in range(3)], axis=1)
    mine = counts[np.arange(len(lines)), cluster]
    others = np.where(np.arange(3)[None, :] == cluster[:, None], -1, counts).max(axis=1)
    return [line for line, keep in zip(lines, mine > others, strict=True) if keep]


def _apart(lines: list[_Line]) -> list[list[_Line]]:
    """Lines (top down) cut where no line was read over ``_GAP`` modules: not one symbol."""
    parts: list[list[_Line]] = []
    for line in lines:
        if parts and parts[-1][-1].y - line.y <= _GAP * line.module:
            parts[-1].append(line)
        else:
            parts.append([line])
    return parts


def _rows(lines: list[_Line]) -> list[list[_Line]]:
    """Lines cut into rows where the cluster changes; a row of few lines amid taller rows (a line read across
    two rows) is dropped; rows must follow each other's clusters (0, 3, 6, 0, ... down the symbol)."""
    blocks: list[list[_Line]] = []
    for line in lines:
        if blocks and blocks[-1][-1].cluster == line.cluster:
            blocks[-1].append(line)
        else:
            blocks.append([line])
    tall = sorted(len(b) for b in blocks)[len(blocks) // 2]
    kept: list[list[_Line]] = []
    for block in blocks:
        if len(block) < 0.3 * tall:
            continue
        if kept and kept[-1][-1].cluster == block[0].cluster:
            kept[-1].extend(block)
        else:
            kept.append(block)
    for above, below in itertools.pairwise(kept):
        if (below[0].cluster - above[0].cluster) % 3 != 1:
            return []
    return kept


def _component(rows: list[list[_Line]]) -> tuple[str, str] | None:
    layout = rows[0][0].layout
    cols = layout.count("C")
    codewords: list[int] = []
    for row in rows:
        for k in range(cols):
            votes = Counter(line.values[k] for line in row if line.values[k] != _UNREAD).most_common(1)
            codewords.append(votes[0][0] if votes else 0)  # none read: an error for the code to correct
    sizes = [(kind, (_CC_A if kind == "CC-A" else _CC_B).get((cols, len(rows)))) for kind in _LAYOUTS[layout]]
    # Four columns of six rows are a CC-A and a CC-B size whose first rows share a cluster: a CC-B's codewords are
    # also a CC-A's (its code's generator divides by CC-A's), not the other way round, so the larger code first.
    for kind, size in sorted(sizes, key=lambda pair: -(pair[1] or (0, 0))[0]):
        if size is None or size[1] != rows[0][0].cluster:
            continue
        k = size[0]
        corrected = gf929.correct(codewords, k, _SPARE)
        if corrected is None:
            continue
        data = corrected[0][: len(codewords) - k]
        bits = composite_data.base928_bits(data) if kind == "CC-A" else composite_data.byte_bits(data)
        value = None if bits is None else composite_data.decode(bits)
        if value is not None:
            return kind, value
    return None
