"""Macro PDF417 structured append: the segments of one file in an image come back as one result, in order."""

from __future__ import annotations

import io

import numpy as np
import pytest
import zxingcpp
from PIL import Image

from barcode_cloud_server.engine import zintenc
from barcode_cloud_server.engine.generate import GenerateRequest, lookup_encode_type, render_options
from barcode_cloud_server.engine.pdf417_macro import Segment, read_segment
from barcode_cloud_server.engine.recognize import recognize_array, recognize_bytes
from barcode_cloud_server.engine.render import render
from tests.support.generate import gen

PARTS = ("Hello, ", "structured ", "append! ", "4 of 4")


def _segment(index: int, count: int, data: str, file_id: bytes = b"77") -> np.ndarray:
    """Segment ``index`` (1-based, as zint numbers them) of ``count``, drawn by zint at 2 px modules."""
    job = zintenc.ZintJob("PDF417", data, unicode=False, structapp=(index, count, file_id))
    opts = render_options(lookup_encode_type("Pdf417"), GenerateRequest("Pdf417", data))
    return np.asarray(Image.open(io.BytesIO(render(zintenc.encode(job, "Pdf417"), opts))).convert("L"))


def _page(tiles: list[np.ndarray], gap: int = 30) -> np.ndarray:
    width = max(t.shape[1] for t in tiles) + 2 * gap
    page = np.full((sum(t.shape[0] + gap for t in tiles) + gap, width), 255, dtype=np.uint8)
    y = gap
    for tile in tiles:
        page[y : y + tile.shape[0], gap : gap + tile.shape[1]] = tile
        y += tile.shape[0] + gap
    return page


def _corners(gray: np.ndarray) -> list[tuple[float, float]]:
    (read,) = zxingcpp.read_barcodes(gray)
    p = read.position
    return [(float(q.x), float(q.y)) for q in (p.top_left, p.top_right, p.bottom_right, p.bottom_left)]


def test_control_block_of_each_segment() -> None:
    for i, part in enumerate(PARTS):
        gray = _segment(i + 1, len(PARTS), part)
        assert read_segment(gray, _corners(gray)) == Segment(i, "077", len(PARTS), i == len(PARTS) - 1)


@pytest.mark.parametrize("rotation", [0, 90, 180])
def test_the_engines_one_segment_macro_pdf417(rotation: int) -> None:
    image = Image.open(io.BytesIO(gen("MacroPdf417", "Macro", rotation_angle=rotation).content))
    gray = np.asarray(image.convert("L"))
    segment = read_segment(gray, _corners(gray))
    assert segment is not None and (segment.index, segment.count, segment.last) == (0, 1, True)


def test_a_plain_pdf417_has_no_control_block() -> None:
    gray = np.asarray(Image.open(io.BytesIO(gen("Pdf417", "no macro here").content)).convert("L"))
    assert read_segment(gray, _corners(gray)) is None


@pytest.mark.parametrize("order", [(0, 1, 2, 3), (2, 0, 3, 1), (3, 2, 1, 0)])
@pytest.mark.parametrize("turns", [0, 1])
def test_segments_in_one_image_merge_in_order(order: tuple[int, ...], turns: int) -> None:
    tiles = [_segment(i + 1, len(PARTS), PARTS[i]) for i in order]
    page = np.ascontiguousarray(np.rot90(_page(tiles), turns))
    for types in (None, ["MacroPdf417"], ["Pdf417"]):
        found = recognize_array(page, types)
        assert [d.value for d in found] == ["".join(PARTS)], types
    assert recognize_array(page, None)[0].type == "MacroPdf417"


def test_an_incomplete_file_stays_in_segments() -> None:
    page = _page([_segment(i + 1, len(PARTS), PARTS[i]) for i in (2, 0, 1)])  # no 4th segment
    assert sorted(d.value for d in recognize_array(page, None)) == sorted(PARTS[:3])


def test_segments_of_two_files_merge_apart() -> None:
    first = [_segment(i + 1, 2, part, b"11") for i, part in enumerate(("ab", "cd"))]
    second = [_segment(i + 1, 2, part, b"22") for i, part in enumerate(("12", "34"))]
    page = _page([second[1], first[0], second[0], first[1]])
    assert sorted(d.value for d in recognize_array(page, None)) == ["1234", "abcd"]


def test_single_macro_pdf417_is_reported_as_such_in_a_scan() -> None:
    assert [d.type for d in recognize_bytes(gen("MacroPdf417", "Macro").content, None)] == ["MacroPdf417"]
    assert [d.type for d in recognize_bytes(gen("Pdf417", "Macro").content, None)] == ["Pdf417"]
