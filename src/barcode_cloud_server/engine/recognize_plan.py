"""The recognition passes and which of them each mode and image kind runs, in order.

A pass builds one or more image variants from the page (inverted, rescaled, normalised, turned, tiled...) and reads
them with one reader (zxing-cpp with a binarizer, or ZBar). ``family`` groups passes that see the image in the same
way: a linear symbol found only by extra passes is reported when two *different* families read it (see
``recognize``). ``prep_ns`` is what building the variants costs per pixel of the page (nanoseconds on the
reference machine, before the safety factor); the time budget uses it to skip passes that cannot finish in time.
A variant several passes start from is built once per page (``Page``); each of them is still priced as if it built
it, which keeps the price an upper bound whichever of them runs first.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from enum import StrEnum

import numpy as np
import zxingcpp

from barcode_cloud_server.engine import recognize_passes as rp


class Mode(StrEnum):
    FAST = "Fast"
    NORMAL = "Normal"
    EXCELLENT = "Excellent"


class ImageKind(StrEnum):
    PHOTO = "Photo"
    SCANNED_DOCUMENT = "ScannedDocument"
    CLEAR_IMAGE = "ClearImage"


BUDGET_SECONDS: Mapping[Mode, float] = {Mode.FAST: 1.5, Mode.NORMAL: 6.0, Mode.EXCELLENT: 20.0}
# Upscaled variants stop here: on busy images a larger variant would take most of a Normal budget for one pass.
MAX_UPSCALED_PIXELS = 12_000_000
MAX_FILTERED_PIXELS = 16_000_000
MAX_TURNED_GROWTH = 2.5  # a square turned by 45 degrees needs twice its pixels


class Page:
    """The image the passes of one search work on, and the variants several passes start from, built once (the
    page scaled up, the local normalisation with its float64 integral images, ...). Only variants made with
    :func:`_kept` stay here, for the page's search."""

    def __init__(self, gray: np.ndarray) -> None:
        self.gray = gray
        self._kept: dict[Make, list[rp.Variant]] = {}

    def kept(self, make: Make) -> list[rp.Variant]:
        if make not in self._kept:
            self._kept[make] = make(self)
        return self._kept[make]


Make = Callable[[Page], list[rp.Variant]]


@dataclass(frozen=True)
class Pass:
    name: str
    family: str
    make: Make
    reader: str = "zxing"  # or "zbar"
    binarizer: zxingcpp.Binarizer = zxingcpp.Binarizer.LocalAverage
    linear_only: bool = False
    matrix_only: bool = False
    trusted: bool = False  # the same pixels seen otherwise (inverted, turned, zxing's own binarizers)
    only: tuple[str, ...] = ()  # zxing-cpp formats this pass is for (empty: all wanted)
    when_damaged: bool = False  # only after a read located a 2D symbol it could not decode (see _Search)
    prep_ns: float = 15.0  # building the variants, nanoseconds per pixel of the page (see the module's doc)


def _kept(make: Make) -> Make:
    """``make``'s variants built once per page and shared by every pass that uses the returned maker."""
    return lambda page: page.kept(make)


def _one(make: Callable[[np.ndarray], rp.Variant]) -> Make:
    return lambda page: [make(page.gray)]


def _upscale(factor: float) -> Make:
    def make(page: Page) -> list[rp.Variant]:
        if page.gray.size * factor * factor > MAX_UPSCALED_PIXELS:
            return []
        return [rp.scaled(page.gray, factor)]

    return make


def _then_upscaled(first: Make, factor: float) -> Make:
    """``first``'s variants scaled up by ``factor``, within the same pixel cap as :func:`_upscale`."""

    def make(page: Page) -> list[rp.Variant]:
        if page.gray.size * factor * factor > MAX_UPSCALED_PIXELS:
            return []
        return [rp.chain(v, lambda x: rp.scaled(x, factor)) for v in first(page)]

    return make


def _filtered(make: Callable[[np.ndarray], rp.Variant]) -> Make:
    """A neighbourhood filter (local normalisation, median) on pages up to MAX_FILTERED_PIXELS only: above that
    its float64 temporaries alone would take over a gigabyte per request."""
    return lambda page: [make(page.gray)] if page.gray.size <= MAX_FILTERED_PIXELS else []


def _downscale(factor: float, min_side: int = 300) -> Make:
    def make(page: Page) -> list[rp.Variant]:
        return [rp.scaled(page.gray, factor)] if min(page.gray.shape) * factor >= min_side else []

    return make


def _deskew(page: Page) -> list[rp.Variant]:
    angle = rp.dominant_angle(page.gray)
    if angle is None or abs(angle) < 3:
        return []
    return _turns(angle)(page)


def _turns(*angles: float) -> Make:
    """The page turned by each angle, canvas expanded; angles whose canvas would be much larger than the page are
    left out: a long thin strip turned by 15 degrees needs a canvas of gigapixels."""

    def make(page: Page) -> list[rp.Variant]:
        g = page.gray
        h, w = g.shape
        out: list[rp.Variant] = []
        for angle in angles:
            cos, sin = abs(math.cos(math.radians(angle))), abs(math.sin(math.radians(angle)))
            canvas = (w * cos + h * sin) * (w * sin + h * cos)
            if canvas <= MAX_TURNED_GROWTH * g.size:
                out.append(rp.rotated(g, angle))
        return out

    return make


def _then(first: Make, second: Callable[[np.ndarray], rp.Variant]) -> Make:
    return lambda page: [rp.chain(v, second) for v in first(page)]


def _bends(page: Page) -> list[rp.Variant]:
    """Two strengths of bend, both ways, about both axes: paper curled up or down, along or across the code."""
    g = page.gray
    if g.size > MAX_FILTERED_PIXELS:
        return []
    return [rp.bent(g, k, across) for across in (False, True) for k in (0.06, -0.06, 0.1, -0.1)]


def _right_angles(page: Page) -> list[rp.Variant]:
    """Quarter turns, for readers that only read upright symbols (zxing-cpp's MaxiCode)."""
    return [rp.quarter_turned(page.gray, k) for k in (1, 2, 3)]


def _tiles(page: Page) -> list[rp.Variant]:
    side = max(page.gray.shape)
    if side < 1600:
        return []
    return rp.tiles(page.gray, max(800, side // 3))


def _strongly_sharpened(g: np.ndarray) -> rp.Variant:
    return rp.sharpened(g, 5, 150)


# The variants more than one pass starts from (another reader or binarizer, or a further step).
_UP15 = _kept(_upscale(1.5))
_UP2 = _kept(_upscale(2.0))
_UP3 = _kept(_upscale(3.0))
_UP2_SHARPENED = _kept(_then(_UP2, rp.sharpened))
_NORMALIZED = _kept(_filtered(rp.local_normalized))
_NORMALIZED_UP2 = _kept(_then_upscaled(_NORMALIZED, 2.0))
_SHARPENED = _kept(_one(rp.sharpened))
_SHARPENED_STRONG = _kept(_one(_strongly_sharpened))
_INVERTED_UP2 = _kept(_then_upscaled(_one(rp.inverted), 2.0))
_BLURRED = _kept(_one(lambda g: rp.blurred(g, 1.0)))

GH = zxingcpp.Binarizer.GlobalHistogram
FIXED = zxingcpp.Binarizer.FixedThreshold

PASSES: dict[str, Pass] = {
    p.name: p
    for p in (
        Pass("inverted", "inv", _one(rp.inverted), linear_only=True, trusted=True),
        Pass("histogram", "bin", _one(rp.original), binarizer=GH, trusted=True),
        Pass("fixed", "bin2", _one(rp.original), binarizer=FIXED, trusted=True),
        Pass("up2", "up", _UP2, prep_ns=40),
        Pass("up2-histogram", "up", _UP2, binarizer=GH, prep_ns=40),
        Pass("up3-histogram", "up3", _UP3, binarizer=GH, prep_ns=40),
        Pass("down2", "down", _downscale(0.5)),
        Pass("down3", "down", _downscale(1 / 3)),
        Pass("zbar", "zbar", _one(rp.original), reader="zbar"),
        Pass("zbar-up2", "zbar", _UP2, reader="zbar", prep_ns=40),
        Pass("zbar-down2", "zbar", _downscale(0.5, 150), reader="zbar"),
        Pass("zbar-sharp", "zbar-sharp", _SHARPENED, reader="zbar"),
        Pass("zbar-normalized", "zbar-norm", _NORMALIZED, reader="zbar", prep_ns=100),
        Pass("normalized", "norm", _NORMALIZED, prep_ns=100),
        Pass("normalized-histogram", "norm", _NORMALIZED, binarizer=GH, prep_ns=100),
        Pass("stretched", "norm2", _one(rp.stretched), binarizer=GH),
        Pass("equalized", "norm2", _one(rp.equalized)),
        Pass("sharpened", "sharp", _SHARPENED),
        Pass("sharpened-strong", "sharp2", _SHARPENED_STRONG),
        Pass("up2-sharpened", "sharp-up", _UP2_SHARPENED, prep_ns=40),
        Pass("up2-sharpened-histogram", "sharp-up", _UP2_SHARPENED, binarizer=GH, prep_ns=40),
        Pass("normalized-up2", "norm-up", _NORMALIZED_UP2, prep_ns=100),
        Pass("normalized-up2-histogram", "norm-up", _NORMALIZED_UP2, binarizer=GH, prep_ns=100),
        Pass("normalized-wide", "norm-wide", _filtered(lambda g: rp.local_normalized(g, 30)), prep_ns=100),
        Pass("up3", "up3", _UP3, prep_ns=40),
        Pass("up1.5", "up15", _UP15, prep_ns=40),
        Pass("up1.5-histogram", "up15", _UP15, binarizer=GH, prep_ns=40),
        Pass("zbar-up1.5", "zbar-up15", _UP15, reader="zbar", prep_ns=40),
        Pass("zbar-sharp-strong", "zbar-sharp2", _SHARPENED_STRONG, reader="zbar"),
        Pass("zbar-normalized-up2", "zbar-norm-up", _NORMALIZED_UP2, reader="zbar", prep_ns=100),
        Pass("blurred", "smooth", _one(lambda g: rp.blurred(g, 1.5))),
        Pass("blurred-histogram", "smooth", _BLURRED, binarizer=GH),
        Pass("median", "smooth2", _filtered(rp.median), prep_ns=70),
        Pass("deskewed", "rot", _deskew, trusted=True),
        Pass("turned-15", "rot2", _turns(15, -15), linear_only=True, trusted=True),
        Pass("turned-30", "rot2", _turns(30, -30), linear_only=True, trusted=True),
        Pass("turned-45", "rot2", _turns(45), linear_only=True, trusted=True),
        Pass("inverted-up2", "inv-up", _INVERTED_UP2, matrix_only=True, prep_ns=40),
        Pass(
            "inverted-up2-histogram",
            "inv-up",
            _INVERTED_UP2,
            binarizer=GH,
            matrix_only=True,
            prep_ns=40,
        ),
        Pass("tiles", "tiles", _tiles, trusted=True),
        Pass("right-angles", "rot3", _right_angles, trusted=True, only=("MaxiCode",)),
        Pass("right-angles-2d", "rot3", _right_angles, trusted=True, matrix_only=True),
        Pass("bent", "bent", _bends, matrix_only=True, when_damaged=True, prep_ns=80),
        Pass("up3-sharpened", "sharp-up3", _then(_UP3, rp.sharpened), prep_ns=40),
        Pass("up1.5-sharpened", "sharp-up15", _then(_UP15, rp.sharpened), prep_ns=40),
        Pass("blurred-up2", "smooth-up", _then_upscaled(_BLURRED, 2.0), prep_ns=40),
    )
}


def plan(mode: Mode, kind: ImageKind) -> tuple[str, ...]:
    """The names of the passes to try after the plain read, cheapest and most rewarding first."""
    if mode is Mode.FAST:
        return ("inverted", "right-angles") if kind is not ImageKind.CLEAR_IMAGE else ("right-angles",)
    if kind is ImageKind.CLEAR_IMAGE:
        normal: tuple[str, ...] = ("right-angles", "inverted", "right-angles-2d", "histogram", "fixed", "up2", "down2")
        extra: tuple[str, ...] = ("up2-histogram", "deskewed", "turned-15", "turned-30", "turned-45", "tiles")
    elif kind is ImageKind.SCANNED_DOCUMENT:
        normal = (
            "right-angles",
            "inverted",
            "right-angles-2d",
            "histogram",
            "fixed",
            "deskewed",
            "down2",
            "up2-histogram",
            "normalized",
            "stretched",
            "zbar",
            "median",
            "up2",
            "zbar-up2",
            "sharpened",
            "tiles",
        )
        extra = (
            "down3",
            "turned-15",
            "turned-30",
            "turned-45",
            "blurred",
            "zbar-sharp",
            "up3-histogram",
            "normalized-histogram",
            "equalized",
            "blurred-histogram",
            "zbar-down2",
            "zbar-normalized",
            "up2-sharpened-histogram",
            "inverted-up2",
            "inverted-up2-histogram",
            "bent",
        )
    else:
        normal = (
            "right-angles",
            "inverted",
            "right-angles-2d",
            "histogram",
            "up2-histogram",
            "zbar",
            "up2-sharpened",
            "normalized-up2-histogram",
            "normalized",
            "up2",
            "up3",
            "sharpened",
            "zbar-up2",
            "up1.5",
            "normalized-wide",
            "zbar-sharp-strong",
            "deskewed",
            "down2",
            "blurred-histogram",
            "zbar-sharp",
            "zbar-up1.5",
            "zbar-normalized-up2",
            "fixed",
            "equalized",
            "turned-15",
            "turned-30",
            "median",
            "inverted-up2",
            "inverted-up2-histogram",
            "zbar-normalized",
            "up3-sharpened",
            "up1.5-sharpened",
            "blurred-up2",
            "bent",
        )
        extra = (
            "up2-sharpened-histogram",
            "normalized-up2",
            "up3-histogram",
            "up1.5-histogram",
            "sharpened-strong",
            "normalized-histogram",
            "blurred",
            "down3",
            "stretched",
            "zbar-down2",
            "turned-45",
            "tiles",
        )
    return normal + extra if mode is Mode.EXCELLENT else normal
