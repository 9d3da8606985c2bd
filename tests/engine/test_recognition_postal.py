"""The postal decoders (POSTNET, PLANET, RM4SCC, Dutch KIX): check characters against the specifications' worked
examples; symbols from zint and from the specifications' tables (tests/support/postal.py) read back at any
rotation and degraded; nothing is read where there is no such symbol."""

from __future__ import annotations

import math

import numpy as np
import pytest
from PIL import Image, ImageDraw

from barcode_cloud_server.engine import recognition, symbologies
from barcode_cloud_server.engine.recognition import fourstate, postnet, rm4scc
from barcode_cloud_server.engine.recognize import Mode, recognize_array, recognize_bytes
from tests.support.generate import gen, open_image
from tests.support.paths import CORPUS
from tests.support.postal import CONDITIONS, SPOILT, degrade, draw, postnet_states, rm4scc_char, rm4scc_states

POSTAL = frozenset({"Postnet", "Planet", "RM4SCC", "DutchKIX"})
# (type, data, value reported, checksum)
SAMPLES = [
    ("Postnet", "12345", "123455", "5"),
    ("Postnet", "555551237", "5555512372", "2"),
    ("Planet", "12345678901", "123456789014", "4"),
    ("Planet", "4012345678901", "40123456789010", "0"),
    ("RM4SCC", "SN34RD1A", "SN34RD1A", "K"),
    # L U 1 7 8 X E 2 B: rows 4 6 1 2 2 6 3 1 2 (27: 3), columns 4 1 2 2 3 4 3 3 6 (28: 4): F.
    ("RM4SCC", "LU178XE2B", "LU178XE2B", "F"),
    ("DutchKIX", "2500GG30250", "2500GG30250", None),
    ("DutchKIX", "1231FZ13XHS", "1231FZ13XHS", None),
]


def _gray(content: bytes) -> np.ndarray:
    return np.ascontiguousarray(np.asarray(open_image(content).convert("L")))


def test_the_postal_rows_name_the_fourstate_reader() -> None:
    for name in POSTAL:
        assert symbologies.BY_NAME[name].own == "fourstate"
    fourstate_rows = {row.name for row in symbologies.ROWS if row.own == "fourstate"}
    assert recognition.READERS["fourstate"].types == fourstate_rows >= POSTAL
    assert "DutchKIX" in recognition.ASKED_ONLY


def test_postnet_digits_and_check_digit() -> None:
    # USPS: each digit two full bars of five weighted 7 4 2 1 0 (7 + 4 is 0); the check digit brings the sum
    # of the digits to a multiple of ten: ZIP+4 55555-1237 takes 2 (5 * 5 + 1 + 2 + 3 + 7 = 38).
    assert [postnet.digit(m) for m in ("11000", "00011", "01010", "10100")] == [0, 1, 5, 9]
    assert postnet.digit("11100") is None and postnet.digit("00001") is None
    assert postnet.check_digit("555551237") == "2"
    assert postnet.decode_postnet(postnet_states("555551237")) == ("5555512372", "2")
    assert postnet.decode_planet(postnet_states("555551237", planet=True)) == ("5555512372", "2")
    # A wrong check digit, a missing frame bar, or POSTNET's bars read as PLANET: nothing.
    assert postnet.decode_postnet(postnet_states("555551237")[:-6] + "DFDDFF") is None
    assert postnet.decode_postnet(postnet_states("12345")[1:]) is None
    assert postnet.decode_planet(postnet_states("12345")) is None


def test_rm4scc_characters_and_check_character() -> None:
    # The table: 0 has its ascenders and descenders on bars 3 and 4, Z on bars 1 and 2, A (row 2, column 5)
    # ascenders on 2 and 4, descenders on 1 and 3.
    assert [rm4scc.character(b) for b in ("TTFF", "FFTT", "DADA", "TDAF")] == ["0", "Z", "A", "1"]
    assert rm4scc.character("FFFT") is None and rm4scc.character("TTTT") is None
    # SN34RD1A: rows 5 4 1 1 5 3 1 2 sum to 22 (4 modulo 6), columns 5 6 4 5 4 2 2 5 to 33 (3): row 4,
    # column 3 is K.
    assert rm4scc.check_character("SN34RD1A") == "K"
    assert rm4scc.check_character("0") == "0"  # 1 and 1: row 1, column 1
    assert rm4scc.decode_rm4scc(rm4scc_states("SN34RD1A")) == ("SN34RD1A", "K")
    bad = rm4scc_states("SN34RD1A")
    bad = bad[:-5] + rm4scc_char("L") + "F"  # another check character
    assert rm4scc.decode_rm4scc(bad) is None
    assert rm4scc.decode_rm4scc(rm4scc_states("SN34RD1A")[1:]) is None  # no start bar


def test_kix_prefers_the_reading_shaped_like_an_address() -> None:
    states = rm4scc_states("2500GG30250", kix=True)
    assert rm4scc.decode_kix(states) == ("2500GG30250", None)
    assert rm4scc.decode_kix(fourstate.flipped(states)) is None
    assert rm4scc.decode_kix(rm4scc_states("ABC", kix=True)) is None  # shorter than KIX_MIN
    assert rm4scc.decode_kix(states[:-1]) is None


@pytest.mark.parametrize(("kind", "data", "value", "check"), SAMPLES, ids=[s[1] for s in SAMPLES])
@pytest.mark.parametrize("how", [*CONDITIONS, SPOILT])
def test_zint_symbols_read_back_degraded(kind: str, data: str, value: str, check: str | None, how: str) -> None:
    gray = degrade(_gray(gen(kind, data).content), how)
    found = recognition.find(gray, frozenset({kind}))
    assert [(f.type, f.value, f.checksum) for f in found] == [(kind, value, check)]


@pytest.mark.parametrize(("kind", "data", "value", "check"), SAMPLES, ids=[s[1] for s in SAMPLES])
@pytest.mark.parametrize("angle", [0, 37, 90, 152, 270])
def test_symbols_drawn_from_the_tables_read_back(
    kind: str, data: str, value: str, check: str | None, angle: float
) -> None:
    if kind in ("Postnet", "Planet"):
        gray = draw(postnet_states(data, planet=kind == "Planet"), module=3, heights=(10, 4, 4))
    else:
        gray = draw(rm4scc_states(data, kix=kind == "DutchKIX"), module=3)
    found = recognition.find(degrade(gray, "clean", angle), frozenset({kind}))
    assert [(f.type, f.value, f.checksum) for f in found] == [(kind, value, check)]


@pytest.mark.parametrize(("kind", "data", "value", "check"), SAMPLES[::2], ids=[s[1] for s in SAMPLES[::2]])
def test_recognize_asked_for_and_scanned(kind: str, data: str, value: str, check: str | None) -> None:
    content = gen(kind, data, rotation_angle=90).content
    asked = recognize_bytes(content, [kind], Mode.NORMAL)
    assert [(d.type, d.value) for d in asked] == [(kind, value)]
    scanned = [(d.type, d.value) for d in recognize_bytes(content, None, Mode.NORMAL)]
    assert scanned == ([] if kind in recognition.ASKED_ONLY else [(kind, value)])


def test_inverted_symbols_are_read_when_asked_for() -> None:
    gray = 255 - _gray(gen("RM4SCC", "SN34RD1A").content)
    assert [(d.type, d.value) for d in recognize_array(gray, ["RM4SCC"], Mode.NORMAL)] == [("RM4SCC", "SN34RD1A")]


def test_singapore_post_reads_back_as_rm4scc() -> None:
    gray = _gray(gen("SingaporePost", "SN34RD1A").content)
    assert [(d.type, d.value) for d in recognize_array(gray, ["RM4SCC"], Mode.NORMAL)] == [("RM4SCC", "SN34RD1A")]


@pytest.mark.parametrize(
    ("kind", "data"),
    [
        ("AustraliaPost", "6201234567ASPOSE"),
        ("AustraliaPost", "1139876543"),
        ("OneCode", "01234567094987654321"),
        ("OneCode", "0123456709498765432101234567891"),
        ("Mailmark", "11210012341234567AB19XY1A"),
        ("Mailmark", "31310076543210987CD12EF3G"),
        ("Code128", "12345670"),
        ("Interleaved2of5", "12345670"),
        ("EAN13", "5901234123457"),
    ],
)
def test_other_symbols_are_not_read_as_these(kind: str, data: str) -> None:
    for gray in (_gray(gen(kind, data).content), _gray(gen(kind, data, rotation_angle=180).content)):
        assert recognition.find(gray, POSTAL) == [], kind


def test_rows_of_random_bars_decode_as_nothing() -> None:
    rng = np.random.default_rng(9)
    read = fourstate.reader({**postnet.DECODERS, **rm4scc.DECODERS})
    for n in (10, 14, 22, 38, 52, 62, 66):
        for _ in range(300):
            states = "".join(rng.choice(list("FADT"), size=n))
            for s in (states, fourstate.flipped(states)):
                decoded = [k for k, decode in {**postnet.DECODERS, "RM4SCC": rm4scc.decode_rm4scc}.items() if decode(s)]
                assert decoded == [], s
    assert read.find(np.full((100, 100), 255, np.uint8), POSTAL, math.inf) == []


@pytest.mark.skipif(not CORPUS.is_dir(), reason="the zxing-cpp sample corpus is not on this machine")
def test_no_false_positive_in_the_corpus_falsepositives() -> None:
    paths = sorted(CORPUS.glob("falsepositives-*/*"))
    images = [p for p in paths if p.suffix.lower() in (".png", ".jpg", ".jpeg", ".webp", ".gif", ".bmp")]
    assert images
    for path in images:
        gray = np.asarray(Image.open(path).convert("L"))
        assert recognition.find(gray, POSTAL) == [], path.name
        assert recognition.find_inverted(gray, POSTAL) == [], path.name


@pytest.mark.skipif(not CORPUS.is_dir(), reason="the zxing-cpp sample corpus is not on this machine")
def test_corpus_photos_of_other_codes_hold_none_of_these() -> None:
    photos = sorted(CORPUS.glob("*/*.jpg"))[::40]
    assert photos
    for path in photos:
        gray = np.asarray(Image.open(path).convert("L"))
        assert recognition.find(gray, POSTAL) == [], path


def test_two_symbols_of_one_value_are_two_reads() -> None:
    row = draw(rm4scc_states("SN34RD1A"), module=3)
    page = np.ascontiguousarray(np.vstack([row, row]))
    found = recognition.find(page, frozenset({"RM4SCC"}))
    assert [(f.type, f.value) for f in found] == [("RM4SCC", "SN34RD1A")] * 2
    assert found[0].region != found[1].region


def test_a_label_with_text_around_the_symbol() -> None:
    # An address label: lines of text above and below the bars, a frame, a logo-like block, turned a little.
    label = Image.new("L", (520, 300), 255)
    pen = ImageDraw.Draw(label)
    pen.rectangle((5, 5, 514, 294), outline=0, width=3)
    pen.rectangle((420, 20, 490, 90), fill=0)
    for k, line in enumerate(("Mr A Smith", "12 High Street", "LONDON", "SN3 4RD")):
        pen.text((30, 20 + 22 * k), line, fill=0, font_size=18)
    pen.text((30, 250), "1231FZ13XHS  2500GG30250  LU17 8XE", fill=0, font_size=16)
    label.paste(Image.fromarray(_gray(gen("RM4SCC", "SN34RD1A").content)), (30, 130))
    gray = degrade(np.asarray(label), "clean", 9)
    assert [(d.type, d.value) for d in recognize_array(gray, ["RM4SCC"], Mode.NORMAL)] == [("RM4SCC", "SN34RD1A")]
    scanned = [(d.type, d.value) for d in recognize_array(gray, None, Mode.NORMAL)]
    assert scanned == [("RM4SCC", "SN34RD1A")]
