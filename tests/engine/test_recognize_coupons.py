"""UPC-A coupons (the spec's UpcaGs1Code128Coupon and UpcaGs1DatabarCoupon): both symbols come back."""

from __future__ import annotations

import numpy as np
import pytest

from barcode_cloud_server.engine.recognize import Mode, recognize_array, recognize_bytes
from barcode_cloud_server.engine.recognize_types import data_text
from tests.support.generate import gen
from tests.support.samples import SAMPLES, render

DATABAR = ("UpcaGs1DatabarCoupon", "514141100906(8110)106141416543213500110000310123196000")
CODE128 = ("UpcaGs1Code128Coupon", "514141100906(8102)03")
UPC = ("UPCA", "514141100906", "6")


def _read(image: bytes, types: list[str] | None, mode: Mode = Mode.NORMAL) -> set[tuple[str, str, str | None]]:
    return {(d.type, d.value, d.checksum) for d in recognize_bytes(image, types, mode)}


@pytest.mark.parametrize("rotation", [0, 90, 180, 7])
@pytest.mark.parametrize("mode", [Mode.FAST, Mode.NORMAL])
def test_asking_for_upca_brings_the_coupons_gs1_part(rotation: int, mode: Mode) -> None:
    databar = gen(*DATABAR, rotation_angle=rotation).content
    gs1 = ("DatabarExpanded", "(8110)106141416543213500110000310123196000", None)
    assert _read(databar, ["UPCA"], mode) == {UPC, gs1}
    assert _read(databar, None, mode) == {UPC, gs1}
    code128 = gen(*CODE128, rotation_angle=rotation).content
    assert _read(code128, ["UPCA"], mode) == {UPC, ("GS1Code128", "(8102)03", None)}
    assert _read(code128, None, mode) == {UPC, ("GS1Code128", "(8102)03", None)}


def test_only_a_coupon_code_comes_along() -> None:
    """A GS1-128 or DataBar Expanded symbol beside a UPC-A that holds no coupon AI is not what UPCA asked for."""
    upc = next(s for s in SAMPLES if s.type == "UPCA")
    others = [s for s in SAMPLES if s.type in ("GS1Code128", "DatabarExpanded")]
    for other in others:
        left, right = render(upc), render(other)
        height = max(left.shape[0], right.shape[0])
        page = np.full((height, left.shape[1] + right.shape[1]), 255, dtype=np.uint8)
        page[: left.shape[0], : left.shape[1]] = left
        page[: right.shape[0], left.shape[1] :] = right
        assert [(d.type, d.value) for d in recognize_array(page, ["UPCA"])] == [(upc.type, upc.value)], other.type
        assert {(d.type, d.value) for d in recognize_array(page)} == {(upc.type, upc.value), (other.type, other.value)}


def test_coupon_code_zxing_cpp_does_not_know_is_put_in_parentheses() -> None:
    assert data_text("810203", b"810203", "GS1", "]C1") == "(8102)03"
    assert data_text("8102", b"8102", "GS1", "]C1") == "8102"  # too short to hold the AI's two digits
    assert data_text("81020310AB", b"81020310AB", "GS1", "]C1") == "81020310AB"  # more than the AI: left alone
    assert data_text("(01)09501101530003", b"0109501101530003", "GS1", "]C1") == "(01)09501101530003"
