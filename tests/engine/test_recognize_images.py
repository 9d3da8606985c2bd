"""Image loading for recognition: formats, pages, EXIF orientation, and every kind of bad input."""

from __future__ import annotations

import io
import struct
import time
import zlib

import numpy as np
import pytest
from PIL import Image

from barcode_cloud_server.engine.errors import InvalidImage
from barcode_cloud_server.engine.images import MAX_PAGES, TooManyPixels, UploadTooLarge, load_image_bytes
from barcode_cloud_server.engine.recognize import Mode, recognize_bytes
from tests.support.cpu_clock import engine_on_cpu_time


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


def _shared_strip_tiff(pages: int, side: int, *, rgba: bool = False) -> bytes:
    """A little-endian TIFF of ``pages`` side x side pages (gray, or RGBA) whose IFDs all point at one
    deflate-compressed strip of white: a small file with as many pages, or as many pixels, as one likes."""
    channels = 4 if rgba else 1
    strip = zlib.compress(b"\xff" * (side * side * channels), 9)
    bits_at = 8 + len(strip)  # BitsPerSample of an RGBA page: four shorts, too many for the entry itself
    out = bytearray(struct.pack("<2sHI", b"II", 42, bits_at + 8) + strip + struct.pack("<4H", 8, 8, 8, 8))
    entries = [  # (tag, type: 3 short / 4 long, count, value or offset)
        (256, 4, 1, side),
        (257, 4, 1, side),
        (258, 3, channels, bits_at if rgba else 8),
        (259, 3, 1, 8),  # deflate
        (262, 3, 1, 2 if rgba else 1),  # RGB or black-is-zero
        (273, 4, 1, 8),
        (277, 3, 1, channels),
        (278, 4, 1, side),
        (279, 4, 1, len(strip)),
    ]
    if rgba:
        entries.append((338, 3, 1, 2))  # the fourth sample is unassociated alpha
    for page in range(pages):
        out += struct.pack("<H", len(entries))
        for tag, kind, count, value in entries:
            packed = struct.pack("<HH", value, 0) if kind == 3 and count == 1 else struct.pack("<I", value)
            out += struct.pack("<HHI", tag, kind, count) + packed
        out += struct.pack("<I", len(out) + 4 if page < pages - 1 else 0)
    return bytes(out)


def test_a_tiff_of_many_pages_is_read_up_to_the_page_limit_only(monkeypatch: pytest.MonkeyPatch) -> None:
    engine_on_cpu_time(monkeypatch)
    data = _shared_strip_tiff(40_000, 1)  # 4 MB of one-pixel pages
    started = time.monotonic()
    pages = load_image_bytes(data)
    assert [p.index for p in pages] == list(range(MAX_PAGES))
    assert time.monotonic() - started < 1.0  # the pages past the limit are never walked (that took ~12 s)


def test_a_tiff_of_many_pages_is_recognized_within_its_budget(monkeypatch: pytest.MonkeyPatch) -> None:
    engine_on_cpu_time(monkeypatch)
    data = _shared_strip_tiff(40_000, 1)
    started = time.monotonic()
    assert recognize_bytes(data, None, Mode.FAST, deadline=started + 0.5) == []
    assert time.monotonic() - started < 1.5


def test_large_pages_are_priced_before_they_are_decoded(monkeypatch: pytest.MonkeyPatch) -> None:
    """Twelve 10-megapixel RGBA pages in a 40 KB file: the budget leaves room for the first page or two; the others
    are neither decoded (~0.25 s each) nor searched."""
    engine_on_cpu_time(monkeypatch)
    data = _shared_strip_tiff(12, 3163, rgba=True)
    assert len(data) < 50_000
    started = time.monotonic()
    recognize_bytes(data, None, Mode.FAST, deadline=started + 0.5)
    assert time.monotonic() - started < 1.5


@pytest.mark.parametrize("big_tiff", [False, True])
def test_a_tiff_or_bigtiff_is_cut_after_the_page_limit(big_tiff: bool) -> None:
    frames = [_pattern(8, 8)] * (MAX_PAGES + 6)
    data = _encode(frames[0], "TIFF", save_all=True, append_images=frames[1:], big_tiff=big_tiff)
    assert data[2] == (43 if big_tiff else 42)
    pages = load_image_bytes(data)
    assert len(pages) == MAX_PAGES and pages[-1].gray.shape == (8, 8)
