"""The models (objects) of the Barcode Cloud v4 contract: names and attributes of ``aspose_barcode_cloud``.

Constraints of the spec are enforced (``EncodeData.data`` non-empty, ``resolution`` 1..100000...):
constructing an invalid model raises ``ValueError`` (pydantic's ``ValidationError``), as the
original's setters do. Optional fields default to ``None`` and are then not sent: the server applies
the documented defaults.
"""

from __future__ import annotations

import datetime
from typing import Annotated

from pydantic import Field

from barcode_cloud.models.base import WireModel
from barcode_cloud.models.enums import (
    BarcodeImageFormat,
    Code128EncodeMode,
    CodeLocation,
    DecodeBarcodeType,
    ECIEncodings,
    EncodeBarcodeType,
    EncodeDataType,
    GraphicsUnit,
    MacroCharacter,
    MicroQRVersion,
    Pdf417EncodeMode,
    Pdf417ErrorLevel,
    QREncodeMode,
    QRErrorLevel,
    QRVersion,
    RecognitionImageKind,
    RecognitionMode,
    RectMicroQRVersion,
)

#: Largest ``fileBase64`` of a recognize request the contract allows (characters).
MAX_FILE_BASE64_LENGTH = 28_730_982


class ApiError(WireModel):
    """Api Error."""

    __xml_name__ = "ApiError"

    code: str | None
    message: str | None
    description: str | None = None
    date_time: datetime.datetime | None = None
    inner_error: ApiError | None = None


class ApiErrorResponse(WireModel):
    """ApiError Response: the body of every error of the Barcode API."""

    __xml_name__ = "ApiErrorResponse"

    request_id: str | None
    error: ApiError


class RegionPoint(WireModel):
    """A point of the region where a barcode was found."""

    __xml_name__ = "Point"

    x: int | None = None
    y: int | None = None


class BarcodeResponse(WireModel):
    """Represents information about a barcode."""

    __xml_name__ = "BarcodeResponse"

    barcode_value: str | None = None
    type: str | None = None
    region: list[RegionPoint] | None = None
    checksum: str | None = None


class BarcodeResponseList(WireModel):
    """Represents information about a barcode list: the result of every recognize and scan operation."""

    __xml_name__ = "BarcodeResponseList"

    barcodes: list[BarcodeResponse] | None


class EncodeData(WireModel):
    """Data to encode in a barcode."""

    __xml_name__ = "EncodeData"

    data_type: EncodeDataType | None = None
    data: Annotated[str, Field(min_length=1)]


class BarcodeImageParams(WireModel):
    """Barcode image parameters (format, text location, colours, size, rotation)."""

    __xml_name__ = "BarcodeImageParams"

    image_format: BarcodeImageFormat | None = None
    text_location: CodeLocation | None = None
    foreground_color: str | None = None
    background_color: str | None = None
    units: GraphicsUnit | None = None
    resolution: Annotated[float, Field(ge=1, le=100_000)] | None = None
    image_height: float | None = None
    image_width: float | None = None
    rotation_angle: int | None = None


class QrParams(WireModel):
    """Optional QR barcode generation parameters (QR, GS1QR, MicroQR, RectMicroQR)."""

    __xml_name__ = "QrParams"

    qr_encode_mode: QREncodeMode | None = None
    qr_error_level: QRErrorLevel | None = None
    qr_version: QRVersion | None = None
    qr_eci_encoding: ECIEncodings | None = Field(default=None, alias="qrECIEncoding")
    qr_aspect_ratio: Annotated[float, Field(ge=0.001, le=1)] | None = None
    micro_qr_version: MicroQRVersion | None = Field(default=None, alias="microQRVersion")
    rect_micro_qr_version: RectMicroQRVersion | None = None


class Code128Params(WireModel):
    """Optional Code128 barcode generation parameters."""

    __xml_name__ = "Code128Params"

    code128_encode_mode: Code128EncodeMode | None = None


class Pdf417Params(WireModel):
    """Optional PDF417 barcode generation parameters."""

    __xml_name__ = "Pdf417Params"

    pdf417_encode_mode: Pdf417EncodeMode | None = None
    pdf417_error_level: Pdf417ErrorLevel | None = None
    pdf417_truncate: bool | None = None
    pdf417_columns: Annotated[int, Field(ge=0, le=30)] | None = None
    pdf417_rows: Annotated[int, Field(ge=0, le=90)] | None = None
    pdf417_aspect_ratio: Annotated[float, Field(ge=2, le=10)] | None = None
    pdf417_eci_encoding: ECIEncodings | None = Field(default=None, alias="pdf417ECIEncoding")
    pdf417_is_reader_initialization: bool | None = None
    pdf417_macro_characters: MacroCharacter | None = None
    pdf417_is_linked: bool | None = None
    pdf417_is_code128_emulation: bool | None = None


class GenerateParams(WireModel):
    """Barcode generation parameters: the body of ``generate-body``."""

    __xml_name__ = "GenerateParams"

    barcode_type: EncodeBarcodeType
    encode_data: EncodeData
    barcode_image_params: BarcodeImageParams | None = None
    qr_params: QrParams | None = None
    code128_params: Code128Params | None = None
    pdf417_params: Pdf417Params | None = None


class RecognizeBase64Request(WireModel):
    """Barcode recognition request: the body of ``recognize-body``."""

    __xml_name__ = "RecognizeBase64Request"
    __xml_items__ = {"barcode_types": "DecodeBarcodeType"}

    barcode_types: list[DecodeBarcodeType]
    file_base64: Annotated[str, Field(min_length=1, max_length=MAX_FILE_BASE64_LENGTH)]
    recognition_mode: RecognitionMode | None = None
    recognition_image_kind: RecognitionImageKind | None = None


class ScanBase64Request(WireModel):
    """Scan barcode request: the body of ``scan-body``."""

    __xml_name__ = "ScanBase64Request"

    file_base64: Annotated[str, Field(min_length=1)]


__all__ = [
    "MAX_FILE_BASE64_LENGTH",
    "ApiError",
    "ApiErrorResponse",
    "BarcodeImageParams",
    "BarcodeResponse",
    "BarcodeResponseList",
    "Code128Params",
    "EncodeData",
    "GenerateParams",
    "Pdf417Params",
    "QrParams",
    "RecognizeBase64Request",
    "RegionPoint",
    "ScanBase64Request",
]
