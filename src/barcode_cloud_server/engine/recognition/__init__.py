"""The engine's own decoders, for the symbologies no open reader handles.

Each symbology family is one module (``code11``, ``msi``, ``two_of_five``, ``pharmacode``, ``patch_code``)
describing its symbol as a :class:`~.linear.Family`; ``scanlines`` turns a gray page into run widths along
parallel lines at a set of angles, and ``linear`` finds the stretches between quiet zones, hands them to the
families and keeps the values enough scanlines agree on. The symbology table names the family of each type
(``Symbology.own``); ``recognize`` calls :func:`find` for the types asked for, priced by :func:`price`.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from barcode_cloud_server.engine.recognition import code11, linear, msi, patch_code, pharmacode, two_of_five
from barcode_cloud_server.engine.recognition.scanlines import angles, sample_count, scan

FAMILIES: dict[str, linear.Family] = {
    "code11": code11.FAMILY,
    "msi": msi.FAMILY,
    "two_of_five": two_of_five.FAMILY,
    "pharmacode": pharmacode.FAMILY,
    "patch_code": patch_code.FAMILY,
}
TYPES: frozenset[str] = frozenset(t for f in FAMILIES.values() for t in f.types)
# Types read only when asked for: with no start, stop or check, strokes of text and pictures make them too.
ASKED_ONLY: frozenset[str] = frozenset({"Pharmacode", "PatchCode"})

# Twelve angles leave at most 7.5 degrees between a symbol and the nearest scan direction, which a symbol whose
# bars are an eighth of its length high still survives.
SCAN_ANGLES = 12
# Scanline spacing in pixels, and the most samples one search takes (larger pages get sparser lines).
SPACING = 4.0
MAX_SAMPLES = 24_000_000
# What a search costs per sample on busy photos, nanoseconds on the reference machine (sampling, thresholds,
# runs, the stretches text and pictures leave to the families; see bench/FIGURES.md).
SAMPLE_NS = 200.0


@dataclass(frozen=True)
class Found:
    """A symbol read by a decoder of this package, with its corners in the page's pixel coordinates."""

    type: str
    value: str
    checksum: str | None
    region: tuple[tuple[int, int], ...]


def _spacing(shape: tuple[int, int]) -> float:
    samples = sample_count(shape, SCAN_ANGLES, SPACING)
    return SPACING * max(1.0, samples / MAX_SAMPLES)


def price(shape: tuple[int, int]) -> float:
    """What :func:`find` costs on a page of this shape, in seconds, before any safety factor."""
    return sample_count(shape, SCAN_ANGLES, _spacing(shape)) * SAMPLE_NS * 1e-9


def find(gray: np.ndarray, types: frozenset[str]) -> list[Found]:
    """The symbols of ``types`` (spec names this package reads) in a gray page.

    Every family reads every stretch, whatever was asked for, so that the readings of one symbol can be weighed
    against each other: a Standard 2 of 5 symbol is also a fine Pharmacode to a scanline that clips it, and only
    the reading most scanlines share is kept.
    """
    if not types & TYPES or min(gray.shape) < 8:
        return []
    runs = scan(np.ascontiguousarray(gray, dtype=np.uint8), angles(SCAN_ANGLES), _spacing(gray.shape))
    h, w = gray.shape
    found: list[tuple[Found, int]] = []
    for voted in linear.vote(runs, FAMILIES.values()):
        points = [runs.point(p) for span in voted.spans for p in span]
        xs = [min(max(x, 0.0), w - 1.0) for x, _ in points]
        ys = [min(max(y, 0.0), h - 1.0) for _, y in points]
        x0, x1, y0, y1 = math.floor(min(xs)), math.ceil(max(xs)), math.floor(min(ys)), math.ceil(max(ys))
        region = ((x0, y0), (x1, y0), (x1, y1), (x0, y1))
        read = voted.read
        found.append((Found(read.type, read.value, read.checksum, region), voted.votes))
    return [f for f, n in found if f.type in types and not any(_beaten(f, n, g, m) for g, m in found if g != f)]


def _beaten(mine: Found, votes: int, other: Found, other_votes: int) -> bool:
    """Whether another reading of the same place makes ``mine`` unsure: a longer value of the same type that
    contains it (a scanline that enters a symbol through the top of its bars, past the white above them, starts
    mid-symbol and may parse the rest as a shorter symbol), or any reading at least half as well supported."""
    if not _overlap(mine.region, other.region):
        return False
    if mine.type == other.type and len(mine.value) < len(other.value) and mine.value in other.value:
        return True
    return 2 * other_votes >= votes


def _overlap(a: tuple[tuple[int, int], ...], b: tuple[tuple[int, int], ...]) -> bool:
    (ax0, ay0), (ax1, ay1) = a[0], a[2]
    (bx0, by0), (bx1, by1) = b[0], b[2]
    return ax0 <= bx1 and bx0 <= ax1 and ay0 <= by1 and by0 <= ay1
