"""Bad input: every case is an EngineError whose message says what is wrong and what is allowed."""

from __future__ import annotations

import pytest

from barcode_cloud_server.engine.errors import InvalidBarcodeData, InvalidOption
from tests.support.generate import gen


@pytest.mark.parametrize(
    ("name", "data", "kw", "needles"),
    [
        ("EAN13", "59012341234A", {}, ["digits", "'A'"]),
        ("EAN13", "5901234123458", {}, ["check digit", "'7'"]),
        ("EAN13", "59012341", {}, ["12 or 13 digits"]),
        ("UPCA", "012345678901", {}, ["check digit"]),
        ("ITF14", "15012345678901", {}, ["check digit"]),
        ("Interleaved2of5", "12345", {}, ["even number"]),
        ("Code39", "lower_case", {}, ["not allowed", "A-Z (a-z read as A-Z)"]),
        ("Codabar", "12ab", {}, ["not allowed"]),
        ("VIN", "1M8GDM9AXKP042789", {}, ["check character"]),
        ("GS1Code128", "0109501101530003", {}, ["parentheses"]),
        ("GS1Code128", "(01)09501101530004", {}, ["AI (01)", "Bad checksum '4', expected '3'"]),
        ("DatabarExpanded", "(01)09501101530004(3103)000123", {}, ["Bad checksum"]),
        ("GS1QR", "(01)09501101530003(17)251301", {}, ["AI (17)", "Invalid month"]),
        ("DatabarLimited", "(01)2950110153000", {}, ["0 or 1"]),
        ("AustraliaPost", "3312345678", {}, ["format control code"]),
        ("AustraliaPost", "6212345678ABCDEFGHIJK", {}, ["up to 10 characters"]),
        ("PatchCode", "Patch X", {}, ["Patch I", "Patch T"]),
        ("Pharmacode", "2", {}, ["3 to 131070"]),
        ("ItalianPost25", "12345678901", {}, ["12 digits"]),
        ("Code128", "abc", {"code128_encode_mode": "CodeC"}, ["digits"]),
        ("Code128", "abc", {"code128_encode_mode": "CodeA"}, ["subset A"]),
        ("EAN13", "FF00", {"data_type": "HexBytes"}, ["digits"]),
        ("EAN13", "!!!", {"data_type": "Base64Bytes"}, ["Base64"]),
        ("QR", "XYZ", {"data_type": "HexBytes"}, ["hexadecimal"]),
        ("QR", "", {}, ["empty"]),
    ],
)
def test_bad_data(name: str, data: str, kw: dict[str, object], needles: list[str]) -> None:
    with pytest.raises(InvalidBarcodeData) as err:
        gen(name, data, **kw)
    for needle in needles:
        assert needle in err.value.message, (err.value.message, needle)


def test_too_long_for_the_chosen_qr_version() -> None:
    with pytest.raises(InvalidBarcodeData, match=r"too long for Version 1"):
        gen("QR", "x" * 100, qr_version="Version01")
    with pytest.raises(InvalidBarcodeData, match="too long"):
        gen("MicroQR", "1234567890", micro_qr_version="M1")
    with pytest.raises(InvalidBarcodeData, match="too long"):
        gen("QR", "x" * 8000)


@pytest.mark.parametrize(
    ("kw", "needles"),
    [
        ({"image_format": "Webp"}, ["imageFormat", "Png, Jpeg, Svg, Tiff, Gif"]),
        ({"units": "Furlong"}, ["units", "Pixel, Point, Inch, Millimeter"]),
        ({"text_location": "Left"}, ["Below, Above, None"]),
        ({"foreground_color": "Blurple"}, ["not a known color", "AliceBlue", "#AARRGGBB"]),
        ({"background_color": "#12345"}, ["#RGB", "#AARRGGBB"]),
        ({"data_type": "Bytes"}, ["StringData, Base64Bytes, HexBytes"]),
        ({"qr_version": "Version41"}, ["qrVersion", "Version40"]),
        ({"qr_error_level": "LevelX"}, ["LevelL, LevelM, LevelQ, LevelH"]),
        ({"qr_eci_encoding": "KOI8"}, ["UTF8"]),
        ({"image_width": 0}, ["greater than 0"]),
        ({"image_height": -5}, ["greater than 0"]),
        ({"image_width": 10_001}, ["10000"]),
        ({"image_width": 200, "units": "Inch"}, ["10000"]),
        ({"image_width": 8000, "image_height": 6000}, ["megapixels"]),
        ({"resolution": 0}, ["resolution"]),
        ({"qr_aspect_ratio": 2}, ["qrAspectRatio"]),
    ],
)
def test_bad_options(kw: dict[str, object], needles: list[str]) -> None:
    with pytest.raises(InvalidOption) as err:
        gen("QR", "hello", **kw)
    for needle in needles:
        assert needle in err.value.message, (err.value.message, needle)


def test_unknown_type_names_the_allowed_values() -> None:
    with pytest.raises(InvalidOption) as err:
        gen("Qr Code", "x")
    assert "QR" in err.value.message and "Code128" in err.value.message and "VIN" in err.value.message


def test_enum_values_are_case_insensitive() -> None:
    assert gen("qr", "x", image_format="png", units="pixel", text_location="below").media_type == "image/png"


@pytest.mark.parametrize(
    ("kw", "needle"),
    [
        ({"pdf417_columns": 31}, "pdf417Columns"),
        ({"pdf417_rows": 2}, "pdf417Rows"),
        ({"pdf417_aspect_ratio": 1}, "pdf417AspectRatio"),
        ({"pdf417_error_level": "Level9"}, "Level8"),
        ({"pdf417_macro_characters": "Macro07"}, "Macro05"),
    ],
)
def test_bad_pdf417_options(kw: dict[str, object], needle: str) -> None:
    with pytest.raises(InvalidOption, match=needle):
        gen("Pdf417", "hello", **kw)


def test_micro_and_rect_qr_levels() -> None:
    with pytest.raises(InvalidOption, match="LevelH"):
        gen("MicroQR", "1", qr_error_level="LevelH")
    with pytest.raises(InvalidOption, match="LevelM or LevelH"):
        gen("RectMicroQR", "1", qr_error_level="LevelL")


def test_random_option_combinations_only_raise_engine_errors() -> None:
    import random

    from barcode_cloud_server.engine import symbologies
    from barcode_cloud_server.engine.errors import EngineError

    rng = random.Random(7)
    rows = [r for r in symbologies.ROWS if r.encode]
    choices: dict[str, list[object]] = {
        "image_format": ["Png", "Jpeg", "Svg", "Tiff", "Gif", "Bmp"],
        "text_location": ["Below", "Above", "None"],
        "units": ["Pixel", "Point", "Inch", "Millimeter"],
        "image_width": [1, 3, 33, 257, 999.5, 0.01],
        "image_height": [1, 3, 33, 257, 999.5, 0.01],
        "rotation_angle": [1, 45, 90, 359, -30, 100_000],
        "foreground_color": ["#0000", "Transparent", "#80FF0000"],
        "qr_eci_encoding": ["UTF8", "BINARY", "Shift_JIS", "UTF16LE"],
        "code128_encode_mode": ["CodeA", "CodeC", "CodeAC", "CodeBC"],
        "data_type": ["Base64Bytes", "HexBytes"],
        "pdf417_rows": [0, 3, 90],
    }
    for _ in range(400):
        row = rng.choice(rows)
        kw = {k: rng.choice(v) for k, v in choices.items() if rng.random() < 0.3}
        data = rng.choice([row.sample, "x", "0", "\u00ff\u20ac\u0000", "A" * 300, "6162"])
        try:
            gen(row.name, data, **kw)
        except EngineError as exc:
            assert exc.message
