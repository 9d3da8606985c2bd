"""One barcode image from a type, data and options given by their wire names (``imageWidth``...), as the API's
query string gives them: the API's parameter table converts and checks them, so the command line, a CSV row and
an MCP call accept exactly what the API accepts, with the same messages."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING

from barcode_cloud import ApiClient, ApiException, GenerateApi
from barcode_cloud.models import BarcodeImageParams, Code128Params, GenerateParams, Pdf417Params, QrParams
from barcode_cloud_server.api.generate_params import PARAMS, Param
from barcode_cloud_server.tools.errors import ToolError
from barcode_cloud_server.tools.remote import describe_api_error

if TYPE_CHECKING:  # the engine and the web stack load when an image is made, not when a command line is read
    from barcode_cloud_server.engine.generate import GenerateRequest

__all__ = [
    "PARAMS",
    "Param",
    "build_request",
    "format_for_path",
    "generate_local",
    "generate_remote",
    "media_type",
    "remote_params",
]

# File extensions and the image format each one means; BMP is the engine's extra format (the API gives it when
# Accept asks for image/bmp).
EXTENSIONS = {
    ".png": "Png",
    ".jpg": "Jpeg",
    ".jpeg": "Jpeg",
    ".svg": "Svg",
    ".tif": "Tiff",
    ".tiff": "Tiff",
    ".gif": "Gif",
    ".bmp": "Bmp",
}
SUFFIXES = {"Png": ".png", "Jpeg": ".jpg", "Svg": ".svg", "Tiff": ".tiff", "Gif": ".gif", "Bmp": ".bmp"}
_GROUPS = (BarcodeImageParams, QrParams, Code128Params, Pdf417Params)


def format_for_path(path: str | Path) -> str | None:
    """The image format a file name's extension names, or None when it names none."""
    return EXTENSIONS.get(Path(path).suffix.lower())


def build_request(
    barcode_type: str, data: str, options: Mapping[str, str], image_format: str | None
) -> GenerateRequest:
    """A checked request from string options by wire name; ``image_format`` (from a file name) unless
    ``imageFormat`` is among the options."""
    from barcode_cloud_server.api.generate_fields import request_from_fields
    from barcode_cloud_server.api.problems import ApiProblem

    fields = {k: v for k, v in options.items() if v is not None and v != ""}
    bmp = image_format == "Bmp" and "imageFormat" not in fields
    if image_format and not bmp:
        fields.setdefault("imageFormat", image_format)
    try:
        req = request_from_fields(barcode_type, {**fields, "data": data})
    except ApiProblem as exc:
        raise ToolError(exc.message) from None
    return replace(req, image_format="Bmp") if bmp else req


def media_type(req: GenerateRequest) -> str:
    """The media type of the image ``req`` makes (its format is checked when it is made)."""
    from barcode_cloud_server.engine.render import MEDIA_TYPES

    wanted = (req.image_format or "Png").lower()
    return next((MEDIA_TYPES[f] for f in SUFFIXES if f.lower() == wanted), MEDIA_TYPES["Png"])


def generate_local(req: GenerateRequest) -> bytes:
    from barcode_cloud_server.engine.errors import EngineError
    from barcode_cloud_server.engine.generate import generate

    try:
        return generate(req).content
    except EngineError as exc:
        raise ToolError(exc.message) from None


def generate_remote(client: ApiClient, req: GenerateRequest) -> bytes:
    """The image for ``req`` from a server, through the SDK."""
    try:
        return bytes(GenerateApi(client).generate_body(remote_params(req)))
    except ApiException as exc:
        raise ToolError(describe_api_error(exc)) from None


def remote_params(req: GenerateRequest) -> GenerateParams:
    """The SDK's body for ``req``."""
    if req.image_format == "Bmp":
        raise ToolError("BMP images are made in process only: the API gives them for Accept: image/bmp alone")
    groups: dict[str, dict[str, object]] = {}
    for param in PARAMS:
        value = getattr(req, param.attr)
        if value is None or param.wire == "dataType":
            continue
        group = next(g for g in _GROUPS if param.attr in g.model_fields)
        groups.setdefault(group.__name__, {})[param.wire] = value
    body = {
        "barcodeType": req.barcode_type,
        "encodeData": {"data": req.data, **({"dataType": req.data_type} if req.data_type else {})},
        "barcodeImageParams": groups.get("BarcodeImageParams"),
        "qrParams": groups.get("QrParams"),
        "code128Params": groups.get("Code128Params"),
        "pdf417Params": groups.get("Pdf417Params"),
    }
    try:
        return GenerateParams.model_validate({k: v for k, v in body.items() if v is not None})
    except ValueError as exc:
        raise ToolError(f"invalid options: {exc}") from None
