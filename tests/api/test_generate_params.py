"""The generation options are declared once, by the SDK's wire models: the API's parameter table is made from them,
and the engine (which imports nothing of the SDK) declares the same fields and the same allowed values."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import fields
from typing import get_args

from barcode_cloud.models import GenerateParams
from barcode_cloud_server.api.generate import PARAMS
from barcode_cloud_server.engine import options as o
from barcode_cloud_server.engine.generate import GenerateRequest

# Which of the engine's tuples checks which field.
ENGINE_VALUES: dict[str, Sequence[str]] = {
    "data_type": o.DATA_TYPES,
    "image_format": o.IMAGE_FORMATS,
    "text_location": o.CODE_LOCATIONS,
    "units": o.UNITS,
    "qr_encode_mode": o.QR_ENCODE_MODES,
    "qr_error_level": o.QR_ERROR_LEVELS,
    "qr_version": o.QR_VERSIONS,
    "qr_eci_encoding": list(o.ECI_ENCODINGS),
    "micro_qr_version": o.MICRO_QR_VERSIONS,
    "rect_micro_qr_version": o.RECT_MICRO_QR_VERSIONS,
    "code128_encode_mode": o.CODE128_ENCODE_MODES,
    "pdf417_encode_mode": o.PDF417_ENCODE_MODES,
    "pdf417_error_level": o.PDF417_ERROR_LEVELS,
    "pdf417_eci_encoding": list(o.ECI_ENCODINGS),
    "pdf417_macro_characters": o.MACRO_CHARACTERS,
}


def test_the_parameter_table_is_every_option_of_the_body() -> None:
    """A field added to one of GenerateParams' option groups is a query and form parameter too."""
    groups = [
        get_args(info.annotation)[0]
        for name, info in GenerateParams.model_fields.items()
        if name not in ("barcode_type", "encode_data")
    ]
    expected = [("dataType", "data_type")]
    expected += [(info.alias, name) for group in groups for name, info in group.model_fields.items()]
    assert [(p.wire, p.attr) for p in PARAMS] == expected


def test_the_engine_request_has_a_field_for_every_option() -> None:
    engine = {f.name for f in fields(GenerateRequest)}
    assert engine == {"barcode_type", "data", *(p.attr for p in PARAMS)}


def test_the_engine_allows_the_values_the_models_allow() -> None:
    enums = {p.attr: set(p.allowed) for p in PARAMS if p.allowed}
    assert set(ENGINE_VALUES) == set(enums), "an enum option the engine does not check, or the other way round"
    wrong = {attr: set(ENGINE_VALUES[attr]) ^ allowed for attr, allowed in enums.items()}
    assert not {attr: values for attr, values in wrong.items() if values}


def test_the_types_of_the_engine_request_match_the_models() -> None:
    kinds = {f.name: str(f.type) for f in fields(GenerateRequest)}
    for p in PARAMS:
        assert kinds[p.attr] == f"{p.kind} | None", p.attr
