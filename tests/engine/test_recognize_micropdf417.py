"""MicroPDF417 where a plain zxing-cpp call misses it: the engine's passes (inverted, rescaled, turned) read it."""

from __future__ import annotations

import io
from collections.abc import Callable

import numpy as np
import pytest
import zxingcpp
from PIL import Image, ImageFilter

from barcode_cloud_server.engine.recognize import Mode, recognize_array
from tests.support.generate import gen


def _jpeg(gray: np.ndarray, quality: int) -> np.ndarray:
    buffer = io.BytesIO()
    Image.fromarray(gray).save(buffer, "JPEG", quality=quality)
    return np.asarray(Image.open(buffer).convert("L"))


def _turned(gray: np.ndarray, degrees: float) -> np.ndarray:
    return np.asarray(Image.fromarray(gray).rotate(degrees, Image.Resampling.BILINEAR, expand=True, fillcolor=255))


def _small(gray: np.ndarray) -> np.ndarray:  # 1.5 px modules
    h, w = gray.shape
    return np.asarray(Image.fromarray(gray).resize((w * 3 // 4, h * 3 // 4), Image.Resampling.BILINEAR))


def _photo_like(gray: np.ndarray) -> np.ndarray:
    turned = np.asarray(Image.fromarray(_turned(gray, 33)).filter(ImageFilter.GaussianBlur(0.8)), dtype=np.float64)
    noisy = turned + np.random.default_rng(5).normal(0, 12, turned.shape)
    return _jpeg(np.clip(noisy, 0, 255).astype(np.uint8), 50)


CONDITIONS: dict[str, Callable[[np.ndarray], np.ndarray]] = {
    "inverted": lambda g: 255 - g,
    "1.5 px modules": _small,
    "turned 45": lambda g: _turned(g, 45),
    "turned 33, blurred, noisy, JPEG": _photo_like,
}


@pytest.mark.parametrize("data", ["MicroPDF417", "Micro PDF417 with more data in it 2026"])
@pytest.mark.parametrize("condition", sorted(CONDITIONS))
def test_read_where_plain_zxing_cpp_misses(data: str, condition: str) -> None:
    clean = np.asarray(Image.open(io.BytesIO(gen("MicroPdf417", data).content)).convert("L"))
    gray = np.ascontiguousarray(CONDITIONS[condition](clean))
    assert zxingcpp.read_barcodes(gray) == []  # the condition defeats a plain call
    found = recognize_array(gray, ["MicroPdf417"], Mode.NORMAL)
    assert [(d.type, d.value) for d in found] == [("MicroPdf417", data)]
    assert [(d.type, d.value) for d in recognize_array(gray, None, Mode.NORMAL)] == [("MicroPdf417", data)]
