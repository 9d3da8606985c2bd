"""Australia Post, OneCode and Mailmark read from images by the engine's recognition package (recognize adds its
price and deadline): the engine's own symbols and bars drawn from the specifications' worked examples (a renderer
independent of zint), rotated, blurred, noisy, compressed, dim, inverted and scratched (error correction); other
postal codes, the corpus's false-positive pages and photos of other codes give none of them."""

from __future__ import annotations

import numpy as np
import pytest
from PIL import Image

from barcode_cloud_server.engine import recognition, symbologies
from barcode_cloud_server.engine.recognize import Mode, recognize_array
from tests.support.generate import gen, open_image
from tests.support.paths import CORPUS
from tests.support.postal import CONDITIONS, SPOILT, degrade, draw
from tests.support.postal_bars import WORKED_EXAMPLES

KINDS = ("AustraliaPost", "OneCode", "Mailmark")
MINE = frozenset(KINDS)
# Data beside each row's sample: other formats of each type.
MORE = {
    "AustraliaPost": ["8712345678", "591234567812345678", "6201234567123456789012345"],
    "OneCode": ["0123456709498765432101234567891", "00040123456789012345"],
    "Mailmark": ["1100000000000XY11     ", "41038422416563762EF61AH8T"],
}


def _gray(kind: str, data: str) -> np.ndarray:
    return np.asarray(open_image(gen(kind, data).content).convert("L"))


def _read(gray: np.ndarray, kind: str, inverted: bool = False) -> list[tuple[str, str, str | None]]:
    find = recognition.find_inverted if inverted else recognition.find
    return [(d.type, d.value, d.checksum) for d in find(gray, frozenset({kind}))]


def _canonical(kind: str, data: str) -> str:
    row = symbologies.BY_NAME[kind]
    return row.prepare(kind, data).canonical


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("how", [*CONDITIONS, SPOILT, "inverted"])
def test_the_engines_symbol_reads_back_degraded(kind: str, how: str) -> None:
    sample = symbologies.BY_NAME[kind].sample
    gray = _gray(kind, sample)  # zint's bars at the generator's default size: 2 px wide
    degraded = 255 - degrade(gray, "clean") if how == "inverted" else degrade(gray, how)
    assert _read(degraded, kind, inverted=how == "inverted") == [(kind, _canonical(kind, sample), None)]


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("mode", [Mode.FAST, Mode.NORMAL])
def test_recognize_asked_for_the_type_within_its_budget(kind: str, mode: Mode) -> None:
    sample = symbologies.BY_NAME[kind].sample
    gray = degrade(_gray(kind, sample), "rotated")
    for page in (gray, np.ascontiguousarray(255 - gray)):  # light bars on dark: the inverted search
        found = recognize_array(page, [kind], mode)
        assert [(d.type, d.value) for d in found] == [(kind, _canonical(kind, sample))]


@pytest.mark.parametrize(("kind", "data"), [(k, d) for k, ds in MORE.items() for d in ds])
def test_other_formats_read_back(kind: str, data: str) -> None:
    assert _read(degrade(_gray(kind, data), "rotated"), kind) == [(kind, _canonical(kind, data), None)]


MAILMARK_L = WORKED_EXAMPLES["Mailmark"][-1]
DRAWN = [(kind, value, bars) for kind, examples in WORKED_EXAMPLES.items() for value, bars in examples]


@pytest.mark.parametrize(("kind", "value", "bars"), DRAWN)
@pytest.mark.parametrize("how", ["clean", "steep", "upside-down", "blurred", "noisy", "jpeg"])
def test_worked_examples_drawn_independently_of_zint(kind: str, value: str, bars: str, how: str) -> None:
    assert _read(degrade(draw(bars, module=2), how), kind) == [(kind, value, None)]


# Symbols with many more ascenders than descenders or the other way round (whose bar centres alone tilt the row a
# degree), and few full bars.
LOPSIDED = [
    ("AustraliaPost", "9269871689"),
    ("AustraliaPost", "8728379298"),
    ("AustraliaPost", "4566848475"),
    ("Mailmark", "2283904284514O6Z1ES6A "),
    ("Mailmark", "3198813205987K6I6NL0H "),
    ("Mailmark", "0404757087064C9M1RW9N "),
]


@pytest.mark.parametrize(("kind", "data"), LOPSIDED)
@pytest.mark.parametrize("how", ["clean", "rotated", "upside-down"])
def test_lopsided_rows(kind: str, data: str, how: str) -> None:
    assert _read(degrade(_gray(kind, data), how), kind) == [(kind, _canonical(kind, data), None)]


@pytest.mark.parametrize("kind", KINDS)
def test_any_angle(kind: str) -> None:
    sample = symbologies.BY_NAME[kind].sample
    gray = _gray(kind, sample)
    for angle in np.random.default_rng(2026).uniform(0, 360, 6):
        assert _read(degrade(gray, "clean", float(angle)), kind) == [(kind, _canonical(kind, sample), None)], angle


def test_other_postal_codes_are_none_of_these() -> None:
    for kind, data in (
        ("RM4SCC", "SN34RD1A"),
        ("DutchKIX", "2500GG30250"),
        ("Postnet", "12345"),
        ("Planet", "12345678901"),
    ):
        gray = _gray(kind, data)
        assert recognition.find(gray, MINE) == [], kind
        assert recognition.find_inverted(gray, MINE) == [], kind


def test_one_postal_type_is_not_read_as_another() -> None:
    for kind in KINDS:
        others = MINE - {kind}
        assert recognition.find(_gray(kind, symbologies.BY_NAME[kind].sample), others) == [], kind


@pytest.mark.skipif(not CORPUS.is_dir(), reason="the zxing-cpp sample corpus is not on this machine")
def test_no_false_positive_on_the_corpus() -> None:
    # The false-positive pages, and photos of other codes (every fourth of each folder).
    paths = sorted(CORPUS.glob("falsepositives-*/*")) + sorted(CORPUS.glob("*/*.jpg"))[::4]
    for path in paths:
        if path.suffix.lower() not in (".png", ".jpg", ".jpeg", ".webp", ".gif", ".bmp"):
            continue
        gray = np.asarray(Image.open(path).convert("L"))
        assert recognition.find(gray, MINE) == [], path.name
        assert recognition.find_inverted(gray, MINE) == [], path.name


def _scratched(bars: str, first: int, count: int) -> np.ndarray:
    """``bars`` drawn at 2 px with the ascenders of ``count`` bars from ``first`` wiped out (a scratch above the
    tracker), turned a little."""
    module, quiet = 2, 10
    gray = draw(bars, module=module, quiet=quiet)
    top, tracker = quiet * module, (quiet + 3) * module  # ascenders start at the top, the tracker 3 modules down
    left, right = (quiet + 2 * first) * module, (quiet + 2 * (first + count)) * module
    gray[top:tracker, left:right] = 255
    return degrade(gray, "rotated")


# (type, first bar, bars): one Australia Post symbol (three bars after the two start bars), two Mailmark extender
# groups; each scratch changes at least two bars.
SCRATCHED = [("AustraliaPost", 2 + 3 * s, 3) for s in (1, 5, 8, 13)] + [("Mailmark", 3 * g, 6) for g in (6, 9, 16, 21)]


@pytest.mark.parametrize(("kind", "start", "count"), SCRATCHED)
def test_error_correction_reads_through_a_scratch(kind: str, start: int, count: int) -> None:
    # The scratched bars lose their ascenders: one Australia Post symbol corrected, or two Mailmark groups each an
    # erasure or an error (barcode L corrects four checks' worth).
    value, bars = WORKED_EXAMPLES["AustraliaPost"][1] if kind == "AustraliaPost" else MAILMARK_L
    assert sum(bar in "FA" for bar in bars[start : start + count]) >= 2
    assert _read(_scratched(bars, start, count), kind) == [(kind, value, None)]


def test_onecode_with_a_scratch_is_not_misread() -> None:
    value, bars = WORKED_EXAMPLES["OneCode"][0]
    for first in range(0, 60, 3):
        assert _read(_scratched(bars, first, 3), "OneCode") in ([], [("OneCode", value, None)])
