"""The four-state sampler: bar rows drawn from their states (not by zint) come back as those states, at any
rotation and degraded, thin bars spoilt every way at once by the pass for bars that run together; pages without
such rows give none."""

from __future__ import annotations

import math

import numpy as np
import pytest

from barcode_cloud_server.engine import recognition
from barcode_cloud_server.engine.recognition import fourstate
from tests.support.postal import CONDITIONS, SPOILT, degrade, draw

RNG = np.random.default_rng(5)
ROWS = ["".join(RNG.choice(list("FADT"), size=n)) for n in (10, 37, 65, 79)]
TWO_STATE = "FDDDFFDDFDFDDFFDDFDDFDFDFDDFDFDF"  # Postnet 12345 with its check digit and frame bars


def _read(gray: np.ndarray) -> list[str]:
    return [c.states for c in fourstate.candidates(gray)]


def _either(states: str, read: list[str]) -> bool:
    return states in read or fourstate.flipped(states) in read


def test_flipped_is_the_row_turned_half_a_turn() -> None:
    assert fourstate.flipped("FADTA") == "DTADF"
    assert fourstate.flipped(fourstate.flipped(ROWS[1])) == ROWS[1]
    assert _read(np.ascontiguousarray(np.rot90(draw("AADTFTAAD"), 2))) == [fourstate.flipped("AADTFTAAD")]


@pytest.mark.parametrize("states", ROWS, ids=[str(len(r)) for r in ROWS])
@pytest.mark.parametrize("how", CONDITIONS)
def test_rows_read_back_degraded(states: str, how: str) -> None:
    read = _read(degrade(draw(states), how))
    assert _either(states, read), (how, read)


@pytest.mark.parametrize("angle", [0, 7, 30, 45, 90, 121, 200, 333])
def test_any_rotation_reads_in_one_of_its_two_readings(angle: float) -> None:
    read = _read(degrade(draw(ROWS[2], module=3), "clean", angle))
    assert len(read) == 1 and _either(ROWS[2], read), read


def test_upright_rows_read_left_to_right() -> None:
    assert _read(draw(ROWS[1])) == [ROWS[1]]
    assert _read(np.ascontiguousarray(np.rot90(draw(ROWS[1]), -1))) == [ROWS[1]]  # turned clockwise: top down


@pytest.mark.parametrize("module", [2, 3, 5, 9])
def test_module_sizes(module: int) -> None:
    assert _read(draw(ROWS[1], module=module)) == [ROWS[1]]


def test_two_state_rows_are_full_and_descender_bars() -> None:
    # Postnet's proportions: bottom-aligned bars, the short ones two fifths of the tall.
    gray = draw(TWO_STATE, heights=(10, 4, 4))
    assert _read(gray) == [TWO_STATE]
    assert _either(TWO_STATE, _read(degrade(gray, "rotated")))


def test_region_holds_the_row() -> None:
    gray = draw(ROWS[1], module=2, quiet=10)
    (row,) = fourstate.candidates(gray)
    xs = [x for x, _ in row.region]
    ys = [y for _, y in row.region]
    assert (min(xs), max(xs)) == pytest.approx((20, 20 + (2 * len(ROWS[1]) - 1) * 2), abs=2)
    assert (min(ys), max(ys)) == pytest.approx((20, 36), abs=2)


def test_two_rows_on_one_page_are_two_candidates() -> None:
    a, b = draw(ROWS[1]), draw(ROWS[2])
    page = np.full((a.shape[0] + b.shape[0], max(a.shape[1], b.shape[1])), 255, np.uint8)
    page[: a.shape[0], : a.shape[1]] = a
    page[a.shape[0] :, : b.shape[1]] = b
    assert sorted(_read(page)) == sorted([ROWS[1], ROWS[2]])


def test_pages_without_rows_give_none() -> None:
    assert _read(np.full((200, 300), 255, np.uint8)) == []
    assert _read(RNG.integers(0, 256, (300, 400), dtype=np.uint8)) == []
    # Bars of one height, unevenly spaced and of many widths (a linear barcode) are no row of postal bars.
    widths = RNG.integers(1, 5, 60)
    page = np.full((60, int(widths.sum()) * 2 + 40), 255, np.uint8)
    x = 20
    for k, w in enumerate(widths):
        if k % 2 == 0:
            page[10:50, x : x + w * 2] = 0
        x += w * 2
    assert _read(page) == []


def test_reader_tries_both_readings_and_reports_the_region() -> None:
    def decode(states: str) -> tuple[str, str | None] | None:
        return ("value", "9") if states == ROWS[1] else None

    read = fourstate.reader({"RM4SCC": decode})
    assert read.types == frozenset({"RM4SCC"})
    for gray in (draw(ROWS[1]), np.ascontiguousarray(np.rot90(draw(ROWS[1]), 2))):
        (found,) = read.find(gray, frozenset({"RM4SCC"}), math.inf)
        assert (found.type, found.value, found.checksum) == ("RM4SCC", "value", "9")
        assert len(found.region) == 4
    assert read.find(draw(ROWS[2]), frozenset({"RM4SCC"}), math.inf) == []


def test_large_pages_are_sampled_shrunk_and_priced_so() -> None:
    row = draw(ROWS[1], module=8)
    page = np.full((2500, 2000), 255, np.uint8)
    page[1000 : 1000 + row.shape[0], 100 : 100 + row.shape[1]] = row
    (found,) = fourstate.candidates(page)
    assert found.states == ROWS[1]
    xs = [x for x, _ in found.region]
    assert min(xs) == pytest.approx(100 + 80, abs=4)  # in the page's pixels, not the shrunk copy's
    assert fourstate.price((2500, 2000)) == fourstate.price((2500 // 2, 2000 // 2))


def _merged(gray: np.ndarray) -> list[str]:
    return [c.states for c in fourstate.merged_candidates(gray)]


@pytest.mark.parametrize("states", ROWS, ids=[str(len(r)) for r in ROWS])
@pytest.mark.parametrize("angle", [0, 41, 160])
def test_thin_bars_spoilt_every_way_read_by_the_merged_pass(states: str, angle: float) -> None:
    gray = degrade(draw(states), SPOILT, angle)
    assert _either(states, _merged(gray))


def test_two_state_rows_spoilt_every_way() -> None:
    gray = degrade(draw(TWO_STATE, heights=(10, 4, 4)), SPOILT)
    assert _either(TWO_STATE, _merged(gray))


def test_the_merged_pass_scales_large_pages_back() -> None:
    page = np.full((2500, 2000), 255, np.uint8)
    big = np.repeat(np.repeat(draw(ROWS[2]), 2, axis=0), 2, axis=1)  # shrunk by two, as drawn
    page[1000 : 1000 + big.shape[0], 100 : 100 + big.shape[1]] = big
    (found,) = fourstate.merged_candidates(page)
    assert found.states == ROWS[2]
    assert min(x for x, _ in found.region) == pytest.approx(100 + 40, abs=6)


def test_pages_without_rows_give_no_postal_read() -> None:
    read = recognition.READERS["fourstate"]
    noise = RNG.normal(128, 60, (400, 600))
    pages = [RNG.integers(0, 256, (300, 400), dtype=np.uint8), np.clip(noise, 0, 255).astype(np.uint8)]
    for page in pages:
        assert read.find(page, read.types, math.inf) == []
