"""Barcode recognition: zxing-cpp first, then an escalating sequence of passes for what it misses.

The first pass is a plain zxing-cpp call (its own try-harder, rotate and invert). When it finds nothing of what
was asked for, passes chosen by the recognition mode and the image kind follow: the inverted image (zxing-cpp's
invert option helps 2D codes only), other binarizers, rescaling up and down, contrast and local normalisation,
sharpening and denoising, deskewing, small turns, tiles of large images, and ZBar (pyzbar) as a second reader
for EAN/UPC, where it reads blurry photos zxing-cpp misses. Recognition stops as soon as something asked for is
found, or when the mode's time budget is spent (returning what was found so far).

Linear symbols found only by an extra pass must be confirmed by a second, independent pass (another reader or
another kind of preprocessing) before they are reported: a blurred EAN read once by a sharpening filter can be a
wrong number with a valid check digit. 2D symbols carry Reed-Solomon error correction and are reported at once.

Everything here is synchronous and keeps no shared state: call it from a thread pool.
"""

from __future__ import annotations

import contextlib
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum

import numpy as np
import zxingcpp

from barcode_cloud_server.engine import recognize_passes as rp
from barcode_cloud_server.engine.datacheck import upce_to_upca
from barcode_cloud_server.engine.images import DEFAULT_MAX_BYTES, DEFAULT_MAX_PIXELS, load_image_bytes
from barcode_cloud_server.engine.recognize_types import (
    Wanted,
    checksum,
    escape_non_graphical,
    resolve,
    spec_type,
)

try:  # ZBar is optional at run time: without libzbar0 the passes that use it are skipped.
    from pyzbar import pyzbar as _pyzbar
except ImportError:  # pragma: no cover - depends on the system library
    _pyzbar = None


class Mode(StrEnum):
    FAST = "Fast"
    NORMAL = "Normal"
    EXCELLENT = "Excellent"


class ImageKind(StrEnum):
    PHOTO = "Photo"
    SCANNED_DOCUMENT = "ScannedDocument"
    CLEAR_IMAGE = "ClearImage"


BUDGET_SECONDS: Mapping[Mode, float] = {Mode.FAST: 1.5, Mode.NORMAL: 6.0, Mode.EXCELLENT: 20.0}
_LINEAR = frozenset(
    f.name for f in zxingcpp.barcode_formats_list(zxingcpp.BarcodeFormats(zxingcpp.BarcodeFormat.AllLinear))
)
_ZBAR_FORMATS = {
    "EAN13": "EAN13",
    "EAN8": "EAN8",
    "UPCA": "UPCA",
    "UPCE": "UPCE",
    "ISBN13": "ISBN",
}
_ZBAR_WANTS = ("EAN13", "EAN8", "UPCA", "UPCE", "ISBN", "EANUPC", "QRCode")
_MAX_UPSCALED_PIXELS = 12_000_000


@dataclass(frozen=True)
class Detection:
    """One barcode found in one page."""

    type: str  # the spec's DecodeBarcodeType name (or a zxing-cpp name for symbols the enum lacks)
    value: str  # the data in the spec's meaning
    region: tuple[tuple[int, int], ...]  # four corners in the page's pixel coordinates
    checksum: str | None
    zxing_format: str  # zxing-cpp's format name, e.g. "EAN-13"
    text: str  # the reader's text in the requested text mode
    raw: bytes
    meta: Mapping[str, str] = field(default_factory=dict)
    source: str = "zxing"  # the pass that found it
    page: int = 0


@dataclass
class _Candidate:
    det: Detection
    families: set[str]
    linear: bool


@dataclass(frozen=True)
class _Pass:
    name: str
    family: str
    make: Callable[[np.ndarray], list[rp.Variant]]
    reader: str = "zxing"  # or "zbar"
    binarizer: zxingcpp.Binarizer = zxingcpp.Binarizer.LocalAverage
    linear_only: bool = False
    matrix_only: bool = False
    trusted: bool = False  # the same pixels seen otherwise (inverted, turned, zxing's own binarizers)
    only: tuple[str, ...] = ()  # zxing-cpp formats this pass is for (empty: all wanted)


def _one(make: Callable[[np.ndarray], rp.Variant]) -> Callable[[np.ndarray], list[rp.Variant]]:
    return lambda g: [make(g)]


def _upscale(factor: float) -> Callable[[np.ndarray], list[rp.Variant]]:
    def make(g: np.ndarray) -> list[rp.Variant]:
        if g.size * factor * factor > _MAX_UPSCALED_PIXELS:
            return []
        return [rp.scaled(g, factor)]

    return make


def _downscale(factor: float, min_side: int = 300) -> Callable[[np.ndarray], list[rp.Variant]]:
    def make(g: np.ndarray) -> list[rp.Variant]:
        return [rp.scaled(g, factor)] if min(g.shape) * factor >= min_side else []

    return make


def _deskew(g: np.ndarray) -> list[rp.Variant]:
    angle = rp.dominant_angle(g)
    if angle is None or abs(angle) < 3:
        return []
    return [rp.rotated(g, angle)]


def _turns(*angles: float) -> Callable[[np.ndarray], list[rp.Variant]]:
    return lambda g: [rp.rotated(g, a) for a in angles]


def _then(
    first: Callable[[np.ndarray], list[rp.Variant]], second: Callable[[np.ndarray], rp.Variant]
) -> Callable[[np.ndarray], list[rp.Variant]]:
    return lambda g: [rp.chain(v, second) for v in first(g)]


def _right_angles(g: np.ndarray) -> list[rp.Variant]:
    """Quarter turns, for readers that only read upright symbols (zxing-cpp's MaxiCode)."""
    return [rp.quarter_turned(g, k) for k in (1, 2, 3)]


def _tiles(g: np.ndarray) -> list[rp.Variant]:
    side = max(g.shape)
    if side < 1600:
        return []
    return rp.tiles(g, max(800, side // 3))


GH = zxingcpp.Binarizer.GlobalHistogram
FIXED = zxingcpp.Binarizer.FixedThreshold

_P: dict[str, _Pass] = {
    p.name: p
    for p in (
        _Pass("inverted", "inv", _one(rp.inverted), linear_only=True, trusted=True),
        _Pass("histogram", "bin", _one(rp.original), binarizer=GH, trusted=True),
        _Pass("fixed", "bin2", _one(rp.original), binarizer=FIXED, trusted=True),
        _Pass("up2", "up", _upscale(2.0)),
        _Pass("up2-histogram", "up", _upscale(2.0), binarizer=GH),
        _Pass("up3-histogram", "up3", _upscale(3.0), binarizer=GH),
        _Pass("down2", "down", _downscale(0.5)),
        _Pass("down3", "down", _downscale(1 / 3)),
        _Pass("zbar", "zbar", _one(rp.original), reader="zbar"),
        _Pass("zbar-up2", "zbar", _upscale(2.0), reader="zbar"),
        _Pass("zbar-down2", "zbar", _downscale(0.5, 150), reader="zbar"),
        _Pass("zbar-sharp", "zbar-sharp", _one(rp.sharpened), reader="zbar"),
        _Pass("zbar-normalized", "zbar-norm", _one(rp.local_normalized), reader="zbar"),
        _Pass("normalized", "norm", _one(rp.local_normalized)),
        _Pass("normalized-histogram", "norm", _one(rp.local_normalized), binarizer=GH),
        _Pass("stretched", "norm2", _one(rp.stretched), binarizer=GH),
        _Pass("equalized", "norm2", _one(rp.equalized)),
        _Pass("sharpened", "sharp", _one(rp.sharpened)),
        _Pass("sharpened-strong", "sharp2", _one(lambda g: rp.sharpened(g, 5, 150))),
        _Pass("up2-sharpened", "sharp-up", _then(_upscale(2.0), rp.sharpened)),
        _Pass("up2-sharpened-histogram", "sharp-up", _then(_upscale(2.0), rp.sharpened), binarizer=GH),
        _Pass("normalized-up2", "norm-up", _then(_one(rp.local_normalized), lambda g: rp.scaled(g, 2.0))),
        _Pass(
            "normalized-up2-histogram",
            "norm-up",
            _then(_one(rp.local_normalized), lambda g: rp.scaled(g, 2.0)),
            binarizer=GH,
        ),
        _Pass("normalized-wide", "norm-wide", _one(lambda g: rp.local_normalized(g, 30))),
        _Pass("up3", "up3", _upscale(3.0)),
        _Pass("up1.5", "up15", _upscale(1.5)),
        _Pass("up1.5-histogram", "up15", _upscale(1.5), binarizer=GH),
        _Pass("zbar-up1.5", "zbar-up15", _upscale(1.5), reader="zbar"),
        _Pass("zbar-sharp-strong", "zbar-sharp2", _one(lambda g: rp.sharpened(g, 5, 150)), reader="zbar"),
        _Pass(
            "zbar-normalized-up2",
            "zbar-norm-up",
            _then(_one(rp.local_normalized), lambda g: rp.scaled(g, 2.0)),
            reader="zbar",
        ),
        _Pass("blurred", "smooth", _one(lambda g: rp.blurred(g, 1.5))),
        _Pass("blurred-histogram", "smooth", _one(lambda g: rp.blurred(g, 1.0)), binarizer=GH),
        _Pass("median", "smooth2", _one(rp.median)),
        _Pass("deskewed", "rot", _deskew, trusted=True),
        _Pass("turned-15", "rot2", _turns(15, -15), linear_only=True, trusted=True),
        _Pass("turned-30", "rot2", _turns(30, -30), linear_only=True, trusted=True),
        _Pass("turned-45", "rot2", _turns(45), linear_only=True, trusted=True),
        _Pass("inverted-up2", "inv-up", _then(_one(rp.inverted), lambda g: rp.scaled(g, 2.0)), matrix_only=True),
        _Pass(
            "inverted-up2-histogram",
            "inv-up",
            _then(_one(rp.inverted), lambda g: rp.scaled(g, 2.0)),
            binarizer=GH,
            matrix_only=True,
        ),
        _Pass("tiles", "tiles", _tiles, trusted=True),
        _Pass("right-angles", "rot3", _right_angles, trusted=True, only=("MaxiCode",)),
        _Pass("right-angles-2d", "rot3", _right_angles, trusted=True, matrix_only=True),
        _Pass("up3-sharpened", "sharp-up3", _then(_upscale(3.0), rp.sharpened)),
        _Pass("up1.5-sharpened", "sharp-up15", _then(_upscale(1.5), rp.sharpened)),
        _Pass("blurred-up2", "smooth-up", _then(_one(lambda g: rp.blurred(g, 1.0)), lambda g: rp.scaled(g, 2.0))),
    )
}


def _plan(mode: Mode, kind: ImageKind) -> tuple[str, ...]:
    if mode is Mode.FAST:
        return ("inverted", "right-angles") if kind is not ImageKind.CLEAR_IMAGE else ("right-angles",)
    if kind is ImageKind.CLEAR_IMAGE:
        normal: tuple[str, ...] = ("right-angles", "inverted", "right-angles-2d", "histogram", "fixed", "up2", "down2")
        extra: tuple[str, ...] = ("up2-histogram", "deskewed", "turned-15", "turned-30", "turned-45", "tiles")
    elif kind is ImageKind.SCANNED_DOCUMENT:
        normal = (
            "right-angles",
            "inverted",
            "right-angles-2d",
            "histogram",
            "fixed",
            "deskewed",
            "down2",
            "up2-histogram",
            "normalized",
            "stretched",
            "zbar",
            "median",
            "up2",
            "zbar-up2",
            "sharpened",
            "tiles",
        )
        extra = (
            "down3",
            "turned-15",
            "turned-30",
            "turned-45",
            "blurred",
            "zbar-sharp",
            "up3-histogram",
            "normalized-histogram",
            "equalized",
            "blurred-histogram",
            "zbar-down2",
            "zbar-normalized",
            "up2-sharpened-histogram",
            "inverted-up2",
            "inverted-up2-histogram",
        )
    else:
        normal = (
            "right-angles",
            "inverted",
            "right-angles-2d",
            "histogram",
            "up2-histogram",
            "zbar",
            "up2-sharpened",
            "normalized-up2-histogram",
            "normalized",
            "up2",
            "up3",
            "sharpened",
            "zbar-up2",
            "up1.5",
            "normalized-wide",
            "zbar-sharp-strong",
            "deskewed",
            "down2",
            "blurred-histogram",
            "zbar-sharp",
            "zbar-up1.5",
            "zbar-normalized-up2",
            "fixed",
            "equalized",
            "turned-15",
            "turned-30",
            "median",
            "inverted-up2",
            "inverted-up2-histogram",
            "zbar-normalized",
            "up3-sharpened",
            "up1.5-sharpened",
            "blurred-up2",
        )
        extra = (
            "up2-sharpened-histogram",
            "normalized-up2",
            "up3-histogram",
            "up1.5-histogram",
            "sharpened-strong",
            "normalized-histogram",
            "blurred",
            "down3",
            "stretched",
            "zbar-down2",
            "turned-45",
            "tiles",
        )
    return normal + extra if mode is Mode.EXCELLENT else normal


def _points(position: zxingcpp.Position) -> list[rp.Point]:
    return [
        (float(p.x), float(p.y))
        for p in (position.top_left, position.top_right, position.bottom_right, position.bottom_left)
    ]


def _region(points: Sequence[rp.Point], mapper: rp.Mapper, width: int, height: int) -> tuple[tuple[int, int], ...]:
    out: list[tuple[int, int]] = []
    for p in points:
        x, y = mapper(p)
        out.append((min(max(round(x), 0), width - 1), min(max(round(y), 0), height - 1)))
    return tuple(out)


class _Search:
    """One recognition: the accepted detections, the linear candidates waiting for confirmation."""

    def __init__(
        self,
        gray: np.ndarray,
        wanted: Wanted,
        text_mode: zxingcpp.TextMode,
        add_on: zxingcpp.EanAddOnSymbol,
        page: int,
    ) -> None:
        self.gray = gray
        self.wanted = wanted
        self.text_mode = text_mode
        self.add_on = add_on
        self.page = page
        self.height, self.width = gray.shape
        self.accepted: list[Detection] = []
        self.pending: dict[tuple[str, str], _Candidate] = {}

    # -- readers ----------------------------------------------------------------------------------------------------
    def zxing(
        self,
        variant: rp.Variant,
        binarizer: zxingcpp.Binarizer,
        formats: zxingcpp.BarcodeFormats | None,
        try_invert: bool = True,
    ) -> Iterator[Detection]:
        if formats is None:
            barcodes = zxingcpp.read_barcodes(
                variant.gray,
                text_mode=self.text_mode,
                binarizer=binarizer,
                ean_add_on_symbol=self.add_on,
                try_invert=try_invert,
            )
        else:
            barcodes = zxingcpp.read_barcodes(
                variant.gray,
                formats=formats,
                text_mode=self.text_mode,
                binarizer=binarizer,
                ean_add_on_symbol=self.add_on,
                try_invert=try_invert,
            )
        for b in barcodes:
            fmt, family = b.format.name, b.symbology.name
            content = str(b.content_type).rsplit(".", 1)[-1]
            mapped = spec_type(fmt, family, b.text, content, b.symbology_identifier, self.wanted)
            if mapped is None:
                continue
            type_name, value = mapped
            extra = b.extra if isinstance(b.extra, dict) else {}
            meta = {
                "symbologyIdentifier": b.symbology_identifier,
                "ecLevel": b.ec_level,
                "contentType": content,
                "readerInit": "true" if extra.get("ReaderInit") else "false",
            }
            yield Detection(
                type=type_name,
                value=value,
                region=_region(_points(b.position), variant.to_original, self.width, self.height),
                checksum=checksum(type_name, value),
                zxing_format=str(b.format),
                text=b.text,
                raw=bytes(b.bytes),
                meta=meta,
                page=self.page,
            )

    def zbar(self, variant: rp.Variant) -> Iterator[Detection]:
        if _pyzbar is None or self.add_on is zxingcpp.EanAddOnSymbol.Require:
            return
        from PIL import Image

        symbols = [getattr(_pyzbar.ZBarSymbol, s) for s in ("EAN13", "EAN8", "UPCA", "UPCE", "ISBN13")]
        if self.wanted.wants_any(("QRCode",)):
            symbols.append(_pyzbar.ZBarSymbol.QRCODE)
        for s in _pyzbar.decode(Image.fromarray(variant.gray, mode="L"), symbols=symbols):
            if s.type == "QRCODE":
                qr = self._zbar_qr(s, variant)
                if qr is not None:
                    yield qr
                continue
            kind = _ZBAR_FORMATS.get(s.type)
            try:
                digits = s.data.decode("ascii")
            except UnicodeDecodeError:
                continue
            if kind is None or not digits.isdigit() or not _gs1_check_ok(digits):
                continue
            # Say it the way zxing-cpp says it: UPC-A and UPC-E as 13 digits.
            if kind == "UPCA" and len(digits) == 12:
                digits = "0" + digits
            elif kind == "UPCE" and len(digits) == 8:
                digits = "0" + upce_to_upca(digits[:7]) + digits[7]
            elif kind == "EAN13" and digits.startswith("0") and self._prefers_upca():
                kind = "UPCA"
            fmt_obj = getattr(zxingcpp.BarcodeFormat, kind)
            mapped = spec_type(kind, "EANUPC", digits, "Text", "]E0", self.wanted)
            if mapped is None:
                continue
            type_name, value = mapped
            left, top, w, h = s.rect
            corners = [(left, top), (left + w, top), (left + w, top + h), (left, top + h)]
            yield Detection(
                type=type_name,
                value=value,
                region=_region(
                    [(float(x), float(y)) for x, y in corners], variant.to_original, self.width, self.height
                ),
                checksum=checksum(type_name, value),
                zxing_format=str(fmt_obj),
                text=digits,
                raw=digits.encode("ascii"),
                meta={
                    "symbologyIdentifier": "]E4" if kind == "EAN8" else "]E0",
                    "contentType": "Text",
                    "readerInit": "false",
                },
                source="zbar",
                page=self.page,
            )

    def _zbar_qr(self, s: object, variant: rp.Variant) -> Detection | None:
        data: bytes = getattr(s, "data", b"")
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError:
            return None
        mapped = spec_type("QRCode", "QRCode", text, "Text", "]Q1", self.wanted)
        if mapped is None:
            return None
        polygon = [(float(p.x), float(p.y)) for p in getattr(s, "polygon", [])]
        if len(polygon) != 4:
            left, top, w, h = getattr(s, "rect", (0, 0, 0, 0))
            polygon = [(left, top), (left + w, top), (left + w, top + h), (left, top + h)]
        type_name, value = mapped
        shown = escape_non_graphical(text) if self.text_mode is zxingcpp.TextMode.Escaped else text
        return Detection(
            type=type_name,
            value=value,
            region=_region(polygon, variant.to_original, self.width, self.height),
            checksum=None,
            zxing_format=str(zxingcpp.BarcodeFormat.QRCode),
            text=shown,
            raw=data,
            meta={"symbologyIdentifier": "]Q1", "contentType": "Text", "readerInit": "false"},
            source="zbar",
            page=self.page,
        )

    def _prefers_upca(self) -> bool:
        names = self.wanted.names
        return names is not None and "UPCA" in names and "EAN13" not in names

    # -- bookkeeping ------------------------------------------------------------------------------------------------
    def add(self, det: Detection, family: str, primary: bool) -> None:
        linear = _format_key(det.zxing_format) in _LINEAR
        if primary or not linear:
            self._accept(det)
            return
        key = (det.zxing_format, det.text)
        cand = self.pending.get(key)
        if cand is None:
            self.pending[key] = _Candidate(det, {family}, linear)
            return
        cand.families.add(family)
        if len(cand.families) >= 2:
            self._accept(cand.det)

    def _accept(self, det: Detection) -> None:
        for other in self.accepted:
            if other.type == det.type and other.value == det.value and _overlap(other.region, det.region):
                return
        self.accepted.append(det)


def _gs1_check_ok(digits: str) -> bool:
    if len(digits) not in (8, 12, 13):
        return True
    total = sum(int(c) * (3 if i % 2 == 1 else 1) for i, c in enumerate(reversed(digits[:-1]), start=1))
    return (10 - total % 10) % 10 == int(digits[-1])


_FORMAT_KEYS = {
    str(f): f.name for f in zxingcpp.barcode_formats_list(zxingcpp.BarcodeFormats(zxingcpp.BarcodeFormat.All))
}


def _format_key(display: str) -> str:
    return _FORMAT_KEYS.get(display, display)


def _overlap(a: Sequence[tuple[int, int]], b: Sequence[tuple[int, int]]) -> bool:
    ax0, ax1 = min(p[0] for p in a), max(p[0] for p in a)
    ay0, ay1 = min(p[1] for p in a), max(p[1] for p in a)
    bx0, bx1 = min(p[0] for p in b), max(p[0] for p in b)
    by0, by1 = min(p[1] for p in b), max(p[1] for p in b)
    slack = 4
    return not (ax1 + slack < bx0 or bx1 + slack < ax0 or ay1 + slack < by0 or by1 + slack < ay0)


def recognize_array(
    gray: np.ndarray,
    types: Sequence[str] | None = None,
    mode: Mode = Mode.NORMAL,
    kind: ImageKind = ImageKind.PHOTO,
    *,
    require_ean_add_on: bool = False,
    text_mode: zxingcpp.TextMode = zxingcpp.TextMode.HRI,
    budget: float | None = None,
    page: int = 0,
) -> list[Detection]:
    """Barcodes in one grayscale page. ``types``: spec DecodeBarcodeType names; None or empty scans for all."""
    wanted = resolve(types)
    deadline = time.monotonic() + (BUDGET_SECONDS[mode] if budget is None else budget)
    gray = np.ascontiguousarray(gray, dtype=np.uint8)
    # EAN/UPC add-ons are not part of the main symbol's value (the spec names them a type of their own).
    add_on = zxingcpp.EanAddOnSymbol.Require if require_ean_add_on else zxingcpp.EanAddOnSymbol.Ignore
    search = _Search(gray, wanted, text_mode, add_on, page)
    for det in search.zxing(rp.original(gray), zxingcpp.Binarizer.LocalAverage, wanted.formats):
        search.add(det, "primary", primary=True)
    if search.accepted or min(gray.shape) < 8:
        return search.accepted

    linear_formats = _restrict(wanted, _LINEAR)
    matrix_formats = _restrict(wanted, frozenset(_FORMAT_KEYS.values()) - _LINEAR)
    zbar_useful = _pyzbar is not None and wanted.wants_any(_ZBAR_WANTS)
    for name in _plan(mode, kind):
        if time.monotonic() >= deadline:
            break
        spec = _P[name]
        if spec.reader == "zbar" and not zbar_useful:
            continue
        formats = wanted.formats
        if spec.linear_only:
            if linear_formats is None:
                continue
            formats = linear_formats
        if spec.matrix_only:
            if matrix_formats is None:
                continue
            formats = matrix_formats
        if spec.only:
            if not wanted.wants_any(spec.only):
                continue
            formats = zxingcpp.barcode_formats_from_str(",".join(spec.only))
        try:
            variants = spec.make(gray)
        except (ValueError, MemoryError):  # a variant that cannot be built for this image: skip the pass
            continue
        for variant in variants:
            if time.monotonic() >= deadline:
                break
            if spec.reader == "zbar":
                found = list(search.zbar(variant))
            else:
                found = list(search.zxing(variant, spec.binarizer, formats, try_invert=not spec.linear_only))
            for det in found:
                search.add(_with_source(det, name), spec.family, primary=spec.trusted)
        if search.accepted:
            break
    return search.accepted


def _restrict(wanted: Wanted, names: frozenset[str]) -> zxingcpp.BarcodeFormats | None:
    """The wanted formats that belong to ``names`` (linear or matrix), or None when there are none."""
    pool = (
        zxingcpp.barcode_formats_list(zxingcpp.BarcodeFormats(zxingcpp.BarcodeFormat.All))
        if wanted.formats is None
        else zxingcpp.barcode_formats_list(wanted.formats)
    )
    keep = sorted({f.name for f in pool if f.name in names})
    # Families (e.g. EANUPC) expand to their members; keep only concrete readable names.
    if not keep:
        return None
    with contextlib.suppress(ValueError):
        return zxingcpp.barcode_formats_from_str(",".join(keep))
    return None


def _with_source(det: Detection, source: str) -> Detection:
    return Detection(
        type=det.type,
        value=det.value,
        region=det.region,
        checksum=det.checksum,
        zxing_format=det.zxing_format,
        text=det.text,
        raw=det.raw,
        meta=det.meta,
        source=source,
        page=det.page,
    )


def recognize_bytes(
    data: bytes,
    types: Sequence[str] | None = None,
    mode: Mode = Mode.NORMAL,
    kind: ImageKind = ImageKind.PHOTO,
    *,
    max_bytes: int = DEFAULT_MAX_BYTES,
    max_pixels: int = DEFAULT_MAX_PIXELS,
) -> list[Detection]:
    """Barcodes in every page of an uploaded image; the time budget is shared by the pages."""
    resolve(types)  # unknown types are a 400 before any decoding
    pages = load_image_bytes(data, max_bytes=max_bytes, max_pixels=max_pixels)
    deadline = time.monotonic() + BUDGET_SECONDS[mode]
    out: list[Detection] = []
    for page in pages:
        remaining = max(0.05, deadline - time.monotonic())
        out.extend(recognize_array(page.gray, types, mode, kind, budget=remaining, page=page.index))
    return out
