"""GS1 composite symbols (the spec's GS1CompositeBar): a linear symbol read by zxing-cpp and the 2D component
above it read by ``recognition.composite``, reported as one result.

Hosts are EAN/UPC, GS1-128 and GS1 DataBar symbols. A CC-C (a PDF417 symbol, over GS1-128 only) is one zxing-cpp
found in the same read, above the linear symbol; CC-A and CC-B are read from the image above it. The value joins
the two GS1 element strings with '|', as Aspose's GS1CompositeBar code text does: ``(01)...|(21)...``; EAN/UPC
symbols carry a GTIN, as AI (01) padded to 14 digits.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from barcode_cloud_server.engine.datacheck import upce_to_upca
from barcode_cloud_server.engine.recognition import composite, gs1_elements
from barcode_cloud_server.engine.recognize_types import gs1_check_ok

Point = tuple[float, float]
TYPE = "GS1CompositeBar"

_EAN_UPC = frozenset({"EAN13", "EAN8", "UPCA", "UPCE", "ISBN"})
_DATABAR = frozenset({"DataBar", "DataBarOmni", "DataBarStk", "DataBarStkOmni", "DataBarLtd", "DataBarExp"})
_STACKED_EXPANDED = "DataBarExpStk"  # its even rows read backwards: the reading direction may point either way
_STACKED = frozenset({"DataBarStk", "DataBarStkOmni", _STACKED_EXPANDED})
_PDF417 = "PDF417"


@dataclass(frozen=True)
class Composite:
    value: str  # the 2D component's element string
    kind: str  # CC-A, CC-B or CC-C
    corners: tuple[Point, Point, Point, Point]  # the 2D component's, top left first
    pdf417: int | None  # the index of the zxing-cpp read that is the CC-C, when it is one


def join(linear: str, component: str) -> str:
    return f"{linear}|{component}"


def linear_element_string(fmt: str, raw: bytes, symbology_identifier: str) -> str | None:
    """The GS1 element string of a linear symbol that can host a composite component, or None when it cannot."""
    try:
        text = raw.decode("ascii")
    except UnicodeDecodeError:
        return None
    if fmt in _EAN_UPC:
        if fmt == "UPCE" and len(text) == 8:
            text = upce_to_upca(text[:7]) + text[7]
        if not text.isdigit() or len(text) not in (8, 12, 13) or not gs1_check_ok(text):
            return None
        return f"(01){text.zfill(14)}"
    if fmt in _DATABAR or fmt == _STACKED_EXPANDED or (fmt == "Code128" and symbology_identifier == "]C1"):
        return gs1_elements.hri(text)
    return None


def read(
    gray: np.ndarray, fmt: str, points: Sequence[Point], others: Sequence[tuple[str, Sequence[Point]]]
) -> Composite | None:
    """The 2D component of the linear symbol read at ``points`` (format ``fmt``) in ``gray``: a CC-C among the
    other symbols of the same read (their formats and corners), else a CC-A or CC-B above it."""
    if fmt == "Code128":
        for index, (other, corners) in enumerate(others):
            if other == _PDF417 and _above(points, corners):
                found = composite.read_pdf417(gray, corners)
                if found is not None:
                    return Composite(found.value, found.kind, found.corners, index)
    found = composite.read_above(gray, points, either_way=fmt == _STACKED_EXPANDED, stacked=fmt in _STACKED)
    return None if found is None else Composite(found.value, found.kind, found.corners, None)


def corners(component: Sequence[Point], linear: Sequence[Point]) -> list[Point]:
    """The whole symbol's corners: the 2D component's top ones and the two corners of the linear read farthest
    below them (the reader's corners of a reversed read are upside down)."""
    tl, tr = (np.asarray(p, dtype=np.float64) for p in component[:2])
    u = (tr - tl) / max(float(np.hypot(*(tr - tl))), 1e-9)
    down = np.array([-u[1], u[0]])
    lowest = sorted(linear, key=lambda p: -float(np.asarray(p) @ down))[:2]
    bl, br = sorted(lowest, key=lambda p: float(np.asarray(p) @ u))
    return [component[0], component[1], br, bl]


def _above(linear: Sequence[Point], other: Sequence[Point]) -> bool:
    """Whether the centre of ``other`` lies over the linear symbol, within its length above it (either way up:
    the reading direction decides which side is above)."""
    tl, tr, br, bl = (np.asarray(p, dtype=np.float64) for p in linear)
    along = (tr - tl) + (br - bl)
    length = float(np.hypot(*along)) / 2
    if length <= 0:
        return False
    u = along / (2 * length)
    up = np.array([u[1], -u[0]])
    centre = (tl + tr + br + bl) / 4
    c = np.mean(np.asarray(other, dtype=np.float64), axis=0) - centre
    s, t = float(c @ u), float(c @ up)
    return abs(s) <= length / 2 and 0 < t <= 1.5 * length
