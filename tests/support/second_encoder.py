"""Symbols a second encoder drew (BWIPP through treepoem; ``bench/second_encoder.py`` writes them), for the
decoders' tests: so that a decoder is not tuned to zint's way of encoding and drawing alone. Each test scales,
turns and spoils them its own way."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
from PIL import Image

DATA = Path(__file__).resolve().parents[1] / "data" / "second_encoder"
# name -> the entry bench/second_encoder.py drew: BWIPP's encoder, data and options, the spec type, the value a
# reader must report.
MANIFEST: dict[str, dict[str, object]] = json.loads((DATA / "manifest.json").read_text())


def names(*types: str) -> list[str]:
    """The symbols of these spec types, by name."""
    return sorted(name for name, entry in MANIFEST.items() if entry["type"] in types)


def symbol(name: str, scale: float = 1, pad: int = 0) -> tuple[str, str, np.ndarray]:
    """The spec type, the value and the gray image of a symbol: BWIPP's pixels (one a unit for bars, two a module
    for 2D codes) scaled by ``scale`` (bilinear between whole scales), ``pad`` white pixels around."""
    entry = MANIFEST[name]
    image = Image.open(DATA / f"{name}.png").convert("L")
    if scale != 1:
        size = (round(image.width * scale), round(image.height * scale))
        image = image.resize(size, Image.Resampling.BILINEAR if scale % 1 else Image.Resampling.NEAREST)
    gray = np.pad(np.asarray(image), pad, constant_values=255)
    return str(entry["type"]), str(entry["value"]), gray
