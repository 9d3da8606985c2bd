"""Image loading for recognition: formats, pages, EXIF orientation, and every kind of bad input."""

from __future__ import annotations

import io
import struct
import zlib

import numpy as np
import pytest
from PIL import Image

from barcode_cloud_server.engine.errors import InvalidImage
from barcode_cloud_server.engine.images import TooManyPixels, UploadTooLarge, load_image_bytes


def _encode(im: Image.Image, fmt: str, **kw: object) -> bytes:
    buf = io.BytesIO()
    im.save(buf, format=fmt, **kw)
    return buf.getvalue()


def _pattern(w: int = 64, h: int = 40) -> Image.Image:
    """Left half black, right half white: orientation is visible in the pixels."""
    arr = np.full((h, w), 255, dtype=np.uint8)
    arr[:, : w // 2] = 0
    return Image.fromarray(arr, mode="L")


@pytest.mark.parametrize("fmt", ["PNG", "JPEG", "GIF", "BMP", "TIFF", "WEBP"])
def test_every_supported_format_loads_as_grayscale(fmt: str) -> None:
    im = _pattern().convert("RGB")
    pages = load_image_bytes(_encode(im, fmt))
    assert len(pages) == 1
    gray = pages[0].gray
    assert gray.dtype == np.uint8 and gray.shape == (40, 64)
    assert gray[:, :20].mean() < 60 and gray[:, 44:].mean() > 200


def test_every_tiff_page_is_loaded() -> None:
    first, second = _pattern(), _pattern().transpose(Image.Transpose.FLIP_LEFT_RIGHT)
    buf = io.BytesIO()
    first.save(buf, format="TIFF", save_all=True, append_images=[second])
    pages = load_image_bytes(buf.getvalue())
    assert [p.index for p in pages] == [0, 1]
    assert pages[0].gray[:, 0].mean() < 60 and pages[1].gray[:, 0].mean() > 200


def test_exif_orientation_is_applied() -> None:
    im = _pattern(64, 40).convert("RGB")
    exif = Image.Exif()
    exif[0x0112] = 6  # rotate 90 degrees clockwise to display
    pages = load_image_bytes(_encode(im, "JPEG", exif=exif.tobytes(), quality=95))
    gray = pages[0].gray
    assert gray.shape == (64, 40)  # turned
    assert gray[:20, :].mean() < 60 and gray[44:, :].mean() > 200


def test_transparent_background_becomes_white() -> None:
    rgba = np.zeros((20, 20, 4), dtype=np.uint8)  # fully transparent black
    rgba[5:15, 5:15] = (0, 0, 0, 255)
    pages = load_image_bytes(_encode(Image.fromarray(rgba, mode="RGBA"), "PNG"))
    assert pages[0].gray[0, 0] == 255 and pages[0].gray[10, 10] == 0


def test_empty_upload_is_invalid() -> None:
    with pytest.raises(InvalidImage, match="empty"):
        load_image_bytes(b"")


def test_non_image_is_invalid() -> None:
    with pytest.raises(InvalidImage, match="not an image"):
        load_image_bytes(b"%PDF-1.7 this is not an image at all" * 10)


def test_unsupported_image_format_is_invalid() -> None:
    with pytest.raises(InvalidImage):
        load_image_bytes(_encode(_pattern(), "PPM"))


@pytest.mark.parametrize("fmt", ["PNG", "JPEG", "WEBP", "GIF"])
def test_truncated_image_is_invalid(fmt: str) -> None:
    data = _encode(Image.fromarray(np.random.default_rng(1).integers(0, 255, (200, 200), dtype=np.uint8)), fmt)
    with pytest.raises(InvalidImage):
        load_image_bytes(data[: len(data) // 2])


def test_upload_over_the_byte_limit_is_refused_before_decoding() -> None:
    data = _encode(_pattern(), "PNG")
    with pytest.raises(UploadTooLarge):
        load_image_bytes(data, max_bytes=len(data) - 1)
    assert load_image_bytes(data, max_bytes=len(data))


def test_too_many_pixels_is_refused() -> None:
    data = _encode(_pattern(100, 100), "PNG")
    with pytest.raises(TooManyPixels):
        load_image_bytes(data, max_pixels=9_999)
    assert load_image_bytes(data, max_pixels=10_000)


def _png_bomb(width: int, height: int) -> bytes:
    """A tiny PNG whose header claims width x height pixels (its data is a few bytes of a few rows)."""

    def chunk(tag: bytes, payload: bytes) -> bytes:
        return struct.pack(">I", len(payload)) + tag + payload + struct.pack(">I", zlib.crc32(tag + payload))

    ihdr = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    idat = zlib.compress(b"\x00" * (width + 1) * 4)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", idat) + chunk(b"IEND", b"")


def test_decompression_bomb_is_refused_from_the_header() -> None:
    bomb = _png_bomb(100_000, 100_000)  # 10 gigapixels claimed in a few hundred bytes
    assert len(bomb) < 20_000
    with pytest.raises(TooManyPixels, match="pixels"):
        load_image_bytes(bomb)


def _odd_images() -> dict[str, bytes]:
    rgb = _pattern().convert("RGB")
    wide = np.asarray(_pattern(), dtype=np.uint16) * 257
    floats = np.asarray(_pattern(), dtype=np.float32) / 255
    floats[0, :3] = (np.nan, np.inf, -np.inf)
    palette = rgb.convert("P")
    frames = [palette, palette.transpose(Image.Transpose.FLIP_LEFT_RIGHT)]
    return {
        "png-16bit": _encode(Image.fromarray(wide), "PNG"),
        "jpeg-cmyk": _encode(rgb.convert("CMYK"), "JPEG", quality=95),
        "png-palette-transparency": _encode(palette, "PNG", transparency=255),
        "gif-animated": _encode(frames[0], "GIF", save_all=True, append_images=frames[1:], duration=40),
        "tiff-float-nan": _encode(Image.fromarray(floats, mode="F"), "TIFF"),
        "tiff-group4": _encode(_pattern().convert("1"), "TIFF", compression="group4"),
    }


@pytest.mark.parametrize("name", sorted(_odd_images()))
def test_odd_modes_load_as_the_same_picture(name: str) -> None:
    pages = load_image_bytes(_odd_images()[name])
    gray = pages[0].gray
    assert gray.dtype == np.uint8 and gray.shape == (40, 64) and gray.flags.c_contiguous
    assert gray[2:, :20].mean() < 60 and gray[2:, 44:].mean() > 200, name
    if name == "gif-animated":  # every frame is a page
        assert len(pages) == 2 and pages[1].gray[:, 0].mean() > 200


def test_a_side_longer_than_zxing_reads_is_invalid() -> None:
    with pytest.raises(InvalidImage, match="65535"):
        load_image_bytes(_png_bomb(70_000, 2))  # 140,000 pixels: under the pixel limit, over zxing-cpp's side
