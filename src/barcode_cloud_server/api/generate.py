"""The three generate operations of the Barcode API v4: GET with a query string, POST with a JSON/XML body,
POST with a form. All need the ``barcode.generate`` scope and answer with the image bytes.

Query strings and forms are parsed by hand against one parameter table (rather than by FastAPI's per-parameter
validation) to keep the per-request overhead small; the same table documents the parameters in OpenAPI.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any
from urllib.parse import unquote, unquote_to_bytes

import anyio.to_thread
from fastapi import APIRouter, Depends, Request
from starlette.responses import Response
from starlette.types import Scope

from barcode_cloud.models import GenerateParams
from barcode_cloud_server.api.bodies import read_form, read_model
from barcode_cloud_server.api.cpu_limit import PerCoreLimiter
from barcode_cloud_server.api.generate_fields import request_from_fields, request_from_params
from barcode_cloud_server.api.generate_params import PARAMS
from barcode_cloud_server.api.openapi_docs import error_response as _error
from barcode_cloud_server.api.problems import ApiProblem
from barcode_cloud_server.engine import options as o
from barcode_cloud_server.engine.errors import shown
from barcode_cloud_server.engine.generate import GenerateRequest, RenderedImage, generate, prepare, render_symbol
from barcode_cloud_server.engine.render import MEDIA_TYPES
from barcode_cloud_server.engine.symbologies import ENCODE_NAMES
from barcode_cloud_server.identity.scopes import GENERATE
from barcode_cloud_server.identity.service import Identity
from barcode_cloud_server.identity.tokens import TokenClaims
from barcode_cloud_server.identity.verify import authorize, require_scope

router = APIRouter(tags=["Generate"])

MAX_BODY_BYTES = 1 << 20
# Requests that may take long (big images, long data) are rendered in a worker thread, not on the event loop, at
# most one per core at once: a 40-megapixel image takes hundreds of MB while it renders (bench/FIGURES.md), and
# anyio's default forty threads rendering at once would take many GB; they would also hold every thread that token
# grants and database reads wait for.
_INLINE_MAX_PIXELS = 1_000_000
_INLINE_MAX_DATA = 2_000
_render_threads = PerCoreLimiter()


def query_fields(query_string: bytes) -> dict[str, str]:
    """The fields of a raw query string, read as Starlette's ``QueryParams`` reads them (``parse_qsl`` with blank
    values kept, Latin-1 bytes, ``+`` as space, %-escapes as UTF-8); a name given twice is a 400.

    Written out because it is on the hot path, where building ``QueryParams`` would cost several times more (most
    values need no unescaping).
    """
    found: dict[str, str] = {}
    for part in query_string.decode("latin-1").split("&"):
        if not part:
            continue
        name, _, value = part.partition("=")
        if "%" in name or "+" in name:
            name = _unescape(name)
        if "%" in value or "+" in value:
            value = _unescape(value)
        if name in found:
            raise ApiProblem(400, f"{shown(name)} is given more than once; this operation takes one {shown(name)}")
        found[name] = value
    return found


def _unescape(text: str) -> str:
    """``urllib.parse.unquote`` after ``+`` -> space; for ASCII text (the usual case) its one-chunk result directly,
    which is quicker."""
    text = text.replace("+", " ")
    if text.isascii():
        return unquote_to_bytes(text).decode("utf-8", "replace")
    return unquote(text)


def _bmp_wanted(accept: str, req: GenerateRequest) -> bool:
    """image/bmp when the client's Accept asks for it and not for the chosen format (nor any image)."""
    accept = accept.lower()
    if "image/bmp" not in accept:
        return False
    fmt = o.enum_value(req.image_format, o.IMAGE_FORMATS, "imageFormat", "Png") or "Png"
    return MEDIA_TYPES[fmt] not in accept and "image/*" not in accept and "*/*" not in accept


async def render_image(req: GenerateRequest, accept: str) -> RenderedImage:
    """The image for ``req`` (BMP when ``accept`` asks for it): rendered at once, or in a worker thread when long
    data makes encoding slow or the symbol's image is big."""
    if _bmp_wanted(accept, req):
        req = replace(req, image_format="Bmp")
    if len(req.data) > _INLINE_MAX_DATA:
        return await anyio.to_thread.run_sync(generate, req, limiter=_render_threads())
    symbol = prepare(req)
    if symbol.pixels() > _INLINE_MAX_PIXELS:
        return await anyio.to_thread.run_sync(render_symbol, symbol, limiter=_render_threads())
    return render_symbol(symbol)


async def _respond(request: Request, req: GenerateRequest) -> Response:
    image = await render_image(req, request.headers.get("accept", ""))
    return Response(image.content, media_type=image.media_type)


# --- OpenAPI descriptions -------------------------------------------------------------------------------------


_IMAGE_RESPONSES: dict[int | str, dict[str, Any]] = {
    200: {
        "description": "The barcode image",
        "content": {m: {"schema": {"type": "string", "format": "binary"}} for m in MEDIA_TYPES.values()},
    },
    400: _error("Bad request: ApiErrorResponse (JSON or XML per Accept) saying what is wrong"),
    401: _error("Missing or invalid access token"),
    403: _error("The token lacks the barcode.generate scope"),
    413: _error("The request body is larger than the limit"),
    415: _error("The body's Content-Type is not one this operation reads"),
    500: {"description": "Internal Server Error"},
    503: _error("The database cannot be reached (a client this server has not seen yet); retry after Retry-After"),
}
_GET_RESPONSES = {k: v for k, v in _IMAGE_RESPONSES.items() if k not in (413, 415)}


def _inline(schema: dict[str, Any]) -> dict[str, Any]:
    """A pydantic JSON schema with its ``$defs`` inlined (the models are not recursive), for a request body."""
    defs = schema.pop("$defs", {})

    def walk(node: Any) -> Any:
        if isinstance(node, dict):
            ref = node.get("$ref")
            if isinstance(ref, str) and ref.startswith("#/$defs/"):
                return walk(defs[ref.removeprefix("#/$defs/")])
            return {k: walk(v) for k, v in node.items()}
        if isinstance(node, list):
            return [walk(v) for v in node]
        return node

    return dict(walk(schema))


_TYPE_DOC = {
    "name": "barcodeType",
    "in": "path",
    "required": True,
    "schema": {"type": "string", "enum": list(ENCODE_NAMES)},
    "description": "Type of barcode to generate (matched case-insensitively).",
}
_QUERY_DOC = [
    _TYPE_DOC,
    {
        "name": "data",
        "in": "query",
        "required": True,
        "schema": {"type": "string"},
        "description": "String that represents the data to encode.",
    },
    *(
        {"name": p.wire, "in": "query", "required": False, "schema": dict(p.schema), "description": p.description}
        for p in PARAMS
    ),
]
_FORM_SCHEMA = {
    "type": "object",
    "required": ["barcodeType", "data"],
    "properties": {
        "barcodeType": {"type": "string", "enum": list(ENCODE_NAMES)},
        "data": {"type": "string"},
        **{p.wire: {**p.schema, "description": p.description} for p in PARAMS},
    },
}


def _body_doc(schema: dict[str, Any], *media_types: str, required: bool = True) -> dict[str, Any]:
    """OpenAPI ``requestBody`` of a route that reads its body itself: one schema under each media type."""
    body: dict[str, Any] = {"content": {m: {"schema": schema} for m in media_types}}
    if required:  # the spec marks the JSON/XML bodies required and leaves the multipart form unmarked
        body["required"] = True
    return {"requestBody": body}


# --- routes -----------------------------------------------------------------------------------------------------

PATH_PREFIX = "/v4.0/barcode/generate/"


def missing_type_problem(path: str) -> ApiProblem:
    """The 404 of a GET (or HEAD) under /v4.0/barcode/generate that names no barcode type, or more than one segment.

    Not a redirect and not a bare "Not Found": the caller learns what the path should look like.
    """
    rest = path.removeprefix(PATH_PREFIX.rstrip("/")).strip("/")
    what = "names no barcode type" if not rest else f"has more than one segment after generate/ ({rest!r})"
    return ApiProblem(
        404,
        f"the path {path!r} {what}: use GET {PATH_PREFIX}{{barcodeType}}?data=..., "
        "for example /v4.0/barcode/generate/QR?data=hello; allowed types: " + ", ".join(ENCODE_NAMES),
        code="NotFound",
    )


def barcode_type_in(path: str) -> str:
    """The barcode type a GET (or HEAD) path under /v4.0/barcode/generate names, or the 404 ``missing_type_problem``."""
    barcode_type = path[len(PATH_PREFIX) :] if path.startswith(PATH_PREFIX) else ""
    if not barcode_type or "/" in barcode_type:
        raise missing_type_problem(path)
    return barcode_type


async def answer_get(scope: Scope, identity: Identity) -> RenderedImage:
    """The GET operation; ``api.hotpath`` calls it directly, ahead of FastAPI, and sends the image itself.

    It reads the two headers it needs from the raw ASGI scope: building Starlette's ``Headers`` costs more.
    """
    barcode_type = barcode_type_in(scope["path"])
    authorization = accept = ""
    for name, value in scope["headers"]:
        if name == b"authorization":
            authorization = value.decode("latin-1")
        elif name == b"accept":
            accept = value.decode("latin-1")
    await authorize(identity, authorization, GENERATE, scope.setdefault("state", {}))
    req = request_from_fields(barcode_type, query_fields(scope.get("query_string", b"")))
    return await render_image(req, accept)


# In the server, api.hotpath answers GET and HEAD before routing; these routes describe the GET in OpenAPI and
# answer both the same way when the app runs without that middleware. The path takes any rest (``:path``) so that a
# path without a type or with more segments gets the same 404 as from the hot path. The type is read from the path
# rather than declared (it is documented in _QUERY_DOC), so FastAPI documents no 422: a bad type is a 400
# ApiErrorResponse like every other bad parameter.
@router.get(
    "/v4.0/barcode/generate/{barcodeType:path}",
    operation_id="Generate",
    summary="Generate a barcode using a GET request with parameters in the route and query string.",
    response_class=Response,
    responses=_GET_RESPONSES,
    openapi_extra={"parameters": _QUERY_DOC},
)
async def generate_get(request: Request) -> Response:
    image = await answer_get(request.scope, request.app.state.identity)
    return Response(image.content, media_type=image.media_type)


@router.head("/v4.0/barcode/generate/{barcodeType:path}", include_in_schema=False)
@router.api_route(PATH_PREFIX.rstrip("/"), methods=["GET", "HEAD"], include_in_schema=False)
async def generate_head(request: Request) -> Response:
    """HEAD: the headers GET would send (content type and length), no body; and the 404 of the bare path."""
    image = await answer_get(request.scope, request.app.state.identity)
    return Response(image.content, media_type=image.media_type)


@router.post(
    "/v4.0/barcode/generate-body",
    operation_id="GenerateBody",
    summary="Generate a barcode using a POST request with parameters in the request body in JSON or XML format.",
    response_class=Response,
    responses=_IMAGE_RESPONSES,
    openapi_extra=_body_doc(
        _inline(GenerateParams.model_json_schema(by_alias=True)), "application/json", "application/xml"
    ),
)
async def generate_body(
    request: Request,
    _claims: TokenClaims = Depends(require_scope(GENERATE)),  # noqa: B008
) -> Response:
    params = await read_model(request, GenerateParams, MAX_BODY_BYTES)
    return await _respond(request, request_from_params(params))


@router.post(
    "/v4.0/barcode/generate-multipart",
    operation_id="GenerateMultipart",
    summary="Generate a barcode using a POST request with parameters in a multipart form.",
    response_class=Response,
    responses=_IMAGE_RESPONSES,
    openapi_extra=_body_doc(_FORM_SCHEMA, "multipart/form-data", "application/x-www-form-urlencoded", required=False),
)
async def generate_multipart(
    request: Request,
    _claims: TokenClaims = Depends(require_scope(GENERATE)),  # noqa: B008
) -> Response:
    return await answer_form(request)


async def answer_form(request: Request) -> Response:
    """generate-multipart's answer to its form (also the dashboard playground's, which checks its caller itself)."""
    form = await read_form(request, MAX_BODY_BYTES, "send multipart/form-data")
    fields = {name: values[0] for name, values in form.fields.items()}
    for name, raw in form.files.items():  # clients may send any field as a file part
        if name in fields:
            raise ApiProblem(400, f"form field {name} is given more than once; this operation takes one {name}")
        try:
            fields[name] = raw.decode("utf-8")
        except UnicodeDecodeError:
            raise ApiProblem(400, f"form field {name} is not UTF-8 text") from None
    barcode_type = fields.get("barcodetype", "")
    if not barcode_type:
        raise ApiProblem(400, "barcodeType is required; allowed values: " + ", ".join(ENCODE_NAMES))
    return await _respond(request, request_from_fields(barcode_type, fields))
