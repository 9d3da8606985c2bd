"""The models and enums against the published aspose_barcode_cloud package and the wire contract."""

from __future__ import annotations

import inspect
import json
from typing import Any

import aspose_barcode_cloud
import aspose_barcode_cloud.models as aspose_models
import pytest
from pydantic import ValidationError

import barcode_cloud.models as ours
from barcode_cloud.models import (
    BarcodeResponseList,
    DecodeBarcodeType,
    EncodeBarcodeType,
    EncodeData,
    GenerateParams,
    QrParams,
    RecognizeBase64Request,
)
from tests.support.paths import SPEC_PATH

SPEC = json.loads(SPEC_PATH.read_text())["components"]["schemas"]
ASPOSE_CLASSES = {n: c for n, c in vars(aspose_models).items() if inspect.isclass(c)}
ENUMS = sorted(n for n, c in ASPOSE_CLASSES.items() if not c.swagger_types)
MODELS = sorted(n for n, c in ASPOSE_CLASSES.items() if c.swagger_types)


def test_every_aspose_model_name_exists() -> None:
    assert set(ASPOSE_CLASSES) == set(SPEC)
    for name in ASPOSE_CLASSES:
        assert hasattr(ours, name), name


@pytest.mark.parametrize("name", ENUMS)
def test_enum_members_match_aspose(name: str) -> None:
    theirs = {k: v for k, v in vars(ASPOSE_CLASSES[name]).items() if k.isupper() and isinstance(v, str)}
    mine = getattr(ours, name)
    assert {m.name: m.value for m in mine} == theirs
    for attr, value in theirs.items():
        assert getattr(mine, attr) == value
        assert f"{getattr(mine, attr)}" == value
    assert [m.value for m in mine] == SPEC[name]["enum"]


@pytest.mark.parametrize("name", MODELS)
def test_model_fields_and_aliases_match_aspose(name: str) -> None:
    theirs = ASPOSE_CLASSES[name]
    mine = getattr(ours, name)
    fields = mine.model_fields
    assert list(fields) == list(theirs.swagger_types), "same attributes in the same (positional) order"
    for attr, wire in theirs.attribute_map.items():
        assert fields[attr].alias == wire
    assert set(theirs.attribute_map.values()) == set(SPEC[name]["properties"])
    required = set(SPEC[name].get("required", []))
    for attr, wire in theirs.attribute_map.items():
        assert fields[attr].is_required() == (wire in required), attr


@pytest.mark.parametrize("name", MODELS)
def test_xml_names_follow_the_spec(name: str) -> None:
    mine = getattr(ours, name)
    assert mine.__xml_name__ == SPEC[name]["xml"]["name"]
    for wire, prop in SPEC[name]["properties"].items():
        if "xml" in prop:
            assert ours.xml.element_name(wire) == prop["xml"]["name"]


def test_round_trips_json_and_xml() -> None:
    params = GenerateParams(
        barcode_type="qr",
        encode_data=EncodeData(data="héllo <&>", data_type="base64bytes"),
        qr_params=QrParams(qr_eci_encoding="UTF8", micro_qr_version="M2", qr_aspect_ratio=0.5),
    )
    assert params.barcode_type is EncodeBarcodeType.QR
    wire = params.to_wire()
    assert wire == {
        "barcodeType": "QR",
        "encodeData": {"dataType": "Base64Bytes", "data": "héllo <&>"},
        "qrParams": {"qrECIEncoding": "UTF8", "qrAspectRatio": 0.5, "microQRVersion": "M2"},
    }
    assert GenerateParams.from_json(params.to_json()) == params
    xml = params.to_xml()
    assert b"<GenerateParams><BarcodeType>QR</BarcodeType>" in xml
    assert b"<QrECIEncoding>UTF8</QrECIEncoding>" in xml
    assert GenerateParams.from_xml(xml) == params


def test_lists_in_xml_are_wrapped() -> None:
    req = RecognizeBase64Request(barcode_types=[DecodeBarcodeType.QR, "code128"], file_base64="AA==")
    xml = req.to_xml()
    assert b"<BarcodeTypes><DecodeBarcodeType>QR</DecodeBarcodeType>" in xml
    assert RecognizeBase64Request.from_xml(xml) == req
    result = BarcodeResponseList.from_wire(
        {"barcodes": [{"barcodeValue": "v", "type": "QR", "region": [{"x": 1, "y": 2}], "extra": 1}]}
    )
    xml = result.to_xml()
    assert b"<Barcodes><BarcodeResponse><BarcodeValue>v</BarcodeValue>" in xml
    assert b"<Region><Point><X>1</X><Y>2</Y></Point></Region>" in xml
    assert BarcodeResponseList.from_xml(xml.decode().lower().replace("qr", "QR")) == result


def test_xml_with_doctype_is_refused() -> None:
    evil = '<!DOCTYPE x [<!ENTITY a "a">]><ScanBase64Request><FileBase64>&a;</FileBase64></ScanBase64Request>'
    with pytest.raises(ValueError, match="DOCTYPE"):
        ours.ScanBase64Request.from_xml(evil)


@pytest.mark.parametrize(
    ("factory", "kwargs"),
    [
        (EncodeData, {"data": ""}),
        (ours.BarcodeImageParams, {"resolution": 0}),
        (QrParams, {"qr_aspect_ratio": 2}),
        (ours.Pdf417Params, {"pdf417_columns": 31}),
        (GenerateParams, {"barcode_type": "NoSuchType", "encode_data": {"data": "x"}}),
        (GenerateParams, {"encode_data": {"data": "x"}}),
    ],
)
def test_invalid_values_raise_value_error(factory: Any, kwargs: dict[str, Any]) -> None:
    with pytest.raises(ValueError):
        factory(**kwargs)
    assert issubclass(ValidationError, ValueError)


def test_positional_construction_and_to_dict_like_aspose() -> None:
    mine = EncodeData("StringData", "abc")
    theirs = aspose_barcode_cloud.EncodeData("StringData", "abc")
    assert mine.to_dict() == theirs.to_dict()
    assert mine.data == "abc"
    with pytest.raises(TypeError):
        EncodeData("StringData", "abc", "extra")
