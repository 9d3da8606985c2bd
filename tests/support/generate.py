"""Helpers for the generation tests: decode images with zxing-cpp, measure them with Pillow/NumPy."""

from __future__ import annotations

import io

import numpy as np
import zxingcpp
from PIL import Image

from barcode_cloud_server.engine.generate import GenerateRequest, RenderedImage, generate
from barcode_cloud_server.engine.symbologies import Symbology


def gen(barcode_type: str, data: str, **kw: object) -> RenderedImage:
    return generate(GenerateRequest(barcode_type, data, **kw))  # type: ignore[arg-type]


def open_image(content: bytes) -> Image.Image:
    image = Image.open(io.BytesIO(content))
    image.load()
    return image


def decode_texts(content: bytes) -> list[str]:
    image = open_image(content).convert("L")
    return [r.text for r in zxingcpp.read_barcodes(image)]


def read_as_spec(row: Symbology, content: bytes) -> list[str]:
    return [row.from_reader(t) for t in decode_texts(content)]


def ink(content: bytes) -> np.ndarray:
    """Boolean array: True where the pixel is dark (foreground)."""
    gray = np.asarray(open_image(content).convert("L"))
    return gray < 128


def max_transitions(mask: np.ndarray) -> int:
    """The largest number of light/dark changes along any row: bars present."""
    return int(np.max(np.sum(mask[:, 1:] != mask[:, :-1], axis=1))) if mask.size else 0
