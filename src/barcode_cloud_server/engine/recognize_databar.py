"""GS1 DataBar's tall and short forms, which zxing-cpp 3.1.1 reports under one format each: Stacked Omnidirectional
as Stacked (DataBarStk) and Truncated as Omnidirectional (DataBarOmni). The forms differ only in height (ISO/IEC
24724: Omnidirectional at least 33X, Truncated 13X; Stacked 13X in all, Stacked Omnidirectional two 33X rows and a
3X separator, 69X), so the symbol's height is measured in the image, in modules, from the read's corners.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np

Point = tuple[float, float]

# Width in modules of the rows zxing-cpp's corners span, and the height (in modules) between short and tall forms.
_FORMS = {
    "DataBarOmni": (96, 23.0, "DataBarOmni", "DataBarTruncated"),
    "DataBarStk": (50, 41.0, "DataBarStkOmni", "DataBarStk"),
}
_MOST_MODULES = 90  # the search for the symbol's edges goes this far from its middle
_MIN_TRANSITIONS = 8  # colour changes along a line that crosses the bars (the quiet zone around has none)


def form(zxing_format: str, gray: np.ndarray, corners: Sequence[Point]) -> str:
    """The format name (zxing-cpp's, or the pseudo-format DataBarTruncated) of a DataBar read by its height;
    ``zxing_format`` itself for other formats and when the height cannot be measured."""
    spec = _FORMS.get(zxing_format)
    if spec is None:
        return zxing_format
    modules, threshold, tall, short = spec
    height = height_in_modules(gray, corners, modules)
    if height is None:
        return zxing_format
    return tall if height >= threshold else short


def height_in_modules(gray: np.ndarray, corners: Sequence[Point], width_modules: int) -> float | None:
    """How tall the bars around the read are, in modules: lines parallel to the rows, half a module apart, from the
    read's middle outwards while they cross bars."""
    top_left, top_right, bottom_right, bottom_left = (np.asarray(p, dtype=np.float64) for p in corners)
    along = (top_right - top_left + bottom_right - bottom_left) / 2
    width = float(np.hypot(*along))
    if width < 2 * width_modules * 0.75:  # under 1.5 px a module: too small to measure
        return None
    unit = along / width
    across = np.array([-unit[1], unit[0]])
    module = width / width_modules
    middle = (top_left + top_right + bottom_right + bottom_left) / 4
    step = module / 2
    count = math.ceil(_MOST_MODULES / 0.5)
    offsets = np.arange(-count, count + 1) * step
    spots = np.linspace(-width / 2, width / 2, max(2 * width_modules, int(width)))
    xs = middle[0] + spots[None, :] * unit[0] + offsets[:, None] * across[0]
    ys = middle[1] + spots[None, :] * unit[1] + offsets[:, None] * across[1]
    h, w = gray.shape
    inside = (xs >= 0) & (xs <= w - 1) & (ys >= 0) & (ys <= h - 1)
    values = np.where(
        inside, gray[np.clip(ys.round().astype(int), 0, h - 1), np.clip(xs.round().astype(int), 0, w - 1)], 255
    )
    centre = values[count]
    threshold = (float(centre.min()) + float(centre.max())) / 2
    dark = values < threshold
    barred = np.count_nonzero(dark[:, 1:] != dark[:, :-1], axis=1) >= _MIN_TRANSITIONS
    if not barred[count]:
        return None
    up = count - _edge(barred[count::-1])
    down = count + _edge(barred[count:])
    return float((down - up + 1) * step / module)


def _edge(barred: np.ndarray) -> int:
    """How many lines from the first (the middle) on cross bars without a break."""
    breaks = np.nonzero(~barred)[0]
    return int(breaks[0]) - 1 if breaks.size else len(barred) - 1
