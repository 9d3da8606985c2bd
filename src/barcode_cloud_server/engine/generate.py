"""Barcode generation: a :class:`GenerateRequest` (every option of the spec, in Python form) to image bytes."""

from __future__ import annotations

import base64
import binascii
import math
from dataclasses import dataclass, replace
from functools import cache

from barcode_cloud_server.engine import options as o
from barcode_cloud_server.engine import symbologies
from barcode_cloud_server.engine.builders import BUILDERS
from barcode_cloud_server.engine.colors import parse_color
from barcode_cloud_server.engine.errors import DATA_REQUIRED, InvalidBarcodeData, InvalidOption, shown, shown_number
from barcode_cloud_server.engine.geometry import Geometry
from barcode_cloud_server.engine.pdf417 import macro_pdf417
from barcode_cloud_server.engine.render import MEDIA_TYPES, RasterLayout, RenderOptions, raster_layout, render
from barcode_cloud_server.engine.symbologies import Symbology
from barcode_cloud_server.engine.zintenc import ZintJob, encode, supports_eci


@dataclass(slots=True)
class GenerateRequest:
    """Every generation option of the spec; enum values are the spec's strings (matched case-insensitively).

    Not frozen, though nothing changes it after it is built (``dataclasses.replace`` makes changed copies): a frozen
    dataclass's ``__init__`` sets every field through ``object.__setattr__``, several times slower, on every request.
    """

    barcode_type: str
    data: str
    data_type: str | None = None
    image_format: str | None = None
    text_location: str | None = None
    foreground_color: str | None = None
    background_color: str | None = None
    units: str | None = None
    resolution: float | None = None
    image_height: float | None = None
    image_width: float | None = None
    rotation_angle: int | None = None
    qr_encode_mode: str | None = None
    qr_error_level: str | None = None
    qr_version: str | None = None
    qr_eci_encoding: str | None = None
    qr_aspect_ratio: float | None = None
    micro_qr_version: str | None = None
    rect_micro_qr_version: str | None = None
    code128_encode_mode: str | None = None
    pdf417_encode_mode: str | None = None
    pdf417_error_level: str | None = None
    pdf417_truncate: bool | None = None
    pdf417_columns: int | None = None
    pdf417_rows: int | None = None
    pdf417_aspect_ratio: float | None = None
    pdf417_eci_encoding: str | None = None
    pdf417_is_reader_initialization: bool | None = None
    pdf417_macro_characters: str | None = None
    pdf417_is_linked: bool | None = None
    pdf417_is_code128_emulation: bool | None = None


@dataclass(frozen=True, slots=True)
class RenderedImage:
    content: bytes
    media_type: str


# --- table look-ups (cached) ----------------------------------------------------------------------------------


@cache
def _encode_types_lower() -> dict[str, Symbology]:
    return {row.name.lower(): row for row in symbologies.ROWS if row.encode}


def lookup_encode_type(name: str) -> Symbology:
    row = _encode_types_lower().get(name.strip().lower()) if name else None
    if row is None:
        raise InvalidOption(
            f"barcode type {shown(name)} is not valid; allowed values: {', '.join(symbologies.ENCODE_NAMES)}"
        )
    return row


_MODULE_PX = {"linear": 2, "postal": 2, "stacked": 2, "matrix": 4}
_UNIT_PER_INCH = {"Pixel": None, "Point": 72.0, "Inch": 1.0, "Millimeter": 25.4}
_QR_LEVEL = {"LevelL": 1, "LevelM": 2, "LevelQ": 3, "LevelH": 4}
_PDF417_FAMILY = frozenset({"PDF417", "PDF417COMP", "MICROPDF417"})
# MicroPDF417 row height (X) when pdf417AspectRatio is not given. zint draws the standard's minimum, 2X, and
# zxing-cpp misses about 1 in 12 such symbols at the default 2 px module (wide ones with few rows), 1 in 70 at 3X,
# none of 400 at 4X (the standard allows 2X to 5X).
_MICRO_PDF417_ROW_HEIGHT = 4.0
_QR_FAMILY = frozenset({"QRCODE", "MICROQR", "RMQR"})


def option_groups(row: Symbology) -> frozenset[str]:
    """The option groups of GenerateParams (wire names) besides the image's that change how ``row`` is drawn."""
    groups = set()
    if row.zint in _QR_FAMILY:
        groups.add("qrParams")
    if row.zint in _PDF417_FAMILY:
        groups.add("pdf417Params")
    if row.zint == "CODE128" and row.name == "Code128":  # the other Code 128 based types fix their subsets
        groups.add("code128Params")
    return frozenset(groups)


def _decode_data(req: GenerateRequest) -> str | bytes:
    data_type = o.enum_value(req.data_type, o.DATA_TYPES, "dataType", "StringData")
    if req.data is None or req.data == "":
        raise InvalidBarcodeData(DATA_REQUIRED)
    if data_type == "StringData":
        return req.data
    if data_type == "Base64Bytes":
        try:
            raw = base64.b64decode(req.data.strip(), validate=True)
        except (binascii.Error, ValueError):
            raise InvalidBarcodeData("data is not valid Base64 (dataType Base64Bytes)") from None
    else:
        try:
            raw = bytes.fromhex(req.data.replace(" ", "").replace("-", ""))
        except ValueError:
            raise InvalidBarcodeData(
                "data is not valid hexadecimal (dataType HexBytes: pairs of 0-9 A-F, spaces allowed)"
            ) from None
    if not raw:
        raise InvalidBarcodeData("data decodes to no bytes")
    return raw


def _to_px(value: float | None, unit: str, dpi: float, what: str) -> float | None:
    if value is None:
        return None
    if not isinstance(value, int | float) or math.isnan(value) or math.isinf(value):
        raise InvalidOption(f"{what} must be a number")
    if value <= 0:
        raise InvalidOption(f"{what} must be greater than 0, got {shown_number(value)}")
    per_inch = _UNIT_PER_INCH[unit]
    px = float(value) if per_inch is None else value * dpi / per_inch
    if px > 10_000:
        raise InvalidOption(f"{what} is {shown_number(px)} px: at most 10000 px a side")
    if round(px) < 1:
        raise InvalidOption(f"{what} is less than 1 px")
    return float(round(px))


def _range(value: float | None, lo: float, hi: float, what: str) -> None:
    if value is not None and not lo <= value <= hi:
        raise InvalidOption(f"{what} must be between {lo:g} and {hi:g}, got {shown_number(value)}")


# --- Code 128 subsets ------------------------------------------------------------------------------------------


def _code128_literal(text: str) -> str:
    r"""``text`` as zint's EXTRA_ESCAPE input reads it back literally. zint unescapes in two steps: the general
    escapes first (``\\`` is a backslash, ``\0`` a NUL, ...), then Code 128's (``\^A``/``\^B``/``\^C`` switch
    subsets, ``\^^`` is a literal ``\^``); so ``\^`` is written ``\^^``, then every backslash is doubled."""
    return text.replace("\\^", "\\^^").replace("\\", "\\\\")


def _code128_input(data: str, mode: str) -> tuple[str, str, bool]:
    """(zint symbology, input, extra_escape) for a Code128 encode mode."""
    if mode == "Auto":
        return "CODE128", data, False
    if mode == "CodeAB":
        return "CODE128AB", data, False
    esc = _code128_literal(data)
    in_a = all(ord(c) < 96 for c in data)
    in_b = all(32 <= ord(c) < 128 for c in data)
    if mode == "CodeA":
        if not in_a:
            raise InvalidBarcodeData("Code128 subset A holds ASCII 0-95 (upper case, digits, controls) only")
        return "CODE128", "\\^A" + esc, True
    if mode == "CodeB":
        if not in_b:
            raise InvalidBarcodeData("Code128 subset B holds ASCII 32-127 (printable characters) only")
        return "CODE128", "\\^B" + esc, True
    if mode == "CodeC":
        if not data.isdigit() or not data.isascii() or len(data) % 2:
            raise InvalidBarcodeData("Code128 subset C holds an even number of digits only")
        return "CODE128", "\\^C" + data, True
    other = "A" if mode == "CodeAC" else "B"
    if other == "A" and not all(ord(c) < 96 for c in data):
        raise InvalidBarcodeData("Code128 subsets A and C hold ASCII 0-95 only (no lower case)")
    if other == "B" and not in_b:
        raise InvalidBarcodeData("Code128 subsets B and C hold ASCII 32-127 only")
    out: list[str] = []
    i = 0
    while i < len(data):
        j = i
        while j < len(data) and data[j].isdigit() and data[j].isascii():
            j += 1
        run = j - i
        if run >= 4 or (run >= 2 and i == 0 and j == len(data)):
            if run % 2:
                out.append(f"\\^{other}" + data[i])
                i += 1
            out.append("\\^C" + data[i:j])
            i = j
        else:
            k = max(j, i + 1)
            chunk = _code128_literal(data[i:k])
            out.append(f"\\^{other}" + chunk)
            i = k
    return "CODE128", "".join(out), True


# --- zint jobs -------------------------------------------------------------------------------------------------


def _auspost_symbology(fcc: str) -> str:
    return {"45": "AUSREPLY", "87": "AUSROUTE", "92": "AUSREDIRECT"}.get(fcc, "AUSPOST")


def _printable(text: str) -> str:
    return "".join(c if c.isprintable() else " " for c in text)


def _binary_payload(job: ZintJob, req: GenerateRequest) -> None:
    """Text or bytes for the types that take any data: encode mode and ECI from qrParams / pdf417Params."""
    encode_mode, eci_name = "Auto", None
    if job.symbology in _QR_FAMILY:
        encode_mode = o.enum_value(req.qr_encode_mode, o.QR_ENCODE_MODES, "qrEncodeMode", "Auto") or "Auto"
        eci_name = o.enum_value(req.qr_eci_encoding, list(o.ECI_ENCODINGS), "qrECIEncoding")
    elif job.symbology in _PDF417_FAMILY:
        encode_mode = o.enum_value(req.pdf417_encode_mode, o.PDF417_ENCODE_MODES, "pdf417EncodeMode", "Auto") or "Auto"
        eci_name = o.enum_value(req.pdf417_eci_encoding, list(o.ECI_ENCODINGS), "pdf417ECIEncoding")
    if encode_mode == "Binary" and isinstance(job.data, str):
        job.data = job.data.encode("utf-8")
    if eci_name and eci_name != "NONE":
        job.eci = o.ECI_ENCODINGS[eci_name]
    elif encode_mode == "ECI":
        job.eci = 26
    payload = job.data
    if isinstance(payload, str) and not job.eci and not payload.isascii() and supports_eci(job.symbology):
        try:
            payload.encode("latin-1")
        except UnicodeEncodeError:
            job.eci = 26  # UTF-8, so that readers do not have to guess
    if isinstance(job.data, bytes):
        job.unicode = False


def _qr_options(job: ZintJob, req: GenerateRequest) -> None:
    level = o.enum_value(req.qr_error_level, o.QR_ERROR_LEVELS, "qrErrorLevel")
    if job.symbology == "QRCODE":
        version = o.enum_value(req.qr_version, o.QR_VERSIONS, "qrVersion", "Auto")
        if version and version != "Auto":
            job.option_2 = int(version.removeprefix("Version"))
    elif job.symbology == "MICROQR":
        version = o.enum_value(req.micro_qr_version, o.MICRO_QR_VERSIONS, "microQRVersion", "Auto")
        if version and version != "Auto":
            job.option_2 = int(version[1])
        if level == "LevelH":
            raise InvalidOption("qrErrorLevel LevelH is not available in Micro QR; allowed: LevelL, LevelM, LevelQ")
    else:
        version = o.enum_value(req.rect_micro_qr_version, o.RECT_MICRO_QR_VERSIONS, "rectMicroQrVersion", "Auto")
        if version and version != "Auto":
            job.option_2 = o.RECT_MICRO_QR_VERSIONS.index(version)
        if level in ("LevelL", "LevelQ"):
            raise InvalidOption("qrErrorLevel for RectMicroQR must be LevelM or LevelH")
    if level:
        job.option_1 = _QR_LEVEL[level]


def _pdf417_options(job: ZintJob, req: GenerateRequest) -> None:
    micro = job.symbology == "MICROPDF417"
    level = o.enum_value(req.pdf417_error_level, o.PDF417_ERROR_LEVELS, "pdf417ErrorLevel")
    if level and not micro:
        job.option_1 = int(level.removeprefix("Level"))
    _range(req.pdf417_columns, 0, 4 if micro else 30, "pdf417Columns")
    _range(req.pdf417_rows, 0, 90, "pdf417Rows")
    if req.pdf417_rows and not micro and req.pdf417_rows < 3:
        raise InvalidOption("pdf417Rows must be 0 (automatic) or between 3 and 90")
    _range(req.pdf417_aspect_ratio, 2, 10, "pdf417AspectRatio")
    if req.pdf417_columns:
        job.option_2 = req.pdf417_columns
    if req.pdf417_rows and not micro:
        job.option_3 = req.pdf417_rows
    if req.pdf417_aspect_ratio or micro:
        job.height_per_row = True
        job.height = float(req.pdf417_aspect_ratio or _MICRO_PDF417_ROW_HEIGHT)
    if req.pdf417_truncate and job.symbology == "PDF417":
        job.symbology = "PDF417COMP"
    job.reader_init = bool(req.pdf417_is_reader_initialization)
    macro = o.enum_value(req.pdf417_macro_characters, o.MACRO_CHARACTERS, "pdf417MacroCharacters", "None")
    if macro and macro != "None":
        header, trailer = "[)>\x1e" + macro[-2:] + "\x1d", "\x1e\x04"
        if isinstance(job.data, bytes):
            job.data = header.encode() + job.data + trailer.encode()
        else:
            job.data = header + job.data + trailer


def _job_and_text(row: Symbology, data: str | bytes, req: GenerateRequest) -> tuple[ZintJob, str]:
    assert row.zint is not None
    if isinstance(data, bytes) and not row.binary:
        data = data.decode("latin-1")  # bytes for a type with a character set: checked as Latin-1 text
    job = ZintJob(
        row.zint,
        data,
        gs1=row.gs1,
        option_1=row.option_1,
        option_2=row.option_2,
        option_3=row.option_3,
        height=row.height,
    )
    if row.binary:
        human = data if isinstance(data, str) else data.decode("latin-1")
        _binary_payload(job, req)
    else:
        assert isinstance(data, str)
        prepared = row.prepare(row.name, data)
        human = prepared.canonical
        job.data = prepared.encoder_input
        job.gs1_parens = not prepared.gs1_brackets
        if job.symbology == "AUSPOST":
            job.symbology = _auspost_symbology(prepared.canonical[:2])
        elif job.symbology == "CODE11":
            job.option_2 = 1 if len(prepared.encoder_input) <= 10 else 0
        elif job.symbology == "CODE128" and row.name == "Code128":
            mode = o.enum_value(req.code128_encode_mode, o.CODE128_ENCODE_MODES, "code128EncodeMode", "Auto")
            job.symbology, job.data, job.extra_escape = _code128_input(prepared.encoder_input, mode or "Auto")
    if job.symbology in _QR_FAMILY:
        _qr_options(job, req)
    if job.symbology in _PDF417_FAMILY:
        _pdf417_options(job, req)
    return job, human if human.isprintable() else _printable(human)


def build_geometry(row: Symbology, req: GenerateRequest) -> tuple[Geometry, str]:
    """Encode the request's data for ``row``: the symbol's geometry and its human-readable text."""
    data = _decode_data(req)
    if row.builder == "macro_pdf417":
        job, text = _job_and_text(row, data, req)
        geometry = macro_pdf417(job, job.symbology == "PDF417COMP", req.pdf417_aspect_ratio)
        return geometry, text
    if row.builder is not None:
        text_data = data.decode("latin-1") if isinstance(data, bytes) else data
        return BUILDERS[row.builder](row, text_data)
    job, text = _job_and_text(row, data, req)
    return encode(job, row.name), text


def render_options(row: Symbology, req: GenerateRequest) -> RenderOptions:
    """The request's image options, validated; ``text`` is ``""`` where text is shown (filled in after encoding)."""
    fmt = o.enum_value(req.image_format, o.IMAGE_FORMATS_INTERNAL, "imageFormat", "Png") or "Png"
    units = o.enum_value(req.units, o.UNITS, "units", "Pixel") or "Pixel"
    location = o.enum_value(req.text_location, o.CODE_LOCATIONS, "textLocation")
    if location is None:
        location = "Below" if row.family in ("linear", "postal") else "None"
    dpi = 96.0 if req.resolution is None else float(req.resolution)
    _range(dpi, 1, 100_000, "resolution")
    fg = parse_color(req.foreground_color or "Black", "foregroundColor")
    bg = parse_color(req.background_color or "White", "backgroundColor")
    rotation = 0 if req.rotation_angle is None else int(req.rotation_angle)
    return RenderOptions(
        image_format=fmt,
        width_px=_to_px(req.image_width, units, dpi, "imageWidth"),
        height_px=_to_px(req.image_height, units, dpi, "imageHeight"),
        module_px=_MODULE_PX[row.family],
        dpi=dpi,
        rotation=rotation,
        foreground=fg,
        background=bg,
        text=None if location == "None" else "",
        text_above=location == "Above",
        module_aspect=_module_aspect(row, req),
    )


def _module_aspect(row: Symbology, req: GenerateRequest) -> float:
    """qrAspectRatio: the height / width of a QR-family symbol's modules (Aspose's QrParameters.AspectRatio);
    1 for every other type and when not given. zxing-cpp reads QR down to 0.3 and Micro QR / rMQR down to 0.5."""
    if req.qr_aspect_ratio is None or row.zint not in _QR_FAMILY:
        return 1.0
    _range(req.qr_aspect_ratio, 0.001, 1, "qrAspectRatio")
    return float(req.qr_aspect_ratio)


@dataclass(slots=True)
class Symbol:
    """A request encoded and validated, not yet rendered."""

    geometry: Geometry
    options: RenderOptions
    planned: RasterLayout | None = None
    """Its raster layout, once ``pixels`` has made it (``render_symbol`` then uses it)."""

    def pixels(self) -> int:
        """How many pixels its raster image has: what rendering it costs, in time and memory."""
        if self.planned is None:
            self.planned = raster_layout(self.geometry, self.options)
        width, height = self.planned.size()
        return width * height


def prepare(req: GenerateRequest) -> Symbol:
    """Validate and encode; raises :class:`EngineError` subclasses on bad input."""
    row = lookup_encode_type(req.barcode_type)
    # Options are validated before encoding so that bad option names are reported even for bad data.
    opts = render_options(row, req)
    geometry, text = build_geometry(row, req)
    if opts.text is not None:
        opts = replace(opts, text=text)
    return Symbol(geometry, opts)


def render_symbol(symbol: Symbol) -> RenderedImage:
    opts = symbol.options
    return RenderedImage(render(symbol.geometry, opts, symbol.planned), MEDIA_TYPES[opts.image_format])


def generate(req: GenerateRequest) -> RenderedImage:
    """Validate, encode and render; raises :class:`EngineError` subclasses on bad input."""
    return render_symbol(prepare(req))
