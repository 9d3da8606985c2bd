"""Rendering a :class:`Geometry` to PNG, JPEG, GIF, TIFF, BMP (raster) or SVG (vector).

Layout: the asked pixel size is honoured exactly; modules are an integer number of pixels whenever the size
allows (the symbol is centred, the rest is background), so edges stay crisp (no resampling). Text is drawn with
the bundled DejaVu Sans.
"""

from __future__ import annotations

import io
import math
from dataclasses import dataclass, replace
from functools import lru_cache
from xml.sax.saxutils import escape

import numpy as np
import numpy.typing as npt
from PIL import Image, ImageDraw

from barcode_cloud_server.engine.colors import RGBA
from barcode_cloud_server.engine.errors import InvalidOption, shown
from barcode_cloud_server.engine.geometry import Geometry
from barcode_cloud_server.engine.png import encode_palette_png
from barcode_cloud_server.engine.text import draw_text, metrics, text_width

MAX_SIDE = 10_000
MAX_PIXELS = 40_000_000

MEDIA_TYPES = {
    "Png": "image/png",
    "Jpeg": "image/jpeg",
    "Svg": "image/svg+xml",
    "Tiff": "image/tiff",
    "Gif": "image/gif",
    "Bmp": "image/bmp",
}
_PIL_FORMATS = {"Png": "PNG", "Jpeg": "JPEG", "Tiff": "TIFF", "Gif": "GIF", "Bmp": "BMP"}


@dataclass(frozen=True, slots=True)
class RenderOptions:
    image_format: str = "Png"
    width_px: float | None = None
    height_px: float | None = None
    module_px: int = 2
    """Pixels per module when no size is asked."""
    dpi: float = 96.0
    rotation: int = 0
    foreground: RGBA = (0, 0, 0, 255)
    background: RGBA = (255, 255, 255, 255)
    text: str | None = None
    text_above: bool = False
    module_aspect: float = 1.0
    """Height / width of a 2D symbol's modules (qrAspectRatio); 1D bars ignore it."""


@dataclass(frozen=True, slots=True)
class Layout:
    canvas_w: int
    canvas_h: int
    mx: float
    my: float
    ox: float
    oy: float
    font_px: int
    text_y: float  # baseline
    text: str | None


def _check_size(w: float, h: float) -> None:
    if w > MAX_SIDE or h > MAX_SIDE:
        raise InvalidOption(f"image size {math.ceil(w)}x{math.ceil(h)} px is too large: at most {MAX_SIDE} px a side")
    if w * h > MAX_PIXELS:
        raise InvalidOption(
            f"image size {math.ceil(w)}x{math.ceil(h)} px is too large: at most {MAX_PIXELS // 1_000_000} megapixels"
        )


def _fit_text(text: str, size: int, max_width: float) -> int:
    width = text_width(text, size)
    while size > 6 and width > max_width:
        size = max(6, min(size - 1, int(size * max_width / max(width, 1.0))))
        width = text_width(text, size)
    return size


def layout(geo: Geometry, opts: RenderOptions, width_px: float | None, height_px: float | None) -> Layout:
    """Place the symbol (and its text) on a canvas of the asked size, before rotation."""
    text = opts.text or None
    gw, gh = geo.width, geo.height
    if width_px is not None:
        mx = width_px / gw
        if mx >= 1:
            mx = float(math.floor(mx))
    else:
        mx = float(opts.module_px)
    font_px = max(10, min(round(6 * max(mx, 1.0)), 96)) if text else 0
    if text:
        font_px = _fit_text(text, font_px, max(gw * mx, 40.0) * 1.2 if width_px is None else width_px)
    gap = int(max(mx, 1.0))
    ascent, descent = metrics(font_px) if text else (0, 0)
    band = ascent + descent + gap if text else 0
    if height_px is not None:
        avail = max(height_px - band, 1.0)
        if geo.stretch_bars:
            my = avail / gh
            if my >= 1 and geo.matrix is not None:
                my = float(math.floor(my))
        else:
            m = min(mx if width_px is not None else math.inf, avail / (gh * opts.module_aspect))
            if m >= 1:
                m = float(math.floor(m))
            mx, my = m, m * opts.module_aspect
    elif geo.stretch_bars:
        my = float(opts.module_px) if width_px is not None else mx
    else:
        my = mx * opts.module_aspect
    canvas_w = round(width_px) if width_px is not None else math.ceil(gw * mx)
    if text and width_px is None:
        canvas_w = max(canvas_w, math.ceil(text_width(text, font_px)) + 2 * int(mx))
    body_h = gh * my
    canvas_h = round(height_px) if height_px is not None else math.ceil(body_h) + band
    if canvas_w < 1 or canvas_h < 1:
        raise InvalidOption("image size must be at least 1x1 px")
    _check_size(canvas_w, canvas_h)
    ox = math.floor((canvas_w - gw * mx) / 2)
    free_h = canvas_h - band - body_h
    if opts.text_above:
        oy = band + math.floor(free_h / 2)
        text_y: float = oy - gap - descent
    else:
        oy = math.floor(free_h / 2)
        text_y = oy + body_h + gap + ascent
    return Layout(canvas_w, canvas_h, mx, my, float(ox), float(oy), font_px, text_y, text)


def _rotation(opts: RenderOptions) -> int:
    return opts.rotation % 360


def _target_size(opts: RenderOptions) -> tuple[float | None, float | None]:
    rot = _rotation(opts)
    if rot in (90, 270):
        return opts.height_px, opts.width_px
    if rot == 0 or rot == 180:
        return opts.width_px, opts.height_px
    return None, None  # free angles: lay out naturally, then fit the rotated image into the asked size


def _hexagon(px: float, py: float, r: float) -> list[tuple[float, float]]:
    """The corners of a MaxiCode module: a hexagon with pointed top, centre (px, py), corner radius r (pixels)."""
    return [(px + r * _COS[k], py + r * _SIN[k]) for k in range(6)]


_COS = [math.cos(math.radians(90 + 60 * k)) for k in range(6)]
_SIN = [math.sin(math.radians(90 + 60 * k)) for k in range(6)]


# --- raster ---------------------------------------------------------------------------------------------------


def _draw_mask(geo: Geometry, lay: Layout) -> tuple[np.ndarray, bool]:
    mask = np.zeros((lay.canvas_h, lay.canvas_w), dtype=np.uint8)
    binary = True
    mx, my, ox, oy = lay.mx, lay.my, lay.ox, lay.oy
    if geo.matrix is not None:
        bits = geo.matrix
        qx, qy = ox + geo.quiet * mx, oy + geo.quiet * my
        if mx == int(mx) and my == int(my):
            block = np.repeat(np.repeat(bits, int(my), axis=0), int(mx), axis=1)
        else:
            rows = (np.arange(round(bits.shape[0] * my)) / my).astype(int).clip(0, bits.shape[0] - 1)
            cols = (np.arange(round(bits.shape[1] * mx)) / mx).astype(int).clip(0, bits.shape[1] - 1)
            block = bits[rows][:, cols]
        x0, y0 = max(round(qx), 0), max(round(qy), 0)
        h, w = block.shape
        h, w = max(min(h, lay.canvas_h - y0), 0), max(min(w, lay.canvas_w - x0), 0)
        if h and w:
            np.multiply(block[:h, :w], 255, out=mask[y0 : y0 + h, x0 : x0 + w], casting="unsafe")
    elif len(geo.rects):
        _fill_rects(mask, geo.rects, lay)
    if geo.hexagons or geo.circles or geo.rings:
        binary = False
        image = Image.fromarray(mask, "L")
        draw = ImageDraw.Draw(image)
        for cx, cy, d in geo.hexagons:
            draw.polygon(_hexagon(ox + cx * mx, oy + cy * my, d / 2 * mx), fill=255)
        for cx, cy, d in geo.circles:
            r = d / 2 * mx
            px, py = ox + cx * mx, oy + cy * my
            draw.ellipse((px - r, py - r, px + r, py + r), fill=255)
        for cx, cy, d, stroke in geo.rings:
            r = d / 2 * mx
            px, py = ox + cx * mx, oy + cy * my
            half = stroke * mx / 2
            draw.ellipse(
                (px - r - half, py - r - half, px + r + half, py + r + half),
                outline=255,
                width=max(1, round(stroke * mx)),
            )
        mask = np.array(image)
    if lay.text:
        draw_text(mask, lay.text, lay.font_px, lay.canvas_w / 2, lay.text_y)
    return mask, binary


def _fill_rects(mask: npt.NDArray[np.uint8], rects: npt.NDArray[np.float64], lay: Layout) -> None:
    """Fill rectangles, vectorised per band of equal top and bottom (one band for a linear symbol)."""
    h, w = mask.shape
    x0 = np.rint(lay.ox + rects[:, 0] * lay.mx).astype(np.int64)
    x1 = np.rint(lay.ox + (rects[:, 0] + rects[:, 2]) * lay.mx).astype(np.int64)
    y0 = np.rint(lay.oy + rects[:, 1] * lay.my).astype(np.int64)
    y1 = np.rint(lay.oy + (rects[:, 1] + rects[:, 3]) * lay.my).astype(np.int64)
    np.clip(x0, 0, w, out=x0)
    np.clip(x1, 0, w, out=x1)
    np.clip(y0, 0, h, out=y0)
    np.clip(y1, 0, h, out=y1)
    bands = y0 * (h + 1) + y1
    unique = np.unique(bands)
    for band in unique.tolist():
        if len(unique) == 1:
            xs0, xs1 = x0, x1
        else:
            sel = bands == band
            xs0, xs1 = x0[sel], x1[sel]
        top, bottom = band // (h + 1), band % (h + 1)
        if bottom <= top:
            continue
        edges = np.bincount(xs0, minlength=w + 1) - np.bincount(xs1, minlength=w + 1)
        line = (np.cumsum(edges[:w]) > 0).view(np.uint8) * np.uint8(255)
        np.bitwise_or(mask[top:bottom], line, out=mask[top:bottom])


@lru_cache(maxsize=64)
def _palette(fg: RGBA, bg: RGBA, binary: bool) -> tuple[tuple[int, ...], bool]:
    alpha = fg[3] < 255 or bg[3] < 255
    steps = 2 if binary else 256
    pal: list[int] = []
    for i in range(steps):
        t = i / (steps - 1)
        pal.extend(round(bg[c] + (fg[c] - bg[c]) * t) for c in range(4 if alpha else 3))
    return tuple(pal), alpha


def _free_angle_module(geo: Geometry, opts: RenderOptions) -> RenderOptions:
    """For a free angle and an asked size: the largest whole module size whose rotated image fits the size."""
    if opts.width_px is None and opts.height_px is None:
        return opts
    one = layout(geo, replace(opts, module_px=1), None, None)
    rad = math.radians(_rotation(opts))
    rot_w = abs(one.canvas_w * math.cos(rad)) + abs(one.canvas_h * math.sin(rad))
    rot_h = abs(one.canvas_w * math.sin(rad)) + abs(one.canvas_h * math.cos(rad))
    fits = min(
        (opts.width_px or math.inf) / rot_w,
        (opts.height_px or math.inf) / rot_h,
    )
    return replace(opts, module_px=max(1, math.floor(fits)))


@dataclass(frozen=True, slots=True)
class RasterLayout:
    opts: RenderOptions
    """The options, with the module size of a free rotation angle."""
    lay: Layout

    def size(self) -> tuple[int, int]:
        """Width and height of the image, in pixels (the asked size, if any, after a free rotation)."""
        opts, lay = self.opts, self.lay
        rot = _rotation(opts)
        if rot in (90, 270):
            return lay.canvas_h, lay.canvas_w
        if rot in (0, 180):
            return lay.canvas_w, lay.canvas_h
        rad = math.radians(rot)  # the rotated canvas's bounding box
        w = math.ceil(abs(lay.canvas_w * math.cos(rad)) + abs(lay.canvas_h * math.sin(rad)))
        h = math.ceil(abs(lay.canvas_w * math.sin(rad)) + abs(lay.canvas_h * math.cos(rad)))
        return (
            w if opts.width_px is None else round(opts.width_px),
            h if opts.height_px is None else round(opts.height_px),
        )


def raster_layout(geo: Geometry, opts: RenderOptions) -> RasterLayout:
    """Where a raster image puts the symbol, before rotation; :class:`InvalidOption` when the image is too large."""
    w_px, h_px = _target_size(opts)
    if w_px is None and h_px is None and _rotation(opts) % 90:
        opts = _free_angle_module(geo, opts)
    return RasterLayout(opts, layout(geo, opts, w_px, h_px))


def render_raster(geo: Geometry, planned: RasterLayout) -> bytes:
    opts, lay = planned.opts, planned.lay
    mask, binary = _draw_mask(geo, lay)
    rot = _rotation(opts)
    if rot in (90, 180, 270):
        mask = np.ascontiguousarray(np.rot90(mask, k=-(rot // 90)))
    elif rot:
        mask_img = Image.fromarray(mask, "L").rotate(-rot, resample=Image.Resampling.BICUBIC, expand=True, fillcolor=0)
        if opts.width_px is not None or opts.height_px is not None:
            mask_img = _fit(mask_img, opts.width_px, opts.height_px)
        mask = np.asarray(mask_img)
        binary = False
    _check_size(mask.shape[1], mask.shape[0])
    pal, alpha = _palette(opts.foreground, opts.background, binary)
    if binary:
        mask = (mask > 127).view(np.uint8)
    if opts.image_format == "Png":
        return encode_palette_png(mask, pal, alpha, opts.dpi, 1 if binary else 8)
    image = Image.fromarray(mask, "L")
    image.putpalette(list(pal), "RGBA" if alpha else "RGB")
    return _encode(image, opts, alpha)


def _fit(img: Image.Image, width: float | None, height: float | None) -> Image.Image:
    """Centre ``img`` on a canvas of the asked size; shrink it only when it does not fit (never enlarge)."""
    tw = round(width) if width is not None else img.width
    th = round(height) if height is not None else img.height
    _check_size(tw, th)
    scale = min(tw / img.width, th / img.height, 1.0)
    resized = img
    if scale < 1.0:
        size = (max(1, int(img.width * scale)), max(1, int(img.height * scale)))
        resized = img.resize(size, Image.Resampling.BILINEAR)
    canvas = Image.new("L", (tw, th), 0)
    canvas.paste(resized, ((tw - resized.width) // 2, (th - resized.height) // 2))
    return canvas


def _encode(image: Image.Image, opts: RenderOptions, alpha: bool) -> bytes:
    fmt = opts.image_format
    out = io.BytesIO()
    dpi = (opts.dpi, opts.dpi)
    if fmt == "Jpeg":  # (Png never comes here: render_raster writes it with engine.png)
        image.convert("RGB").save(out, "JPEG", dpi=dpi, quality=95)
    elif fmt == "Gif":
        if alpha:
            image.info["transparency"] = 0 if opts.background[3] < 128 else None
        image.save(out, "GIF")
    elif fmt == "Tiff":
        (image.convert("RGBA") if alpha else image).save(out, "TIFF", dpi=dpi, compression="tiff_deflate")
    elif fmt == "Bmp":
        (image.convert("RGBA") if alpha else image).save(out, "BMP", dpi=dpi)  # 8-bit palette unless alpha
    else:  # pragma: no cover - validated before
        raise InvalidOption(f"unknown image format {shown(fmt)}")
    return out.getvalue()


# --- SVG --------------------------------------------------------------------------------------------------------


def _svg_color(c: RGBA) -> str:
    s = f'"#{c[0]:02x}{c[1]:02x}{c[2]:02x}"'
    return s if c[3] == 255 else f'{s} fill-opacity="{c[3] / 255:.3f}"'


def _num(v: float) -> str:
    return f"{v:.3f}".rstrip("0").rstrip(".") if v != int(v) else str(int(v))


def render_svg(geo: Geometry, opts: RenderOptions) -> bytes:
    w_px, h_px = _target_size(opts)
    lay = layout(geo, opts, w_px, h_px)
    rot = _rotation(opts)
    cw, ch = lay.canvas_w, lay.canvas_h
    if rot in (90, 270):
        out_w, out_h = ch, cw
    elif rot in (0, 180):
        out_w, out_h = cw, ch
    else:
        rad = math.radians(rot)
        out_w = math.ceil(abs(cw * math.cos(rad)) + abs(ch * math.sin(rad)))
        out_h = math.ceil(abs(cw * math.sin(rad)) + abs(ch * math.cos(rad)))
        if opts.width_px is not None:
            out_w = round(opts.width_px)
        if opts.height_px is not None:
            out_h = round(opts.height_px)
    _check_size(out_w, out_h)
    parts = [
        '<?xml version="1.0" encoding="UTF-8"?>\n',
        f'<svg xmlns="http://www.w3.org/2000/svg" version="1.1" width="{out_w}" height="{out_h}" '
        f'viewBox="0 0 {out_w} {out_h}">\n',
        f'<rect x="0" y="0" width="{out_w}" height="{out_h}" fill={_svg_color(opts.background)}/>\n',
    ]
    if rot:
        scale = ""
        if rot not in (90, 180, 270):
            rad = math.radians(rot)
            nat_w = abs(cw * math.cos(rad)) + abs(ch * math.sin(rad))
            nat_h = abs(cw * math.sin(rad)) + abs(ch * math.cos(rad))
            s = min(out_w / nat_w, out_h / nat_h)
            scale = f" scale({_num(s)})" if abs(s - 1) > 1e-6 else ""
        parts.append(
            f'<g transform="translate({_num(out_w / 2)} {_num(out_h / 2)}){scale} rotate({rot}) '
            f'translate({_num(-cw / 2)} {_num(-ch / 2)})">\n'
        )
    parts.append(f"<g fill={_svg_color(opts.foreground)}>\n")
    mx, my, ox, oy = lay.mx, lay.my, lay.ox, lay.oy
    rects = geo.matrix_rects() if geo.matrix is not None else geo.rects
    parts.extend(
        f'<rect x="{_num(ox + x * mx)}" y="{_num(oy + y * my)}" width="{_num(w * mx)}" height="{_num(h * my)}"/>\n'
        for x, y, w, h in rects.tolist()
    )
    for cx, cy, d in geo.hexagons:
        pts = " ".join(f"{_num(x)},{_num(y)}" for x, y in _hexagon(ox + cx * mx, oy + cy * my, d / 2 * mx))
        parts.append(f'<polygon points="{pts}"/>\n')
    for cx, cy, d in geo.circles:
        parts.append(f'<circle cx="{_num(ox + cx * mx)}" cy="{_num(oy + cy * my)}" r="{_num(d / 2 * mx)}"/>\n')
    for cx, cy, d, stroke in geo.rings:
        parts.append(
            f'<circle cx="{_num(ox + cx * mx)}" cy="{_num(oy + cy * my)}" r="{_num(d / 2 * mx)}" fill="none" '
            f"stroke={_svg_color(opts.foreground).replace('fill-opacity', 'stroke-opacity')} "
            f'stroke-width="{_num(stroke * mx)}"/>\n'
        )
    if lay.text:
        parts.append(
            f'<text x="{_num(cw / 2)}" y="{_num(lay.text_y)}" text-anchor="middle" '
            f'font-family="DejaVu Sans, Verdana, sans-serif" font-size="{lay.font_px}">{escape(lay.text)}</text>\n'
        )
    parts.append("</g>\n")
    if rot:
        parts.append("</g>\n")
    parts.append("</svg>\n")
    return "".join(parts).encode("utf-8")


def render(geo: Geometry, opts: RenderOptions, planned: RasterLayout | None = None) -> bytes:
    """The image; ``planned`` is ``raster_layout(geo, opts)`` when the caller has already made it."""
    if opts.image_format == "Svg":
        return render_svg(geo, opts)
    return render_raster(geo, planned or raster_layout(geo, opts))
