"""Image variants for the recognition passes, each with the map from its pixels back to the original's.

Everything works on 8-bit grayscale NumPy arrays with Pillow and NumPy only (no OpenCV).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from PIL import Image, ImageFilter, ImageOps

Point = tuple[float, float]
Mapper = Callable[[Point], Point]


def _identity(p: Point) -> Point:
    return p


@dataclass(frozen=True)
class Variant:
    """An image derived from the original and how to map its coordinates back."""

    gray: np.ndarray
    to_original: Mapper = _identity


def _pil(gray: np.ndarray) -> Image.Image:
    return Image.fromarray(gray, mode="L")


def _arr(im: Image.Image) -> np.ndarray:
    return np.ascontiguousarray(np.asarray(im, dtype=np.uint8))


def original(gray: np.ndarray) -> Variant:
    return Variant(gray)


def inverted(gray: np.ndarray) -> Variant:
    return Variant(np.ascontiguousarray(255 - gray))


def scaled(gray: np.ndarray, factor: float) -> Variant:
    h, w = gray.shape
    nw, nh = max(1, round(w * factor)), max(1, round(h * factor))
    resample = Image.Resampling.BICUBIC if factor > 1 else Image.Resampling.BOX
    out = _arr(_pil(gray).resize((nw, nh), resample))
    fx, fy = w / nw, h / nh
    return Variant(out, lambda p: (p[0] * fx, p[1] * fy))


def quarter_turned(gray: np.ndarray, k: int) -> Variant:
    """Turned counter-clockwise by ``k`` quarter turns (like ``np.rot90``)."""
    h, w = gray.shape
    out = np.ascontiguousarray(np.rot90(gray, k))
    k %= 4

    def back(p: Point) -> Point:
        x, y = p
        if k == 1:
            return (w - 1 - y, x)
        if k == 2:
            return (w - 1 - x, h - 1 - y)
        if k == 3:
            return (y, h - 1 - x)
        return p

    return Variant(out, back)


def rotated(gray: np.ndarray, degrees: float) -> Variant:
    """Turned counter-clockwise by ``degrees`` (Pillow's convention), canvas expanded, white fill."""
    h, w = gray.shape
    out = _arr(_pil(gray).rotate(degrees, resample=Image.Resampling.BILINEAR, expand=True, fillcolor=255))
    nh, nw = out.shape
    a = math.radians(degrees)
    cos, sin = math.cos(a), math.sin(a)
    cx, cy, ncx, ncy = w / 2, h / 2, nw / 2, nh / 2

    def back(p: Point) -> Point:
        x, y = p[0] - ncx, p[1] - ncy
        return (x * cos - y * sin + cx, x * sin + y * cos + cy)

    return Variant(out, back)


def bent(gray: np.ndarray, strength: float, across: bool) -> Variant:
    """The image with a parabolic bend taken out: undoes paper curled around one axis, where the module rows of a
    2D code arc and zxing-cpp's straight sampling grid drifts off them (its Reed-Solomon check then fails).

    ``across`` False: each column shifts vertically by ``strength * (u^2 - 1/3)`` half-heights, ``u`` being the
    column's offset from the centre in half-widths (the 1/3 keeps the mean shift zero); True: the same with rows
    and columns exchanged. Output pixels outside the source are white.
    """
    if across:
        out, back = _bent_columns(np.ascontiguousarray(gray.T), strength)

        def back_across(p: Point) -> Point:
            x, y = back((p[1], p[0]))
            return (y, x)

        return Variant(np.ascontiguousarray(out.T), back_across)
    out, back = _bent_columns(gray, strength)
    return Variant(out, back)


def _bent_columns(gray: np.ndarray, strength: float) -> tuple[np.ndarray, Mapper]:
    h, w = gray.shape
    half_w, half_h = w / 2, h / 2

    def shift(x: float) -> float:
        u = (x - half_w) / half_w
        return float(strength * (u * u - 1 / 3) * half_h)

    columns = np.arange(w, dtype=np.float64)
    offsets = strength * (((columns - half_w) / half_w) ** 2 - 1 / 3) * half_h  # shift() of every column
    src_y = np.arange(h, dtype=np.float32)[:, None] + offsets.astype(np.float32)[None, :]
    y0 = np.floor(src_y).astype(np.int32)
    frac = src_y - y0
    inside = (y0 >= 0) & (y0 < h - 1)
    y0 = np.clip(y0, 0, max(0, h - 2))
    cols = np.arange(w)[None, :]
    top = gray[y0, cols].astype(np.float32)
    bottom = gray[np.minimum(y0 + 1, h - 1), cols].astype(np.float32)
    out = np.where(inside, top + (bottom - top) * frac, 255.0)

    def back(p: Point) -> Point:
        return (p[0], p[1] + shift(p[0]))

    return np.ascontiguousarray(out.astype(np.uint8)), back


def blurred(gray: np.ndarray, radius: float) -> Variant:
    return Variant(_arr(_pil(gray).filter(ImageFilter.GaussianBlur(radius))))


def median(gray: np.ndarray, size: int = 3) -> Variant:
    return Variant(_arr(_pil(gray).filter(ImageFilter.MedianFilter(size))))


def sharpened(gray: np.ndarray, radius: float = 3, percent: int = 200) -> Variant:
    return Variant(_arr(_pil(gray).filter(ImageFilter.UnsharpMask(radius, percent, 0))))


def equalized(gray: np.ndarray) -> Variant:
    return Variant(_arr(ImageOps.equalize(_pil(gray))))


def stretched(gray: np.ndarray) -> Variant:
    """Contrast stretch between the 1st and 99th percentiles."""
    lo, hi = np.percentile(gray, (1, 99))
    if hi - lo < 8:
        return Variant(gray)
    out = np.clip((gray.astype(np.float32) - lo) * (255.0 / (hi - lo)), 0, 255).astype(np.uint8)
    return Variant(np.ascontiguousarray(out))


def local_normalized(gray: np.ndarray, radius: int = 15) -> Variant:
    """Subtract the local mean and divide by the local deviation: evens out shadows and glare."""
    x = gray.astype(np.float32)
    mean = _box(x, radius)
    var = _box(x * x, radius) - mean * mean
    out = (x - mean) / np.sqrt(np.maximum(var, 0) + 100.0) * 60.0 + 128.0
    return Variant(np.ascontiguousarray(np.clip(out, 0, 255).astype(np.uint8)))


def _box(x: np.ndarray, r: int) -> np.ndarray:
    """Mean over a (2r+1)^2 window via an integral image (edges clamped)."""
    pad = np.pad(x, r + 1, mode="edge")
    # float64: a float32 integral image of a few megapixels of squared values loses the low digits that the
    # window sums are differences of (the variance of a 12 MP photo came out tens of grey levels wrong).
    ii = pad.cumsum(0, dtype=np.float64).cumsum(1)
    k = 2 * r + 1
    s = ii[k:, k:] - ii[:-k, k:] - ii[k:, :-k] + ii[:-k, :-k]
    h, w = x.shape
    out: np.ndarray = s[:h, :w] / float(k * k)
    return out


def dominant_angle(gray: np.ndarray) -> float | None:
    """The skew (degrees, in [-45, 45)) of the strongest edge direction, or None when there is none."""
    h, w = gray.shape
    step = max(1, max(h, w) // 400)
    small = gray[::step, ::step].astype(np.float32)
    if min(small.shape) < 8:
        return None
    gy, gx = np.gradient(small)
    mag = gx * gx + gy * gy
    if float(mag.sum()) <= 0:
        return None
    theta = np.arctan2(gy, gx) * 4.0  # four-fold: 90-degree turns are the reader's own business
    c, s = float((mag * np.cos(theta)).sum()), float((mag * np.sin(theta)).sum())
    strength = math.hypot(c, s) / float(mag.sum())
    if strength < 0.15:
        return None
    angle = math.degrees(math.atan2(s, c)) / 4.0
    return angle


def tiles(gray: np.ndarray, size: int, overlap: float = 0.25) -> list[Variant]:
    h, w = gray.shape
    if max(h, w) <= size:
        return []
    step = max(1, int(size * (1 - overlap)))
    out: list[Variant] = []
    for y in range(0, max(1, h - size + step), step):
        for x in range(0, max(1, w - size + step), step):
            y0, x0 = min(y, max(0, h - size)), min(x, max(0, w - size))
            crop = np.ascontiguousarray(gray[y0 : y0 + size, x0 : x0 + size])
            out.append(Variant(crop, _offset(x0, y0)))
    return out


def _offset(ox: int, oy: int) -> Mapper:
    return lambda p: (p[0] + ox, p[1] + oy)


def chain(first: Variant, make: Callable[[np.ndarray], Variant]) -> Variant:
    """Apply ``make`` to a variant, composing the coordinate maps."""
    return within(first, make(first.gray))


def within(outer: Variant, inner: Variant) -> Variant:
    """``inner`` (made from ``outer``'s pixels) with its coordinates mapped all the way back to the original's."""
    return Variant(inner.gray, lambda p: outer.to_original(inner.to_original(p)))
