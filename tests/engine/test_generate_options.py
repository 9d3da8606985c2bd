"""Image options with real image checks: sizes in every unit, colours with alpha, rotation, text, formats."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from defusedxml import ElementTree

from barcode_cloud_server.engine import docs
from tests.support.generate import decode_texts, gen, ink, open_image

URL = "https://example.com/product/12345"


@pytest.mark.parametrize(
    ("units", "width", "height", "resolution", "expected"),
    [
        ("Pixel", 333, 211, None, (333, 211)),
        ("Point", 150, 75, None, (200, 100)),
        ("Inch", 2, 1, 150, (300, 150)),
        ("Millimeter", 50.8, 25.4, 96, (192, 96)),
        ("Millimeter", 40, 20, 300, (472, 236)),
    ],
)
def test_sizes_in_each_unit_are_exact(
    units: str, width: float, height: float, resolution: float | None, expected: tuple[int, int]
) -> None:
    for name, data in (("Code128", "Size-1234"), ("QR", URL), ("EAN13", "590123412345")):
        image = gen(name, data, units=units, image_width=width, image_height=height, resolution=resolution)
        im = open_image(image.content)
        assert im.size == expected, (name, units)
        assert decode_texts(image.content), (name, units)
        if resolution:
            assert round(im.info["dpi"][0]) == round(resolution)


def test_only_width_or_only_height() -> None:
    im = open_image(gen("QR", URL, image_width=400).content)
    assert im.width == 400
    im = open_image(gen("Code128", "abc", image_height=300).content)
    assert im.height == 300


def test_modules_are_crisp_integers() -> None:
    image = gen("QR", URL, image_width=400, image_height=400, text_location="None")
    mask = ink(image.content)
    gray = np.asarray(open_image(image.content).convert("L"))
    assert set(np.unique(gray).tolist()) <= {0, 255}  # two colours, no resampling blur
    # 33 modules (25 + 2*4 quiet) -> 12 px each; every dark run is a multiple of 12
    row = mask[mask.any(axis=1)][0]
    edges = np.flatnonzero(np.diff(np.concatenate(([0], row.astype(int), [0]))))
    lengths = np.diff(edges)[::2]
    assert lengths.size and all(n % 12 == 0 for n in lengths.tolist())


def test_default_qr_is_four_pixels_per_module() -> None:
    im = open_image(gen("QR", URL).content)
    assert im.size == ((25 + 8) * 4, (25 + 8) * 4)


def test_colours_names_hex_and_alpha() -> None:
    im = open_image(gen("QR", URL, foreground_color="#FF0000", background_color="Lime").content).convert("RGBA")
    colours = {c for _, c in im.getcolors(10)}
    assert colours == {(255, 0, 0, 255), (0, 255, 0, 255)}
    im = open_image(gen("QR", URL, foreground_color="#800000FF", background_color="Transparent").content)
    rgba = im.convert("RGBA")
    colours = {c for _, c in rgba.getcolors(10)}
    assert (0, 0, 255, 128) in colours
    assert any(c[3] == 0 for c in colours)
    assert decode_texts(gen("QR", URL, foreground_color="#F00", background_color="#FFFF").content) == [URL]
    im = open_image(gen("Code128", "x", foreground_color="aliceblue", background_color="#ff000080").content)
    assert (240, 248, 255) in {c[:3] for _, c in im.convert("RGBA").getcolors(10)}


@pytest.mark.parametrize(
    ("zero_x", "hash_form"), [("0xffe", "#ffe"), ("0X80FF0000", "#80FF0000"), ("0x00ff00", "#00ff00")]
)
def test_colours_with_0x_are_the_hash_forms(zero_x: str, hash_form: str) -> None:
    """Aspose accepts ``0x`` hex colours (its SDK's test sends ``background_color="0xffe"``)."""
    image = gen("QR", URL, background_color=zero_x, foreground_color=zero_x.replace("f", "0").replace("F", "0"))
    same = gen("QR", URL, background_color=hash_form, foreground_color=hash_form.replace("f", "0").replace("F", "0"))
    assert image.content == same.content


def test_code39_encodes_lower_case_as_upper_case() -> None:
    """Code 39 has no lower case; Aspose's snippets encode "Aspose" as Code39, as zint does, in capitals."""
    image = gen("Code39", "Aspose-39")
    assert image.content == gen("Code39", "ASPOSE-39").content
    assert decode_texts(image.content) == ["ASPOSE-39"]
    assert decode_texts(gen("Code39FullASCII", "Aspose").content) == ["Aspose"]


@pytest.mark.parametrize("angle", [90, 180, 270, -90, 450])
def test_right_angle_rotation(angle: int) -> None:
    base = open_image(gen("Code128", "Rotate-me").content)
    image = gen("Code128", "Rotate-me", rotation_angle=angle)
    im = open_image(image.content)
    if angle % 180:
        assert im.size == (base.height, base.width)
    else:
        assert im.size == base.size
    assert decode_texts(image.content) == ["Rotate-me"]


def test_free_angle_rotation_keeps_asked_size_and_reads() -> None:
    image = gen("QR", URL, rotation_angle=30, image_width=500, image_height=500)
    assert open_image(image.content).size == (500, 500)
    assert decode_texts(image.content) == [URL]
    natural = open_image(gen("QR", URL, rotation_angle=30).content)
    assert natural.width > 132


def test_rotation_with_size_swaps_layout() -> None:
    image = gen("Code128", "Rot", rotation_angle=90, image_width=120, image_height=400)
    assert open_image(image.content).size == (120, 400)
    assert decode_texts(image.content) == ["Rot"]


def test_text_location() -> None:
    below = ink(gen("Code128", "TEXT-1", text_location="Below").content)
    above = ink(gen("Code128", "TEXT-1", text_location="Above").content)
    none = ink(gen("Code128", "TEXT-1", text_location="None").content)
    assert below.shape[0] > none.shape[0] and above.shape[0] == below.shape[0]
    bars_cols = none.any(axis=0)

    def text_rows(mask: np.ndarray) -> np.ndarray:
        # rows where the ink is not a full bar pattern: text rows
        return np.flatnonzero((mask != mask[mask.shape[0] // 2]).any(axis=1) & mask.any(axis=1))

    assert text_rows(below).min() > below.shape[0] // 2
    assert text_rows(above).max() < above.shape[0] // 2
    assert bars_cols.any()
    # default: text for 1D, none for 2D
    assert ink(gen("Code128", "TEXT-1").content).shape == below.shape
    qr_default = open_image(gen("QR", URL).content)
    qr_below = open_image(gen("QR", URL, text_location="Below").content)
    assert qr_below.height > qr_default.height


def test_text_is_the_normalised_value() -> None:
    # 12 digits given: the text shows 13 (check digit added), so it is wider than the 12-digit string would be
    from barcode_cloud_server.engine.text import text_width

    assert text_width("5901234123457", 12) > text_width("590123412345", 12)


@pytest.mark.parametrize(
    ("fmt", "pil_format", "media"),
    [
        ("Png", "PNG", "image/png"),
        ("Jpeg", "JPEG", "image/jpeg"),
        ("Tiff", "TIFF", "image/tiff"),
        ("Gif", "GIF", "image/gif"),
        ("Bmp", "BMP", "image/bmp"),
    ],
)
def test_raster_formats(fmt: str, pil_format: str, media: str) -> None:
    image = gen("QR", URL, image_format=fmt)
    assert image.media_type == media
    im = open_image(image.content)
    assert im.format == pil_format
    assert decode_texts(image.content) == [URL]
    alpha = gen("QR", URL, image_format=fmt, background_color="Transparent")
    assert open_image(alpha.content).size == im.size


def test_svg_is_vector_and_sized() -> None:
    image = gen("Code128", "SVG-1", image_format="svg", image_width=300, image_height=120, foreground_color="#80112233")
    assert image.media_type == "image/svg+xml"
    root = ElementTree.fromstring(image.content)
    assert root.tag.endswith("svg")
    assert root.get("width") == "300" and root.get("height") == "120"
    tags = [el.tag.rsplit("}", 1)[-1] for el in root.iter()]
    assert "image" not in tags
    assert tags.count("rect") > 10 and "text" in tags
    assert b"fill-opacity" in image.content and b"SVG-1" in image.content
    for name, data in (("MaxiCode", "hello"), ("DotCode", "hello"), ("QR", URL)):
        root = ElementTree.fromstring(gen(name, data, image_format="Svg", rotation_angle=90).content)
        assert len(list(root.iter())) > 20


def test_quiet_zone_present() -> None:
    mask = ink(gen("QR", URL, text_location="None").content)
    assert not mask[:16].any() and not mask[:, :16].any() and not mask[-16:].any() and not mask[:, -16:].any()


def test_qr_params() -> None:
    v10 = open_image(gen("QR", "hi", qr_version="Version10").content)
    assert v10.size == ((57 + 8) * 4,) * 2
    assert decode_texts(gen("QR", "hi", qr_version="Version10", qr_error_level="LevelH").content) == ["hi"]
    assert open_image(gen("MicroQR", "1", micro_qr_version="M4").content).size == ((17 + 4) * 4,) * 2
    rmqr = open_image(gen("RectMicroQR", "hi", rect_micro_qr_version="R13x77").content)
    assert rmqr.size == ((77 + 4) * 4, (13 + 4) * 4)
    assert decode_texts(gen("QR", "Привет", qr_encode_mode="ECI", qr_eci_encoding="Win1251").content) == ["Привет"]
    assert decode_texts(gen("QR", "abc", qr_encode_mode="Binary").content) == ["abc"]


@pytest.mark.parametrize("name", ["QR", "MicroQR", "RectMicroQR"])
def test_qr_aspect_ratio_makes_modules_shorter_and_still_reads(name: str) -> None:
    square = open_image(gen(name, "12345678").content)
    for ratio in (0.8, 0.5):
        image = gen(name, "12345678", qr_aspect_ratio=ratio)
        im = open_image(image.content)
        assert im.width == square.width
        assert abs(im.height - square.height * ratio) < 1, (name, ratio)
        assert decode_texts(image.content) == ["12345678"], (name, ratio)
    svg = gen(name, "12345678", qr_aspect_ratio=0.5, image_format="Svg").content.decode()
    assert f'height="{square.height // 2}"' in svg


def test_qr_aspect_ratio_in_an_asked_size_keeps_the_ratio() -> None:
    image = gen("QR", "12345678", qr_aspect_ratio=0.5, image_width=300, image_height=300)
    im = open_image(image.content)
    assert im.size == (300, 300)
    dark = ink(image.content)
    rows, cols = np.flatnonzero(dark.any(axis=1)), np.flatnonzero(dark.any(axis=0))
    assert (rows[-1] - rows[0] + 1) * 2 == cols[-1] - cols[0] + 1  # the symbol's extent, quiet zones excluded
    assert decode_texts(image.content) == ["12345678"]


def test_qr_aspect_ratio_is_ignored_by_other_types() -> None:
    plain = gen("DataMatrix", "12345678").content
    assert gen("DataMatrix", "12345678", qr_aspect_ratio=0.5).content == plain


def test_pdf417_params() -> None:
    narrow = ink(gen("Pdf417", "PDF417 params test", pdf417_columns=2).content)
    wide = ink(gen("Pdf417", "PDF417 params test", pdf417_columns=6).content)
    assert narrow.shape[1] < wide.shape[1] and narrow.shape[0] > wide.shape[0]
    full = ink(gen("Pdf417", "truncate", pdf417_columns=3).content)
    trunc = ink(gen("Pdf417", "truncate", pdf417_columns=3, pdf417_truncate=True).content)
    assert trunc.shape[1] < full.shape[1]
    tall = ink(gen("Pdf417", "ratio", pdf417_aspect_ratio=8).content)
    short = ink(gen("Pdf417", "ratio", pdf417_aspect_ratio=3).content)
    assert tall.shape[0] > short.shape[0]
    for level in ("Level0", "Level8"):
        assert decode_texts(gen("Pdf417", "ecc", pdf417_error_level=level).content) == ["ecc"]
    texts = decode_texts(gen("Pdf417", "macro", pdf417_macro_characters="Macro05").content)
    assert texts and "macro" in texts[0]
    assert decode_texts(gen("MicroPdf417", "micro", pdf417_columns=2).content) == ["micro"]


def test_docs_match_the_table() -> None:
    committed = (Path(__file__).resolve().parents[2] / "docs" / "symbologies.md").read_text(encoding="utf-8")
    assert committed == docs.render_markdown(), "run: python -m barcode_cloud_server.engine.docs"


@pytest.mark.parametrize("mode", ["Auto", "CodeA", "CodeB", "CodeAB", "CodeAC", "CodeBC"])
@pytest.mark.parametrize("data", ["A\\0B", "12\\^C34", "\\^B\\", "AB\\\\12345678\\"])
def test_code128_subsets_keep_backslashes_literal(mode: str, data: str) -> None:
    """zint's escape processing for subset switching must not read the caller's backslashes as escapes."""
    import io

    import zxingcpp
    from PIL import Image

    content = gen("Code128", data, code128_encode_mode=mode, text_location="None").content
    results = zxingcpp.read_barcodes(Image.open(io.BytesIO(content)).convert("L"))
    assert [bytes(r.bytes) for r in results] == [data.encode()]
