"""The MICR E-13B reader: lines drawn by the tests' own renderer (tests/support/micr.py) read back at any angle,
down to a 200 dpi scan's size and degraded as photos degrade them; the routing number's check digit; text in other
fonts, bars and pictures give nothing; recognize reads it when asked for and a scan does not look for it."""

from __future__ import annotations

from importlib import resources

import numpy as np
import pytest
from PIL import Image, ImageDraw, ImageFont

from barcode_cloud_server.engine import recognition, symbologies
from barcode_cloud_server.engine.recognition import micr
from barcode_cloud_server.engine.recognize import Mode, recognize_array
from tests.support.generate import gen, open_image
from tests.support.micr import CHEQUE, LETTERS, draw
from tests.support.photo import spoil
from tests.support.postal import perspective

MICR = frozenset({micr.TYPE})
VALUE = CHEQUE.translate(LETTERS)  # "A123456789A 12345678C B0000012345B"
FONT = resources.files("barcode_cloud_server.engine").joinpath("fonts/DejaVuSans.ttf")


def _page(text: str, unit: float, angle: float = 0.0) -> Image.Image:
    image = draw(text, unit)
    return image.rotate(angle, Image.Resampling.BILINEAR, expand=True, fillcolor=255) if angle else image


def _values(image: Image.Image) -> list[str]:
    return [f.value for f in recognition.find(np.ascontiguousarray(np.asarray(image)), MICR)]


def test_the_row_names_the_micr_reader() -> None:
    row = symbologies.BY_NAME["MicrE13B"]
    assert row.own == "micr" and row.decode and not row.encode
    assert "MicrE13B" in recognition.ASKED_ONLY


@pytest.mark.parametrize("glyph", sorted(set(CHEQUE + "⑉") - {" "}))
def test_each_glyph(glyph: str) -> None:
    # The glyph three times between zeros, in on-us symbols (a line is reported only with a symbol in it).
    text = f"⑈0{glyph}0{glyph}0{glyph}0⑈" if glyph != "⑈" else "⑆0⑈0⑈0⑈0⑆"
    assert _values(_page(text, 2.6)) == [text.translate(LETTERS)]


@pytest.mark.parametrize("unit", [4.0, 2.6, 1.8])  # 1.8 px per unit: a cheque scanned at 140 dpi
@pytest.mark.parametrize("angle", [0, 90, 180, 270, 8, 143])
def test_a_cheque_line_at_any_angle(unit: float, angle: int) -> None:
    found = recognition.find(np.ascontiguousarray(np.asarray(_page(CHEQUE, unit, angle))), MICR)
    assert [(f.type, f.value, f.checksum) for f in found] == [("MicrE13B", VALUE, None)]
    # The region is the line's box: about 0.125 inch per character along it.
    (x0, y0), (x1, y1) = found[0].region[0], found[0].region[1]
    length = float(np.hypot(x1 - x0, y1 - y0)) / unit / micr.PITCH
    assert len(CHEQUE) <= length <= len(CHEQUE) + 4


@pytest.mark.parametrize("how", ["blurred", "noisy", "jpeg", "dim"])
@pytest.mark.parametrize(("unit", "angle"), [(2.6, 4), (1.95, 187)])  # 200 and 150 dpi
def test_a_spoiled_cheque_line(how: str, unit: float, angle: int) -> None:
    image = spoil(_page(CHEQUE, unit, angle), how, np.random.default_rng(7))
    assert _values(image) == [VALUE]


def test_a_cheque_seen_at_an_angle() -> None:
    # The line's far end 80% as high as its near end: the unit and the pitch change along it.
    seen = perspective(draw(CHEQUE, 2.6, margin=4), 0.8)
    assert _values(seen) == [VALUE]
    assert _values(seen.transpose(Image.Transpose.ROTATE_180)) == [VALUE]


def test_a_cheque_photographed_large() -> None:
    """A 6 MP page (searched shrunk by two): printed text above the MICR line, the page turned a quarter turn."""
    page = Image.new("L", (2600, 2400), 255)
    writer = ImageDraw.Draw(page)
    font = ImageFont.truetype(str(FONT), 60)
    for k, text in enumerate(("Pay to the order of Jane Example  $ 123.45", "One hundred twenty-three 45/100", "1024")):
        writer.text((150, 300 + 200 * k), text, font=font, fill=0)
    line = draw(CHEQUE, 6.0)
    page.paste(line, (100, 1500))
    turned = np.ascontiguousarray(np.asarray(page.rotate(90, expand=True)))
    found = recognition.find(turned, MICR)
    assert [f.value for f in found] == [VALUE]
    # A quarter turn anticlockwise makes the page's rows its columns: the line's rows 1500 on are columns now.
    xs = [x for x, _ in found[0].region]
    assert min(xs) >= 1500 and max(xs) <= 1500 + line.height


def test_the_routing_check_digit() -> None:
    # ABA weights 3 7 1: 0x3 + 1x7 + 1x1 + 0 + 0 + 0 + 0 + 1x7 + 5x1 = 20.
    assert micr.routing_check("011000015") and micr.routing_check("021000021")
    assert not micr.routing_check("123456789") and not micr.routing_check("01100001")
    text = "⑆011000015⑆ 12345678⑈ 1024"
    found = recognition.find(np.ascontiguousarray(np.asarray(_page(text, 2.6))), MICR)
    assert [(f.value, f.checksum) for f in found] == [("A011000015A 12345678C 1024", "5")]


def test_a_doubtful_character_reports_nothing() -> None:
    image = _page(CHEQUE, 2.6)
    # The lower half of the routing number's "3" rubbed out: half a 3 is no E-13B glyph.
    x = (12 + 3.5 * micr.PITCH) * 2.6
    ImageDraw.Draw(image).rectangle((x, (12 + 4.5) * 2.6, x + 7 * 2.6, (12 + 9.5) * 2.6), fill=255)
    assert _values(image) == []


@pytest.mark.parametrize("unit", [1.95, 2.6, 3.9, 6.0])  # 150, 200, 300 and 460 dpi
@pytest.mark.parametrize("text", ["⑆018780176⑆ 98983478⑈ ⑇3848372616⑇", "⑈0⑉0⑉0⑉0⑈ 12⑉34⑆"])
def test_a_line_is_read_whole_across_its_small_symbols(unit: float, text: str) -> None:
    # The on-us symbol is 7 units high and in three parts, the transit and amount symbols in three, the dash in
    # three: too small to link the fields into one row (or a row of their own), yet the row is all of them; a
    # field alone is never reported.
    assert _values(_page(text, unit, 7)) == [text.translate(LETTERS)]
    assert _values(_page(text, unit, 180)) == [text.translate(LETTERS)]


def test_a_mark_beyond_the_line_that_is_no_glyph_reports_nothing() -> None:
    # A blot of a digit's size two cells after the last character belongs to the row and matches no glyph.
    image = draw(CHEQUE, 2.6, margin=40)
    x = (40 + (len(CHEQUE) + 2) * micr.PITCH) * 2.6
    ImageDraw.Draw(image).ellipse((x, (40 + 1) * 2.6, x + 6 * 2.6, (40 + 8) * 2.6), fill=0)
    assert _values(image) == []


@pytest.mark.parametrize("across", [3.0, 4.0, 5.0])
def test_a_blot_between_fields_reports_nothing(across: float) -> None:
    # A round blot in the empty cell after the on-us symbol: no glyph, however blurred the glyphs are drawn.
    image = _page(CHEQUE, 2.6)
    x, y = (12 + (CHEQUE.index("⑈") + 1.5) * micr.PITCH) * 2.6, (12 + 4.5) * 2.6
    r = across / 2 * 2.6
    ImageDraw.Draw(image).ellipse((x - r, y - r, x + r, y + r), fill=0)
    assert _values(image) == []


@pytest.mark.parametrize("size", [14, 24, 40])
def test_text_in_another_font_reports_nothing(size: int) -> None:
    font = ImageFont.truetype(str(FONT), size)
    for text in ("123456789 12345678 0000012345", "|: 0123456789 ||' 1-2-3 :|: 4567", "Pay to the order of 1024"):
        image = Image.new("L", (size * len(text), size * 3), 255)
        ImageDraw.Draw(image).text((size, size), text, font=font, fill=0)
        assert _values(image) == [], text
        assert _values(image.rotate(180)) == [], text


def test_bars_and_pictures_report_nothing() -> None:
    for kind, data in (("Code128", "123456789012"), ("QR", "MICR E-13B"), ("Pdf417", "0123456789" * 3)):
        gray = np.asarray(open_image(gen(kind, data).content).convert("L"))
        assert recognition.find(np.ascontiguousarray(np.pad(gray, 20, constant_values=255)), MICR) == [], kind
    rng = np.random.default_rng(3)
    assert recognition.find(rng.integers(0, 256, (300, 400), dtype=np.uint8), MICR) == []
    assert recognition.find(np.full((200, 300), 255, np.uint8), MICR) == []


def test_recognize_asked_for_and_scanning() -> None:
    gray = np.ascontiguousarray(np.asarray(_page(CHEQUE, 2.6, 3)))
    assert [(d.type, d.value) for d in recognize_array(gray, ["MicrE13B"], Mode.NORMAL)] == [("MicrE13B", VALUE)]
    # Light characters on a dark ground, when asked for.
    assert [d.value for d in recognize_array(255 - gray, ["MicrE13B"], Mode.NORMAL)] == [VALUE]
    # Lines of text look like it: a scan does not look for it.
    assert recognize_array(gray, None, Mode.NORMAL) == []
