"""The engine's own stacked decoders (Code 16K, Codablock F): check characters and code sets against the
specifications' worked examples, the specifications' figures drawn by the tests' own renderer, zint's symbols
and the tests' own encoders' symbols read back at any angle and degraded as photos degrade them, recognize asked
for the types and scanning, and no report of anything else."""

from __future__ import annotations

import itertools
from pathlib import Path

import numpy as np
import pytest
import zint
from PIL import Image, ImageFilter

from barcode_cloud_server.engine import recognition
from barcode_cloud_server.engine.recognition import codablock, code16k, scanlines, stacked
from barcode_cloud_server.engine.recognize import Mode, recognize_array
from tests.support import second_encoder
from tests.support.generate import gen, open_image
from tests.support.paths import CORPUS
from tests.support.photo import photographed, spoil
from tests.support.postal import perspective
from tests.support.samples import Sample, render
from tests.support.stacked import (
    CODABLOCK_FIGURE_1,
    CODABLOCK_FRONT_PAGE,
    CODE16K_FIGURE_3,
    codablock_rows,
    code16k_rows,
    draw,
)

TYPES = ("Code16K", "CodablockF")


def test_code16k_check_characters() -> None:
    # EN 12323 Figure 3, "ab0123456789": mode 6 (code set C after two characters of B), a, b, 01 ... 89; C1 19, C2 42.
    assert code16k.check_characters([6, 65, 66, 1, 23, 45, 67, 89]) == (19, 42)
    # Check characters run to 106, past the data characters' range: "ééé" in code set B with FNC4s.
    assert code16k.check_characters([1, 100, 73, 100, 73, 100, 73, 103]) == (105, 106)
    assert code16k.row_number(3, 3) == 3 and code16k.row_number(2, 6) == 10 and code16k.row_number(6, 2) == 14
    assert code16k.row_number(2, 5) is None


# Codeword streams (mode character to C2) and the data they carry: every mode of EN 12323 Table 2 (3 and 4 imply
# a leading FNC1, GS1, which is not data; a later FNC1 reads as GS), code set changes, shifts and FNC4 (zint's
# tests of its encoder, a second reading of the specification).
CODE16K_STREAMS = [
    ([0, 95, 103, 103, 103, 103, 103, 103, 22, 42], "\x1f"),
    ([1, 33, 103, 103, 103, 103, 103, 103, 52, 82], "A"),
    ([2, 12, 103, 103, 103, 103, 103, 103, 98, 27], "12"),
    ([3, 25, 16, 33, 103, 103, 103, 103, 83, 20], "90A"),
    ([4, 90, 12, 102, 20, 12, 103, 103, 9, 72], "9012\x1d2012"),
    ([5, 65, 1, 23, 45, 67, 89, 103, 27, 86], "a0123456789"),
    ([6, 65, 66, 1, 23, 45, 67, 89, 19, 42], "ab0123456789"),
    ([2, 12, 34, 101, 95, 98, 65, 103, 67, 53], "1234\x1fa"),
    ([0, 64, 95, 101, 98, 73, 103, 103, 75, 6], "\x00\x1fé"),
    ([0, 64, 95, 100, 100, 73, 65, 103, 99, 69], "\x00\x1féa"),
    ([1, 65, 66, 100, 98, 95, 103, 103, 6, 71], "ab\x9f"),
    ([1, 65, 66, 101, 101, 95, 95, 103, 72, 93], "ab\x9f\x1f"),
    ([1, 100, 73, 100, 73, 100, 73, 103, 105, 106], "ééé"),
    # BWIPP's: 105 and 106 in code set B put the next two or three characters in code set C.
    ([8, 65, 66, 67, 68, 105, 12, 34, 69, 70, 71, 72, 103, 90, 5], "abcd1234efgh"),
    ([15, 65, 66, 67, 68, 69, 70, 106, 12, 34, 56, 71, 72, 73, 74, 103, 103, 103, 43, 61], "abcdef123456ghij"),
]


@pytest.mark.parametrize(("values", "data"), CODE16K_STREAMS)
def test_code16k_code_sets(values: list[int], data: str) -> None:
    assert code16k.decode(values) == data
    broken = [*values[:3], (values[3] + 1) % 100, *values[4:]]
    assert code16k.decode(broken) is None  # C1 and C2 no longer hold


def test_code16k_gs1_from_zint() -> None:
    gray = render(Sample("CODE16K", "[90]12[20]12", "Code16K", "", gs1=True), module=2)
    assert [f.value for f in recognition.find(gray, frozenset(TYPES))] == ["9012\x1d2012"]


def test_code16k_rejects_a_wrong_row_count() -> None:
    values = [1, 33, 103, 103, 103, 103, 103, 103, 52, 82]
    assert (
        code16k.decode([*values[:-2], 103, 103, 103, 103, 103, *code16k.check_characters([*values[:-2], *[103] * 5])])
        is None
    )


def test_codablock_check_characters() -> None:
    # Row indicators: rows - 2 in the first row, row + 42 in the others, written as code set B characters.
    assert [codablock.indicator(cw, "B") for cw in (64, 95, 0, 10, 11, 26, 63)] == [0, 31, 32, 42, 43, 48, 85]
    assert codablock.indicator(20, "B") is None and codablock.indicator(86, "C") is None
    assert codablock.indicator(44, "C") == 44
    # Figure 1, read character by character from its modules: every row's Code 128 check character, and the
    # rows' indicators and data with K1 and K2 (the last row's last two data columns).
    rows = [_characters(row) for row in CODABLOCK_FIGURE_1]
    for row in rows:
        assert (row[0], row[-1]) == (codablock.START_A, 106)
        assert codablock.row_check(row[:-2]) == row[-2]
    assert [codablock.indicator(row[2], "C" if row[1] == 99 else "B") for row in rows] == [2, 43, 44, 45]
    data = "CODABLOCK F 34567890123456789010040digit"
    assert codablock.decode([tuple(row[1:-2]) for row in rows]) == data
    k1, k2 = codablock.data_checks(data.encode())
    assert [codablock.indicator(v, "B") for v in rows[-1][-4:-2]] == [k1, k2]


def _characters(row: str) -> list[int]:
    """The Code 128 character values of a row of modules (11 modules each, 13 for the stop)."""
    out = []
    for start in range(0, len(row) - 13, 11):
        out.append(stacked.PATTERNS.index(_widths(row[start : start + 11])))
    assert _widths(row[-13:]) == "2331112"
    return [*out, 106]


def _widths(modules: str) -> str:
    return "".join(str(len(list(run))) for _, run in itertools.groupby(modules))


@pytest.mark.parametrize(
    ("rows", "value"),
    [
        (CODE16K_FIGURE_3, "ab0123456789"),
        (CODABLOCK_FIGURE_1, "CODABLOCK F 34567890123456789010040digit"),
        (CODABLOCK_FRONT_PAGE, "CODABLOCK F Symbology"),
    ],
)
@pytest.mark.parametrize("angle", [0, 37, 90, 180, 251])
def test_the_specifications_figures(rows: tuple[str, ...], value: str, angle: int) -> None:
    gray = _turned(draw(rows), angle)
    kind = "Code16K" if len(rows[0]) == code16k.MODULES else "CodablockF"
    assert [(f.type, f.value) for f in recognition.find(gray, frozenset(TYPES))] == [(kind, value)]


OTHER_TEXTS = ["Hi", "Written by the tests' own encoder, not zint.", "x" * 70]


@pytest.mark.parametrize("text", OTHER_TEXTS)
@pytest.mark.parametrize(
    ("kind", "columns"), [("Code16K", 0), ("CodablockF", 4), ("CodablockF", 11), ("CodablockF", 30)]
)
@pytest.mark.parametrize(("module", "angle"), [(2, 23), (3, -64), (2, 161)])
def test_symbols_of_another_encoder(text: str, kind: str, columns: int, module: int, angle: int) -> None:
    """Symbols laid out by the tests' own encoders, drawn with rows eight modules high (the specifications'
    least), at other module sizes and angles than zint's, blurred and noisy."""
    rows = code16k_rows(text) if kind == "Code16K" else codablock_rows(text, columns)
    gray = _turned(draw(rows, module=module, row_modules=8), angle)
    blurred = np.asarray(Image.fromarray(gray).filter(ImageFilter.GaussianBlur(0.8)), dtype=np.float32)
    noisy = blurred + np.random.default_rng(angle % 7).normal(0, 15, gray.shape)
    gray = np.clip(noisy, 0, 255).astype(np.uint8)
    assert [(f.type, f.value) for f in recognition.find(gray, frozenset(TYPES))] == [(kind, text)]


def test_a_missing_row_or_a_changed_character_reports_nothing() -> None:
    figure = list(CODABLOCK_FIGURE_1)
    assert recognition.find(draw(figure[:3]), frozenset(TYPES)) == []  # the indicators ask for four rows
    assert recognition.find(draw(figure[:1]), frozenset(TYPES)) == []  # one row of Codablock F is Code 128
    sixteen = list(CODE16K_FIGURE_3)
    # The second row's first character (45, "001101" after its start) becomes 46: start, stop and every
    # pattern still read, C1 and C2 no longer hold.
    second = sixteen[1]
    sixteen[1] = second[:8] + _modules(stacked.PATTERNS[46], first_dark=False) + second[19:]
    assert second[8:19] == _modules(stacked.PATTERNS[45], first_dark=False)
    assert recognition.find(draw(sixteen), frozenset(TYPES)) == []


def _modules(pattern: str, first_dark: bool) -> str:
    out, dark = "", first_dark
    for width in pattern:
        out += ("1" if dark else "0") * int(width)
        dark = not dark
    return out


def _turned(gray: np.ndarray, angle: float) -> np.ndarray:
    image = Image.fromarray(gray).rotate(angle, resample=Image.Resampling.BILINEAR, expand=True, fillcolor=255)
    return np.ascontiguousarray(np.asarray(image))


SAMPLES = [
    ("Code16K", "Code16K 2026"),
    ("Code16K", "0123456789012345678901234567890123456789"),
    ("Code16K", "Mixed: abc 123456 XYZ!"),
    ("CodablockF", "Codablock F 2026"),
    ("CodablockF", "0123456789012345678901234567890123456789"),
    ("CodablockF", "Mixed: abc 123456 XYZ!\tand a tab"),
]


@pytest.mark.parametrize(("kind", "data"), SAMPLES)
@pytest.mark.parametrize(
    "how", ["clean", "turned", "small", "blurred", "noisy", "jpeg", "dim", "inverted", "perspective"]
)
def test_reads_back_degraded(kind: str, data: str, how: str) -> None:
    gray = photographed(np.asarray(open_image(gen(kind, data).content).convert("L")), how, np.random.default_rng(11))
    # The readers themselves, without recognize's deadline (on a loaded machine it decides, not the reader).
    search = recognition.find_inverted if how == "inverted" else recognition.find
    assert [(f.type, f.value, f.checksum) for f in search(gray, frozenset({kind}))] == [(kind, data, None)]


BWIPP = ["code16k", "code16k_digits", "code16k_mixed", "code16k_long", "codablockf", "codablockf_digits"]


@pytest.mark.parametrize("name", [*BWIPP, "codablockf_long"])
@pytest.mark.parametrize(("module", "angle"), [(2, 0), (3, 0), (2.5, 33), (2, 197)])
def test_reads_the_second_encoders_symbols(name: str, module: float, angle: float) -> None:
    """BWIPP's symbols (one pixel a module, drawn without quiet zones), scaled and turned."""
    kind, value, gray = _second_encoder(name, module)
    assert [(f.type, f.value) for f in recognition.find(_turned(gray, angle), frozenset(TYPES))] == [(kind, value)]


@pytest.mark.parametrize("name", BWIPP)
@pytest.mark.parametrize("how", ["blurred", "noisy", "jpeg", "dim"])
def test_reads_the_second_encoders_symbols_spoiled(name: str, how: str) -> None:
    kind, value, gray = _second_encoder(name, 2)
    image = spoil(Image.fromarray(_turned(gray, -21)), how, np.random.default_rng(3))
    found = recognition.find(np.ascontiguousarray(np.asarray(image)), frozenset(TYPES))
    assert [(f.type, f.value) for f in found] == [(kind, value)]


@pytest.mark.parametrize("name", [*BWIPP, "codablockf_long"])
@pytest.mark.parametrize("how", ["keystone", "blur of 0.75 module"])
def test_reads_the_second_encoders_symbols_at_an_angle_and_blurred(name: str, how: str) -> None:
    kind, value, gray = _second_encoder(name, 2)
    image = Image.fromarray(gray)
    image = perspective(image, 0.65) if how == "keystone" else image.filter(ImageFilter.GaussianBlur(1.5))
    found = recognition.find(np.ascontiguousarray(np.asarray(image)), frozenset(TYPES))
    assert [(f.type, f.value) for f in found] == [(kind, value)]


def _second_encoder(name: str, module: float) -> tuple[str, str, np.ndarray]:
    """The type, value and image (``module`` pixels a module, ten modules of white around) of a BWIPP symbol."""
    return second_encoder.symbol(name, module, pad=round(10 * module))


@pytest.mark.parametrize(("kind", "data"), SAMPLES)
@pytest.mark.parametrize(("far", "angle"), [(0.6, 0), (0.6, 180), (0.65, 20)])
def test_seen_at_an_angle(kind: str, data: str, far: float, angle: float) -> None:
    """Keystone: the far edge 0.6 of the near one's height (its modules a third of the near ones), so that no
    scanline reads the outer rows whole; rows are followed from their starts (and stops) instead. Turned as well,
    the rows are no longer square to the bars, and only scan angles beside the bars' orientation read one."""
    gray = np.asarray(open_image(gen(kind, data).content).convert("L"))
    image = perspective(Image.fromarray(np.pad(_turned(gray, angle), 10, constant_values=255)), far)
    found = recognition.find(np.ascontiguousarray(np.asarray(image)), frozenset({kind}))
    assert [(f.type, f.value) for f in found] == [(kind, data)]


@pytest.mark.parametrize(("kind", "data"), SAMPLES)
@pytest.mark.parametrize("blur", [1.2, 1.5])
def test_blurred(kind: str, data: str, blur: float) -> None:
    """A Gaussian blur of 0.6 and 0.75 module (1.2 and 1.5 px on 2 px modules): one-module elements lose most of
    their contrast (at 0.75 a run of them keeps a few grey levels, and only the sharpened region reads) and the
    rest shift, so characters are read by their nearest pattern with a wider margin (row checks and the symbol's
    check characters still hold every reading)."""
    gray = np.asarray(open_image(gen(kind, data).content).convert("L"))
    image = Image.fromarray(np.pad(gray, 10, constant_values=255)).filter(ImageFilter.GaussianBlur(blur))
    found = recognition.find(np.ascontiguousarray(np.asarray(image)), frozenset({kind}))
    assert [(f.type, f.value) for f in found] == [(kind, data)]


@pytest.mark.parametrize(("kind", "data"), SAMPLES[::3])
def test_recognize_asked_for_and_scanning(kind: str, data: str) -> None:
    gray = photographed(
        np.asarray(open_image(gen(kind, data).content).convert("L")), "turned", np.random.default_rng(11)
    )
    assert [(d.type, d.value) for d in recognize_array(gray, [kind], Mode.NORMAL)] == [(kind, data)]
    assert [(d.type, d.value) for d in recognize_array(255 - gray, [kind], Mode.NORMAL)] == [(kind, data)]
    assert [(d.type, d.value) for d in recognize_array(gray, None, Mode.NORMAL)] == [(kind, data)]
    assert recognize_array(gray, None, Mode.FAST) == []  # Fast scans stay zxing-cpp's


def test_a_scan_reports_a_stack_not_the_code128_rows_inside_it() -> None:
    # Upright, zxing-cpp reads each row of a Codablock F as a Code 128 (one a HIBC LIC by its "+"); the scan
    # reports the stack instead, and keeps the Code 128 printed beside it.
    block = np.asarray(open_image(gen("CodablockF", "Codablock F +bloc 4520262783").content).convert("L"))
    plain = np.asarray(open_image(gen("Code128", "beside it").content).convert("L"))
    page = np.full((max(block.shape[0], plain.shape[0]) + 80, block.shape[1] + plain.shape[1] + 120), 255, np.uint8)
    page[40 : 40 + block.shape[0], 40 : 40 + block.shape[1]] = block
    page[40 : 40 + plain.shape[0], block.shape[1] + 80 : block.shape[1] + 80 + plain.shape[1]] = plain
    found = sorted((d.type, d.value) for d in recognize_array(page, None, Mode.NORMAL))
    assert found == [("CodablockF", "Codablock F +bloc 4520262783"), ("Code128", "beside it")]


def test_two_symbols_on_one_page() -> None:
    left = np.asarray(open_image(gen("Code16K", "left 16K").content).convert("L"))
    right = np.asarray(open_image(gen("CodablockF", "right block").content).convert("L"))
    page = np.full((300, 700), 255, np.uint8)
    page[40 : 40 + left.shape[0], 30 : 30 + left.shape[1]] = left
    page[120 : 120 + right.shape[0], 300 : 300 + right.shape[1]] = right
    found = sorted((f.type, f.value) for f in recognition.find(page, frozenset(TYPES)))
    assert found == [("CodablockF", "right block"), ("Code16K", "left 16K")]


def test_both_families_read_one_scan(monkeypatch: pytest.MonkeyPatch) -> None:
    """A request for both types scans the page once; the price of both is less than twice one family's."""
    scans: list[tuple[int, int]] = []
    scan_page = stacked.scan_page

    def counted(page: np.ndarray, found: list[float], fan: tuple[float, ...]) -> scanlines.Runs | None:
        scans.append(page.shape)
        return scan_page(page, found, fan)

    monkeypatch.setattr(stacked, "scan_page", counted)
    left = np.asarray(open_image(gen("Code16K", "left 16K").content).convert("L"))
    right = np.asarray(open_image(gen("CodablockF", "right block").content).convert("L"))
    page = np.full((300, 700), 255, np.uint8)
    page[40 : 40 + left.shape[0], 30 : 30 + left.shape[1]] = left
    page[120 : 120 + right.shape[0], 300 : 300 + right.shape[1]] = right
    assert len(recognition.find(page, frozenset(TYPES))) == 2
    assert scans == [page.shape]
    assert recognition.price((2000, 3000), frozenset(TYPES)) < 1.5 * stacked.page_price((2000, 3000), 1)


@pytest.mark.skipif(not CORPUS.is_dir(), reason="the zxing-cpp sample corpus is not on this machine")
@pytest.mark.parametrize("index", [1, 7])
def test_a_label_on_a_busy_photo(index: int) -> None:
    """A small symbol (2 px modules) on its white label, turned, in a 1280 x 960 photo full of other edges."""
    photo = Image.open(_images("falsepositives-1/*.webp")[index]).convert("L").resize((1280, 960))
    page = np.array(photo)
    for rows, value, angle, (y, x) in (
        (code16k_rows("Busy page"), "Busy page", 17 + index, (300, 500)),
        (codablock_rows("Busy page too", 5), "Busy page too", 101 + index, (80, 80)),
    ):
        label = _turned(draw(rows, module=2, row_modules=8, quiet=10), angle)
        page[y : y + label.shape[0], x : x + label.shape[1]] = label
        assert value in [f.value for f in recognition.find(np.ascontiguousarray(page), frozenset(TYPES))]


def test_plain_code128_is_not_codablock() -> None:
    symbol = zint.Symbol()
    symbol.symbology = zint.Symbology.CODABLOCKF
    symbol.option_1 = 1  # one row: zint draws a Code 128 symbol
    symbol.show_text = False
    symbol.encode("Codablock F 2026")
    symbol.buffer()
    bitmap = np.asarray(symbol.bitmap, dtype=np.uint8)
    gray = bitmap if bitmap.ndim == 2 else bitmap[..., :3].mean(axis=2).astype(np.uint8)
    gray = np.pad(gray, 30, constant_values=255)
    assert recognition.find(gray, frozenset(TYPES)) == []
    code128 = np.asarray(open_image(gen("Code128", "Codablock F 2026").content).convert("L"))
    assert recognition.find(np.pad(code128, 30, constant_values=255), frozenset(TYPES)) == []


def test_blank_and_noise_pages_hold_nothing() -> None:
    rng = np.random.default_rng(5)
    assert recognition.find(rng.integers(0, 256, (300, 400), dtype=np.uint8), frozenset(TYPES)) == []
    assert recognition.find(np.full((200, 200), 255, np.uint8), frozenset(TYPES)) == []
    assert stacked.orientations(np.zeros((1, 1), np.uint8)) == []


@pytest.mark.skipif(not CORPUS.is_dir(), reason="the zxing-cpp sample corpus is not on this machine")
def test_no_false_positive_in_the_corpus() -> None:
    """The falsepositives folders, and photos of Code 128 and PDF417 symbols (rows of the same characters)."""
    paths = _images("falsepositives-*/*") + _images("code128-*/*")[::2] + _images("pdf417-*/*")[::2]
    assert len(paths) > 80
    for path in paths:
        gray = np.asarray(Image.open(path).convert("L"))
        assert recognition.find(gray, frozenset(TYPES)) == [], path.name


def _images(pattern: str) -> list[Path]:
    suffixes = (".png", ".jpg", ".jpeg", ".webp", ".gif", ".bmp")
    return [p for p in sorted(CORPUS.glob(pattern)) if p.suffix.lower() in suffixes]
