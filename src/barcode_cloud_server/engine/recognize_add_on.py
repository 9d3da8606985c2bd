"""EAN/UPC add-ons (the spec's ``Supplement``): where the add-on sits in a read of a symbol that carries one.

zxing-cpp reads the main symbol and its add-on as one result whose text ends with the add-on's digits and whose
position spans both. The engine reports them as two results (the main symbol with its own value, then the
add-on, type Supplement), each with its own region: the split follows the symbols' widths in modules.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Sequence

import numpy as np
from scipy import ndimage

from barcode_cloud_server.engine.datacheck import add_on_check

Point = tuple[float, float]

# Width in modules of each main symbol (guards included) and of each add-on, by its number of digits.
_MAIN_MODULES = {"EAN13": 95, "UPCA": 95, "ISBN": 95, "EAN8": 67, "UPCE": 51}
_ADD_ON_MODULES = {2: 20, 5: 47}
_GAP = 9.5  # GS1 allows 7 to 12 modules between the main symbol and its add-on: the middle of that range


def split(points: Sequence[Point], main_format: str, add_on: str) -> tuple[list[Point], list[Point]]:
    """The corners (top left, top right, bottom right, bottom left, in the reading direction) of the main symbol
    and of the add-on, from the corners of a read spanning both."""
    main = _MAIN_MODULES.get(main_format, 95)
    total = main + _GAP + _ADD_ON_MODULES[len(add_on)]
    top_left, top_right, bottom_right, bottom_left = points

    def at(a: Point, b: Point, share: float) -> Point:
        return (a[0] + (b[0] - a[0]) * share, a[1] + (b[1] - a[1]) * share)

    end, start = main / total, (main + _GAP) / total
    main_corners = [top_left, at(top_left, top_right, end), at(bottom_left, bottom_right, end), bottom_left]
    add_on_corners = [at(top_left, top_right, start), top_right, bottom_right, at(bottom_left, bottom_right, start)]
    return main_corners, add_on_corners


# An add-on's check is weak (EAN-2: two bits of parity), so a read must span several scanlines across it: a read
# along the ragged top or bottom edge of its bars, a line or two tall, is where misreads come from.
_MIN_TALL = 0.05  # the read's extent across the rows, as a share of the add-on's width
_MIN_TALL_PX = 3.0


def tall_enough(corners: Sequence[Point]) -> bool:
    """The add-on was read across enough of its bars' height (see ``_MIN_TALL``)."""
    top_left, top_right, bottom_right, bottom_left = corners
    width = math.dist(top_left, top_right)
    middle_top = ((top_left[0] + top_right[0]) / 2, (top_left[1] + top_right[1]) / 2)
    middle_bottom = ((bottom_left[0] + bottom_right[0]) / 2, (bottom_left[1] + bottom_right[1]) / 2)
    tall = math.dist(middle_top, middle_bottom)
    return tall >= _MIN_TALL_PX and tall >= _MIN_TALL * width


# Add-ons further from their symbol than zxing-cpp looks (it finds them up to 10 modules away; GS1 allows 12) are
# read here: scanlines beside the main symbol, each decoded from its bar and space widths and checked by the
# add-on's parity pattern; a value is reported when enough scanlines read it and none reads another.

# ISO/IEC 15420 number set A (the L patterns); set C (G) is set A's complement reversed. An add-on character is
# four elements, a space first: widths in modules.
_SET_A = ("0001101", "0011001", "0010011", "0111101", "0100011", "0110001", "0101111", "0111011", "0110111", "0001011")


def _runs(modules: str) -> tuple[int, ...]:
    return tuple(len(list(run)) for _, run in itertools.groupby(modules))


_CHARACTERS: dict[tuple[int, ...], tuple[int, str]] = {}
for _digit, _a in enumerate(_SET_A):
    _CHARACTERS[_runs(_a)] = (_digit, "L")
    _CHARACTERS[_runs(_a.translate(str.maketrans("01", "10"))[::-1])] = (_digit, "G")
# The parity patterns that carry an add-on's check (GS1 General Specifications): EAN-2 by its value mod 4,
# EAN-5 by its check digit.
_EAN2_PARITIES = ("LL", "LG", "GL", "GG")
_EAN5_PARITIES = ("GGLLL", "GLGLL", "GLLGL", "GLLLG", "LGGLL", "LLGGL", "LLLGG", "LGLGL", "LGLLG", "LLGLG")
# Where the add-on may start, modules after the main symbol's last bar (7 to 12, and half a module of slack).
_NEAREST, _FURTHEST = 6.5, 12.5
# A read this many modules tall or more gives the bars' direction (its left and right edges).
_TALL_READ = 8.0
# Scanlines start this many modules inside the main symbol, which ends on each within half that of the read's end.
_BACK = 4.0
# Scanlines: this many modules apart, over this many modules either side of the read's middle line.
_LINE_STEP, _LINE_REACH = 1.0, 40.0
_SAMPLES_PER_MODULE = 4
# Scanlines that must read the one value (and none another).
_MIN_LINES = 3
# Light after the add-on, modules (its quiet zone; GS1 asks for 5).
_QUIET = 4.0
# The most a bar may be widened (and a space narrowed) by ink and blur, modules.
_MAX_SPREAD = 0.6
# Least contrast of a scanline, gray levels.
_MIN_CONTRAST = 24.0


def beyond(gray: np.ndarray, corners: Sequence[Point], main_format: str) -> tuple[str, list[Point]] | None:
    """An add-on 7 to 12 modules after the main symbol whose corners (in the reading direction, as
    :func:`split` takes them) a read gave, and its corners; None when scanlines do not agree on one."""
    modules = _MAIN_MODULES.get(main_format)
    if modules is None:
        return None
    top_left, top_right, bottom_right, bottom_left = (np.asarray(p, dtype=np.float64) for p in corners)
    across = (top_right - top_left + bottom_right - bottom_left) / 2
    if float(np.linalg.norm(across)) + 1 < modules:  # under a pixel a module: nothing to sample
        return None
    # A tilted symbol read along image rows has corners on those rows: its left and right edges follow its bars,
    # so the bars give the direction when the read spans enough of their height.
    down = (bottom_left - top_left + bottom_right - top_right) / 2
    band = float(np.linalg.norm(down))
    if band >= _TALL_READ * float(np.linalg.norm(across)) / modules:
        v = down / band
        u = np.array([-v[1], v[0]])
        u = u if float(np.dot(u, across)) > 0 else -u
    else:
        u = across / float(np.linalg.norm(across))
        v = np.array([-u[1], u[0]])
    module = (float(np.dot(across, u)) + 1) / modules
    if module < 1:
        return None
    # Scanlines from the symbol's right edge, across its height and beyond the read's band.
    end = (top_right + bottom_right) / 2
    reach = max(band / 2, _LINE_REACH * module)
    offsets = np.arange(-reach, reach + 1e-9, _LINE_STEP * module)
    span = (_FURTHEST + max(_ADD_ON_MODULES.values()) + _QUIET + 2) * module
    along = np.arange(-_BACK * module, span, module / _SAMPLES_PER_MODULE)
    points = end[:, None, None] + u[:, None, None] * along[None, None, :] + v[:, None, None] * offsets[None, :, None]
    lines = ndimage.map_coordinates(gray.astype(np.float32), [points[1], points[0]], order=1, cval=255.0)
    reads: dict[str, list[tuple[float, float, float]]] = {}
    light, dark = np.percentile(lines, (95, 5), axis=1)  # every line's at once: one call a line cost the most
    for offset, line, top, bottom in zip(offsets, lines, light, dark, strict=True):
        got = _read_line(line, float(top), float(bottom))
        if got is not None:
            value, start, stop = got
            reads.setdefault(value, []).append((float(offset), float(start * module), float(stop * module)))
    if len(reads) != 1:
        return None
    ((value, hits),) = reads.items()
    if len(hits) < _MIN_LINES:
        return None
    low, high = min(h[0] for h in hits), max(h[0] for h in hits)
    start, stop = float(np.median([h[1] for h in hits])), float(np.median([h[2] for h in hits]))

    def at(a: float, b: float) -> Point:
        p = end + u * a + v * b
        return (float(p[0]), float(p[1]))

    found = [at(start, low), at(stop, low), at(stop, high), at(start, high)]
    return (value, found) if tall_enough(found) else None


def _read_line(line: np.ndarray, light: float, dark: float) -> tuple[str, float, float] | None:
    """The add-on one scanline crosses (sampled from ``_BACK`` modules inside the main symbol on,
    ``_SAMPLES_PER_MODULE`` a module; ``light`` and ``dark`` its 95th and 5th percentiles), with where it starts
    and stops in modules from the symbol's end; None unless it parses and its parity holds."""
    if light - dark < _MIN_CONTRAST:
        return None
    bars = line < (light + dark) / 2
    edges = np.flatnonzero(bars[1:] != bars[:-1]) + 1
    starts = np.concatenate([[0], edges]) / _SAMPLES_PER_MODULE - _BACK
    widths = np.diff(np.concatenate([[0], edges, [len(bars)]])) / _SAMPLES_PER_MODULE
    dark_runs = bars[np.concatenate([[0], edges])]
    # The gap: the first space wider than any inside the symbol, after a bar that ends near where the read says
    # the symbol ends (a read's corners can be a module or two off its bars, more so on a tilted symbol).
    wide = [k for k in np.flatnonzero(~dark_runs) if k > 0 and widths[k] >= _NEAREST - 1]
    if not wide or abs(starts[wide[0]]) > _BACK / 2:
        return None
    k = wide[0]
    # Measured from the left edge of the symbol's last bar (one module wide, or its guard's three run together) to
    # the add-on's first: blur and ink widen bars and narrow spaces alike, and their sum holds.
    last = float(widths[k - 1])
    gap = last + float(widths[k]) - (1 if last < 2 else 3)
    if not _NEAREST <= gap <= _FURTHEST:
        return None
    for digits in (5, 2):
        count = 3 + 4 * digits + 2 * (digits - 1)
        elements = widths[k + 1 : k + 1 + count]
        if len(elements) < count:
            continue
        after = widths[k + 1 + count] if len(widths) > k + 1 + count else np.inf
        if after < _QUIET:
            continue
        value = _decode(elements, digits)
        if value is not None:
            begin = float(starts[k + 1])
            return value, begin, begin + float(elements.sum())
    return None


def _decode(elements: np.ndarray, digits: int) -> str | None:
    """Guard, characters and separators in element widths; the value when every character and the parity hold."""
    modules = _ADD_ON_MODULES[digits]
    unit = float(elements.sum()) / modules
    if not 0.8 <= unit <= 1.25:  # the add-on is its own width in the main symbol's modules
        return None
    # Ink and blur widen every bar and narrow every space by one amount: the guard's first bar and space, a module
    # each, show how much.
    widths = elements / unit
    spread = float(widths[0] - widths[1]) / 2
    if abs(spread) > _MAX_SPREAD:
        return None
    widths[0::2] -= spread  # bars: the guard starts with one, and bars and spaces alternate
    widths[1::2] += spread
    if np.rint(widths[:3]).tolist() != [1, 1, 2]:
        return None
    value, parities = "", ""
    at = 3
    for k in range(digits):
        if k:
            if np.rint(widths[at : at + 2]).tolist() != [1, 1]:
                return None
            at += 2
        char = widths[at : at + 4]
        at += 4
        key = tuple(int(x) for x in np.maximum(np.rint(char * 7 / char.sum()), 1))
        if sum(key) != 7 or key not in _CHARACTERS:
            return None
        digit, parity = _CHARACTERS[key]
        value += str(digit)
        parities += parity
    expected = _EAN2_PARITIES[int(value) % 4] if digits == 2 else _EAN5_PARITIES[int(add_on_check(value))]
    return value if parities == expected else None
