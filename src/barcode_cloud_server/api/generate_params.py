"""The generate operations' parameter table: one row per query/form parameter, made from the SDK's wire models
(EncodeData's dataType and GenerateParams' option groups), with its wire name, kind, allowed values, bounds and
OpenAPI schema. Apart from ``api.generate`` (so that the everyday commands build their options from it without
loading the web stack)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import Enum
from functools import cache
from typing import Annotated, Any, get_args, get_origin

from barcode_cloud.models import BarcodeImageParams, Code128Params, EncodeData, GenerateParams, Pdf417Params, QrParams
from barcode_cloud.models.base import WireModel


@dataclass(frozen=True, slots=True)
class Param:
    wire: str
    attr: str
    kind: str  # "str", "float", "int", "bool"
    allowed: tuple[str, ...] = ()
    schema: Mapping[str, Any] = field(default_factory=dict)
    """Its OpenAPI schema."""
    description: str = ""
    group: str = ""
    """The GenerateParams field (wire name) whose model holds it: encodeData, barcodeImageParams, qrParams, ..."""


# The query and form parameters are the fields of the body's models (EncodeData's dataType and GenerateParams'
# option groups): their wire names, types, allowed values and bounds come from there. The engine's
# GenerateRequest has a field of the same name for each (tests/api/test_generate_params.py checks it).
_MODEL_FIELDS: tuple[tuple[type[WireModel], tuple[str, ...]], ...] = (
    (EncodeData, ("data_type",)),
    *((group, tuple(group.model_fields)) for group in (BarcodeImageParams, QrParams, Code128Params, Pdf417Params)),
)
# What only the documentation says: the spec's defaults (which the engine applies) and a line on each parameter.
_DEFAULTS = {"dataType": "StringData", "imageFormat": "Png", "foregroundColor": "Black", "backgroundColor": "White"}
_DESCRIPTIONS = {
    "dataType": "Type of data to encode. Default: StringData.",
    "imageFormat": "Barcode output image format. Default: Png.",
    "textLocation": "Displayed text location; default Below for 1D barcodes, None for 2D.",
    "foregroundColor": "Bars and text color: .NET color name or #ARGB.",
    "backgroundColor": "Background color: .NET color name or #ARGB.",
    "units": "Units of imageWidth/imageHeight. Default: Pixel.",
    "resolution": "Resolution in dpi (1-100000). Default: 96.",
    "imageHeight": "Image height in the given units.",
    "imageWidth": "Image width in the given units.",
    "rotationAngle": "Rotation angle in degrees, clockwise. Default: 0.",
    "qrEncodeMode": "QR encode mode.",
    "qrErrorLevel": "QR error correction level.",
    "qrVersion": "QR version; Auto picks the smallest that fits.",
    "qrECIEncoding": "ECI encoding for QR data.",
    "qrAspectRatio": "QR aspect ratio (0.001-1): range-checked, no effect (QR symbols are square).",
    "microQRVersion": "MicroQR version.",
    "rectMicroQrVersion": "RectMicroQR version.",
    "code128EncodeMode": "Code 128 subsets.",
    "pdf417EncodeMode": "PDF417 encode mode.",
    "pdf417ErrorLevel": "PDF417 error correction level.",
    "pdf417Truncate": "Truncated (compact) PDF417.",
    "pdf417Columns": "PDF417 data columns (1-30, 0 auto).",
    "pdf417Rows": "PDF417 rows (3-90, 0 auto).",
    "pdf417AspectRatio": "PDF417 row height / module width (2-10).",
    "pdf417ECIEncoding": "ECI encoding for PDF417.",
    "pdf417IsReaderInitialization": "Reader initialization.",
    "pdf417MacroCharacters": "Macro 05/06 header.",
    "pdf417IsLinked": "Linked MicroPDF417 (accepted, no effect).",
    "pdf417IsCode128Emulation": "MicroPDF417 Code 128 emulation (accepted, no effect).",
}
_JSON_TYPES = {"str": "string", "float": "number", "int": "integer", "bool": "boolean"}
# The spec's numbers are 32-bit floats and integers.
_FORMATS = {"float": "float", "int": "int32"}


def _kind(annotation: Any) -> tuple[str, tuple[str, ...]]:
    """(kind, allowed values) of a model field's annotation: an enum, str, float, int or bool, maybe Optional."""
    for arg in (*get_args(annotation), annotation):
        if get_origin(arg) is Annotated:
            arg = get_args(arg)[0]
        if isinstance(arg, type) and issubclass(arg, Enum):
            return "str", tuple(str(member.value) for member in arg)
        if arg in (str, float, int, bool):
            return str(arg.__name__), ()
    raise TypeError(f"no query parameter kind for {annotation!r}")


@cache
def _properties(model: type[WireModel]) -> dict[str, Any]:
    """The JSON schemas of a model's fields, by wire name."""
    return dict(model.model_json_schema(by_alias=True)["properties"])


def _param(model: type[WireModel], attr: str) -> Param:
    info = model.model_fields[attr]
    wire = info.alias or attr
    kind, allowed = _kind(info.annotation)
    # pydantic's schema of an optional field: anyOf [the value's schema, null]; its bounds are the spec's
    spec = _properties(model)[wire]
    value: dict[str, Any] = next((s for s in spec.get("anyOf", [spec]) if s.get("type") != "null"), {})
    schema: dict[str, Any] = {"type": "string", "enum": list(allowed)} if allowed else {"type": _JSON_TYPES[kind]}
    schema.update({k: value[k] for k in ("minimum", "maximum") if k in value})
    if kind in _FORMATS:
        schema["format"] = _FORMATS[kind]
    if wire in _DEFAULTS:
        schema["default"] = _DEFAULTS[wire]
    return Param(wire, attr, kind, allowed, schema, _DESCRIPTIONS[wire], _group(model))


def _group(model: type[WireModel]) -> str:
    for name, info in GenerateParams.model_fields.items():
        if model is info.annotation or model in get_args(info.annotation):
            return info.alias or name
    raise TypeError(f"GenerateParams holds no {model.__name__}")


PARAMS: tuple[Param, ...] = tuple(_param(model, attr) for model, attrs in _MODEL_FIELDS for attr in attrs)
