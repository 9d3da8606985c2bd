"""Kodak Patch Code: four bars, two wide and two narrow, three equal spaces; the pattern names the patch.

Patterns as the engine's builder draws them (``builders.patch_code``, after Kodak's specification: narrow bar and
space 0.08 in, wide bar 0.2 in): I WWNN, II WNNW, III WNWN, IV NWWN, VI NNWW, T NWNW. Reversed, I reads as VI and
III as T, so a patch is read in scan direction only (left to right, or top to bottom). Four bars carry no check:
the widths must be clean, the spaces alike and as wide as a narrow bar, and many scanlines must agree (patches
are tall, about twice as high as wide).
"""

from __future__ import annotations

import numpy as np

from barcode_cloud_server.engine.recognition.linear import Family, Read, two_widths, uniform

_PATCHES = {
    "1100": "Patch I",
    "1001": "Patch II",
    "1010": "Patch III",
    "0110": "Patch IV",
    "0011": "Patch VI",
    "0101": "Patch T",
}
QUIET = 3.0  # narrow bars' worth of quiet zone either side


def _fits(counts: np.ndarray) -> np.ndarray:
    out: np.ndarray = counts == 7
    return out


def _read(elements: np.ndarray, lead: float, trail: float) -> Read | None:
    bars, spaces = elements[0::2], elements[1::2]
    wide = two_widths(bars, 1.8, 3.5)
    if wide is None or int(wide.sum()) != 2 or not uniform(spaces, 1.6):
        return None
    narrow = float(bars[~wide].mean())
    if not 0.6 <= float(spaces.mean()) / narrow <= 1.7:
        return None
    if lead < QUIET * narrow or trail < QUIET * narrow:
        return None
    name = _PATCHES.get("".join("1" if w else "0" for w in wide))
    return None if name is None else Read("PatchCode", name, None)


FAMILY = Family(types=("PatchCode",), fits=_fits, read=_read, votes={"PatchCode": 6}, directional=True)
