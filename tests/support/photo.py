"""The ways a photo spoils an image, shared by the decoders' tests: each caller turns, pads or shrinks its symbol
its own way first, then spoils it one of these ways (seeded, so that a run is repeatable)."""

from __future__ import annotations

import io

import numpy as np
from PIL import Image, ImageFilter


def spoil(
    image: Image.Image,
    how: str,
    rng: np.random.Generator,
    *,
    jpeg_quality: int = 40,
    dim_floor: float = 80,
    dim_low: float = 0.6,
) -> Image.Image:
    """``image`` (mode L) blurred (a Gaussian of 1 px), noisy (a standard deviation of 25), as a JPEG of
    ``jpeg_quality``, or dim (a contrast of 0.35 over ``dim_floor``, light falling off to ``dim_low`` across it);
    any other ``how``: as it is."""
    if how == "blurred":
        return image.filter(ImageFilter.GaussianBlur(1.0))
    if how == "noisy":
        noisy = np.asarray(image, dtype=np.float32) + rng.normal(0, 25, (image.height, image.width))
        return Image.fromarray(np.clip(noisy, 0, 255).astype(np.uint8))
    if how == "jpeg":
        buffer = io.BytesIO()
        image.save(buffer, format="JPEG", quality=jpeg_quality)
        return Image.open(io.BytesIO(buffer.getvalue())).convert("L")
    if how == "dim":
        ramp = np.linspace(dim_low, 1.0, image.width, dtype=np.float32)[None, :]
        return Image.fromarray((dim_floor + np.asarray(image, dtype=np.float32) * 0.35 * ramp).astype(np.uint8))
    return image
