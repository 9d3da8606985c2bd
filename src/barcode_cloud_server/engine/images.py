"""Loading uploaded images safely: size and pixel limits before decoding, pages one at a time, EXIF orientation.

Accepted: PNG, JPEG, GIF, BMP, TIFF (every page) and WebP (every frame of an animation), up to ``MAX_PAGES``
pages; later pages are not read. The pixel count of each page is read from its header and checked before any
pixel is decoded, so a small file that claims huge dimensions (a decompression bomb) is refused without
allocating its pixels. Pages are found by seeking to the next one, never by counting them first (Pillow's
``n_frames`` walks the whole file, however many thousands of pages it holds), and decoded one at a time as the
caller asks for them: the caller may stop before a page it cannot afford, and only one page's pixels (converted
to 8-bit gray at once) are held at a time. A TIFF's chain of pages is cut after the last page read before the
file reaches Pillow: libtiff walks the whole chain again for every page it decodes.
"""

from __future__ import annotations

import io
import struct
import warnings
from collections.abc import Callable, Iterator
from dataclasses import dataclass

import numpy as np
from PIL import Image, ImageOps, UnidentifiedImageError

from barcode_cloud_server.engine.errors import InvalidImage

DEFAULT_MAX_BYTES = 20 * 1024 * 1024
DEFAULT_MAX_PIXELS = 40_000_000
# Pages (frames) read from one file: enough for a scanned document; the time budget, not this, bounds the work.
MAX_PAGES = 64
MAX_SIDE = 65535  # zxing-cpp's limit: it refuses wider or taller images
ACCEPTED_FORMATS = ("PNG", "JPEG", "MPO", "GIF", "BMP", "DIB", "TIFF", "WEBP")
# What decoding a page and making it gray costs per pixel (ns), at worst (noise, alpha): the price a caller
# checks before the pixels are decoded (bench/FIGURES.md). WebP decodes slower than the others.
DECODE_NS = 35.0
DECODE_NS_BY_FORMAT = {"WEBP": 80.0}


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
        # float32 (exact for 16-bit samples, plenty for 8 bits out) and in place: float64 with temporaries would
        # take several times the page's size.
        arr = np.array(im, dtype=np.float32)
        finite = np.isfinite(arr)
        if not finite.all():
            arr[~finite] = arr[finite].min() if finite.any() else 0.0
        del finite
        lo, hi = float(arr.min()), float(arr.max())
        if hi > lo:
            arr -= lo
            arr *= 255.0 / (hi - lo)
        else:
            arr.fill(0.0)
        return np.ascontiguousarray(arr.astype(np.uint8))
    if mode in ("PA", "La", "RGBa") or (mode == "P" and "transparency" in im.info):
        im, mode = im.convert("RGBA"), "RGBA"
    if mode in ("RGBA", "LA"):
        # Luminance pasted on white through the alpha channel: three 8-bit planes, where compositing in RGBA
        # would take three 32-bit ones.
        gray = Image.new("L", im.size, 255)
        gray.paste(im.convert("L"), mask=im.getchannel("A"))
        return np.ascontiguousarray(np.asarray(gray, dtype=np.uint8))
    gray = im if mode == "L" else im.convert("L")
    return np.ascontiguousarray(np.asarray(gray, dtype=np.uint8))


def _tiff_cut_after_last_page(data: bytes) -> bytes | bytearray:
    """``data`` itself, or for a TIFF of more than ``MAX_PAGES`` pages a copy whose chain of pages (IFDs) ends at
    the last page read. A chain that breaks off early is left for Pillow to report."""
    head = data[:4]
    if head in (b"II*\0", b"MM\0*"):
        link, count_size, entry_size, first_at = "I", "H", 12, 4
    elif head in (b"II+\0", b"MM\0+"):  # BigTIFF: 8-byte offsets and counts
        link, count_size, entry_size, first_at = "Q", "Q", 20, 8
    else:
        return data
    order = "<" if head[:2] == b"II" else ">"
    try:
        offset = struct.unpack_from(order + link, data, first_at)[0]
        for page in range(MAX_PAGES):
            if offset == 0:
                return data
            count = struct.unpack_from(order + count_size, data, offset)[0]
            at = offset + struct.calcsize(count_size) + count * entry_size
            offset = struct.unpack_from(order + link, data, at)[0]
            if page == MAX_PAGES - 1 and offset:
                cut = bytearray(data)
                cut[at : at + struct.calcsize(link)] = bytes(struct.calcsize(link))
                return cut
    except struct.error:
        pass
    return data


# Whether to decode page ``index`` of ``pixels`` pixels at ``decode_ns`` per pixel; False stops at that page.
Afford = Callable[[int, int, float], bool]


def load_image_bytes(
    data: bytes, *, max_bytes: int = DEFAULT_MAX_BYTES, max_pixels: int = DEFAULT_MAX_PIXELS
) -> list[Page]:
    """Every page of an uploaded image (up to ``MAX_PAGES``) as grayscale, or :class:`InvalidImage`."""
    return list(iter_pages(data, max_bytes=max_bytes, max_pixels=max_pixels))


def iter_pages(
    data: bytes,
    *,
    max_bytes: int = DEFAULT_MAX_BYTES,
    max_pixels: int = DEFAULT_MAX_PIXELS,
    afford: Afford | None = None,
) -> Iterator[Page]:
    """The pages of an uploaded image as grayscale, decoded one at a time as they are asked for, up to
    ``MAX_PAGES`` and while ``afford(index, pixels, decode_ns)`` agrees (asked before each page's pixels are decoded).
    A first page that cannot be decoded is an :class:`InvalidImage` with a message for the caller; a later
    broken page ends the pages."""
    check_size(len(data), max_bytes)
    if not data:
        raise InvalidImage("The image is empty.")
    total = 0
    index = 0
    try:
        # Only the opening is quieted (Pillow warns there, from the header): the warning filters are global, and
        # a generator suspended inside catch_warnings would leave them changed for every thread in the meantime.
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            Image.init()
            formats = [f for f in ACCEPTED_FORMATS if f in Image.OPEN]
            opened = Image.open(io.BytesIO(_tiff_cut_after_last_page(data)), formats=formats)
        with opened as im:
            for index in range(MAX_PAGES):
                if index:
                    try:
                        im.seek(index)
                    except EOFError:  # the last page was the one before
                        return
                width, height = im.size
                _check_pixels(width, height, max_pixels, index)
                total += width * height
                if total > 4 * max_pixels:
                    raise TooManyPixels(f"The pages of the image hold more than {4 * max_pixels} pixels together.")
                decode_ns = DECODE_NS_BY_FORMAT.get(im.format or "", DECODE_NS)
                if afford is not None and not afford(index, width * height, decode_ns):
                    return
                im.load()
                frame = ImageOps.exif_transpose(im) if index == 0 else im
                page = Page(to_gray(frame), index)
                del frame
                yield page
                del page  # not held while the next page decodes
    except InvalidImage:
        raise
    except UnidentifiedImageError:
        raise InvalidImage(
            "The file is not an image in a supported format (PNG, JPEG, GIF, BMP, TIFF or WebP)."
        ) from None
    except Image.DecompressionBombError as exc:
        raise TooManyPixels(f"The image has too many pixels: {exc}") from None
    except (OSError, SyntaxError, ValueError, EOFError, IndexError, MemoryError, TypeError) as exc:
        if not index:
            raise InvalidImage(f"The image could not be decoded (truncated or corrupt): {exc}") from None
        # A later page is broken: the pages before it were read.
