"""The engine's own decoders, for the symbologies no open reader handles.

Each symbology family is one module. The linear ones (``code11``, ``msi``, ``two_of_five``, ``pharmacode``,
``patch_code``) describe their symbol as a :class:`~.linear.Family`: ``scanlines`` turns a gray page into run widths
along parallel lines at a set of angles, and ``linear`` finds the stretches between quiet zones, hands them to the
families and keeps the values enough scanlines agree on; one scan serves them all. The others (postal bar heights,
stacked and matrix symbols) find their symbols their own way, each a :class:`~.found.Reader` in ``READERS``:
``code16k`` and ``codablock`` (stacked rows of Code 128 characters, one scan: ``stacked``); ``hanxin`` (Han Xin Code:
its position patterns, ``hanxin_grid`` for the modules, function information and error correction,
``hanxin_stream`` for the data modes); ``dotcode`` (DotCode's dot lattice, with ``dotcode_codewords`` for its
codewords, GF(113) Reed-Solomon and data, and ``gs1_elements`` for GS1 element strings); ``fourstate`` samples rows
of postal bars as strings of bar states, which the postal families decode (``postnet``: POSTNET and PLANET;
``rm4scc``: RM4SCC and Dutch KIX; ``australia_post``: Australia Post; ``intelligent_mail``: USPS Intelligent Mail,
the spec's OneCode; ``mailmark``: Royal Mail Mailmark; Australia Post and Mailmark correct errors with
``reed_solomon``); ``micr`` reads lines of MICR E-13B cheque characters. The symbology table names the family of
each type (``Symbology.own``); ``recognize`` calls :func:`find` for the types asked for, priced by :func:`price`.
``composite`` (with ``composite_data``) is of another kind, in ``PAIRED``: it reads the 2D component of a GS1
composite above a linear symbol zxing-cpp found, and ``recognize_composite`` pairs the two.
"""

from __future__ import annotations

import math

import numpy as np

from barcode_cloud_server.engine.recognition import (
    australia_post,
    codablock,
    code11,
    code16k,
    dotcode,
    fourstate,
    hanxin,
    intelligent_mail,
    linear,
    mailmark,
    micr,
    msi,
    patch_code,
    pharmacode,
    postnet,
    rm4scc,
    scanlines,
    stacked,
    two_of_five,
)
from barcode_cloud_server.engine.recognition.found import Found, Reader
from barcode_cloud_server.engine.recognition.scanlines import angles, sample_count, scan

__all__ = [
    "ASKED_ONLY",
    "FAMILIES",
    "PAIRED",
    "READERS",
    "TYPES",
    "Found",
    "Reader",
    "find",
    "find_inverted",
    "price",
]

FAMILIES: dict[str, linear.Family] = {
    "code11": code11.FAMILY,
    "msi": msi.FAMILY,
    "two_of_five": two_of_five.FAMILY,
    "pharmacode": pharmacode.FAMILY,
    "patch_code": patch_code.FAMILY,
}
READERS: dict[str, Reader] = {
    # The stacked families share one scan of the page along its edge orientations.
    "stacked": stacked.reader((code16k.FAMILY, codablock.FAMILY)),
    "hanxin": hanxin.READER,
    "dotcode": dotcode.READER,
    # The postal families share one sampling of the page: their decoders read the same rows of bars.
    "fourstate": fourstate.reader(
        {
            **postnet.DECODERS,
            **rm4scc.DECODERS,
            **australia_post.DECODERS,
            **intelligent_mail.DECODERS,
            **mailmark.DECODERS,
        },
        asked_only=rm4scc.ASKED_ONLY,
    ),
    "micr": micr.READER,
}
# Families that read a part of a symbol beside one zxing-cpp found, and their types (not searched for by ``find``).
PAIRED: dict[str, frozenset[str]] = {"composite": frozenset({"GS1CompositeBar"})}
LINEAR_TYPES: frozenset[str] = frozenset(t for f in FAMILIES.values() for t in f.types)
TYPES: frozenset[str] = LINEAR_TYPES | frozenset(t for r in READERS.values() for t in r.types)
# Types read only when asked for: with no start, stop or check, strokes of text and pictures make them too.
ASKED_ONLY: frozenset[str] = frozenset({"Pharmacode", "PatchCode"}).union(*(r.asked_only for r in READERS.values()))

# Twelve angles leave at most 7.5 degrees between a symbol and the nearest scan direction, which a symbol whose
# bars are an eighth of its length high still survives.
SCAN_ANGLES = 12
# Scanline spacing in pixels, and the most samples one search takes (larger pages get sparser lines).
SPACING = 4.0
MAX_SAMPLES = 4_000_000
# What a search costs per sample on busy photos, nanoseconds on the reference machine (sampling, thresholds,
# runs, the stretches text and pictures leave to the families; see bench/FIGURES.md).
SAMPLE_NS = 500.0
# And per pixel of the page: its threshold map.
PAGE_NS = 30.0


def _spacing(shape: tuple[int, int]) -> float:
    samples = sample_count(shape, SCAN_ANGLES, SPACING)
    return SPACING * max(1.0, samples / MAX_SAMPLES)


def price(shape: tuple[int, int], types: frozenset[str]) -> float:
    """What :func:`find` costs for ``types`` on a page of this shape, in seconds, before any safety factor."""
    cost = sum(r.price(shape) for r in READERS.values() if types & r.types)
    if types & LINEAR_TYPES:
        pixels = shape[0] * shape[1]
        cost += (sample_count(shape, SCAN_ANGLES, _spacing(shape)) * SAMPLE_NS + pixels * PAGE_NS) * 1e-9
    return cost


def find(gray: np.ndarray, types: frozenset[str], deadline: float = math.inf) -> list[Found]:
    """The symbols of ``types`` (spec names this package reads) in a gray page; reading stops at ``deadline``
    (``time.monotonic()``) with what was found so far.

    Every linear family reads every stretch, whatever was asked for, so that the readings of one symbol can be
    weighed against each other: a Standard 2 of 5 symbol is also a fine Pharmacode to a scanline that clips it,
    and only the reading most scanlines share is kept.
    """
    if min(gray.shape) < 8:
        return []
    page = np.ascontiguousarray(gray, dtype=np.uint8)
    found: list[Found] = []
    # The readers first: each is priced alone, and the linear scan of a busy page can run past the deadline.
    for reader in READERS.values():
        if types & reader.types:
            found += reader.find(page, types & reader.types, deadline)
    if types & LINEAR_TYPES:
        runs = scan(page, angles(SCAN_ANGLES), _spacing(gray.shape))
        found += _weigh(runs, gray.shape, types, deadline)
    return found


def find_inverted(gray: np.ndarray, types: frozenset[str], deadline: float = math.inf) -> list[Found]:
    """:func:`find` on the page with light and dark exchanged: light bars printed on a dark ground."""
    return find(np.ascontiguousarray(255 - np.asarray(gray, dtype=np.uint8)), types, deadline)


def _weigh(runs: scanlines.Runs, shape: tuple[int, int], types: frozenset[str], deadline: float) -> list[Found]:
    h, w = shape
    found: list[tuple[Found, linear.Voted]] = []
    for voted in linear.vote(runs, FAMILIES.values(), deadline):
        points = [runs.point(p) for span in voted.spans for p in span]
        xs = [min(max(x, 0.0), w - 1.0) for x, _ in points]
        ys = [min(max(y, 0.0), h - 1.0) for _, y in points]
        x0, x1, y0, y1 = math.floor(min(xs)), math.ceil(max(xs)), math.floor(min(ys)), math.ceil(max(ys))
        region = ((x0, y0), (x1, y0), (x1, y1), (x0, y1))
        read = voted.read
        found.append((Found(read.type, read.value, read.checksum, region), voted))
    return [f for f, v in found if f.type in types and not any(_beaten(f, v, g, u) for g, u in found if g != f)]


def _beaten(mine: Found, voted: linear.Voted, other: Found, other_voted: linear.Voted) -> bool:
    """Whether another reading of the same place makes ``mine`` unsure: one that crossed more elements (``mine``
    is a piece of it: a scanline that enters a symbol through the top of its bars, past the white above them,
    starts mid-symbol and may parse the rest as a shorter symbol, of the same family or of a weaker one), or one
    as long and at least half as well supported."""
    if not _overlap(mine.region, other.region) or other_voted.elements < voted.elements:
        return False
    return other_voted.elements > voted.elements or 2 * other_voted.votes >= voted.votes


def _overlap(a: tuple[tuple[int, int], ...], b: tuple[tuple[int, int], ...]) -> bool:
    (ax0, ay0), (ax1, ay1) = a[0], a[2]
    (bx0, by0), (bx1, by1) = b[0], b[2]
    return ax0 <= bx1 and bx0 <= ax1 and ay0 <= by1 and by0 <= ay1
