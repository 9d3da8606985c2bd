"""EAN-2 and EAN-5 add-ons (the spec's Supplement): generated with '+', read back as a result of their own."""

from __future__ import annotations

import io
import random

import numpy as np
import pytest
from PIL import Image, ImageFilter

from barcode_cloud_server.engine import datacheck as dc
from barcode_cloud_server.engine.errors import InvalidBarcodeData
from barcode_cloud_server.engine.recognize import Mode, recognize_array, recognize_bytes
from tests.support.generate import gen
from tests.support.paths import SHARED

# The add-on's check is carried by the parity (odd L or even G set) of its digits (ISO/IEC 15420, 5.2.2.7).
_EAN5_PARITIES = ("GGLLL", "GLGLL", "GLLGL", "GLLLG", "LGGLL", "LLGGL", "LLLGG", "LGLGL", "LGLLG", "LLGLG")
_EAN2_PARITIES = ("LL", "LG", "GL", "GG")


def _add_on_parities(data: str, add_on: str) -> str:
    """The parities zint draws for the add-on of ``data``: from the module row of its bars (2 px modules)."""
    gray = np.asarray(Image.open(io.BytesIO(gen("EAN13", data, text_location="None").content)).convert("L"))
    row = gray[-3] < 128  # the add-on's bars reach the bottom, below its digits
    right = int(np.nonzero(row)[0][-1])
    width = 4 + 7 * len(add_on) + 2 * (len(add_on) - 1)  # guard 1011, characters, separators 01
    modules = row[right + 1 - 2 * width : right + 1 : 2]
    assert modules[:4].tolist() == [True, False, True, True]  # the add-on's left guard
    parities = ""
    for i in range(len(add_on)):
        char = modules[4 + 9 * i : 11 + 9 * i]
        parities += "L" if int(char.sum()) % 2 else "G"  # L characters have an odd count of dark modules
    return parities


def test_check_matches_the_worked_example() -> None:
    # The EAN-5 example 52495: (5 + 4 + 5) x 3 + (2 + 9) x 9 = 141, check 1; EAN-2 34: 34 mod 4 = 2.
    assert dc.add_on_check("52495") == "1"
    assert dc.add_on_check("34") == "2"


@pytest.mark.parametrize("seed", range(6))
def test_check_is_what_the_encoder_draws_in_parities(seed: int) -> None:
    rng = random.Random(seed)
    five = "".join(rng.choice("0123456789") for _ in range(5))
    assert _add_on_parities(f"590123412345+{five}", five) == _EAN5_PARITIES[int(dc.add_on_check(five))]
    two = f"{rng.randrange(100):02d}"
    assert _add_on_parities(f"590123412345+{two}", two) == _EAN2_PARITIES[int(dc.add_on_check(two))]


@pytest.mark.parametrize("bad", ["590123412345+1", "590123412345+123", "590123412345+12a", "590123412345+"])
def test_add_on_of_other_lengths_is_refused(bad: str) -> None:
    with pytest.raises(InvalidBarcodeData, match="2 or 5 digits"):
        gen("EAN13", bad)


def test_main_symbol_is_still_checked() -> None:
    with pytest.raises(InvalidBarcodeData, match="check digit"):
        gen("EAN13", "5901234123458+12")


CASES = [
    ("EAN13", "590123412345+12345", "5901234123457", "12345"),
    ("EAN8", "9638507+12", "96385074", "12"),
    ("UPCA", "01234567890+12345", "012345678905", "12345"),
    ("UPCE", "0123456+12", "01234565", "12"),
    ("ISBN", "978-0-306-40615-7+90000", "9780306406157", "90000"),
    ("ISSN", "0317-8471+03", "9770317847001", "03"),
]


def _read(image: bytes, types: list[str] | None) -> list[tuple[str, str, str | None]]:
    return [(d.type, d.value, d.checksum) for d in recognize_bytes(image, types, Mode.NORMAL)]


@pytest.mark.parametrize(("name", "data", "main", "add_on"), CASES)
@pytest.mark.parametrize("rotation", [0, 90, 180, 7])
def test_add_on_is_a_result_of_its_own(name: str, data: str, main: str, add_on: str, rotation: int) -> None:
    image = gen(name, data, rotation_angle=rotation).content
    supplement = ("Supplement", add_on, dc.add_on_check(add_on))
    assert _read(image, [name, "Supplement"]) == [(name, main, main[-1]), supplement]
    assert _read(image, ["Supplement"]) == [supplement]
    assert _read(image, [name]) == [(name, main, main[-1])]  # not asked for: not read


def test_add_on_region_is_right_of_its_symbol() -> None:
    main, add_on = recognize_bytes(gen("EAN13", "590123412345+12345").content, ["EAN13", "Supplement"])
    main_xs = [x for x, _ in main.region]
    add_on_xs = [x for x, _ in add_on.region]
    assert max(main_xs) < min(add_on_xs)
    assert max(add_on_xs) - min(add_on_xs) == pytest.approx((max(main_xs) - min(main_xs)) * 47 / 95, rel=0.1)


def test_scan_reports_the_add_on_and_a_symbol_without_one_reports_none() -> None:
    assert _read(gen("UPCA", "01234567890+12").content, None) == [
        ("UPCA", "012345678905", "5"),
        ("Supplement", "12", "0"),
    ]
    assert _read(gen("EAN13", "590123412345").content, ["EAN13", "Supplement"]) == [("EAN13", "5901234123457", "7")]


@pytest.mark.parametrize("folder", ["ean13-extension-1", "upca-extension-1"])
def test_photos_of_add_ons(folder: str) -> None:
    """zxing-cpp's corpus photos of books and magazines: each file names the symbol's digits and its add-on's."""
    root = SHARED / "corpus" / "zxing-cpp-samples" / folder
    images = sorted(p for p in root.iterdir() if p.suffix in (".png", ".webp", ".jpg"))
    assert images
    for image in images:
        expected = (root / f"{image.stem}.txt").read_text().strip()
        found = recognize_bytes(image.read_bytes(), ["EAN13", "UPCA", "Supplement"], Mode.NORMAL)
        main = [d.value for d in found if d.type != "Supplement"]
        add_ons = [d.value for d in found if d.type == "Supplement"]
        assert len(main) == 1 and len(add_ons) == 1, (image.name, found)
        # The file names UPC-A as 13 digits (a leading 0), as zxing-cpp reports it.
        assert expected.endswith(main[0] + add_ons[0]), image.name


# An independent drawing of EAN-13 and its add-on from ISO/IEC 15420's tables (not zint's), so that the reading is
# not tuned to one encoder: the L set's patterns, R the L set inverted, G the R set reversed.
_L = ("0001101", "0011001", "0010011", "0111101", "0100011", "0110001", "0101111", "0111011", "0110111", "0001011")
_R = tuple(p.translate(str.maketrans("01", "10")) for p in _L)
_G = tuple(p[::-1] for p in _R)
_FIRST_DIGIT = ("LLLLLL", "LLGLGG", "LLGGLG", "LLGGGL", "LGLLGG", "LGGLLG", "LGGGLL", "LGLGLG", "LGLGGL", "LGGLGL")


def _modules(ean13: str, add_on: str, gap: int, parities: str = "") -> tuple[str, str]:
    """The main symbol's modules and the add-on's (with ``gap`` light modules before it), in the parities its
    check calls for unless ``parities`` are given."""
    left = "".join(
        (_L if p == "L" else _G)[int(d)] for p, d in zip(_FIRST_DIGIT[int(ean13[0])], ean13[1:7], strict=True)
    )
    main = "101" + left + "01010" + "".join(_R[int(d)] for d in ean13[7:]) + "101"
    parities = parities or (_EAN2_PARITIES if len(add_on) == 2 else _EAN5_PARITIES)[int(dc.add_on_check(add_on))]
    chars = [(_L if p == "L" else _G)[int(d)] for p, d in zip(parities, add_on, strict=True)]
    return main, "0" * gap + "1011" + "01".join(chars)


def _draw(ean13: str, add_on: str, gap: int, module: int, parities: str = "") -> np.ndarray:
    main, extra = _modules(ean13, add_on, gap, parities)
    quiet, height = 12 * module, 60 * module
    row = np.array([c == "1" for c in "0" * 12 + main + extra + "0" * 12]).repeat(module)
    page = np.full((height + 2 * quiet, row.size), 255, dtype=np.uint8)
    page[quiet : quiet + height, row] = 0
    top_of_add_on = quiet + 8 * module  # the add-on's bars start lower, leaving room for its digits
    page[quiet:top_of_add_on, (12 + len(main)) * module :] = 255
    return page


# GS1 allows 7 to 12 modules between the symbol and its add-on; zxing-cpp 3.1.1 finds add-ons up to 10 away, the
# engine's own scanlines the rest.
@pytest.mark.parametrize("seed", range(4))
@pytest.mark.parametrize(
    ("gap", "module", "angle"),
    [(7, 2, 0), (10, 3, 0), (9, 2, 6), (8, 3, -12), (11, 2, 0), (12, 3, 0), (11, 3, 7), (12, 2, -10)],
)
def test_add_on_drawn_by_another_encoder(seed: int, gap: int, module: int, angle: float) -> None:
    rng = random.Random(seed)
    body = "".join(rng.choice("0123456789") for _ in range(12))
    ean13 = body + dc.gs1_check_digit(body)
    add_on = "".join(rng.choice("0123456789") for _ in range(2 if seed % 2 else 5))
    page = _draw(ean13, add_on, gap, module)
    if angle:
        page = np.asarray(Image.fromarray(page).rotate(angle, Image.Resampling.BILINEAR, expand=True, fillcolor=255))
    found = [(d.type, d.value) for d in recognize_array(np.ascontiguousarray(page), ["EAN13", "Supplement"])]
    assert found == [("EAN13", ean13), ("Supplement", add_on)]


def test_degraded_add_ons_are_read_and_never_misread() -> None:
    """Turned, blurred, dimmed, noisy and JPEG-compressed: a read along the ragged top of an EAN-2's bars once gave
    a wrong add-on with a valid parity; the add-on must now span several scanlines."""
    rng = np.random.default_rng(2)
    for i in range(8):
        add_on = "82421" if i % 2 else "07"
        page = Image.fromarray(_draw("6604876475937", add_on, 9, 2 + i % 2))
        turned = page.rotate(5 - i, Image.Resampling.BILINEAR, expand=True, fillcolor=255)
        gray = np.asarray(turned.filter(ImageFilter.GaussianBlur(0.7)), dtype=np.float64)
        gray = np.clip(60 + gray * 0.6 + rng.normal(0, 8, gray.shape), 0, 255).astype(np.uint8)
        buffer = io.BytesIO()
        Image.fromarray(gray).save(buffer, "JPEG", quality=60)
        found = [(d.type, d.value) for d in recognize_bytes(buffer.getvalue(), ["EAN13", "Supplement"])]
        assert found == [("EAN13", "6604876475937"), ("Supplement", add_on)], i


@pytest.mark.parametrize("gap", [11, 12])
def test_far_add_ons_spoilt_are_read_or_not_but_never_misread(gap: int) -> None:
    rng = np.random.default_rng(gap)
    reads = 0
    for i in range(8):
        add_on = "82421" if i % 2 else "07"
        page = Image.fromarray(_draw("6604876475937", add_on, gap, 2 + i % 2))
        turned = page.rotate(4 - i, Image.Resampling.BILINEAR, expand=True, fillcolor=255)
        gray = np.asarray(turned.filter(ImageFilter.GaussianBlur(0.7)), dtype=np.float64)
        gray = np.clip(60 + gray * 0.6 + rng.normal(0, 8, gray.shape), 0, 255).astype(np.uint8)
        found = [(d.type, d.value) for d in recognize_array(gray, ["EAN13", "Supplement"])]
        assert found[0] == ("EAN13", "6604876475937") and found[1:] in ([], [("Supplement", add_on)]), i
        reads += len(found) == 2
    assert reads >= 6


def test_far_add_ons_hold_their_parity_and_the_spec_gap() -> None:
    # The parities of another value (EAN-2 "07", 3 mod 4, is GG; LL is 0 mod 4): no add-on, the main symbol alone.
    assert _types(_draw("6604876475937", "07", 12, 2, parities="LL")) == [("EAN13", "6604876475937")]
    assert _types(_draw("6604876475937", "82421", 11, 2, parities="LLLLL")) == [("EAN13", "6604876475937")]
    # Further than GS1's 12 modules: another symbol beside it, not its add-on.
    assert _types(_draw("6604876475937", "07", 16, 2)) == [("EAN13", "6604876475937")]


def _types(page: np.ndarray) -> list[tuple[str, str]]:
    return [(d.type, d.value) for d in recognize_array(page, ["EAN13", "Supplement"])]
