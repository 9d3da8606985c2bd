"""Loading uploaded images safely: size and pixel limits before decoding, every page, EXIF orientation.

Accepted: PNG, JPEG, GIF, BMP, TIFF (every page) and WebP (every frame of an animation). The pixel count of
each page is read from the header and checked before any pixel is decoded, so a small file that claims
huge dimensions (a decompression bomb) is refused without allocating its pixels.
"""

from __future__ import annotations

import io
import warnings
from dataclasses import dataclass

import numpy as np
from PIL import Image, ImageOps, UnidentifiedImageError

from barcode_cloud_server.engine.errors import InvalidImage

DEFAULT_MAX_BYTES = 20 * 1024 * 1024
DEFAULT_MAX_PIXELS = 40_000_000
MAX_PAGES = 64
MAX_SIDE = 65535  # zxing-cpp's limit: it refuses wider or taller images
ACCEPTED_FORMATS = ("PNG", "JPEG", "MPO", "GIF", "BMP", "DIB", "TIFF", "WEBP")


class UploadTooLarge(InvalidImage):
    """More bytes than the upload limit (the API answers 413)."""


class TooManyPixels(InvalidImage):
    """An image (page) with more pixels than the pixel limit."""


@dataclass(frozen=True)
class Page:
    """One page (or frame) of an image as 8-bit grayscale, EXIF orientation applied."""

    gray: np.ndarray  # shape (height, width), dtype uint8, C-contiguous
    index: int

    @property
    def width(self) -> int:
        return int(self.gray.shape[1])

    @property
    def height(self) -> int:
        return int(self.gray.shape[0])


def check_size(size: int, max_bytes: int = DEFAULT_MAX_BYTES) -> None:
    if size > max_bytes:
        raise UploadTooLarge(f"The image is {size} bytes; the limit is {max_bytes} bytes.")


def _check_pixels(width: int, height: int, max_pixels: int, page: int) -> None:
    if width <= 0 or height <= 0:
        raise InvalidImage("The image has no pixels.")
    if max(width, height) > MAX_SIDE:
        raise InvalidImage(f"The image is {width}x{height} pixels; sides longer than {MAX_SIDE} pixels are not read.")
    if width * height > max_pixels:
        where = f" (page {page + 1})" if page else ""
        raise TooManyPixels(
            f"The image{where} is {width}x{height} = {width * height} pixels; the limit is {max_pixels} pixels."
        )


def to_gray(im: Image.Image) -> np.ndarray:
    """8-bit luminance; transparent areas become white (the usual background of a generated code)."""
    mode = im.mode
    if mode in ("I", "I;16", "I;16B", "I;16L", "I;16N", "F"):
        # 16-bit and float samples: stretched from their own range (a 16-bit scan rarely spans 0..65535).
        # NaN and infinite samples (float TIFFs) count as the darkest value instead of poisoning the range.
        arr = np.asarray(im, dtype=np.float64)
        finite = np.isfinite(arr)
        if not finite.all():
            arr = np.where(finite, arr, arr[finite].min() if finite.any() else 0.0)
        lo, hi = float(arr.min()), float(arr.max())
        scaled = (arr - lo) * (255.0 / (hi - lo)) if hi > lo else np.zeros_like(arr)
        return np.ascontiguousarray(scaled.astype(np.uint8))
    if mode in ("RGBA", "LA", "PA", "La", "RGBa") or (mode == "P" and "transparency" in im.info):
        rgba = im.convert("RGBA")
        white = Image.new("RGBA", rgba.size, (255, 255, 255, 255))
        im = Image.alpha_composite(white, rgba)
    gray = im if mode == "L" else im.convert("L")
    return np.ascontiguousarray(np.asarray(gray, dtype=np.uint8))


def load_image_bytes(
    data: bytes, *, max_bytes: int = DEFAULT_MAX_BYTES, max_pixels: int = DEFAULT_MAX_PIXELS
) -> list[Page]:
    """Every page of an uploaded image as grayscale, or :class:`InvalidImage` with a message for the caller."""
    check_size(len(data), max_bytes)
    if not data:
        raise InvalidImage("The image is empty.")
    pages: list[Page] = []
    total = 0
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            Image.init()
            formats = [f for f in ACCEPTED_FORMATS if f in Image.OPEN]
            with Image.open(io.BytesIO(data), formats=formats) as im:
                n_frames = int(getattr(im, "n_frames", 1) or 1)
                for index in range(min(n_frames, MAX_PAGES)):
                    if index:
                        im.seek(index)
                    width, height = im.size
                    _check_pixels(width, height, max_pixels, index)
                    total += width * height
                    if total > 4 * max_pixels:
                        raise TooManyPixels(f"The pages of the image hold more than {4 * max_pixels} pixels together.")
                    im.load()
                    frame = ImageOps.exif_transpose(im) if index == 0 else im
                    pages.append(Page(to_gray(frame), index))
    except InvalidImage:
        raise
    except UnidentifiedImageError:
        raise InvalidImage(
            "The file is not an image in a supported format (PNG, JPEG, GIF, BMP, TIFF or WebP)."
        ) from None
    except Image.DecompressionBombError as exc:
        raise TooManyPixels(f"The image has too many pixels: {exc}") from None
    except (OSError, SyntaxError, ValueError, EOFError, IndexError, MemoryError, TypeError) as exc:
        if not pages:
            raise InvalidImage(f"The image could not be decoded (truncated or corrupt): {exc}") from None
        # A later page is broken: keep the pages that decoded.
    return pages
