"""The engine's own Han Xin Code decoder: the specification's worked example (ISO/IEC 20830 K.2, Figure K.8:
function information, check words, the numeric mode's bit stream), every version's layout against the data
capacity table, zint's symbols of every data mode read back from their modules and from images (turned, seen at
an angle, degraded as photos degrade them), BWIPP's symbols, damage within and beyond the error correction, and
no report of anything else (QR Code is the closest look-alike)."""

from __future__ import annotations

import numpy as np
import pytest
import zint
from PIL import Image, ImageFilter

from barcode_cloud_server.engine import recognition
from barcode_cloud_server.engine.recognition import hanxin, hanxin_grid, hanxin_sample, hanxin_stream, reed_solomon
from barcode_cloud_server.engine.recognition.hanxin_tables import BLOCKS
from barcode_cloud_server.engine.recognize import Mode, recognize_array
from tests.support import second_encoder
from tests.support.generate import gen, open_image
from tests.support.paths import CORPUS
from tests.support.photo import bent, photographed
from tests.support.samples import QR, render

TYPES = frozenset({"HanXin"})

# ISO/IEC 20830 Annex K.2, Figure K.8: "1234567890", version 1, error correction level L1, mask pattern 01.
FIGURE_K8 = (
    "11111110001000001111111",
    "10000000110001100000001",
    "10111110001010101111101",
    "10100000111011100000101",
    "10101110010000101110101",
    "10101110110101001110101",
    "10101110001100001110101",
    "00000000011101100000000",
    "00010101001010011000000",
    "01001101111101010101110",
    "10101010101010100101101",
    "01010010111101010101010",
    "10101010101010101010100",
    "10000011010101000011110",
    "00000011001010010101000",
    "00000000110100000000000",
    "11111110011110001110101",
    "00000010010101101110101",
    "11111010101010001110101",
    "00001010110010100000101",
    "11101010100010001111101",
    "11101010110101100000001",
    "11101010001010001111111",
)


def _figure() -> np.ndarray:
    return np.array([[c == "1" for c in row] for row in FIGURE_K8])


def test_function_information_of_the_worked_example() -> None:
    modules = _figure()
    assert hanxin_grid.read_info(modules) == (1, 1, 1)
    first, second = hanxin_grid.info_places(23)
    bits = hanxin_grid.function_info(1, 1, 1)
    assert [int(modules[p]) for p in first] == bits == [int(modules[p]) for p in second]
    # Version 1 + 20 = 0001 0101, level L1 and mask 01 = 0001, and their four GF(16) check symbols.
    symbols = [int("".join(map(str, bits[i : i + 4])), 2) for i in range(0, 28, 4)]
    assert symbols[:3] == [1, 5, 1]
    assert reed_solomon.remainder(hanxin_grid.FUNCTION_FIELD, symbols[:3], 4) == symbols[3:]


def test_check_words_and_bit_stream_of_the_worked_example() -> None:
    stream = hanxin_grid.codewords(_figure(), 1, 1)
    data, check = stream[:21], stream[21:]
    assert reed_solomon.remainder(hanxin_grid.DATA_FIELD, data, 4) == check
    # Numeric mode 0001, 123 456 789 0 in 10-bit groups, then 1021: the last group held one digit.
    bits = "0001" + "".join(f"{g:010b}" for g in (123, 456, 789, 0, 1021))
    assert "".join(f"{b:08b}" for b in data).startswith(bits)
    assert hanxin_stream.decode(data) == "1234567890"
    assert hanxin_grid.correct(stream, 1, 1) == data


def _stream(*fields: tuple[int, int]) -> list[int]:
    """Codewords of (value, bit count) fields, padded with zero bits."""
    bits = "".join(f"{value:0{count}b}" for value, count in fields)
    bits += "0" * (-len(bits) % 8)
    return [int(bits[i : i + 8], 2) for i in range(0, len(bits), 8)]


# Bit streams built from the specification's mode tables, not by an encoder: mode indicator, values, terminator.
STREAMS = [
    # Numeric: groups of three digits, 1022 ends a last group of two.
    (_stream((1, 4), (123, 10), (45, 10), (1022, 10)), "12345"),
    # Text: sub-mode 1 'A' 10 and 'b' 37, 62 to sub-mode 2, '!' 29, 63 ends.
    (_stream((2, 4), (10, 6), (37, 6), (62, 6), (29, 6), (63, 6)), "Ab!"),
    # Region One: 汉 (GB 2312 BABA) is 10 x 94 + 25; 4094 goes over to Region Two: 齄 (F7FE) 31 x 94 + 93.
    (_stream((4, 4), (965, 12), (4094, 12), (3007, 12), (4095, 12)), "汉齄"),
    # Region One's symbols of rows A1-A3 follow its characters from 0xEB0: € (A2E3) is 0xEB0 + 94 + 66.
    (_stream((4, 4), (0xEB0 + 94 + 66, 12), (4095, 12)), "€"),
    # GB 18030 double-byte: Я (A7C1) is 38 x 190 + (0xC1 - 0x41); 32767 ends.
    (_stream((6, 4), (7348, 15), (32767, 15)), "Я"),
    # GB 18030 four-byte: 𠀀 (95 32 82 36) is 20 x 12600 + 2 x 1260 + 1 x 10 + 6, one indicator per character.
    (_stream((7, 4), (254536, 21), (7, 4), (254537, 21)), "𠀀𠀁"),
    # Binary: a 13-bit count, then bytes; Latin-1 with no ECI, UTF-8 after ECI 26.
    (_stream((3, 4), (1, 13), (0xE9, 8)), "é"),
    (_stream((8, 4), (26, 8), (3, 4), (2, 13), (0xC3, 8), (0xA9, 8)), "é"),
]


@pytest.mark.parametrize(("stream", "text"), STREAMS)
def test_mode_bit_streams(stream: list[int], text: str) -> None:
    assert hanxin_stream.decode(stream) == text


def test_every_version_holds_its_codewords() -> None:
    # Table B.1's codewords fill each version's data modules, less the last few (under 8) that stay over.
    for version in hanxin_grid.VERSIONS:
        function, _ = hanxin_grid.layout(version)
        total = {sum(b * (k + c) for b, k, c in level) for level in BLOCKS[version - 1]}
        assert len(total) == 1, version
        assert 0 < int((~function).sum()) - 8 * total.pop() < 8, version


def _symbol(data: str, **options: int) -> zint.Symbol:
    sym = zint.Symbol()
    sym.symbology = zint.Symbology.HANXIN
    sym.input_mode = zint.InputMode.UNICODE
    for name, value in options.items():
        setattr(sym, name, value)
    sym.show_text = False
    sym.scale = 1  # 2 px modules
    sym.encode(data)
    return sym


def _modules(sym: zint.Symbol) -> np.ndarray:
    sym.buffer()
    bitmap = np.asarray(sym.bitmap, dtype=np.uint8)
    gray = bitmap if bitmap.ndim == 2 else bitmap[..., :3].mean(axis=2)
    return np.asarray(gray[::2, ::2] < 128)


def _read_modules(modules: np.ndarray) -> str | None:
    info = hanxin_grid.read_info(modules)
    if info is None:
        return None
    data = hanxin_grid.correct(hanxin_grid.codewords(modules, info[0], info[2]), info[0], info[1])
    return None if data is None else hanxin_stream.decode(data)


# zint picks the modes: numeric, text (both sub-modes), binary bytes, GB 2312 Region One and Two, GB 18030
# double-byte and four-byte characters, an ECI.
DATA = [
    ("0123456789012", {}),
    ("Han Xin Code: text, sub-mode two ~{}!", {}),
    ("Binary \x00\x01\x7f and Latin-1 ÿé", {}),
    ("汉信码标准中国物品编码中心", {}),
    ("齄鼾 Region Two 汉信", {}),
    ("Россия ПРИВЕТ", {}),
    ("𠀀𠀁 four-byte 2026", {}),
    ("Ünïcödé with an ECI", {"eci": 26}),
    ("Ελληνικά", {"eci": 9}),
    ("中文 at L4", {"option_1": 4}),
    ("v20", {"option_2": 20}),
    ("x" * 600, {"option_1": 2}),
]


@pytest.mark.parametrize(("data", "options"), DATA)
def test_every_data_mode_from_the_modules(data: str, options: dict[str, int]) -> None:
    assert _read_modules(_modules(_symbol(data, **options))) == data


def test_the_largest_version_from_the_modules() -> None:
    data = "汉信码" * 400 + "0123456789" * 100
    modules = _modules(_symbol(data, option_2=84))
    assert modules.shape == (189, 189) and _read_modules(modules) == data


def _turned(gray: np.ndarray, angle: float) -> np.ndarray:
    image = Image.fromarray(gray).rotate(angle, resample=Image.Resampling.BILINEAR, expand=True, fillcolor=255)
    return np.ascontiguousarray(np.asarray(image))


def _page(sym: zint.Symbol, quiet: int = 12) -> np.ndarray:
    sym.buffer()
    bitmap = np.asarray(sym.bitmap, dtype=np.uint8)
    gray = (bitmap if bitmap.ndim == 2 else bitmap[..., :3].mean(axis=2)).astype(np.uint8)
    return np.pad(gray, quiet, constant_values=255)


@pytest.mark.parametrize(("data", "options"), DATA[::2])
@pytest.mark.parametrize("angle", [0, 33, 90, 200])
def test_zint_symbols_turned(data: str, options: dict[str, int], angle: int) -> None:
    gray = _turned(_page(_symbol(data, **options)), angle)
    assert [(f.type, f.value) for f in hanxin.find(gray, TYPES)] == [("HanXin", data)]


def test_a_mirror_image_reads() -> None:
    gray = _page(_symbol("Mirrored 2026"))
    assert [f.value for f in hanxin.find(np.ascontiguousarray(gray[:, ::-1]), TYPES)] == ["Mirrored 2026"]


@pytest.mark.parametrize("name", second_encoder.names("HanXin"))
@pytest.mark.parametrize(("scale", "angle"), [(1.0, 0), (1.5, 17), (2.0, -120)])
def test_symbols_of_a_second_encoder(name: str, scale: float, angle: int) -> None:
    _, value, gray = second_encoder.symbol(name, scale, pad=16)  # 2 px modules at scale 1
    assert [f.value for f in hanxin.find(_turned(gray, angle), TYPES)] == [value]


SAMPLES = ["Han Xin 2026", "汉信码标准 2026", "0123456789" * 30 + " and text"]


@pytest.mark.parametrize("data", SAMPLES)
@pytest.mark.parametrize(
    "how", ["clean", "turned", "small", "blurred", "noisy", "jpeg", "dim", "inverted", "perspective"]
)
def test_reads_back_degraded(data: str, how: str) -> None:
    gray = photographed(
        np.asarray(open_image(gen("HanXin", data).content).convert("L")), how, np.random.default_rng(len(data))
    )
    search = recognition.find_inverted if how == "inverted" else recognition.find
    assert [(f.type, f.value, f.checksum) for f in search(gray, TYPES)] == [("HanXin", data, None)]


def test_modules_blurred_by_half_a_module_are_judged_with_their_neighbours_spill_taken_off() -> None:
    modules = np.random.default_rng(7).random((40, 40)) < 0.5
    page = np.where(np.kron(modules, np.ones((2, 2), dtype=bool)), 0, 255).astype(np.uint8)  # 2 px modules
    blurred = np.asarray(Image.fromarray(page).filter(ImageFilter.GaussianBlur(1.0)), dtype=np.float64)
    values = blurred[::2, ::2] / 4 + blurred[1::2, ::2] / 4 + blurred[::2, 1::2] / 4 + blurred[1::2, 1::2] / 4
    assert (hanxin_sample.threshold(values) != modules).any()  # against the modules around alone
    assert (hanxin_sample.decide(values) == modules).all()


@pytest.mark.parametrize(
    ("version", "how"),
    [
        # 2 px modules blurred by 1 px: the light modules beside the quiet zone fall under the local mean, and an
        # isolated module reads as its neighbours unless their spill is taken off.
        (3, "blurred"),
        # 1.5 px modules: the module the cores' area gives is 4% off, the side it suggests 6 modules off.
        (50, "small"),
        # Seen at an angle by a warp that is no projection: the middle of the symbol lies 3 modules off the map of
        # the cores, and the patterns' own modules half a module off.
        (40, "perspective"),
    ],
)
def test_small_modules_blurred_and_seen_at_an_angle(version: int, how: str) -> None:
    data = f"Han Xin {how} v{version}"
    gray = photographed(_page(_symbol(data, option_2=version), quiet=0), how, np.random.default_rng(version))
    assert [(f.type, f.value) for f in hanxin.find(gray, TYPES)] == [("HanXin", data)]


@pytest.mark.parametrize(("version", "bulge"), [(5, 8.0), (30, 12.0), (50, 16.0)])
def test_a_bent_symbol_follows_its_alignment_patterns(version: int, bulge: float) -> None:
    # 4 px modules: the middle of the symbol lies 2 to 4 modules off where the position patterns put it.
    data = f"Bent version {version}"
    gray = np.kron(_page(_symbol(data, option_2=version), quiet=20), np.ones((2, 2), dtype=np.uint8))
    assert [f.value for f in hanxin.find(bent(gray, bulge), TYPES)] == [data]


@pytest.mark.parametrize("corner", ["tl", "tr", "bl", "br"])
@pytest.mark.parametrize("version", [3, 20])
def test_three_position_patterns_are_enough(corner: str, version: int) -> None:
    data = f"Stained {corner}"
    gray = _page(_symbol(data, option_1=3, option_2=version), quiet=12)  # 2 px modules
    n = hanxin_grid.size(version)
    y, x = {"tl": (0, 0), "tr": (0, n - 7), "bl": (n - 7, 0), "br": (n - 7, n - 7)}[corner]
    gray[12 + 2 * y + 2 : 12 + 2 * y + 12, 12 + 2 * x + 2 : 12 + 2 * x + 12] = 255  # all but the pattern's rim
    assert [f.value for f in hanxin.find(_turned(gray, 27), TYPES)] == [data]


def _damaged(modules: np.ndarray, count: int, seed: int) -> np.ndarray:
    """``count`` data codewords' modules (in interleaved order, codeword by codeword) flipped."""
    version = hanxin_grid.version_of(modules.shape[0])
    assert version is not None
    function, _ = hanxin_grid.layout(version)
    places = np.argwhere(~function)
    rng = np.random.default_rng(seed)
    out = modules.copy()
    for word in rng.choice(len(places) // 8, size=count, replace=False):
        for y, x in places[8 * word : 8 * word + 8]:
            out[y, x] = not out[y, x]
    return out


def test_damage_within_the_error_correction_reads_right_and_beyond_it_nothing() -> None:
    # Version 3 at L4: one block of 20 data and 30 check codewords, so up to 15 wrong codewords are corrected.
    data = "Damage test 2026"
    modules = _modules(_symbol(data, option_1=4, option_2=3))
    assert BLOCKS[2][3] == ((1, 20, 30),)
    for seed in range(5):
        assert _read_modules(_damaged(modules, 15, seed)) == data
        assert _read_modules(_damaged(modules, 24, seed)) is None


def test_a_damaged_symbol_on_a_page() -> None:
    data = "Damaged on a page"
    modules = _damaged(_modules(_symbol(data, option_1=4, option_2=5)), 10, seed=3)
    gray = np.pad(
        np.where(np.kron(modules, np.ones((3, 3), dtype=bool)), 0, 255).astype(np.uint8), 30, constant_values=255
    )
    assert [f.value for f in hanxin.find(_turned(gray, 21), TYPES)] == [data]


def test_a_qr_code_and_other_symbols_are_not_han_xin() -> None:
    qr = render(QR, module=3)
    assert hanxin.find(qr, TYPES) == []
    for name, data in (
        ("QR", "a larger QR code, version 10 or so, " * 4),
        ("DataMatrix", "DataMatrix 2026"),
        ("Aztec", "Aztec 2026"),
    ):
        gray = np.asarray(open_image(gen(name, data).content).convert("L"))
        assert hanxin.find(_turned(np.pad(gray, 20, constant_values=255), 12), TYPES) == [], name


@pytest.mark.skipif(not CORPUS.is_dir(), reason="the zxing-cpp sample corpus is not on this machine")
@pytest.mark.parametrize("folder", ["qrcode-1", "qrcode-2", "qrcode-3", "falsepositives-1"])
def test_photos_of_qr_codes_and_others_are_not_han_xin(folder: str) -> None:
    photos = sorted(p for p in (CORPUS / folder).iterdir() if p.suffix.lower() in (".png", ".jpg", ".webp"))[:5]
    for photo in photos:
        gray = np.ascontiguousarray(np.asarray(Image.open(photo).convert("L")))
        assert hanxin.find(gray, TYPES) == [] and hanxin.find(np.ascontiguousarray(255 - gray), TYPES) == [], photo


def test_a_symbol_beside_a_qr_code() -> None:
    qr = render(QR, module=3)
    symbol = _page(_symbol("Beside a QR code"))
    page = np.full((max(qr.shape[0], symbol.shape[0]) + 40, qr.shape[1] + symbol.shape[1] + 60), 255, np.uint8)
    page[20 : 20 + qr.shape[0], 20 : 20 + qr.shape[1]] = qr
    page[20 : 20 + symbol.shape[0], qr.shape[1] + 40 : qr.shape[1] + 40 + symbol.shape[1]] = symbol
    assert [f.value for f in hanxin.find(page, TYPES)] == ["Beside a QR code"]


def test_recognize_asked_for_and_scanning() -> None:
    symbol = np.asarray(open_image(gen("HanXin", "汉信码 recognize").content).convert("L"))
    gray = photographed(symbol, "turned", np.random.default_rng(5))
    assert [(d.type, d.value) for d in recognize_array(gray, ["HanXin"], Mode.NORMAL)] == [
        ("HanXin", "汉信码 recognize")
    ]
    assert [(d.type, d.value) for d in recognize_array(255 - gray, ["HanXin"], Mode.NORMAL)] == [
        ("HanXin", "汉信码 recognize")
    ]
    assert [(d.type, d.value) for d in recognize_array(gray, None, Mode.NORMAL)] == [("HanXin", "汉信码 recognize")]


def test_bit_streams_that_do_not_parse_say_nothing() -> None:
    assert hanxin_stream.decode(_stream((15, 4))) is None  # no such mode
    assert hanxin_stream.decode(_stream((1, 4), (123, 10))) is None  # numeric mode cut short
    assert hanxin_stream.decode(_stream((8, 4), (127, 8))) is None  # ECI 127 is not assigned
    # 1021 says the last group held one digit: 12 does not fit.
    assert hanxin_stream.decode(_stream((1, 4), (12, 10), (1021, 10))) is None
    assert hanxin_stream.decode(_stream((5, 4), (4000, 12), (4095, 12))) is None  # past GB 2312 row F7
