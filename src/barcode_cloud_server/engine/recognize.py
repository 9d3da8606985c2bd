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
import math
import time
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace

import numpy as np
import zxingcpp
from PIL import Image

from barcode_cloud_server.engine import recognition
from barcode_cloud_server.engine import recognize_composite as composite
from barcode_cloud_server.engine import recognize_passes as rp
from barcode_cloud_server.engine.datacheck import add_on_check, upce_to_upca
from barcode_cloud_server.engine.images import DEFAULT_MAX_BYTES, DEFAULT_MAX_PIXELS, iter_pages
from barcode_cloud_server.engine.pdf417_macro import read_segment
from barcode_cloud_server.engine.recognize_add_on import beyond as add_on_beyond
from barcode_cloud_server.engine.recognize_add_on import split as split_add_on
from barcode_cloud_server.engine.recognize_add_on import tall_enough as add_on_tall_enough
from barcode_cloud_server.engine.recognize_budget import SAFETY, Clock
from barcode_cloud_server.engine.recognize_databar import form as databar_form
from barcode_cloud_server.engine.recognize_plan import BUDGET_SECONDS, PASSES, ImageKind, Mode, Page, plan
from barcode_cloud_server.engine.recognize_types import (
    Wanted,
    checksum,
    data_text,
    escape_non_graphical,
    gs1_check_ok,
    resolve,
    spec_type,
)

__all__ = ["BUDGET_SECONDS", "Detection", "ImageKind", "Mode", "recognize_array", "recognize_bytes"]

try:  # ZBar is optional at run time: without libzbar0 the passes that use it are skipped.
    from pyzbar import pyzbar as _pyzbar
except ImportError:  # pragma: no cover - depends on the system library
    _pyzbar = None


_LINEAR = frozenset(
    f.name for f in zxingcpp.barcode_formats_list(zxingcpp.BarcodeFormats(zxingcpp.BarcodeFormat.AllLinear))
)
_ZXING_MAX_SIDE = 65535
_EVERY_FORMAT = zxingcpp.BarcodeFormats([])  # zxing-cpp reads an empty set as "every format" (its default)
_ZBAR_FORMATS = {
    "EAN13": "EAN13",
    "EAN8": "EAN8",
    "UPCA": "UPCA",
    "UPCE": "UPCE",
    "ISBN13": "ISBN",
}
_ADD_ON_HOSTS = frozenset({"EAN13", "EAN8", "UPCA", "UPCE", "ISBN"})  # zxing-cpp formats that may carry an add-on
# The passes that go on looking for the add-on of an EAN/UPC symbol already found (Supplement asked for by name):
# the ones that read tilted add-ons (taller scanlines when upscaled, levelled when turned), not the whole plan.
_ADD_ON_PASSES = frozenset({"histogram", "up2-histogram", "up2-sharpened", "up1.5", "deskewed", "turned-15"})
# How many reads of one linear symbol (its first ones) are searched for a composite component above it: each costs
# a sampling of the region above, and a perspective photo read by pass after pass spent its whole budget on them.
_COMPOSITE_TRIES = 3
_ZBAR_WANTS = ("EAN13", "EAN8", "UPCA", "UPCE", "ISBN", "EANUPC", "QRCode")
# The least time the engine's own decoders get once they start, seconds (see _own_read).
OWN_FLOOR = 0.05


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
    host: str = ""  # a Supplement's main symbol, as the reader's text


@dataclass
class _Candidate:
    det: Detection
    families: set[str]  # the pass families that read it; two different ones confirm it


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
        # A read located a 2D symbol (finder patterns and all) that failed its checks; None: not probed yet.
        self.damaged_2d: bool | None = None
        # How often each linear symbol (format, text) was searched for a composite component above it, and the
        # composite its CC-A or CC-B made (checked by its own code): a later pass that reads the linear symbol
        # again confirms it without reading the component again.
        self.composite_tries: dict[tuple[str, str], int] = {}
        self.composites_read: dict[tuple[str, str], Detection] = {}
        # Where each such linear symbol was read and by which pass family: a component read later counts those
        # reads as confirming its linear symbol (``confirming``: the families, by the composite's format and text).
        self.composite_hosts: dict[tuple[str, str], list[tuple[tuple[tuple[int, int], ...], str]]] = {}
        self.confirming: dict[tuple[str, str], set[str]] = {}

    # -- readers ----------------------------------------------------------------------------------------------------
    def zxing(
        self,
        variant: rp.Variant,
        binarizer: zxingcpp.Binarizer,
        formats: zxingcpp.BarcodeFormats | None,
        try_invert: bool = True,
        note_damage: bool = False,
        family: str = "primary",
    ) -> Iterator[Detection]:
        """zxing-cpp's reads of one variant. ``note_damage``: also ask for the symbols it located but could not
        decode, and note a 2D one in ``damaged_2d`` (only for 2D formats: asking for errors changes zxing-cpp's
        linear results, e.g. ean13-1/35 loses its right reading and keeps a wrong one)."""
        if max(variant.gray.shape) > _ZXING_MAX_SIDE:
            return  # zxing-cpp refuses such images with a ValueError (a long strip, or a strip scaled up)
        barcodes = zxingcpp.read_barcodes(
            variant.gray,
            formats=_EVERY_FORMAT if formats is None else formats,
            text_mode=self.text_mode,
            binarizer=binarizer,
            ean_add_on_symbol=self.add_on,
            try_invert=try_invert,
            return_errors=note_damage,
        )
        # A main symbol read both alone and with its add-on (scanlines above and through the add-on) is one symbol.
        alone = {(b.format.name, b.text) for b in barcodes if b.valid and b.symbology_identifier != "]E3"}
        combined = [(b.format.name, b.text) for b in barcodes if b.valid and b.symbology_identifier == "]E3"]
        add_ons: list[Detection] = []
        paired: set[int] = set()
        if self.wanted.composites:
            for det, parts in self._composites(variant, barcodes, family):
                paired |= parts
                yield det
        for index, b in enumerate(barcodes):
            fmt, family = b.format.name, b.symbology.name
            if index in paired:
                continue  # a part of a composite symbol reported above
            if not b.valid:
                # Found but not decoded: for a 2D symbol, the passes that reshape the image may still read it.
                if fmt not in _LINEAR:
                    self.damaged_2d = True
                continue
            content = str(b.content_type).rsplit(".", 1)[-1]
            text = b.text
            if self.text_mode is zxingcpp.TextMode.HRI:
                text = data_text(text, bytes(b.bytes), content, b.symbology_identifier)
            extra = b.extra if isinstance(b.extra, dict) else {}
            # An add-on counts only in a combined read (text ending with it, ]E3): zxing-cpp 3.1.1 also returns
            # reads of a tilted main symbol whose EanAddOn was decoded off a scanline crossing the printed digits.
            add_on = str(extra.get("EanAddOn") or "") if b.symbology_identifier == "]E3" else ""
            points = _points(b.position)
            main_text, add_on_points = text, points
            if add_on and text.endswith(add_on):  # the main symbol's value is reported without its add-on
                main_text = text[: -len(add_on)]
                points, add_on_points = split_add_on(points, fmt, add_on)
                if not add_on_tall_enough(add_on_points):
                    add_on = ""  # read along an edge of its bars: the main symbol only
            else:
                add_on = ""
            kind = databar_form(fmt, variant.gray, points)  # DataBar's tall and short forms share a format
            file_id = str(extra.get("FileId") or "")
            if fmt == "PDF417" and file_id:
                kind = "MacroPDF417"  # a control block: the symbol is (a segment of) a Macro PDF417
            mapped = spec_type(kind, family, main_text, content, b.symbology_identifier, self.wanted)
            if mapped is not None and not (add_on and (fmt, main_text) in alone):
                type_name, value = mapped
                meta = {
                    "symbologyIdentifier": b.symbology_identifier,
                    "ecLevel": b.ec_level,
                    "contentType": content,
                    "readerInit": "true" if extra.get("ReaderInit") else "false",
                }
                if file_id:
                    meta["macroFileId"] = file_id
                yield Detection(
                    type=type_name,
                    value=value,
                    region=_region(points, variant.to_original, self.width, self.height),
                    checksum=checksum(type_name, value),
                    zxing_format=str(b.format),
                    text=text,
                    raw=bytes(b.bytes),
                    meta=meta,
                    page=self.page,
                )
            if add_on and self.wanted.wants_supplement:
                region = _region(add_on_points, variant.to_original, self.width, self.height)
                add_ons.append(self._supplement(add_on, region, main_text))
            elif (
                self.wanted.wants_supplement
                and fmt in _ADD_ON_HOSTS
                and not any(f == fmt and t.startswith(main_text) for f, t in combined)
            ):
                # zxing-cpp looks for an add-on up to 10 modules from its symbol; GS1 allows 12.
                far = add_on_beyond(variant.gray, points, fmt)
                if far is not None:
                    region = _region(far[1], variant.to_original, self.width, self.height)
                    add_ons.append(self._supplement(far[0], region, main_text))
        yield from add_ons  # after every main symbol of the read, whichever of its reads came first

    def _composites(
        self, variant: rp.Variant, barcodes: Sequence[zxingcpp.Barcode], family: str
    ) -> Iterator[tuple[Detection, set[int]]]:
        """The GS1 composite symbols among a read's symbols (by a pass of ``family``), each with the indexes of the
        reads it is made of."""
        others = [(b.format.name, _points(b.position)) for b in barcodes]
        for index, b in enumerate(barcodes):
            if not b.valid:
                continue
            linear = composite.linear_element_string(b.format.name, bytes(b.bytes), b.symbology_identifier)
            if linear is None:
                continue
            key = (b.format.name, b.text)
            points = _points(b.position)
            region = _region(points, variant.to_original, self.width, self.height)
            hosts = self.composite_hosts.setdefault(key, [])
            earlier = {f for place, f in hosts if f != family and _overlap(place, region)}
            hosts.append((region, family))
            known = self.composites_read.get(key)
            if known is not None and _overlap(known.region, region):
                yield known, {index}
                continue
            if self.composite_tries.get(key, 0) >= _COMPOSITE_TRIES:
                continue
            self.composite_tries[key] = self.composite_tries.get(key, 0) + 1
            found = composite.read(variant.gray, b.format.name, points, others)
            if found is None:
                continue
            value = composite.join(linear, found.value)
            det = Detection(
                type=composite.TYPE,
                value=value,
                region=_region(composite.corners(found.corners, points), variant.to_original, self.width, self.height),
                checksum=None,
                zxing_format=str(b.format),
                text=value,
                raw=value.encode("ascii"),
                meta={
                    "symbologyIdentifier": b.symbology_identifier,
                    "contentType": "GS1",
                    "readerInit": "false",
                    "compositeComponent": found.kind,
                },
                page=self.page,
            )
            if found.pdf417 is None:
                self.composites_read[key] = det
            self.confirming.setdefault((det.zxing_format, det.text), set()).update(earlier)
            yield det, {index} if found.pdf417 is None else {index, found.pdf417}

    def _supplement(self, add_on: str, region: tuple[tuple[int, int], ...], host: str) -> Detection:
        """The add-on of an EAN/UPC symbol as a result of its own (the spec's Supplement type)."""
        five = len(add_on) == 5
        return Detection(
            type="Supplement",
            value=add_on,
            region=region,
            checksum=add_on_check(add_on),
            zxing_format=str(zxingcpp.BarcodeFormat.EAN5 if five else zxingcpp.BarcodeFormat.EAN2),
            text=add_on,
            raw=add_on.encode("ascii"),
            meta={"symbologyIdentifier": "]E2" if five else "]E1", "contentType": "Text", "readerInit": "false"},
            page=self.page,
            host=host,
        )

    def zbar(self, variant: rp.Variant) -> Iterator[Detection]:
        if _pyzbar is None or self.add_on is zxingcpp.EanAddOnSymbol.Require:
            return
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
            if kind is None or not digits.isdigit() or (len(digits) in (8, 12, 13) and not gs1_check_ok(digits)):
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
    def found_enough(self) -> bool:
        """Something asked for was found; but when Supplement was asked for by name and an EAN/UPC symbol came
        without its add-on, a few passes (``_ADD_ON_PASSES``) go on: a tilted add-on is often read by a later pass
        than its symbol."""
        if not self.accepted:
            return False
        names = self.wanted.names
        if names is None or "Supplement" not in names or any(d.type == "Supplement" for d in self.accepted):
            return True
        return not any(_format_key(d.zxing_format) in _ADD_ON_HOSTS for d in self.accepted)

    def hosts_add_on(self, det: Detection) -> bool:
        """``det`` is the add-on of a symbol already found."""
        return det.type == "Supplement" and any(
            d.text.startswith(det.host) and _format_key(d.zxing_format) in _ADD_ON_HOSTS for d in self.accepted
        )

    def add(self, det: Detection, family: str, primary: bool) -> None:
        linear = _format_key(det.zxing_format) in _LINEAR
        if primary or not linear:
            self._accept(det)
            return
        key = (det.zxing_format, det.text)
        cand = self.pending.get(key)
        if cand is None:
            cand = self.pending[key] = _Candidate(det, {family})
        cand.families |= {family} | self.confirming.get(key, set())
        if len(cand.families) >= 2:
            self._accept(cand.det)

    def _accept(self, det: Detection) -> None:
        for other in self.accepted:
            if other.type == det.type and other.value == det.value and _overlap(other.region, det.region):
                return
        self.accepted.append(det)


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


def _add_on_mode(wanted: Wanted) -> zxingcpp.EanAddOnSymbol:
    """EAN/UPC add-ons are read when the Supplement type is looked for (asked for, or a scan)."""
    return zxingcpp.EanAddOnSymbol.Read if wanted.wants_supplement else zxingcpp.EanAddOnSymbol.Ignore


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
    clock = Clock(time.monotonic() + (BUDGET_SECONDS[mode] if budget is None else budget))
    add_on = zxingcpp.EanAddOnSymbol.Require if require_ean_add_on else _add_on_mode(wanted)
    search = _Search(np.ascontiguousarray(gray, dtype=np.uint8), wanted, text_mode, add_on, page)
    return _recognize_page(search, mode, kind, clock)


def recognize_bytes(
    data: bytes,
    types: Sequence[str] | None = None,
    mode: Mode = Mode.NORMAL,
    kind: ImageKind = ImageKind.PHOTO,
    *,
    max_bytes: int = DEFAULT_MAX_BYTES,
    max_pixels: int = DEFAULT_MAX_PIXELS,
    deadline: float | None = None,
) -> list[Detection]:
    """Barcodes in every page of an uploaded image; the time budget (decoding the file included) is shared by the
    pages, and pages there is no time left for are neither decoded nor searched. ``deadline``
    (``time.monotonic()``) replaces the mode's budget from now, for a caller whose request was already waiting."""
    wanted = resolve(types)  # unknown types are a 400 before any decoding
    clock = Clock(time.monotonic() + BUDGET_SECONDS[mode] if deadline is None else deadline)

    def afford(index: int, pixels: int, decode_ns: float) -> bool:
        # The first page is always decoded (the pixel limit bounds its cost): an upload is never left unread.
        # A later one only when decoding it and a first look at it fit in the time left.
        look = clock.read_cost(min(pixels, _FIRST_LOOK_PIXELS))
        return index == 0 or (clock.remaining() > 0 and clock.affords(clock.prep_cost(pixels, decode_ns) + look))

    out: list[Detection] = []
    for page in iter_pages(data, max_bytes=max_bytes, max_pixels=max_pixels, afford=afford):
        search = _Search(page.gray, wanted, zxingcpp.TextMode.HRI, _add_on_mode(wanted), page.index)
        out.extend(_recognize_page(search, mode, kind, clock))
        del page, search  # not held while the next page decodes
    return out


# However little time is left, the first page gets one read of at least this many pixels.
_FIRST_LOOK_PIXELS = 250_000
# A page too large for the time left is read downscaled first, to a size priced at this share of the time left:
# enough to find any code that is not tiny, and leaves time for the full-size read or passes on the copy.
_FIRST_LOOK_SHARE = 0.25


def _recognize_page(search: _Search, mode: Mode, kind: ImageKind, clock: Clock) -> list[Detection]:
    return _merge_segments(search.gray, _search_page(search, mode, kind, clock))


def _merge_segments(gray: np.ndarray, found: list[Detection]) -> list[Detection]:
    """The segments of one Macro PDF417 file found in the page, merged into one result in segment order, when all
    of them are there (indexes 0 to n - 1 and n is the count the last one gives) and each one's control block reads
    exactly; otherwise the segments stay separate results."""
    files: dict[str, list[Detection]] = {}
    for det in found:
        if det.meta.get("macroFileId"):
            files.setdefault(det.meta["macroFileId"], []).append(det)
    out = list(found)
    for file_id, parts in files.items():
        if len(parts) < 2:
            continue
        segments = [read_segment(gray, [(float(x), float(y)) for x, y in det.region]) for det in parts]
        if any(s is None or s.file_id != file_id for s in segments):
            continue
        ordered = sorted(
            ((s, d) for s, d in zip(segments, parts, strict=True) if s is not None), key=lambda p: p[0].index
        )
        last = ordered[-1][0]
        count = last.count if last.count is not None else len(ordered) if last.last else None
        if [s.index for s, _ in ordered] != list(range(len(ordered))) or count != len(ordered):
            continue
        dets = [d for _, d in ordered]
        xs = [x for d in dets for x, _ in d.region]
        ys = [y for d in dets for _, y in d.region]
        merged = replace(
            dets[0],
            value="".join(d.value for d in dets),
            text="".join(d.text for d in dets),
            raw=b"".join(d.raw for d in dets),
            region=((min(xs), min(ys)), (max(xs), min(ys)), (max(xs), max(ys)), (min(xs), max(ys))),
        )
        out = [merged if d is parts[0] else d for d in out if d is parts[0] or d not in parts]
    return out


def _search_page(search: _Search, mode: Mode, kind: ImageKind, clock: Clock) -> list[Detection]:
    if max(search.gray.shape) > _ZXING_MAX_SIDE:  # the loader refuses such pages; array callers get nothing
        return []
    work = _first_read(search, clock) if search.wanted.zxing else rp.original(search.gray)
    # Types asked for by name that only the own decoders read get them first. A scan tries zxing-cpp's passes
    # first (on photos they find what the first read missed far more often, for less CPU: bench/FIGURES.md),
    # keeping the own decoders' price in reserve, and runs them when the passes found nothing.
    scan = search.wanted.names is None
    if not scan:
        _own_read(search, mode, clock)
    if work is not None and min(work.gray.shape) >= 8 and search.wanted.zxing:
        types, price = _own_search(search, mode)
        _passes(search, work, mode, kind, clock, reserve=price if scan and types and clock.affords(price) else 0.0)
    if scan:
        _own_read(search, mode, clock)
    return search.accepted


def _passes(search: _Search, work: rp.Variant, mode: Mode, kind: ImageKind, clock: Clock, reserve: float) -> None:
    """The plan's passes on ``work`` until one finds what was asked for, each started only when it fits in the
    time left less ``reserve`` (seconds kept for the own decoders)."""
    if search.found_enough():
        return
    wanted = search.wanted
    linear_formats = _restrict(wanted, _LINEAR)
    matrix_formats = _restrict(wanted, frozenset(_FORMAT_KEYS.values()) - _LINEAR)
    zbar_useful = _pyzbar is not None and wanted.wants_any(_ZBAR_WANTS)
    pixels = work.gray.size
    page = Page(work.gray)
    for name in plan(mode, kind):
        if search.found_enough() or clock.remaining() <= 0:  # stop at the first pass that finds what was asked for
            break
        spec = PASSES[name]
        if search.accepted and name not in _ADD_ON_PASSES:
            continue
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
        if spec.when_damaged and not _damaged_2d(search, work, matrix_formats, clock):
            continue
        # Priced before building: the variant and at least one read of its size must fit in the time left.
        if not clock.affords(clock.prep_cost(pixels, spec.prep_ns) + clock.read_cost(pixels) + reserve):
            continue
        try:
            variants = spec.make(page)
        except (ValueError, MemoryError):  # a variant that cannot be built for this image: skip the pass
            continue
        for variant in variants:
            if not clock.affords(clock.read_cost(variant.gray.size) + reserve):
                continue
            located = rp.within(work, variant)
            if spec.reader == "zbar":
                found = list(search.zbar(located))
            else:
                started = time.monotonic()
                found = list(
                    search.zxing(located, spec.binarizer, formats, try_invert=not spec.linear_only, family=spec.family)
                )
                clock.learn(variant.gray.size, time.monotonic() - started)
            if search.accepted:  # going on only for the add-on of a symbol already found
                found = [d for d in found if search.hosts_add_on(d)]
            for det in found:
                search.add(replace(det, source=name), spec.family, primary=spec.trusted)


def _own_read(search: _Search, mode: Mode, clock: Clock) -> None:
    """The engine's own decoders (``engine.recognition``), for the types no reader here handles: when they were
    asked for, and in Normal and Excellent scans whose reads and passes found nothing (Fast scans stay
    zxing-cpp's; the types with no start, stop or check are never scanned for). Priced like a pass, from the
    page's size.

    A scan that found Code 128 symbols still looks for the stacks such rows make: zxing-cpp reads each row of a
    Codablock F as a Code 128 of its own, and the rows a stack accounts for give way to it."""
    scan = search.wanted.names is None
    types, price = _own_search(search, mode)
    if not types or not clock.affords(price):
        return
    rows = [d for d in search.accepted if _format_key(d.zxing_format) == "Code128"]
    # A busy page can hold more bar-like stretches than the price foresaw: the decoders stop at twice their price,
    # and never sooner than OWN_FLOOR (a small page's price is below what its search takes on shared cores).
    allowed = max(2 * price, OWN_FLOOR)
    found = recognition.find(search.gray, types, min(clock.deadline, time.monotonic() + allowed))
    # Light bars on a dark ground only for a type asked for: a scan leaves the time to the other passes.
    if not found and not scan and clock.affords(price):
        found = recognition.find_inverted(search.gray, types, min(clock.deadline, time.monotonic() + allowed))
    for read in found:
        if read.type in _STACKS_OF_CODE128:
            inside = [d for d in rows if _within(d.region, read.region)]
            search.accepted = [d for d in search.accepted if not any(d is row for row in inside)]
        search.add(
            Detection(
                type=read.type,
                value=read.value,
                region=read.region,
                checksum=read.checksum,
                zxing_format=read.type,  # no zxing-cpp format reads it: the spec's name stands in
                text=read.value,
                # Bytes come back one character each (U+0000-U+00FF); text an ECI named or Chinese, as UTF-8.
                raw=read.value.encode("latin-1" if max(read.value, default="\0") <= "\xff" else "utf-8"),
                meta={"symbologyIdentifier": "", "contentType": "Text", "readerInit": "false"},
                source="engine",
                page=search.page,
            ),
            "engine",
            primary=True,
        )


def _own_search(search: _Search, mode: Mode) -> tuple[frozenset[str], float]:
    """The types the own decoders would look for in the page now (see _own_read), and the price of that search."""
    scan = search.wanted.names is None
    types = search.wanted.own & recognition.TYPES if not scan else recognition.TYPES - recognition.ASKED_ONLY
    if scan and mode is Mode.FAST:
        return frozenset(), 0.0
    if scan and search.accepted:
        if not any(_format_key(d.zxing_format) == "Code128" for d in search.accepted):
            return frozenset(), 0.0
        types = types & _STACKS_OF_CODE128
    return types, recognition.price(search.gray.shape, types) * SAFETY


# Stacked symbologies whose rows are Code 128 symbols to zxing-cpp.
_STACKS_OF_CODE128 = frozenset({"CodablockF"})


def _within(inner: Sequence[tuple[int, int]], outer: Sequence[tuple[int, int]]) -> bool:
    """Whether the centre of ``inner`` lies in the convex quadrilateral ``outer`` (its corners in order, either way
    round), so that a turned stack claims no symbol beside it."""
    cx = sum(p[0] for p in inner) / len(inner)
    cy = sum(p[1] for p in inner) / len(inner)
    sides = [
        (bx - ax) * (cy - ay) - (by - ay) * (cx - ax)
        for (ax, ay), (bx, by) in zip(outer, [*outer[1:], outer[0]], strict=True)
    ]
    return all(side >= 0 for side in sides) or all(side <= 0 for side in sides)


def _damaged_2d(search: _Search, work: rp.Variant, formats: zxingcpp.BarcodeFormats | None, clock: Clock) -> bool:
    """Whether zxing-cpp locates a 2D symbol in the work image that it cannot decode (asked once, 2D formats
    only): the passes that reshape the image for such a symbol are worth their reads only then."""
    if search.damaged_2d is None:
        search.damaged_2d = False
        if formats is not None and clock.affords(clock.read_cost(work.gray.size)):
            for det in search.zxing(work, zxingcpp.Binarizer.LocalAverage, formats, note_damage=True):
                search.add(det, "primary", primary=True)
    return bool(search.damaged_2d)


def _first_read(search: _Search, clock: Clock) -> rp.Variant | None:
    """zxing-cpp's own read of the page, and the image the extra passes then work on.

    A page that the time left cannot pay for twice is read downscaled first; then the full page is read if its
    price (now learnt from the copy) fits, else the extra passes work on the copy. None: no time for
    even a small copy (a later page of a file whose budget is spent).
    """
    gray = search.gray
    full = rp.original(gray)
    if clock.affords(2 * clock.read_cost(gray.size)):
        _timed_read(search, full, clock)
        return full
    target = int(clock.pixels_for(_FIRST_LOOK_SHARE * clock.remaining()))
    if search.page == 0:
        target = max(target, _FIRST_LOOK_PIXELS)
    if target < _FIRST_LOOK_PIXELS // 4:
        return None
    factor = math.sqrt(target / gray.size)
    small = rp.scaled(gray, factor)
    _timed_read(search, small, clock)
    # Even when the copy found something, the full page may hold more (small codes next to large ones): it is
    # read too when the rate learnt from the copy says it fits (duplicates merge by region).
    if clock.affords(clock.read_cost(gray.size)):
        _timed_read(search, full, clock)
        return full
    return small


def _timed_read(search: _Search, variant: rp.Variant, clock: Clock) -> None:
    started = time.monotonic()
    found = list(search.zxing(variant, zxingcpp.Binarizer.LocalAverage, search.wanted.formats))
    clock.learn(variant.gray.size, time.monotonic() - started)
    for det in found:
        search.add(det, "primary", primary=True)


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
