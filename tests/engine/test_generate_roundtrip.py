"""Every encode type: the image reads back (zxing-cpp) to the data in the spec's meaning, or is checked structurally."""

from __future__ import annotations

import contextlib
import json
import random

import pytest

from barcode_cloud_server.engine import datacheck as dc
from barcode_cloud_server.engine import symbologies
from barcode_cloud_server.engine.errors import EngineError, InvalidOption
from barcode_cloud_server.engine.symbologies import Symbology
from tests.support.generate import decode_texts, gen, ink, max_transitions, read_as_spec
from tests.support.paths import SPEC_PATH

SPEC = SPEC_PATH
ENCODE_ROWS = [row for row in symbologies.ROWS if row.encode]
UNSUPPORTED = {row.name for row in ENCODE_ROWS if row.builder == "unsupported"}
READABLE = [r for r in ENCODE_ROWS if r.zxing and r.name not in UNSUPPORTED and r.builder in (None, "macro_pdf417")]
STRUCTURAL = [r for r in ENCODE_ROWS if r not in READABLE and r.name not in UNSUPPORTED]


def test_table_covers_the_spec_enums() -> None:
    schemas = json.loads(SPEC.read_text())["components"]["schemas"]
    assert sorted(symbologies.ENCODE_NAMES) == sorted(schemas["EncodeBarcodeType"]["enum"])
    assert sorted(symbologies.DECODE_NAMES) == sorted(schemas["DecodeBarcodeType"]["enum"])
    assert len({row.name for row in symbologies.ROWS}) == len(symbologies.ROWS)


def test_every_encode_row_has_an_encoder_and_sample() -> None:
    for row in ENCODE_ROWS:
        assert row.zint or row.builder, row.name
        assert row.sample and row.note, row.name


@pytest.mark.parametrize("row", READABLE, ids=lambda r: r.name)
def test_round_trip_with_zxing(row: Symbology) -> None:
    expected = row.prepare(row.name, row.sample).canonical if not row.binary else row.sample
    image = gen(row.name, row.sample)
    assert image.media_type == "image/png"
    assert expected in read_as_spec(row, image.content), (row.name, decode_texts(image.content))


@pytest.mark.parametrize("row", STRUCTURAL, ids=lambda r: r.name)
def test_structure_of_types_zxing_cannot_read(row: Symbology) -> None:
    image = gen(row.name, row.sample, text_location="None")
    mask = ink(image.content)
    h, w = mask.shape
    assert h >= 10 and w >= 10
    dark = mask.mean()
    assert 0.05 < dark < 0.8, (row.name, dark)  # a symbol, not a blank or a black box
    assert max_transitions(mask) >= 4, row.name
    # quiet zone: the outermost column on each side is background (bind bars of stacked codes may cross it)
    middle = mask[h // 4 : 3 * h // 4]
    assert not middle[:, 0].all() and not middle[:, -1].all(), row.name
    assert not mask[h // 2, 0] and not mask[h // 2, -1], row.name


@pytest.mark.parametrize("name", sorted(UNSUPPORTED))
def test_unsupported_types_say_so(name: str) -> None:
    row = symbologies.BY_NAME[name]
    with pytest.raises(InvalidOption, match=name):
        gen(name, row.sample)


def test_coupons_read_back_as_two_symbols() -> None:
    texts = decode_texts(gen("UpcaGs1DatabarCoupon", "51414110090(8110)106141416543213500110000310123196000").content)
    assert "0514141100906" in texts
    assert "(8110)106141416543213500110000310123196000" in texts
    texts = decode_texts(gen("UpcaGs1Code128Coupon", "514141100906(8102)03").content)
    assert "0514141100906" in texts
    assert any(t.replace("(", "").replace(")", "") == "810203" for t in texts)


def test_patch_codes_differ_by_pattern() -> None:
    widths = {}
    for patch in ("Patch I", "Patch II", "Patch III", "Patch IV", "Patch VI", "Patch T"):
        mask = ink(gen("PatchCode", patch, text_location="None").content)
        row = mask[mask.shape[0] // 2]
        runs = []
        count = 0
        for i in range(1, len(row)):
            count += 1
            if row[i] != row[i - 1]:
                if row[i - 1]:
                    runs.append(count)
                count = 0
        assert len(runs) == 4, patch
        widths[patch] = tuple("W" if r > min(runs) else "N" for r in runs)
    assert widths["Patch I"] == ("W", "W", "N", "N")
    assert widths["Patch T"] == ("N", "W", "N", "W")
    assert len(set(widths.values())) == 6


RANDOM = random.Random(20261129)


def _random_digits(n: int) -> str:
    return "".join(RANDOM.choice("0123456789") for _ in range(n))


@pytest.mark.parametrize("i", range(6))
def test_random_data_round_trips(i: int) -> None:
    body = _random_digits(12)
    assert decode_texts(gen("EAN13", body).content) == [body + dc.gs1_check_digit(body)]
    text = "".join(RANDOM.choice("abcdefghijklmnopqrstuvwxyz0123456789 -/") for _ in range(5 + 7 * i))
    assert decode_texts(gen("Code128", text).content) == [text]
    assert decode_texts(gen("QR", text + "ünï€").content) == [text + "ünï€"]
    upc = _random_digits(11)
    row = symbologies.BY_NAME["UPCA"]
    assert read_as_spec(row, gen("UPCA", upc).content) == [upc + dc.gs1_check_digit(upc)]


@pytest.mark.parametrize(
    ("data_type", "data", "expected"),
    [("Base64Bytes", "aGVsbG8gd29ybGQ=", "hello world"), ("HexBytes", "68 65 6C 6C 6F", "hello")],
)
def test_binary_data_types(data_type: str, data: str, expected: str) -> None:
    for name in ("QR", "DataMatrix", "Pdf417", "Aztec"):
        assert decode_texts(gen(name, data, data_type=data_type).content) == [expected], name
    assert decode_texts(gen("Code128", data, data_type=data_type).content) == [expected]


def test_check_digits_computed_and_verified_in_the_spec_meaning() -> None:
    assert decode_texts(gen("EAN8", "9638507").content) == ["96385074"]
    assert decode_texts(gen("ITF14", "1501234567890").content) == ["15012345678907"]
    assert decode_texts(gen("DeutschePostIdentcode", "56.310 243.031").content) == ["563102430313"]
    assert decode_texts(gen("OPC", "020711721").content) == ["0207117219"]
    assert decode_texts(gen("ISBN", "0-306-40615-2").content) == ["9780306406157"]
    assert decode_texts(gen("ISSN", "0317-8471").content) == ["9770317847001"]
    assert decode_texts(gen("SSCC18", "00950110153000001").content) == ["(00)009501101530000014"]
    assert decode_texts(gen("DatabarLimited", "0123456789012").content) == ["(01)01234567890128"]
    assert decode_texts(gen("GS1Code128", "[01]09501101530003[17]250101").content) == ["(01)09501101530003(17)250101"]
    row = symbologies.BY_NAME["UPCE"]
    assert read_as_spec(row, gen("UPCE", "123456").content) == ["01234565"]
    assert dc.prepare_swiss_post("SwissPostParcel", "RM99960501CH").canonical == "RM999605013CH"


def test_code128_subsets() -> None:
    for mode, data in (
        ("CodeA", "ABC123"),
        ("CodeB", "abc123"),
        ("CodeC", "123456"),
        ("CodeAB", "ab12"),
        ("CodeAC", "AB123456"),
        ("CodeBC", "ab1234567"),
    ):
        assert decode_texts(gen("Code128", data, code128_encode_mode=mode).content) == [data], mode
    # subset C is denser than B for digits
    c = ink(gen("Code128", "12345678", code128_encode_mode="CodeC", text_location="None").content).shape[1]
    b = ink(gen("Code128", "12345678", code128_encode_mode="CodeB", text_location="None").content).shape[1]
    assert c < b


@pytest.mark.parametrize("row", [r for r in ENCODE_ROWS if r.name not in UNSUPPORTED], ids=lambda r: r.name)
def test_garbage_never_escapes_as_anything_but_an_engine_error(row: Symbology) -> None:
    for data in ("x", "\u0000\u00ff\u20ac", "9" * 400, "(01)", "ABC" * 50):
        with contextlib.suppress(EngineError):
            gen(row.name, data)


def test_postal_lengths_like_the_spec_examples() -> None:
    # Aspose's documentation generates Planet from "123456": non-USPS lengths are accepted, the check digit added
    short = ink(gen("Planet", "123456", text_location="None").content)
    standard = ink(gen("Planet", "12345678901", text_location="None").content)
    assert 0 < short.shape[1] < standard.shape[1]
    assert dc.prepare_postnet("Postnet", "12345").canonical == "123455"
