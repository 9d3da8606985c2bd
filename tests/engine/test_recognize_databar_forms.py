"""GS1 DataBar's tall and short forms (Stacked Omnidirectional and Stacked, Omnidirectional and Truncated), which
zxing-cpp reports under one format each, told apart by the symbol's height."""

from __future__ import annotations

import io

import numpy as np
import pytest
from PIL import Image, ImageFilter

from barcode_cloud_server.engine.recognize import Mode, recognize_array, recognize_bytes
from barcode_cloud_server.engine.recognize_databar import height_in_modules
from tests.support.generate import gen

GTIN = "(01)09501101530003"
FORMS = ["DatabarStackedOmniDirectional", "DatabarStacked", "DatabarOmniDirectional", "DatabarTruncated"]


def _gray(image: bytes) -> np.ndarray:
    return np.asarray(Image.open(io.BytesIO(image)).convert("L"))


# DataBar Truncated turned by a few degrees is not read at 2 px modules (zxing-cpp, even after deskewing): not here.
CASES = [(name, rotation) for name in FORMS for rotation in (0, 90, 180, 270)]
CASES += [(name, 8) for name in FORMS if name != "DatabarTruncated"]


@pytest.mark.parametrize(("name", "rotation"), CASES)
def test_each_form_reads_back_as_itself(name: str, rotation: int) -> None:
    image = gen(name, GTIN, rotation_angle=rotation).content
    assert [(d.type, d.value) for d in recognize_bytes(image, [name])] == [(name, GTIN)]
    assert [d.type for d in recognize_bytes(image, None)] == [name]  # a scan names the form
    if rotation % 90 == 0:  # Fast mode turns no image: zxing-cpp's DataBar reader wants rows nearly level
        assert [d.type for d in recognize_bytes(image, FORMS, Mode.FAST)] == [name]


def test_stacked_omnidirectional_degraded() -> None:
    """Blurred, noisy, low-contrast and JPEG-compressed, at 2 px modules."""
    gray = _gray(gen("DatabarStackedOmniDirectional", GTIN, rotation_angle=5).content).astype(np.float64)
    gray = 90 + gray * 0.5 + np.random.default_rng(3).normal(0, 8, gray.shape)
    image = Image.fromarray(np.clip(gray, 0, 255).astype(np.uint8)).filter(ImageFilter.GaussianBlur(0.8))
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=60)
    found = recognize_bytes(buffer.getvalue(), ["DatabarStackedOmniDirectional"])
    assert [(d.type, d.value) for d in found] == [("DatabarStackedOmniDirectional", GTIN)]


def test_inverted_stacked_omnidirectional() -> None:
    gray = 255 - _gray(gen("DatabarStackedOmniDirectional", GTIN).content)
    assert [d.type for d in recognize_array(gray, ["DatabarStackedOmniDirectional"])] == [
        "DatabarStackedOmniDirectional"
    ]


@pytest.mark.parametrize(
    ("name", "modules", "height"), [("DatabarStacked", 50, 13), ("DatabarStackedOmniDirectional", 50, 69)]
)
def test_height_is_measured_in_modules(name: str, modules: int, height: int) -> None:
    gray = _gray(gen(name, GTIN, text_location="None").content)
    dark = np.nonzero((gray < 128).any(axis=0))[0]
    left, right = float(dark[0]), float(dark[-1] + 1)
    middle = gray.shape[0] / 2
    corners = [(left, middle - 2), (right, middle - 2), (right, middle + 2), (left, middle + 2)]
    assert height_in_modules(gray, corners, modules) == pytest.approx(height, abs=1.5)


def test_no_bars_no_height() -> None:
    blank = np.full((200, 200), 255, dtype=np.uint8)
    assert height_in_modules(blank, [(10, 90), (110, 90), (110, 110), (10, 110)], 50) is None
