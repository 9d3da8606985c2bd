"""The engine's own PDF417 layer (Macro PDF417): learned patterns, Reed-Solomon and layout reproduce zint."""

from __future__ import annotations

import io

import numpy as np
import pytest
import zint
import zxingcpp
from PIL import Image

from barcode_cloud_server.engine import pdf417
from barcode_cloud_server.engine.zintenc import ZintJob
from tests.support.generate import gen


def test_learned_patterns_are_complete_and_distinct() -> None:
    table = pdf417.patterns()
    assert table.shape == (3, 929)
    for cluster in range(3):
        row = table[cluster]
        assert len(set(row.tolist())) == 929
        for pattern in row.tolist():
            bits = format(pattern, "017b")
            assert bits[0] == "1" and bits[-1] == "0"  # starts with a bar, ends with a space
            widths = [len(run) for run in bits.replace("01", "0 1").replace("10", "1 0").split()]
            assert len(widths) == 8 and max(widths) <= 6
            b = widths[0::2]
            assert (b[0] - b[1] + b[2] - b[3] + 9) % 9 == cluster * 3


@pytest.mark.parametrize(
    ("data", "cols", "ecc", "compact"),
    [
        ("hello world", 4, 2, False),
        ("x" * 200, 10, 5, False),
        ("12345678901234567890", 3, 0, False),
        ("compact form", 4, 3, True),
    ],
)
def test_reed_solomon_and_layout_reproduce_zint(data: str, cols: int, ecc: int, compact: bool) -> None:
    sym = zint.Symbol()
    sym.symbology = zint.Symbology.PDF417COMP if compact else zint.Symbology.PDF417
    sym.option_1, sym.option_2 = ecc, cols
    sym.encode(data)
    raw = np.frombuffer(bytes(sym.encoded_data), dtype=np.uint8).reshape(200, -1)[: sym.rows]
    bits = np.unpackbits(raw, axis=1, bitorder="little")[:, : sym.width].astype(bool)
    codewords = pdf417.read_codewords(bits, sym.rows, cols)
    n = codewords[0]
    k = sym.rows * cols - n
    assert k == 2 ** (ecc + 1)
    assert pdf417.error_correction(codewords[:n], k) == codewords[n:]
    assert np.array_equal(pdf417.layout(codewords, sym.rows, cols, ecc, compact), bits)


@pytest.mark.parametrize(
    "kw",
    [
        {},
        {"pdf417_truncate": True},
        {"pdf417_columns": 5, "pdf417_error_level": "Level6"},
        {"pdf417_rows": 12},
        {"pdf417_aspect_ratio": 5},
    ],
)
def test_macro_pdf417_reads_back_with_its_control_block(kw: dict[str, object]) -> None:
    data = "Macro PDF417 segment " + "".join(kw)
    image = gen("MacroPdf417", data, **kw)
    results = zxingcpp.read_barcodes(Image.open(io.BytesIO(image.content)).convert("L"))
    assert [r.text for r in results] == [data]
    assert "FileId" in results[0].extra  # the Macro PDF417 control block was read
    plain = zxingcpp.read_barcodes(Image.open(io.BytesIO(gen("Pdf417", data, **kw).content)).convert("L"))
    assert "FileId" not in plain[0].extra


def test_macro_pdf417_codewords_end_with_the_control_block() -> None:
    job = ZintJob("PDF417", "abc", option_2=3)
    geometry = pdf417.macro_pdf417(job, False, None)
    assert geometry.width == 69 + 17 * 3 + 4
    block = pdf417._control_block("abc")
    assert block[0] == 928 and block[-1] == 922 and block[1:3] == [111, 100]


def test_macro_pdf417_honours_reader_initialization() -> None:
    image = gen("MacroPdf417", "Reader init", pdf417_is_reader_initialization=True)
    results = zxingcpp.read_barcodes(Image.open(io.BytesIO(image.content)).convert("L"))
    assert [r.text for r in results] == ["Reader init"]
    assert results[0].extra.get("ReaderInit") is True and "FileId" in results[0].extra


@pytest.mark.parametrize(
    ("data", "kw"),
    [
        ("eeab91c5", {"data_type": "HexBytes"}),
        ("abcdefghijklmnopqrstu", {}),
        ("12345678901234567890123456789", {}),
        ("c68", {"pdf417_columns": 4}),
    ],
)
def test_wide_micro_pdf417_with_few_rows_reads_back(data: str, kw: dict[str, object]) -> None:
    """Symbols zxing-cpp missed with zint's 2X rows at the default 2 px module."""
    results = zxingcpp.read_barcodes(Image.open(io.BytesIO(gen("MicroPdf417", data, **kw).content)).convert("L"))
    expected = bytes.fromhex(data) if kw.get("data_type") == "HexBytes" else data.encode()
    assert [bytes(r.bytes) for r in results] == [expected]
