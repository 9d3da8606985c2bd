"""The nine operations of the v4 API as :class:`~barcode_cloud._operation.Operation` values.

Pure functions shared by the sync and async API classes: they check and convert the arguments (as
``aspose_barcode_cloud`` does: ``ValueError`` for a missing or invalid one) and say what to send.
"""

from __future__ import annotations

import io
import mimetypes
import os
from typing import Any, BinaryIO
from urllib.parse import quote

from barcode_cloud._operation import FilePart, Operation
from barcode_cloud.models import (
    BarcodeImageParams,
    BarcodeResponseList,
    Code128Params,
    DecodeBarcodeType,
    EncodeBarcodeType,
    EncodeDataType,
    GenerateParams,
    Pdf417Params,
    QrParams,
    RecognitionImageKind,
    RecognitionMode,
    RecognizeBase64Request,
    ScanBase64Request,
    WireModel,
)

IMAGE_ACCEPT = "image/*, application/json"
JSON = "application/json"

FileInput = str | os.PathLike[str] | bytes | bytearray | BinaryIO


def _text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)  # StrEnum members give their value


def _member_or_as_given(enum: Any, value: Any) -> Any:
    try:
        return enum(value)
    except ValueError:
        return value


def _required(method: str, **values: Any) -> None:
    for name, value in values.items():
        if value is None:
            raise ValueError(f"Missing the required parameter '{name}' when calling '{method}'")


def _grouped(*groups: WireModel | None) -> list[tuple[str, str]]:
    """The fields of the grouped parameter models, flattened to wire names (query string or form)."""
    out: list[tuple[str, str]] = []
    for group in groups:
        if group is None:
            continue
        for name, field in type(group).model_fields.items():
            value = getattr(group, name)
            if value is not None:
                out.append((field.alias or name, _text(value)))
    return out


def _model(cls: type[WireModel], value: Any, name: str) -> Any:
    if isinstance(value, cls):
        return value
    if isinstance(value, dict):
        return cls.model_validate(value)
    raise ValueError(f"'{name}' must be a {cls.__name__}, not {type(value).__name__}")


def generate(
    barcode_type: Any,
    data: Any,
    data_type: Any = None,
    barcode_image_params: Any = None,
    qr_params: Any = None,
    code128_params: Any = None,
    pdf417_params: Any = None,
    *,
    multipart: bool = False,
) -> Operation:
    """``GET /barcode/generate/{barcodeType}`` with the parameters in the query string, or with ``multipart``
    ``POST /barcode/generate-multipart`` with the same parameters as multipart form fields."""
    _required("generate_multipart" if multipart else "generate", barcode_type=barcode_type, data=data)
    kind = EncodeBarcodeType(barcode_type)
    fields: list[tuple[str, str]] = []
    if data_type is not None:
        # a value no member names is sent as given, as aspose does (the server's 400 lists the allowed ones): code
        # that mixes up data and data_type, as aspose's own header test does, still makes its request
        fields.append(("dataType", _text(_member_or_as_given(EncodeDataType, data_type))))
    fields.append(("data", str(data)))
    fields += _grouped(
        None
        if barcode_image_params is None
        else _model(BarcodeImageParams, barcode_image_params, "barcode_image_params"),
        None if qr_params is None else _model(QrParams, qr_params, "qr_params"),
        None if code128_params is None else _model(Code128Params, code128_params, "code128_params"),
        None if pdf417_params is None else _model(Pdf417Params, pdf417_params, "pdf417_params"),
    )
    if not multipart:
        return Operation("GET", f"/barcode/generate/{quote(kind.value, safe='')}", params=fields, accept=IMAGE_ACCEPT)
    parts: list[tuple[str, FilePart]] = [("barcodeType", (None, kind.value.encode()))]
    parts += [(name, (None, value.encode())) for name, value in fields]
    return Operation("POST", "/barcode/generate-multipart", files=parts, accept=IMAGE_ACCEPT)


def generate_body(generate_params: Any) -> Operation:
    """``POST /barcode/generate-body``: a JSON :class:`GenerateParams`."""
    _required("generate_body", generate_params=generate_params)
    body = _model(GenerateParams, generate_params, "generate_params")
    return Operation(
        "POST", "/barcode/generate-body", content=body.to_json().encode(), content_type=JSON, accept=IMAGE_ACCEPT
    )


def _recognition_fields(recognition_mode: Any, recognition_image_kind: Any) -> list[tuple[str, str]]:
    fields = []
    if recognition_mode is not None:
        fields.append(("recognitionMode", RecognitionMode(recognition_mode).value))
    if recognition_image_kind is not None:
        fields.append(("recognitionImageKind", RecognitionImageKind(recognition_image_kind).value))
    return fields


def recognize(
    barcode_type: Any, file_url: Any, recognition_mode: Any = None, recognition_image_kind: Any = None
) -> Operation:
    """``GET /barcode/recognize``: an image at a URL the server fetches."""
    _required("recognize", barcode_type=barcode_type, file_url=file_url)
    params = [("barcodeType", DecodeBarcodeType(barcode_type).value), ("fileUrl", str(file_url))]
    params += _recognition_fields(recognition_mode, recognition_image_kind)
    return Operation("GET", "/barcode/recognize", params=params, returns=BarcodeResponseList)


def recognize_base64(recognize_base64_request: Any) -> Operation:
    """``POST /barcode/recognize-body``: a JSON :class:`RecognizeBase64Request`."""
    _required("recognize_base64", recognize_base64_request=recognize_base64_request)
    body = _model(RecognizeBase64Request, recognize_base64_request, "recognize_base64_request")
    return Operation(
        "POST",
        "/barcode/recognize-body",
        content=body.to_json().encode(),
        content_type=JSON,
        returns=BarcodeResponseList,
    )


def file_part(file: FileInput) -> FilePart:
    """A file argument as ``aspose_barcode_cloud`` takes it (a path, bytes, or an open binary file)."""
    if isinstance(file, str | os.PathLike):
        path = os.fspath(file)
        with open(path, "rb") as handle:
            content = handle.read()
        name = os.path.basename(path)
        return (name, content, mimetypes.guess_type(name)[0] or "application/octet-stream")
    if isinstance(file, bytes | bytearray | memoryview):
        return ("data.bin", bytes(file), "application/octet-stream")
    if hasattr(file, "read"):
        content = file.read()
        if isinstance(content, str):
            raise ValueError("open the file in binary mode ('rb')")
        raw_name = getattr(file, "name", None)
        if isinstance(raw_name, str) and not isinstance(file, io.BytesIO):
            name = os.path.basename(raw_name)
            return (name, content, mimetypes.guess_type(name)[0] or "application/octet-stream")
        return ("data.bin", content, "application/octet-stream")
    raise ValueError(f"Unknown type {type(file).__name__} for file parameter")


def recognize_multipart(
    barcode_type: Any, file: Any, recognition_mode: Any = None, recognition_image_kind: Any = None
) -> Operation:
    """``POST /barcode/recognize-multipart``: the image as a multipart file."""
    _required("recognize_multipart", barcode_type=barcode_type, file=file)
    parts: list[tuple[str, FilePart]] = [("barcodeType", (None, DecodeBarcodeType(barcode_type).value.encode()))]
    parts.append(("file", file_part(file)))
    parts += [
        (name, (None, value.encode())) for name, value in _recognition_fields(recognition_mode, recognition_image_kind)
    ]
    return Operation("POST", "/barcode/recognize-multipart", files=parts, returns=BarcodeResponseList)


def scan(file_url: Any) -> Operation:
    """``GET /barcode/scan``: find any barcode in an image at a URL."""
    _required("scan", file_url=file_url)
    return Operation("GET", "/barcode/scan", params=[("fileUrl", str(file_url))], returns=BarcodeResponseList)


def scan_base64(scan_base64_request: Any) -> Operation:
    """``POST /barcode/scan-body``: a JSON :class:`ScanBase64Request`."""
    _required("scan_base64", scan_base64_request=scan_base64_request)
    body = _model(ScanBase64Request, scan_base64_request, "scan_base64_request")
    return Operation(
        "POST", "/barcode/scan-body", content=body.to_json().encode(), content_type=JSON, returns=BarcodeResponseList
    )


def scan_multipart(file: Any) -> Operation:
    """``POST /barcode/scan-multipart``: the image as a multipart file."""
    _required("scan_multipart", file=file)
    return Operation("POST", "/barcode/scan-multipart", files=[("file", file_part(file))], returns=BarcodeResponseList)
