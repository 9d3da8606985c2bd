"""The ways a photo spoils an image, shared by the decoders' tests: each caller turns, pads or shrinks its symbol
its own way first, then spoils it one of these ways (seeded, so that a run is repeatable)."""

from __future__ import annotations

import io

import numpy as np
from PIL import Image, ImageFilter
from scipy import ndimage


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


def photographed(gray: np.ndarray, how: str, rng: np.random.Generator) -> np.ndarray:
    """A generated symbol (gray, no quiet zone to spare) padded, then ``how``: turned at random, shrunk to 1.5 px
    modules (from 2), inverted, seen at an angle (the right edge a fifth further away than the left), or
    :func:`spoil` ed its way (a darker JPEG and dimmer light than its defaults)."""
    gray = np.pad(gray, 20, constant_values=255)
    image = Image.fromarray(gray)
    if how == "turned":
        image = image.rotate(float(rng.uniform(-180, 180)), Image.Resampling.BILINEAR, expand=True, fillcolor=255)
    elif how == "small":
        image = image.resize((round(image.width * 0.75), round(image.height * 0.75)), Image.Resampling.BILINEAR)
    elif how == "inverted":
        image = Image.fromarray(255 - gray)
    elif how == "perspective":
        w, h = image.size
        quad = (0, 0, 0, h, w, h * 1.1, w, -h * 0.1)
        image = image.transform(image.size, Image.Transform.QUAD, quad, Image.Resampling.BILINEAR, fillcolor=255)
    image = spoil(image, how, rng, jpeg_quality=35, dim_floor=70, dim_low=0.55)
    return np.ascontiguousarray(np.asarray(image))


def bent(gray: np.ndarray, bulge: float) -> np.ndarray:
    """The page bent like a label round a bottle: rows sag by up to ``bulge`` pixels in the middle, columns by
    half as much."""
    h, w = gray.shape
    yy, xx = np.mgrid[0:h, 0:w].astype(np.float64)
    source = [yy + bulge * np.sin(np.pi * xx / w), xx + bulge / 2 * np.sin(np.pi * yy / h)]
    return np.asarray(ndimage.map_coordinates(gray.astype(np.float64), source, order=1, cval=255), dtype=np.uint8)
