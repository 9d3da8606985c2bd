"""A ``GenerateRequest`` from the API's fields (a query string's or a form's, by wire name, matched in any case)
or from a ``GenerateParams`` body, checked by the parameter table: shared by the generate operations and the tools,
without the web framework."""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

from barcode_cloud.models import GenerateParams
from barcode_cloud_server.api.generate_params import PARAMS, Param
from barcode_cloud_server.api.problems import ApiProblem
from barcode_cloud_server.engine.errors import DATA_REQUIRED, shown
from barcode_cloud_server.engine.generate import GenerateRequest
from barcode_cloud_server.engine.symbologies import ENCODE_NAMES

_BY_WIRE = {p.wire.lower(): p for p in PARAMS}
_WIRE_NAMES = {p.attr: p.wire for p in PARAMS}
_TRUE = frozenset({"true", "1", "yes", "on"})
_INT32_MIN, _INT32_MAX = -(2**31), 2**31 - 1
# Longer than any enum value, color name or barcode type: refused here, the value shown cut short in the message.
_MAX_NAME = 64
_FALSE = frozenset({"false", "0", "no", "off"})


def _convert(param: Param, raw: str) -> Any:
    text = raw.strip()
    if param.kind == "str":
        if len(text) > _MAX_NAME:  # no enum value nor color name is this long
            allowed = ", ".join(param.allowed) if param.allowed else "a .NET color name or #AARRGGBB"
            raise ApiProblem(400, f"{param.wire} {shown(text)} is not valid; allowed values: {allowed}")
        return text
    if param.kind == "bool":
        low = text.lower()
        if low in _TRUE:
            return True
        if low in _FALSE:
            return False
        raise ApiProblem(400, f"{param.wire} must be true or false, got {shown(raw)}")
    try:
        number = float(text)
    except ValueError:
        raise ApiProblem(400, f"{param.wire} must be a number, got {shown(raw)}") from None
    if math.isnan(number) or math.isinf(number):
        raise ApiProblem(400, f"{param.wire} must be a finite number, got {shown(raw)}")
    if param.kind == "int":
        if number != int(number):
            raise ApiProblem(400, f"{param.wire} must be a whole number, got {shown(raw)}")
        if not _INT32_MIN <= number <= _INT32_MAX:
            raise ApiProblem(400, f"{param.wire} is out of range (a 32-bit integer), got {shown(raw)}")
        return int(number)
    return number


def request_from_fields(barcode_type: str, fields: Mapping[str, str]) -> GenerateRequest:
    """A GenerateRequest from query or form fields (wire names, matched case-insensitively)."""
    values: dict[str, Any] = {}
    data: str | None = None
    seen: set[str] = set()
    for key, raw in fields.items():
        low = key.lower()
        if low in seen:  # the same name in two cases (data and Data): one field given twice
            raise ApiProblem(400, f"{shown(key)} is given more than once; this operation takes one {shown(key)}")
        seen.add(low)
        if low == "data":
            data = raw
            continue
        param = _BY_WIRE.get(low)
        if param is None or raw == "":
            continue
        values[param.attr] = _convert(param, raw)
    if data is None or data == "":
        raise ApiProblem(400, DATA_REQUIRED)
    if len(barcode_type) > _MAX_NAME:
        allowed = ", ".join(ENCODE_NAMES)
        raise ApiProblem(400, f"barcode type {shown(barcode_type)} is not valid; allowed values: {allowed}")
    return GenerateRequest(barcode_type=barcode_type, data=data, **values)


def request_from_params(params: GenerateParams) -> GenerateRequest:
    values: dict[str, Any] = {}
    for group in (params.barcode_image_params, params.qr_params, params.code128_params, params.pdf417_params):
        if group is None:
            continue
        for name, value in group:
            if value is not None:
                if isinstance(value, int) and not isinstance(value, bool) and not _INT32_MIN <= value <= _INT32_MAX:
                    raise ApiProblem(400, f"{_WIRE_NAMES[name]} is out of range (a 32-bit integer), got {value}")
                # the SDK's enums are str subclasses: the engine gets the plain wire value (as in its error messages)
                values[name] = str(value) if isinstance(value, str) else value
    encode = params.encode_data
    if encode.data_type is not None:
        values["data_type"] = str(encode.data_type)
    return GenerateRequest(barcode_type=str(params.barcode_type), data=encode.data, **values)
