"""The engine's own linear decoders (engine.recognition): check characters against the specifications' worked
examples, and zint's symbols read back through recognize, degraded as photos degrade them, with no misread."""

from __future__ import annotations

import numpy as np
import pytest
import zint
from PIL import Image

from barcode_cloud_server.engine import recognition, symbologies, zintenc
from barcode_cloud_server.engine.errors import InvalidOption
from barcode_cloud_server.engine.recognition import code11, msi, pharmacode
from barcode_cloud_server.engine.recognition.linear import Read
from barcode_cloud_server.engine.recognize import Mode, recognize_array, recognize_bytes
from tests.support.generate import gen, open_image
from tests.support.paths import CORPUS
from tests.support.photo import spoil

# (type, data, value read back, checksum)
SAMPLES = [
    ("Code11", "123-45", "123-45", "5"),
    ("Code11", "0123456789-12", "0123456789-12", "71"),
    ("MSI", "1234567", "12345674", "4"),
    ("Standard2of5", "12345670", "12345670", None),
    ("Matrix2of5", "12345670", "12345670", None),
    ("IATA2of5", "12345670", "12345670", None),
    ("DataLogic2of5", "12345670", "12345670", None),
    ("Pharmacode", "1234", "1234", None),
    ("PatchCode", "Patch T", "Patch T", None),
]


def test_the_table_names_each_family_that_reads_a_type() -> None:
    own = {row.name: row.own for row in symbologies.ROWS if row.own}
    paired = {name for types in recognition.PAIRED.values() for name in types}
    assert set(own) == recognition.TYPES | paired
    for name, family in own.items():
        if name in paired:
            assert name in recognition.PAIRED[family]
            continue
        reader = recognition.FAMILIES.get(family) or recognition.READERS[family]
        assert name in reader.types
        assert symbologies.BY_NAME[name].decode


def test_code11_check_characters() -> None:
    # AIM USS Code 11: "123-45" takes C = 5 and K = 2.
    assert code11.check_c("123-45") == "5"
    assert code11.check_k("123-455") == "2"
    assert code11.split_checks("123-455") == ("123-45", "5")
    # Up to nine characters K weighs like C, so "123-4552" is also "123-455" with its C: the specification's
    # rule (one check character up to 10 data characters) decides.
    assert code11.split_checks("123-4552") == ("123-455", "2")
    assert code11.split_checks("0123456789-1271") == ("0123456789-12", "71")
    assert code11.split_checks("123-454") is None


def test_msi_check_digits() -> None:
    assert msi.split_checks("12345674") == ("1234567", "4")  # Mod 10 (Luhn)
    assert msi.mod11("1234567") == "4"  # weights 2..7 from the right: 106 mod 11 = 7, 11 - 7
    assert msi.mod11("0000001", 9) == "9"  # 1 x 2 = 2, 11 - 2
    assert msi.split_checks("12345670") is None


def test_pharmacode_values() -> None:
    # Laetus: 4 is a narrow bar then a wide one; 3 two narrow bars; 131070 sixteen wide bars.
    assert pharmacode.value([False, True]) == 4
    assert pharmacode.value([False, False]) == 3
    assert pharmacode.value([True] * 16) == 131070


def _zint(symbology: str, data: str, option_2: int) -> tuple[np.ndarray, str]:
    """zint's symbol drawn at 2 px per module (beside the service's renderer), and zint's human-readable text."""
    geometry = zintenc.encode(zintenc.ZintJob(symbology, data, option_2=option_2), symbology)
    scale, margin = 2, 10
    gray = np.full((int(geometry.height) * scale + 2 * margin, int(geometry.width) * scale), 255, np.uint8)
    for x, y, w, h in geometry.rects:
        top, left = margin + round(y * scale), round(x * scale)
        gray[top : top + round(h * scale), left : left + round(w * scale)] = 0
    symbol = zint.Symbol()
    symbol.symbology = getattr(zint.Symbology, symbology)
    symbol.option_2 = option_2
    symbol.encode(data)
    return gray, symbol.text


# zint's MSI check options: 1 Mod 10, 2 Mod 10/10, 3 Mod 11 (IBM), 4 Mod 11/10 (IBM), 5 Mod 11 (NCR), 6 Mod 11/10.
@pytest.mark.parametrize("option", [1, 2, 3, 4, 5, 6])
@pytest.mark.parametrize("data", ["1234567", "0000001", "80523", "913"])
def test_msi_every_check_scheme_zint_writes(option: int, data: str) -> None:
    gray, text = _zint("MSI_PLESSEY", data, option)
    (found,) = recognition.find(gray, frozenset({"MSI"}))
    assert found.value == text
    assert text.endswith(found.checksum or "-")
    assert found.value.startswith(data)


@pytest.mark.parametrize("data", ["0123456789-", "55555-55555-5", "1"])
def test_code11_two_check_characters_above_ten(data: str) -> None:
    gray, text = _zint("CODE11", data, 0)  # zint's default: C and K whatever the length
    (found,) = recognition.find(gray, frozenset({"Code11"}))
    if len(data) > 10:
        assert (found.value, found.checksum) == (data, text[len(data) :])
    else:  # K weighs like C up to nine characters: the specification's one-check reading holds
        assert found.value + (found.checksum or "") == text


def _gray(content: bytes) -> np.ndarray:
    return np.asarray(open_image(content).convert("L"))


def _degrade(gray: np.ndarray, how: str) -> np.ndarray:
    image = Image.fromarray(gray)
    if how == "rotated":
        image = image.rotate(11, resample=Image.Resampling.BILINEAR, expand=True, fillcolor=255)
    elif how == "small":  # 1.5 px modules
        image = image.resize((round(image.width * 0.75), round(image.height * 0.75)), Image.Resampling.BILINEAR)
    return np.asarray(spoil(image, how, np.random.default_rng(7)))


@pytest.mark.parametrize(("kind", "data", "value", "check"), SAMPLES, ids=[s[0] for s in SAMPLES])
@pytest.mark.parametrize("how", ["clean", "rotated", "small", "blurred", "noisy", "jpeg", "dim"])
def test_reads_back_degraded(kind: str, data: str, value: str, check: str | None, how: str) -> None:
    gray = _degrade(_gray(gen(kind, data).content), how)
    found = recognize_array(gray, [kind], Mode.NORMAL)
    assert [(d.type, d.value, d.checksum) for d in found] == [(kind, value, check)], how


@pytest.mark.parametrize(("kind", "data", "value", "check"), SAMPLES, ids=[s[0] for s in SAMPLES])
def test_turned_a_quarter_and_scanned(kind: str, data: str, value: str, check: str | None) -> None:
    content = gen(kind, data, rotation_angle=90).content
    assert [(d.type, d.value) for d in recognize_bytes(content, [kind], Mode.FAST)] == [(kind, value)]
    scanned = [(d.type, d.value) for d in recognize_bytes(content, None, Mode.NORMAL)]
    if kind in recognition.ASKED_ONLY:
        assert scanned == []  # no start, stop or check: read only when asked for
    else:
        assert scanned == [(kind, value)]
    assert recognize_bytes(content, None, Mode.FAST) == []  # Fast scans stay zxing-cpp's


def _elements(gray: np.ndarray) -> tuple[np.ndarray, float, float]:
    """The bars and spaces across the middle of an upright symbol, and its quiet zones."""
    dark = gray[gray.shape[0] // 3] < 128
    edges = np.flatnonzero(np.diff(dark.astype(np.int8))) + 1
    widths = np.diff(np.concatenate([[0], edges, [len(dark)]])).astype(np.float32)
    return widths[1:-1], float(widths[0]), float(widths[-1])


@pytest.mark.parametrize(("kind", "data", "value", "check"), SAMPLES[:3], ids=[s[1] for s in SAMPLES[:3]])
def test_one_way_families_are_read_backwards_by_the_scan(kind: str, data: str, value: str, check: str | None) -> None:
    # Code 11 and MSI read a stretch from its start only; their family has the scan read it reversed too.
    family = {"Code11": code11.FAMILY, "MSI": msi.FAMILY}[kind]
    elements, lead, trail = _elements(_gray(gen(kind, data).content))
    assert family.read(elements, lead, trail) == Read(kind, value, check)
    assert family.read(elements[::-1], trail, lead) is None
    assert family.backwards and not family.directional
    turned = np.ascontiguousarray(np.rot90(_gray(gen(kind, data).content), 2))
    assert [(f.type, f.value) for f in recognition.find(turned, frozenset({kind}))] == [(kind, value)]


def test_other_symbologies_are_not_misread() -> None:
    for kind, data in (("Code128", "12345670"), ("Interleaved2of5", "12345670"), ("Code39", "CODE39")):
        gray = _gray(gen(kind, data).content)
        assert recognition.find(gray, recognition.TYPES) == [], kind


def test_blank_and_text_pages_hold_nothing() -> None:
    rng = np.random.default_rng(3)
    noise = rng.integers(0, 256, (300, 400), dtype=np.uint8)
    assert recognition.find(noise, recognition.TYPES) == []
    assert recognition.find(np.full((200, 200), 255, np.uint8), recognition.TYPES) == []


@pytest.mark.skipif(not CORPUS.is_dir(), reason="the zxing-cpp sample corpus is not on this machine")
def test_no_false_positive_in_the_corpus_falsepositives() -> None:
    scanned = recognition.TYPES - recognition.ASKED_ONLY
    for path in sorted(CORPUS.glob("falsepositives-*/*"))[::3]:
        if path.suffix.lower() not in (".png", ".jpg", ".jpeg", ".webp", ".gif", ".bmp"):
            continue
        gray = np.asarray(Image.open(path).convert("L"))
        assert recognition.find(gray, scanned) == [], path.name


def test_types_nothing_reads_are_still_a_400() -> None:
    with pytest.raises(InvalidOption, match="GS1HanXin"):
        recognize_array(np.full((50, 50), 255, np.uint8), ["GS1HanXin"])
