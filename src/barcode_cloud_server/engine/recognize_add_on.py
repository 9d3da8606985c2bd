"""EAN/UPC add-ons (the spec's ``Supplement``): where the add-on sits in a read of a symbol that carries one.

zxing-cpp reads the main symbol and its add-on as one result whose text ends with the add-on's digits and whose
position spans both. The engine reports them as two results (the main symbol with its own value, then the
add-on, type Supplement), each with its own region: the split follows the symbols' widths in modules.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

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
