"""The engine's own DotCode decoder: the codeword table, layout, masks and GF(113) Reed-Solomon of the
specification, zint's symbols (the engine's generator) and BWIPP's read back over varied data, turned, degraded
and damaged, recognize asked for the types and scanning, and nothing read where there is no DotCode."""

from __future__ import annotations

import random

import numpy as np
import pytest
import zint
from PIL import Image, ImageDraw, ImageFilter

from barcode_cloud_server.engine.recognition import dotcode, dotcode_codewords, gs1_elements
from barcode_cloud_server.engine.recognize import Mode, recognize_array
from barcode_cloud_server.engine.zintenc import symbol_bits
from tests.support import second_encoder
from tests.support.generate import gen, open_image
from tests.support.paths import CORPUS
from tests.support.photo import spoil
from tests.support.samples import QR, render

TYPES = frozenset({"DotCode", "GS1DotCode"})
GF = dotcode_codewords.GF
PRINTABLE = "".join(chr(c) for c in range(32, 127))


def _zint_grid(data: str | bytes, *, gs1: bool = False, eci: int = 0, mask: int = 0, columns: int = 0) -> np.ndarray:
    sym = zint.Symbol()
    sym.symbology = zint.Symbology.DOTCODE
    if gs1:
        sym.input_mode = zint.InputMode.GS1 | zint.InputMode.GS1PARENS
    if eci:
        sym.eci = eci
    if mask:
        sym.option_3 = mask << 8  # zint's user mask: mask + 1
    if columns:
        sym.option_2 = columns
    sym.encode(data)
    return symbol_bits(sym)


def _stream(grid: np.ndarray) -> list[int]:
    h, w = grid.shape
    return [int(grid[r, c]) for r, c in dotcode_codewords.places(w, h)]


def _check_words(words: list[int], checks: int) -> list[int]:
    """The test's own Reed-Solomon encoder (one block): the remainder of words * x^checks by the generator
    prod (x - 3^i), i = 1..checks, negated, so that the code word vanishes at every root."""
    generator = [1]
    for i in range(1, checks + 1):
        root = pow(3, i, GF)
        generator = [(a - root * b) % GF for a, b in zip([*generator, 0], [0, *generator], strict=True)]
    remainder = [*words, *[0] * checks]
    for k in range(len(words)):
        factor = remainder[k]
        for j, g in enumerate(generator):
            remainder[k + j] = (remainder[k + j] - factor * g) % GF
    return [-v % GF for v in remainder[len(words) :]]


def test_the_codeword_table_is_113_five_of_nine_patterns() -> None:
    patterns = dotcode_codewords.PATTERNS
    assert len(set(patterns)) == 113 and all(bin(p).count("1") == 5 and p < 512 for p in patterns)
    # Annex C's first and last codewords.
    assert (patterns[0], patterns[1], patterns[112]) == (0b101010101, 0b010101011, 0b111001100)


@pytest.mark.parametrize(("width", "height"), [(24, 17), (21, 14), (7, 6), (90, 61)])
def test_every_dot_place_holds_one_bit_corners_last(width: int, height: int) -> None:
    places = dotcode_codewords.places(width, height)
    assert len(places) == len(set(places)) == width * height // 2
    assert all((r + c) % 2 == 0 and 0 <= r < height and 0 <= c < width for r, c in places)
    assert places[-6:] == list(dotcode_codewords.corners(width, height))
    assert (0, 0) in places[-6:]


def test_data_and_check_counts_fill_the_symbol() -> None:
    # Two mask dots and nine per data and check word: a 24 x 17 symbol (204 places) holds 13 data words and
    # 3 + 13 // 2 = 9 checks (200 dots); 14 would need 218.
    data = dotcode_codewords.data_count(24 * 17 // 2)
    assert (data, dotcode_codewords.check_count(data)) == (13, 9)


def test_reed_solomon_over_gf113() -> None:
    rng = np.random.default_rng(7)
    words = [int(v) for v in rng.integers(0, GF, 20)]
    checks = _check_words(words, 13)
    code = [*words, *checks]
    assert dotcode_codewords.correct(code, 19) == (code, 0)
    # Four errors (13 checks, two kept spare): corrected; with two erasures more, still.
    spoilt = code[:]
    for i in (0, 5, 17, 30):
        spoilt[i] = (spoilt[i] + 40) % GF
    assert dotcode_codewords.correct(spoilt, 19) == (code, 4)
    spoilt[9] = spoilt[11] = 0
    assert dotcode_codewords.correct(spoilt, 19, frozenset({9, 11})) == (code, 6)
    # Beyond: nothing, never another word.
    for i in (2, 3, 4):
        spoilt[i] = (spoilt[i] + 1) % GF
    assert dotcode_codewords.correct(spoilt, 19) is None


def test_zint_symbols_check_words_are_the_specifications() -> None:
    # zint's symbol of "DotCode 2026": mask word, data and check words as laid out, checks by the test's encoder
    # (one block: fewer than 113 words).
    bits = _stream(_zint_grid("DotCode 2026"))
    data = dotcode_codewords.data_count(len(bits))
    words, bad = dotcode_codewords.dot_values(bits, data)
    assert not bad and words[0] < 4
    assert words[data + 1 :] == _check_words(words[: data + 1], dotcode_codewords.check_count(data))


# Figures of ISS DotCode Rev 4.0 (dots as rows, top first): Figure 7A with masks 0 and 1 and Figure 7B with mask
# 0' (the corners lit) for "2741"; Figure 1 (left), GS1 data in a 64 x 9 symbol.
SPEC_FIGURES = [
    (
        "1010101010100 0000010001010 0000101000101 0101000000000 0000101010100 0100010101000 1000001000001 "
        "0101000101010 1000100010001 0000000000000",
        0,
        "2741",
    ),
    (
        "1010001000101 0000000100010 0000100000001 0101010001000 1000101000000 0101010101010 1000101000101 "
        "0100010101010 0000000010001 0001000001000",
        1,
        "2741",
    ),
    (
        "1010101010101 0000010001010 0000101000101 0101000000000 0000101010100 0100010101000 1000001000001 "
        "0101000101010 1000100010001 0100000000010",
        0,
        "2741",
    ),
    (
        "1010000000101000101010000010000010001010100010101000101000001010 "
        "0100010001010001010001000001010100010100010001000100010101000001 "
        "1010001010000000101010100010001010000010101000000010100010100000 "
        "0000000101000101010001010100000001000100010001000100010100000001 "
        "1000001000000010100010101000001010100000101010100000100010001010 "
        "0101000101000001000001010001010100000001000100010101000101010001 "
        "1000000010100010001000001000100010101000100010000010101000100000 "
        "0001010100010001010100010001010000010001010000000101010001010101 "
        "1000100010001000100010100010001010001000101000101000100010000010",
        None,
        "(01)00012345678905(17)201231(10)ABC123456",
    ),
]


@pytest.mark.parametrize(("rows", "mask", "value"), SPEC_FIGURES)
def test_the_specifications_figures(rows: str, mask: int | None, value: str) -> None:
    grid = np.array([[c == "1" for c in row] for row in rows.split()])
    bits = _stream(grid)
    read = dotcode_codewords.read(bits)
    # Figure 7B's lit corners overwrite the last codeword's bits: one word corrected.
    assert read is not None and read.message.text == value and read.corrected <= 1
    if mask is not None:
        assert bits[0] * 2 + bits[1] == mask


@pytest.mark.parametrize("mask", range(1, 9))
def test_every_mask_reads(mask: int) -> None:
    # zint's masks 1-4 are the specification's four; 5-8 the same with the six corner dots forced on.
    read = dotcode_codewords.read(_stream(_zint_grid("Mask test 0123456789", mask=mask)))
    assert read is not None and read.message.text == "Mask test 0123456789"
    words = dotcode_codewords.dot_values(_stream(_zint_grid("Mask test 0123456789", mask=mask)), 8)[0]
    assert words[0] == (mask - 1) % 4


# Data through every code set, shift, latch and mode: zint's encoder (Annex F) chooses them.
MESSAGES: list[tuple[str | bytes, dict[str, object], str, bool]] = [
    ("DotCode 2026", {}, "DotCode 2026", False),
    ("1234567890123456", {}, "1234567890123456", False),  # digits first: an FNC1 says it is not GS1
    ("12", {}, "12", False),
    ("abcDEF ghi 0123456789012 xyz", {}, "abcDEF ghi 0123456789012 xyz", False),
    ("\x00\x01 control \x1f chars", {}, "\x00\x01 control \x1f chars", False),
    ("\t\r\nTab CR LF\x1d", {}, "\t\r\nTab CR LF\x1d", False),
    (b"\x80\x81\xfe\xff binary \x00 1234567890 data", {}, "\x80\x81\xfe\xff binary \x00 1234567890 data", False),
    (bytes(range(128, 160)), {}, "".join(chr(c) for c in range(128, 160)), False),
    ("[)>\x1e05\x1dMACRO 05\x1e\x04", {}, "[)>\x1e05\x1dMACRO 05\x1e\x04", False),
    ("[)>\x1e07 MACRO\x04", {}, "[)>\x1e07 MACRO\x04", False),
    ("Grüße, 2026 €", {"eci": 26}, "Grüße, 2026 €", False),
    # ECI 15 is ISO/IEC 8859-13 (ECI 14 is reserved: the numbers past it are not 8859-(n-2) shifted by one more).
    ("Ąžuolas, ąčęėįšųūž".encode("iso8859-13"), {"eci": 15}, "Ąžuolas, ąčęėįšųūž", False),
    ("A" * 300, {}, "A" * 300, False),  # two Reed-Solomon blocks
    ("(01)09501101530003(17)261231", {"gs1": True}, "(01)09501101530003(17)261231", True),
    ("(01)09501101530003(17)261231(10)AB-12", {"gs1": True}, "(01)09501101530003(17)261231(10)AB-12", True),
    ("(10)LOT42(21)SERIAL(00)095011015300030001", {"gs1": True}, "(10)LOT42(21)SERIAL(00)095011015300030001", True),
]


@pytest.mark.parametrize(("data", "options", "text", "gs1"), MESSAGES)
def test_zint_symbols_read(data: str | bytes, options: dict[str, object], text: str, gs1: bool) -> None:
    read = dotcode_codewords.read(_stream(_zint_grid(data, **options)))  # type: ignore[arg-type]
    assert read is not None and read.message == dotcode_codewords.Message(text, gs1) and read.corrected == 0


def test_gs1_element_strings() -> None:
    assert gs1_elements.hri("0109501101530003\x1d10ABC\x1d21X") == "(01)09501101530003(10)ABC(21)X"
    assert gs1_elements.hri("3103000123400123") == "(3103)000123(400)123"
    assert gs1_elements.hri("01123") is None  # (01) has fourteen digits
    assert gs1_elements.hri("AB12") is None


@pytest.mark.parametrize("name", ["dotcode", "dotcode_digits", "dotcode_text", "dotcode_binary", "gs1dotcode"])
def test_bwipp_symbols(name: str) -> None:
    kind, value, gray = second_encoder.symbol(name, pad=8)
    assert [(f.type, f.value) for f in dotcode.find(gray, TYPES)] == [(kind, value)]


@pytest.mark.parametrize("name", ["dotcode_text", "gs1dotcode"])
@pytest.mark.parametrize("how", ["noisy", "jpeg", "dim"])
def test_bwipp_symbols_doubled_turned_and_spoilt(name: str, how: str) -> None:
    # BWIPP draws square dots: doubled (four pixels a module), a noisy square keeps several minima.
    kind, value, doubled = second_encoder.symbol(name, 2, pad=16)
    turned = Image.fromarray(doubled).rotate(23, Image.Resampling.BILINEAR, expand=True, fillcolor=255)
    gray = np.ascontiguousarray(np.asarray(spoil(turned, how, np.random.default_rng(5))))
    assert [(f.type, f.value) for f in dotcode.find(gray, TYPES)] == [(kind, value)]


def _page(kind: str, data: str) -> np.ndarray:
    return np.asarray(open_image(gen(kind, data).content).convert("L"))


@pytest.mark.parametrize(
    ("kind", "data"),
    [
        ("DotCode", "DotCode 2026"),
        ("DotCode", "https://example.com/dotcode?id=12345"),
        ("GS1DotCode", "(01)09501101530003(17)261231(10)LOT7"),
    ],
)
@pytest.mark.parametrize("how", ["clean", "blurred", "noisy", "jpeg", "dim"])
def test_generated_symbols_turned_and_spoilt(kind: str, data: str, how: str) -> None:
    rng = np.random.default_rng(len(data))
    page = Image.fromarray(_page(kind, data))
    angle = float(rng.uniform(0, 360))
    turned = page.rotate(angle, Image.Resampling.BILINEAR, expand=True, fillcolor=255)
    gray = np.asarray(spoil(turned, how, rng))
    found = dotcode.find(np.ascontiguousarray(gray), TYPES)
    assert [(f.type, f.value) for f in found] == [(kind, data)], angle


def _two_pixel(data: str) -> np.ndarray:
    return np.pad(np.where(_zint_grid(data), 0, 255).astype(np.uint8).repeat(2, 0).repeat(2, 1), 8, constant_values=255)


def _blurred(gray: np.ndarray) -> np.ndarray:
    """Blurred by half a module of two pixels."""
    return np.asarray(Image.fromarray(gray).filter(ImageFilter.GaussianBlur(1.0)))


def test_two_pixel_modules_and_mirrored() -> None:
    gray = _two_pixel("Small modules 2026")
    assert [f.value for f in dotcode.find(gray, TYPES)] == ["Small modules 2026"]
    assert [f.value for f in dotcode.find(np.ascontiguousarray(gray[:, ::-1]), TYPES)] == ["Small modules 2026"]
    # Blurred by half a module: read on the page doubled and sharpened.
    assert [f.value for f in dotcode.find(_blurred(gray), TYPES)] == ["Small modules 2026"]


def test_two_pixel_modules_blurred() -> None:
    # Blur pulls the spots of neighbouring dots towards each other, shortening the steps between them by about a
    # quarter: the lattice is found from the period the spots repeat at. Seeded random text, drawn at two pixels a
    # module and blurred by half a module.
    rng = random.Random(2)
    for _ in range(6):
        data = "".join(rng.choice(PRINTABLE) for _ in range(rng.randint(4, 30)))
        assert [f.value for f in dotcode.find(_blurred(_two_pixel(data)), TYPES)] == [data]


def test_two_pixel_modules_with_an_empty_stretch() -> None:
    # This small symbol's dots, on the page doubled, fall into two groups an empty stretch apart: the looser
    # grouping joins them.
    gray = _two_pixel('X1c?1"')
    for page in (gray, _blurred(gray)):
        assert [f.value for f in dotcode.find(page, TYPES)] == ['X1c?1"']


def _damaged(grid: np.ndarray, dots: int, seed: int) -> np.ndarray:
    rng = np.random.default_rng(seed)
    h, w = grid.shape
    places = dotcode_codewords.places(w, h)
    out = grid.copy()
    for k in rng.choice(len(places), dots, replace=False):
        r, c = places[k]
        out[r, c] = not out[r, c]
    return out


def test_damage_within_capacity_reads_beyond_reads_nothing() -> None:
    data = "Damaged DotCode 2026 0123456789"
    grid = _zint_grid(data)
    for seed in range(5):
        read = dotcode_codewords.read(_stream(_damaged(grid, 3, seed)))
        assert read is not None and read.message.text == data
    for seed in range(20):
        assert dotcode_codewords.read(_stream(_damaged(grid, 60, seed))) is None


def test_recognize_asked_scanned_and_inverted() -> None:
    gray = _page("DotCode", "DotCode 2026")
    assert [(d.type, d.value) for d in recognize_array(gray, ["DotCode"], Mode.NORMAL)] == [("DotCode", "DotCode 2026")]
    scanned = recognize_array(gray, None, Mode.NORMAL)
    assert [(d.type, d.value) for d in scanned] == [("DotCode", "DotCode 2026")]
    inverted = np.ascontiguousarray(255 - gray)
    assert [d.value for d in recognize_array(inverted, ["DotCode"], Mode.NORMAL)] == ["DotCode 2026"]
    binary = np.asarray(open_image(gen("DotCode", "\u00e9t\u00e9 2026").content).convert("L"))
    assert [d.value for d in recognize_array(binary, ["DotCode"], Mode.NORMAL)] == ["\u00e9t\u00e9 2026"]


def test_nothing_where_there_is_no_dotcode() -> None:
    rng = np.random.default_rng(3)
    noise = (rng.random((200, 300)) * 255).astype(np.uint8)
    speckle = np.where(rng.random((200, 300)) < 0.2, 0, 255).astype(np.uint8)
    qr = render(QR, module=3)
    for gray in (noise, speckle, qr):
        assert dotcode.find(gray, TYPES) == []


def test_nothing_in_the_corpus_false_positives() -> None:
    images = sorted(CORPUS.glob("falsepositives-*/*"))
    if not images:
        pytest.skip("no corpus here")
    for path in images[:12]:
        gray = np.asarray(Image.open(path).convert("L"))
        assert dotcode.find(gray, TYPES) == [], path


def test_beside_a_qr_code_and_text() -> None:
    dot = Image.fromarray(_page("DotCode", "Beside QR 2026"))
    qr = Image.fromarray(render(QR, module=3))
    page = Image.new("L", (dot.width + qr.width + 40, max(dot.height, qr.height) + 60), 255)
    page.paste(qr, (0, 0))
    page.paste(dot, (qr.width + 20, 10))
    ImageDraw.Draw(page).text((10, page.height - 40), "Lot 2026-12 best before 12/27 ... : : ;", fill=0)
    found = dotcode.find(np.asarray(page), TYPES)
    assert [f.value for f in found] == ["Beside QR 2026"]
    xs = [x for x, _ in found[0].region]
    assert qr.width + 20 <= min(xs) and max(xs) <= qr.width + 20 + dot.width  # the region is the symbol's


def test_a_blot_within_capacity_reads() -> None:
    data = "Blotted DotCode 2026 with room for errors"
    gray = _page("DotCode", data).copy()
    h, w = gray.shape
    gray[h // 2 - 4 : h // 2 + 4, w // 2 - 4 : w // 2 + 4] = 255  # a few dots gone
    assert [f.value for f in dotcode.find(gray, TYPES)] == [data]
    gray[12 : h - 12, 12 : w // 2] = 0  # half the symbol inked over: nothing
    assert dotcode.find(gray, TYPES) == []


def test_structured_append_marker_is_not_data() -> None:
    sym = zint.Symbol()
    sym.symbology = zint.Symbology.DOTCODE
    sym.structapp = zint.StructApp(2, 3, b"")  # symbol 2 of 3: "2", "3" and FNC2 end the data
    sym.encode("Part two of three")
    read = dotcode_codewords.read(_stream(symbol_bits(sym)))
    assert read is not None and read.message.text == "Part two of three"
