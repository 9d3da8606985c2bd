"""GS1 composite symbols (ISO/IEC 24723): the component's data encodation against the specification's rules, the
specification's figures drawn from their module rows, zint's composites of every linear symbol with CC-A, CC-B
and CC-C, BWIPP's, turned, seen at an angle and spoiled as photos spoil them (one way, and all at once); a
damaged component gives no composite, and a request for the linear type alone reads it as before."""

from __future__ import annotations

import numpy as np
import pytest
import zxingcpp
from PIL import Image

from barcode_cloud_server.engine.pdf417 import error_correction, patterns
from barcode_cloud_server.engine.recognition import composite, composite_data, gf929, gs1_elements
from barcode_cloud_server.engine.recognize import Mode, _Search, recognize_array
from barcode_cloud_server.engine.recognize_passes import Variant
from barcode_cloud_server.engine.recognize_types import resolve
from tests.support import second_encoder
from tests.support.composite import LINEAR, Composite, draw, from_rows
from tests.support.photo import spoil
from tests.support.postal import perspective

TYPE = ["GS1CompositeBar"]


def _pairs(text: str) -> str:
    """Digits in the general-purpose numeric encodation: 7 bits a pair, 8 + 11 x first + second."""
    return "".join(format(8 + 11 * int(text[i]) + int(text[i + 1]), "07b") for i in range(0, len(text), 2))


def test_general_purpose_numeric_and_padding() -> None:
    # Encodation method "0", (21)12345678 in numeric pairs, then the numeric-to-alphanumeric latch and "00100"s.
    bits = "0" + _pairs("2112345678") + "0000" + "00100" * 3
    assert composite_data.decode(bits) == "(21)12345678"
    # An odd digit count ends in four bits (the digit plus one) when four to six bits are left.
    assert composite_data.decode("0" + _pairs("21123456") + format(7 + 1, "04b")) == "(21)1234567"


def test_date_and_lot_encodation() -> None:
    # Method "10": (17) 31 December 2026 as YY x 384 + (MM - 1) x 32 + DD in 16 bits, "1" for AI 17, then the lot
    # (AI 10 implied) in alphanumeric characters: 6 bits each, A = 32.
    date = format(26 * 384 + 11 * 32 + 31, "016b")
    lot = "0000" + "".join(format(32 + ord(c) - ord("A"), "06b") for c in "ABC")
    assert composite_data.decode("10" + date + "1" + lot) == "(17)261231(10)ABC"
    # "11" for no date: the lot number alone.
    assert composite_data.decode("10" + "11" + _pairs("42") + "0000") == "(10)42"
    # A date followed by another element: FNC1 (an alphanumeric 01111 after the latch) instead of a lot number.
    fnc1 = "0000" + "01111"
    assert composite_data.decode("10" + date + "0" + fnc1 + _pairs("2112")) == "(11)261231(21)12"


def test_iso646_characters_and_latches() -> None:
    # Alphanumeric latch, ISO/IEC 646 latch 00100, 'a' (7 bits: 90 + 0), '-' (8 bits: 242), digit '9' (5 bits).
    body = _pairs("99") + "0000" + "00100" + format(90, "07b") + format(242, "08b") + format(5 + 9, "05b")
    assert composite_data.decode("0" + body) == "(99)a-9"


def test_base928_and_byte_compaction() -> None:
    # CC-A: 59 bits in 6 base-928 codewords, most significant first.
    value = (1 << 58) | 12345
    codewords = [value // 928**k % 928 for k in range(5, -1, -1)]
    bits = composite_data.base928_bits(codewords)
    assert bits is not None and int(bits, 2) == value and len(bits) == 59
    assert composite_data.base928_bits(codewords[:5]) is None  # no CC-A size has 5 data codewords
    # CC-B/CC-C: 920, then 901 with single bytes at the end, or 924 with six bytes in five base-900 codewords.
    assert composite_data.byte_bits([920, 901, 0x41, 900, 900]) == "01000001"
    six = int.from_bytes(b"ABCDEF", "big")
    assert composite_data.byte_bits([920, 924, *[six // 900**k % 900 for k in range(4, -1, -1)]]) == "".join(
        format(b, "08b") for b in b"ABCDEF"
    )
    assert composite_data.byte_bits([901, 0x41]) is None  # no linkage codeword: not a composite component


def test_element_strings() -> None:
    gs = gs1_elements.GS
    assert gs1_elements.hri("0109501101530003" + "10ABC" + gs + "3103000123") == (
        "(01)09501101530003(10)ABC(3103)000123"
    )
    assert gs1_elements.hri("21") is None  # an AI with no data


# ISO/IEC 24723:2010 Figure 5, an EAN-13 composite symbol with CC-A ((99)1234-abcd), and Figure 3, a UPC-E symbol
# with a two-column CC-A ((15)021231): their module rows, the component's rows first (as zint's tests transcribe
# them from the specification).
FIGURE_5 = (
    "110110111011100110111011110100010100000010001001110100111011010110000001100110010000100011011000101",
    "110110110011100010011101100111110001000101101001100100100001101011111101101011100010000011001000101",
    "110110100010001011101111110110011100100011101001100110100000011101011001011110001001000011101000101",
    "000100000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000010",
    "001000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000001",
    "000100000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000010",
    "000101011110100110010011011010000100111010110001010101010000100010010010001110100111001010000101010",
)
FIGURE_3 = (
    "1101100110111010011111010001100111100010110011110101001",
    "1101101110110010010000110001101000011011100011100101001",
    "1101101100111101001000000101000101111000010011101101001",
    "1101101000111011110100011101001110011011100011101001001",
    "1101001000111000010110111101001110001110010011101001101",
    "0001000000000000000000000000000000000000000000000000010",
    "0010000000000000000000000000000000000000000000000000001",
    "0001000000000000000000000000000000000000000000000000010",
    "0001010110011001001100110010011011011110101001110101010",
)

# ISO/IEC 24723:2010 Figure 12, a GS1-128 composite symbol with a CC-C: five PDF417 rows, the separator, the
# GS1-128 symbol.
FIGURE_12 = (
    "111111110101010001111010101111000011010111011110000111011111011101001000001000010001011110101100111110111010"
    "010001110001000100011000011011111010100111110111111101000101001000",
    "111111110101010001111110101000111010000100111101000110011110101111101111010001010000011111000110010100111001"
    "011100011001001001111101100011111101010111000111111101000101001000",
    "111111110101010001010100011110000011001111100001010110100010111110001110111101011100011000001101011110101111"
    "001000000101100001011111101011101010001111110111111101000101001000",
    "111111110101010001010111100111100011110100001011110101011111011111001101010000110000011010011100011110101111"
    "001111010001100011101101000011101001011100000111111101000101001000",
    "111111110101010001110101110000110011111010100011000100100001111000101110000001011001011110010110001100111100"
    "101101100001111011000110100011101011100110000111111101000101001000",
    "000000000101100011000010100010010011001101101100111001100100110001001000101000100111011110100110010010000100"
    "110010011000100100010011101011101000010001000100001010011100010100",
    "000000011010011100111101011101101100110010010011000110011011001110110111010111011000100001011001101101111011"
    "001101100111011011101100010100010111101110111011110101100011101011",
)


@pytest.mark.parametrize(
    ("rows", "components", "value"),
    [
        (FIGURE_5, 3, "(01)03312345678903|(99)1234-abcd"),
        (FIGURE_3, 5, "(01)00012000001239|(15)021231"),
        (FIGURE_12, 5, "(00)030123456789012340|(02)13012345678909(37)24(10)1234567ABCDEFG"),
    ],
)
def test_the_specifications_figures(rows: tuple[str, ...], components: int, value: str) -> None:
    heights = [3] * components + [1] * (len(rows) - components - 1) + [50]
    gray = from_rows(rows, heights)
    found = recognize_array(gray, TYPE)
    assert [(d.type, d.value) for d in found] == [("GS1CompositeBar", value)]
    assert found[0].meta["compositeComponent"] == ("CC-C" if rows is FIGURE_12 else "CC-A")


# CC-C composes with GS1-128 only.
ZINT = [(*linear, cc) for linear in LINEAR for cc in (1, 2)] + [("GS1_128_CC", "[01]09501101530003", 3)]


@pytest.mark.parametrize(
    ("rows", "row", "start", "cluster", "value"),
    [
        (FIGURE_5, 0, 10, 0, "(01)03312345678903|(99)1234-abcd"),  # CC-A: after the left row address pattern
        (FIGURE_12, 2, 34, 2, "(00)030123456789012340|(02)13012345678909(37)24(10)1234567ABCDEFG"),  # CC-C: after
        # the start pattern and the left row indicator
    ],
)
def test_a_misprinted_codeword_is_corrected(
    rows: tuple[str, ...], row: int, start: int, cluster: int, value: str
) -> None:
    # Another codeword of the row's cluster printed in place of one: the Reed-Solomon code puts it right.
    printed = rows[row][start : start + 17]
    other = next(p for v in range(929) if (p := format(int(patterns()[cluster, v]), "017b")) != printed)
    assert int(printed, 2) in {int(p) for p in patterns()[cluster]}  # it was a codeword of that cluster
    misprinted = list(rows)
    misprinted[row] = rows[row][:start] + other + rows[row][start + 17 :]
    components = 3 if rows is FIGURE_5 else 5
    heights = [3] * components + [1] * (len(rows) - components - 1) + [50]
    assert [d.value for d in recognize_array(from_rows(misprinted, heights), TYPE)] == [value]


@pytest.mark.parametrize(("symbology", "primary", "cc"), ZINT)
def test_zint_composites_read_back(symbology: str, primary: str, cc: int) -> None:
    sample = Composite(symbology, primary, "[21]A12345678", cc)
    found = recognize_array(draw(sample), TYPE)
    assert [d.value for d in found] == [sample.value]
    assert found[0].meta["compositeComponent"] == ("CC-A", "CC-B", "CC-C")[cc - 1]


def test_long_data_in_every_compaction_mode() -> None:
    sample = Composite("GS1_128_CC", "[01]09501101530003", "[17]261231[10]ABC123[99]Composite 2026-a/b", 2)
    assert [d.value for d in recognize_array(draw(sample), TYPE)] == [sample.value]


AI90 = ["[90]12B2C3[21]ABC12", "[90]3A99[8004]1234567", "[90]999X12345ABCDEFGH", "[90]42Z-abc", "[90]1ZZ9[21]abc"]


@pytest.mark.parametrize("component", AI90)
@pytest.mark.parametrize("cc", [1, 2])
def test_ai90_encodation(component: str, cc: int) -> None:
    # Encodation method "11" in each of its modes; [90]1ZZ9[21]abc in CC-B is four columns of six rows, a size
    # CC-A has too, whose codewords are also a valid CC-A's: it must read as the CC-B it is.
    sample = Composite("EANX_CC", "331234567890", component, cc)
    found = recognize_array(draw(sample), TYPE)
    assert [(d.value, d.meta["compositeComponent"]) for d in found] == [(sample.value, ("CC-A", "CC-B")[cc - 1])]


@pytest.mark.parametrize("name", second_encoder.names("GS1CompositeBar"))
def test_bwipp_composites(name: str) -> None:
    _, value, gray = second_encoder.symbol(name, 2, pad=20)
    assert [d.value for d in recognize_array(gray, TYPE)] == [value]


SPOILED = [
    Composite("EANX_CC", "331234567890", "[99]1234-abcd", 1),
    Composite("GS1_128_CC", "[01]03212345678906", "[21]A1B2C3D4E5F6G7H8", 3),
    Composite("DBAR_OMN_CC", "0950110153000", "[11]990102[21]X-42", 2),
    Composite("UPCE_CC", "0121230", "[15]021231", 1),
]


@pytest.mark.parametrize("how", ["turned", "blurred", "noisy", "jpeg", "dim"])
def test_spoiled_composites(how: str) -> None:
    rng = np.random.default_rng(24723)
    read = 0
    for sample in SPOILED:
        image = Image.fromarray(draw(sample, module=3))
        if how == "turned":
            image = image.rotate(
                float(rng.choice([90, 180, 270])) + float(rng.uniform(-4, 4)), expand=True, fillcolor=255
            )
        gray = np.asarray(spoil(image, how, rng))
        values = [d.value for d in recognize_array(gray, TYPE)]
        assert values in ([], [sample.value])  # never anything else
        read += values == [sample.value]
    assert read >= MIN_SPOILED[how]


MIN_SPOILED = {"turned": 4, "blurred": 4, "noisy": 4, "jpeg": 4, "dim": 4}


@pytest.mark.parametrize(
    "sample",
    [
        Composite("EANX_CC", "331234567890", "[21]A12345678", 2),
        Composite("DBAR_EXP_CC", "[01]09501101530003[3103]000123", "[17]220115[21]HV", 2),
        Composite("DBAR_STK_CC", "0950110153000", "[21]A12345678", 1),
    ],
)
@pytest.mark.parametrize("angle", [-11.5, 7.0])
def test_tilted_composites(sample: Composite, angle: float) -> None:
    # A tilted linear symbol's reader corners follow its scanlines: the tilt is measured from its bars (or, for a
    # stacked symbol, looked for), and a four-column row drifts out of its row past a degree off.
    image = Image.fromarray(draw(sample)).rotate(angle, Image.Resampling.BILINEAR, expand=True, fillcolor=255)
    assert [d.value for d in recognize_array(np.asarray(image), TYPE)] == [sample.value]


@pytest.mark.parametrize(
    ("sample", "far_side"),
    [
        (Composite("EANX_CC", "331234567890", "[99]1234-abcd", 1), "right"),
        (Composite("UPCE_CC", "0121230", "[15]021231", 1), "left"),
        (Composite("UPCA_CC", "61414101234", "[10]12345678[21]ABCDEFGHIJ", 2), "right"),
        (Composite("DBAR_OMN_CC", "0950110153000", "[11]990102[21]X-42", 2), "left"),
    ],
)
def test_composites_seen_at_an_angle(sample: Composite, far_side: str) -> None:
    # The far edge 0.8 of the near one: the component's rows are not square to the bars and converge, each row
    # read at its own tilt.
    image = Image.fromarray(np.pad(draw(sample, module=2, quiet=10), 10, constant_values=255))
    flip = 180 if far_side == "left" else 0
    image = perspective(image.rotate(flip), 0.8).rotate(flip)
    assert [d.value for d in recognize_array(np.asarray(image), TYPE)] == [sample.value]


@pytest.mark.parametrize(
    ("sample", "angle", "seed"),
    [
        (Composite("EANX_CC", "331234567890", "[99]1234-abcd", 1), 15.0, 24723),
        (Composite("UPCE_CC", "0121230", "[15]021231", 1), -25.0, 24726),
        (Composite("EANX_CC", "1234567", "[21]HLCNMTTZU", 1), 15.0, 24728),
        (Composite("UPCE_CC", "0121230", "[21]HLCNMTTZU", 1), -25.0, 24730),
        (Composite("UPCE_CC", "0121230", "[21]HLCNMTTZU", 1), 35.0, 24730),
    ],
)
def test_composites_turned_blurred_noisy_and_compressed(sample: Composite, angle: float, seed: int) -> None:
    # All at once at 2 px modules: no line reads a whole row of four codewords, rows read in parts and vote.
    rng = np.random.default_rng(seed)
    image = Image.fromarray(draw(sample, module=2, quiet=10))
    image = image.rotate(angle, Image.Resampling.BILINEAR, expand=True, fillcolor=255)
    for how in ("blurred", "noisy", "jpeg"):
        image = spoil(image, how, rng, jpeg_quality=35)
    assert [d.value for d in recognize_array(np.asarray(image), TYPE)] == [sample.value]


def test_a_linear_read_by_another_pass_confirms_a_component_read_later() -> None:
    # Pass families confirm each other's linear reads: a component that only a later pass reads still counts the
    # read of its linear symbol by an earlier pass of another family, at the same place.
    sample = Composite("EANX_CC", "331234567890", "[99]1234-abcd", 1)
    whole = draw(sample)
    blank = whole.copy()
    blank[: 12 * 2 + 12] = 255  # the component's rows (below the 12-module margin) wiped out
    wanted = resolve(TYPE)
    search = _Search(whole, wanted, zxingcpp.TextMode.HRI, zxingcpp.EanAddOnSymbol.Ignore, 0)
    binarizer = zxingcpp.Binarizer.LocalAverage
    assert list(search.zxing(Variant(blank), binarizer, wanted.formats, family="first")) == []
    (found,) = search.zxing(Variant(whole), binarizer, wanted.formats, family="second")
    search.add(found, "second", primary=False)
    assert [d.value for d in search.accepted] == [sample.value]
    # Without the earlier read, the same read waits for another family.
    alone = _Search(whole, wanted, zxingcpp.TextMode.HRI, zxingcpp.EanAddOnSymbol.Ignore, 0)
    (found,) = alone.zxing(Variant(whole), binarizer, wanted.formats, family="second")
    alone.add(found, "second", primary=False)
    assert alone.accepted == []


def test_a_damaged_component_gives_no_composite() -> None:
    sample = Composite("EANX_CC", "331234567890", "[99]1234-abcd", 1)
    gray = draw(sample).copy()
    # The component's rows are the top 3 x 2 modules below the 12-module margin: scratch across all of them.
    top = 12 * 2
    gray[top : top + 12, 40:120] = 255
    assert recognize_array(gray, TYPE, Mode.FAST) == []
    assert [d.value for d in recognize_array(gray, ["EAN13"])] == ["3312345678903"]


def test_the_linear_symbol_alone_when_only_it_is_asked_for() -> None:
    sample = Composite("EANX_CC", "331234567890", "[99]1234-abcd", 1)
    gray = draw(sample)
    assert [(d.type, d.value) for d in recognize_array(gray, ["EAN13"])] == [("EAN13", "3312345678903")]
    both = recognize_array(gray, ["EAN13", "GS1CompositeBar"])
    assert [(d.type, d.value) for d in both] == [("GS1CompositeBar", sample.value)]


def test_no_composite_without_a_component() -> None:
    plain = np.pad(draw(Composite("EANX_CC", "331234567890", "[99]1234-abcd", 1))[60:], 10, constant_values=255)
    assert recognize_array(plain, TYPE, Mode.FAST) == []
    assert composite.read_above(np.full((100, 200), 255, np.uint8), [(20, 60), (180, 60), (180, 90), (20, 90)]) is None


def test_reed_solomon_over_gf929_corrects_up_to_its_capacity() -> None:
    rng = np.random.default_rng(929)
    for k in (4, 8, 12):
        data = [int(v) for v in rng.integers(0, 929, 10)]
        word = data + error_correction(data, k)
        for errors in range(k // 2 + 2):
            spoilt = list(word)
            for p in rng.choice(len(word), errors, replace=False):
                spoilt[p] = (spoilt[p] + int(rng.integers(1, 929))) % 929
            fixed = gf929.correct(spoilt, k, spare=2)
            if errors <= (k - 2) // 2:
                assert fixed == (word, errors)
            else:
                assert fixed is None or fixed[0] != spoilt  # refused, or (rarely) some other codeword
