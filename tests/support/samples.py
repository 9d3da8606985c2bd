"""Symbols the recognition tests draw with zint, with the value the spec's reader reports for each."""

from __future__ import annotations

import io
from dataclasses import dataclass

import numpy as np
import zint
from PIL import Image


@dataclass(frozen=True)
class Sample:
    symbology: str  # zint.Symbology member
    data: str  # zint input
    type: str  # spec DecodeBarcodeType
    value: str  # the value in the spec's meaning
    matrix: bool = False
    gs1: bool = False


SAMPLES: tuple[Sample, ...] = (
    Sample("QRCODE", "https://example.com/q?id=42", "QR", "https://example.com/q?id=42", matrix=True),
    Sample("MICROQR", "12345", "MicroQR", "12345", matrix=True),
    Sample("RMQR", "RMQR-2026", "RectMicroQR", "RMQR-2026", matrix=True),
    Sample("AZTEC", "Aztec 2026", "Aztec", "Aztec 2026", matrix=True),
    Sample("DATAMATRIX", "DataMatrix 2026", "DataMatrix", "DataMatrix 2026", matrix=True),
    Sample("MAXICODE", "MaxiCode 2026", "MaxiCode", "MaxiCode 2026", matrix=True),
    Sample("PDF417", "PDF417 sample", "Pdf417", "PDF417 sample", matrix=True),
    Sample("MICROPDF417", "MicroPDF417", "MicroPdf417", "MicroPDF417", matrix=True),
    Sample("CODE128", "Code128-2026", "Code128", "Code128-2026"),
    Sample("GS1_128", "[01]09501101530003[17]250101", "GS1Code128", "(01)09501101530003(17)250101", gs1=True),
    Sample("CODE39", "CODE39-2026", "Code39", "CODE39-2026"),
    Sample("EXCODE39", "Code39 ext", "Code39FullASCII", "Code39 ext"),
    Sample("CODE93", "Code93-2026", "Code93", "Code93-2026"),
    Sample("CODABAR", "A40156B", "Codabar", "A40156B"),
    Sample("EANX", "590123412345", "EAN13", "5901234123457"),
    Sample("EANX", "9638507", "EAN8", "96385074"),
    Sample("UPCA", "01234567890", "UPCA", "012345678905"),
    Sample("UPCE", "0123456", "UPCE", "01234565"),
    Sample("C25INTER", "1234567890", "Interleaved2of5", "1234567890"),
    Sample("ITF14", "1501234567890", "ITF14", "15012345678907"),
    Sample("DBAR_OMN", "0950110153000", "DatabarOmniDirectional", "(01)09501101530003"),
    Sample("DBAR_STK", "0950110153000", "DatabarStacked", "(01)09501101530003"),
    Sample("DBAR_LTD", "0123456789012", "DatabarLimited", "(01)01234567890128"),
    Sample("DBAR_EXP", "[01]09501101530003[3103]000123", "DatabarExpanded", "(01)09501101530003(3103)000123", gs1=True),
    Sample(
        "DBAR_EXPSTK",
        "[01]09501101530003[3103]000123",
        "DatabarExpandedStacked",
        "(01)09501101530003(3103)000123",
        gs1=True,
    ),
    Sample("CODE32", "12345678", "Code32", "123456788"),
    Sample("PZN", "1234567", "PZN", "12345678"),
)


def render(sample: Sample, module: int = 3, quiet: int = 12) -> np.ndarray:
    """The symbol as grayscale pixels, ``module`` pixels per module, with a white margin."""
    sym = zint.Symbol()
    sym.symbology = getattr(zint.Symbology, sample.symbology)
    if sample.gs1:
        sym.input_mode = zint.InputMode.GS1
    sym.show_text = False
    sym.scale = module / 2
    sym.encode(sample.data)
    sym.buffer()
    bitmap = np.asarray(sym.bitmap, dtype=np.uint8)
    gray = bitmap if bitmap.ndim == 2 else bitmap[..., :3].mean(axis=2).astype(np.uint8)
    return np.pad(gray, quiet * module, constant_values=255)


QR, CODE128, EAN13, DATAMATRIX = (
    next(s for s in SAMPLES if s.type == t) for t in ("QR", "Code128", "EAN13", "DataMatrix")
)


def png(gray: np.ndarray) -> bytes:
    buf = io.BytesIO()
    Image.fromarray(gray).save(buf, format="PNG")
    return buf.getvalue()


def sheet(*samples: Sample) -> tuple[bytes, list[tuple[int, int, int, int]]]:
    """Several codes side by side on one PNG, and the box of each."""
    parts = [render(s) for s in samples]
    height = max(p.shape[0] for p in parts) + 40
    canvas = np.full((height, sum(p.shape[1] + 30 for p in parts) + 30), 255, dtype=np.uint8)
    boxes, x = [], 30
    for p in parts:
        canvas[20 : 20 + p.shape[0], x : x + p.shape[1]] = p
        boxes.append((x, 20, x + p.shape[1], 20 + p.shape[0]))
        x += p.shape[1] + 30
    return png(canvas), boxes
