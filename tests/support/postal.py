"""Postal test images: bar rows drawn from their states (a renderer independent of zint), and the ways the
postal tests degrade an image."""

from __future__ import annotations

import io

import numpy as np
from PIL import Image, ImageFilter

# Bar heights in modules, as the four-state specifications draw them: the tracker in the middle, ascenders and
# descenders reaching out of it (Royal Mail: full 8, ascender/descender 5, tracker 2).
FULL, REACH, TRACKER = 8, 5, 2


def draw(
    states: str, module: int = 2, quiet: int = 10, heights: tuple[int, int, int] = (FULL, REACH, TRACKER)
) -> np.ndarray:
    """A gray page holding one row of bars, one per character of ``states`` over "FADT": ``module`` pixels wide,
    one module apart, heights (full, ascender/descender, tracker) in modules."""
    full, reach, tracker = heights
    top_of_tracker = reach - tracker  # ascenders start at 0, the tracker at full - reach
    spans = {
        "F": (0, full),
        "A": (0, reach),
        "D": (full - reach, full),
        "T": (top_of_tracker, top_of_tracker + tracker),
    }
    width = (2 * len(states) - 1 + 2 * quiet) * module
    page = np.full(((full + 2 * quiet) * module, width), 255, dtype=np.uint8)
    for k, state in enumerate(states):
        top, bottom = spans[state]
        x = (quiet + 2 * k) * module
        page[(quiet + top) * module : (quiet + bottom) * module, x : x + module] = 0
    return page


CONDITIONS = ("clean", "rotated", "steep", "upside-down", "blurred", "noisy", "jpeg", "dim")


def degrade(gray: np.ndarray, how: str, angle: float = 0.0) -> np.ndarray:
    """``gray`` as one of :data:`CONDITIONS` has it (seeded), turned by ``angle`` degrees first."""
    image = Image.fromarray(np.pad(gray, 12, constant_values=255))
    rng = np.random.default_rng(11)
    turn = {"rotated": 13.0, "steep": 71.0, "upside-down": 183.0}.get(how, 0.0) + angle
    if turn:
        image = image.rotate(turn, resample=Image.Resampling.BILINEAR, expand=True, fillcolor=255)
    if how == "blurred":
        image = image.filter(ImageFilter.GaussianBlur(1.0))
    elif how == "noisy":
        noisy = np.asarray(image, dtype=np.float32) + rng.normal(0, 25, (image.height, image.width))
        image = Image.fromarray(np.clip(noisy, 0, 255).astype(np.uint8))
    elif how == "jpeg":
        buffer = io.BytesIO()
        image.save(buffer, format="JPEG", quality=40)
        image = Image.open(io.BytesIO(buffer.getvalue())).convert("L")
    elif how == "dim":  # low contrast, light falling off across the image
        ramp = np.linspace(0.6, 1.0, image.width, dtype=np.float32)[None, :]
        image = Image.fromarray((80 + np.asarray(image, dtype=np.float32) * 0.35 * ramp).astype(np.uint8))
    return np.ascontiguousarray(np.asarray(image))
