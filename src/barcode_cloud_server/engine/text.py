"""Human-readable text with the bundled DejaVu Sans: glyphs rendered once per size (two-colour, crisp), cached,
and composed with NumPy, which is much faster than rendering the string with FreeType on every request."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache, lru_cache
from importlib import resources

import numpy as np
import numpy.typing as npt
from PIL import Image, ImageDraw, ImageFont


@cache
def font_path() -> str:
    return str(resources.files("barcode_cloud_server.engine").joinpath("fonts/DejaVuSans.ttf"))


@cache
def font(size: int) -> ImageFont.FreeTypeFont:
    return ImageFont.truetype(font_path(), size)


@dataclass(frozen=True, slots=True)
class Glyph:
    bitmap: npt.NDArray[np.bool_]  # (ascent + descent, width)
    left: int  # x offset of the bitmap from the pen position
    advance: float


@lru_cache(maxsize=8192)
def glyph(ch: str, size: int) -> Glyph:
    f = font(size)
    ascent, descent = f.getmetrics()
    left, _, right, _ = (int(v) for v in f.getbbox(ch, anchor="ls"))
    left = min(left, 0)
    width = max(right - left, 1)
    image = Image.new("L", (width, ascent + descent), 0)
    draw = ImageDraw.Draw(image)
    draw.fontmode = "1"
    draw.text((-left, ascent), ch, fill=255, font=f, anchor="ls")
    return Glyph(np.asarray(image) > 127, left, f.getlength(ch))


def text_width(text: str, size: int) -> float:
    return sum(glyph(ch, size).advance for ch in text)


def metrics(size: int) -> tuple[int, int]:
    ascent, descent = font(size).getmetrics()
    return ascent, descent


def draw_text(mask: npt.NDArray[np.uint8], text: str, size: int, centre_x: float, baseline: float) -> None:
    """Draw ``text`` into ``mask`` (255 = ink), centred on ``centre_x`` with its baseline at ``baseline``."""
    ascent, _ = metrics(size)
    h, w = mask.shape
    pen = centre_x - text_width(text, size) / 2
    top = round(baseline) - ascent
    for ch in text:
        g = glyph(ch, size)
        x = round(pen) + g.left
        pen += g.advance
        gh, gw = g.bitmap.shape
        x0, y0 = max(x, 0), max(top, 0)
        x1, y1 = min(x + gw, w), min(top + gh, h)
        if x1 <= x0 or y1 <= y0:
            continue
        region = mask[y0:y1, x0:x1]
        region[g.bitmap[y0 - top : y1 - top, x0 - x : x1 - x]] = 255
