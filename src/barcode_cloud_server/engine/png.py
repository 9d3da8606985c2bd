"""A small, fast PNG writer for palette images (1-bit for two colours, 8-bit otherwise).

Barcodes are two-colour images: packing them to 1 bit per pixel and deflating that is several times faster than
going through Pillow's generic encoder, and the files are small.
"""

from __future__ import annotations

import struct
import zlib
from functools import lru_cache

import numpy as np
import numpy.typing as npt

_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def _chunk(kind: bytes, payload: bytes) -> bytes:
    return struct.pack(">I", len(payload)) + kind + payload + struct.pack(">I", zlib.crc32(kind + payload))


@lru_cache(maxsize=128)
def _header_chunks(palette: tuple[int, ...], alpha: bool, dpi: float) -> bytes:
    """PLTE, tRNS and pHYs: the same for every image of a colour pair and resolution."""
    step = 4 if alpha else 3
    plte = bytearray()
    trns = bytearray()
    for i in range(len(palette) // step):
        plte += bytes(palette[i * step : i * step + 3])
        if alpha:
            trns.append(palette[i * step + 3])
    ppm = round(dpi / 0.0254)
    out = _chunk(b"PLTE", bytes(plte))
    if alpha:
        out += _chunk(b"tRNS", bytes(trns))
    return out + _chunk(b"pHYs", struct.pack(">IIB", ppm, ppm, 1))


_IEND = _chunk(b"IEND", b"")


def encode_palette_png(
    indices: npt.NDArray[np.uint8],
    palette: tuple[int, ...],
    alpha: bool,
    dpi: float,
    bits: int,
) -> bytes:
    """``indices``: (h, w) palette indices (0/1 when ``bits`` is 1); ``palette``: flat RGB or RGBA values."""
    height, width = indices.shape
    rows = np.packbits(indices.astype(bool, copy=False), axis=1) if bits == 1 else indices
    # Filter "Up" (2) on every row: repeated rows (all of a linear symbol, runs of a 2D one) become zeros.
    raw = np.empty((height, rows.shape[1] + 1), dtype=np.uint8)
    raw[:, 0] = 2
    raw[0, 1:] = rows[0]
    np.subtract(rows[1:], rows[:-1], out=raw[1:, 1:])
    return b"".join(
        (
            _SIGNATURE,
            _chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, bits, 3, 0, 0, 0)),
            _header_chunks(palette, alpha, dpi),
            _chunk(b"IDAT", zlib.compress(raw.tobytes(), 3)),
            _IEND,
        )
    )
