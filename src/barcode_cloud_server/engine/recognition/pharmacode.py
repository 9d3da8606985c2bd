"""Pharmacode (Laetus, one track): a number from 3 to 131070 as 2 to 16 bars, narrow (1 unit) or wide (3 units),
every space 2 units. Reading from the right, a narrow bar is worth 2^k and a wide one 2 * 2^k.

The code has no start, stop or check: it is not even the same number read backwards, so it is read in scan
direction only (left to right, or top to bottom for upright symbols), and nothing guards a read but its
regularity. Widths are judged by bar plus space pairs (3 or 5 units, the same whatever the ink spread), spaces must
all be alike, quiet zones clear, at least three bars, and more scanlines than for any other type must agree.
"""

from __future__ import annotations

import numpy as np

from barcode_cloud_server.engine.recognition.linear import Family, Quiet, Read, two_widths, uniform

QUIET = 2.5  # spaces' worth of quiet zone either side (zint draws three)
CLEAR = 1.6  # the quiet zone against the widest element (zint: six units against three)
MIN_BARS = 3  # two bars (values 3 to 6) are any pair of strokes


def value(wide: list[bool]) -> int:
    """The number that bars (wide True), left to right, stand for."""
    return sum((2 if w else 1) << k for k, w in enumerate(reversed(wide)))


def _fits(counts: np.ndarray) -> np.ndarray:
    out: np.ndarray = (counts >= 2 * MIN_BARS - 1) & (counts <= 31)
    return out


def _read(elements: np.ndarray, lead: float, trail: float) -> Read | None:
    bars, spaces = elements[0::2], elements[1::2]
    if not uniform(spaces, 1.5):
        return None
    space = float(np.median(spaces))
    # Quiet zones must also dwarf every element: a wide space of another symbol is as wide as its wide bars.
    quiet = max(QUIET * space, CLEAR * float(elements.max()))
    if lead < quiet or trail < quiet:
        return None
    # Each bar with the space after it (the last with the one before): 3 units narrow, 5 wide.
    pairs = bars + np.concatenate([spaces, spaces[-1:]])
    wide = two_widths(pairs, 1.4, 2.1)
    if wide is None:
        return None
    if not wide.any():
        # One width only: narrow pairs are 1.5 spaces, wide ones 2.5.
        ratio = float(pairs.mean()) / space
        if not (1.2 <= ratio <= 1.9 or 2.1 <= ratio <= 3.0):
            return None
        wide[:] = ratio > 2.0
    # Bars against spaces tell Pharmacode (narrow bar half a space) from Patch Code (as wide as a space).
    if not wide.all() and float(bars[~wide].mean()) > 0.85 * space:
        return None
    number = value([bool(w) for w in wide])
    if not 3 <= number <= 131070:
        return None
    return Read("Pharmacode", str(number), None)


FAMILY = Family(
    types=("Pharmacode",),
    fits=_fits,
    read=_read,
    votes={"Pharmacode": 6},
    directional=True,
    # Every space is two units, whatever the bars, and the quiet zone six: measured against the spaces beside it.
    quiet=Quiet(rank=1, factor=2.2, spaces_only=True),
)
