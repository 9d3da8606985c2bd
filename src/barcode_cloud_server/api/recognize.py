"""The six recognize and scan operations of the Barcode API v4.

``recognize`` (GET, by ``fileUrl``), ``recognize-body`` (base64 in a JSON or XML body) and ``recognize-multipart``
look for the requested types; ``scan``, ``scan-body`` and ``scan-multipart`` look for every type. All need the
``barcode.recognize`` scope and answer with a ``BarcodeResponseList`` in JSON or XML (as Accept asks).

Parameter and form field names are matched case-insensitively (as ASP.NET binds them), so the query string and
the form are read by hand rather than by FastAPI's per-parameter validation; the OpenAPI document describes them
as the spec does.

Decoding runs in worker threads, at most one per core at a time, never on the event loop. A request's time budget
(``engine.recognize_plan.BUDGET_SECONDS``) starts when it is queued for a thread, so time spent waiting behind
other recognitions counts: a request whose budget ran out before a thread was free is a 503 (not an empty result,
which would read as "no barcode").

A request holds memory from its first body byte until it is answered, so each stage is bounded:

- getting the image: at most ``READING_PER_THREAD`` bodies per thread are read (or ``fileUrl`` files fetched) at
  once, more are a 503 before their body is read; a body must arrive within the ``upload_seconds`` setting of
  its headers, or it is a 408 and the connection is closed (``fileUrl`` fetches keep their own deadlines);
- with the image in hand: at most ``QUEUE_PER_THREAD`` recognitions per thread wait for a thread or decode,
  more are a 503 (the image is dropped at once);
- one client (the token's ``client_id``) holds at most ``PER_CLIENT_PER_THREAD`` recognitions per thread at any
  stage, more are a 429: one client's slow uploads cannot take the places every other client needs.
"""

from __future__ import annotations

import base64
import binascii
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from contextlib import asynccontextmanager
from functools import partial
from typing import Annotated, Any, TypeVar

import anyio
import anyio.to_thread
from fastapi import APIRouter, Depends, Request
from starlette.responses import Response

from barcode_cloud.models import (
    BarcodeResponse,
    BarcodeResponseList,
    DecodeBarcodeType,
    RecognitionImageKind,
    RecognitionMode,
    RecognizeBase64Request,
    RegionPoint,
    ScanBase64Request,
)
from barcode_cloud_server.api.bodies import by_lower_name, only, read_form, read_model
from barcode_cloud_server.api.cpu_limit import PerCoreLimiter
from barcode_cloud_server.api.errors import model_response
from barcode_cloud_server.api.fetch import fetch_url
from barcode_cloud_server.api.openapi_docs import error_response
from barcode_cloud_server.api.problems import ApiProblem
from barcode_cloud_server.engine.errors import shown
from barcode_cloud_server.engine.images import UploadTooLarge
from barcode_cloud_server.engine.recognize import BUDGET_SECONDS, Detection, ImageKind, Mode, recognize_bytes
from barcode_cloud_server.identity.scopes import RECOGNIZE
from barcode_cloud_server.identity.tokens import TokenClaims
from barcode_cloud_server.identity.verify import require_scope
from barcode_cloud_server.web.holds import Holds

router = APIRouter()
Authorized = Annotated[TokenClaims, Depends(require_scope(RECOGNIZE))]

READING_PER_THREAD = 8
QUEUE_PER_THREAD = 8
PER_CLIENT_PER_THREAD = 2
_RETRY_AFTER = {"Retry-After": "2"}
_reading = 0  # bodies being read or files fetched
_in_flight = 0  # images in hand, waiting for a decoding thread or decoding
_places = Holds()  # recognitions from their first byte to their answer
# At most one decoding thread per core (the engine is CPU-bound and releases the GIL in zxing-cpp).
_decoding_threads = PerCoreLimiter()

T = TypeVar("T")


class _BudgetSpentWaiting(Exception):
    """The request's time budget ran out while it waited for a decoding thread."""


class _Place:
    """One recognition's hold: a place among the bodies being read until the image is in hand."""

    def __init__(self, upload_seconds: float) -> None:
        self.upload_seconds = upload_seconds
        self.reading = True

    def done_reading(self) -> None:
        global _reading
        if self.reading:
            self.reading = False
            _reading -= 1

    async def body(self, reading: Awaitable[T]) -> T:
        """What ``reading`` makes of the request body, read within the upload deadline."""
        try:
            with anyio.fail_after(self.upload_seconds):
                return await reading
        except TimeoutError:
            raise ApiProblem(
                408,
                f"the request body did not arrive within {self.upload_seconds:g} s of its headers",
                code="RequestTimeout",
                headers={"Connection": "close"},  # the rest of the body is not waited for
            ) from None
        finally:
            self.done_reading()

    async def fetched(self, fetching: Awaitable[T]) -> T:
        """The file at ``fileUrl`` (the fetch keeps its own deadlines)."""
        try:
            return await fetching
        finally:
            self.done_reading()


@asynccontextmanager
async def recognition_place(request: Request, client: str) -> AsyncIterator[_Place]:
    """``client``'s place among the recognitions this process holds, taken before the image is read or fetched."""
    global _reading
    threads = _decoding_threads().total_tokens
    held = _places.of(client)
    if held >= PER_CLIENT_PER_THREAD * threads:
        raise ApiProblem(
            429,
            f"this client already has {held} recognitions in progress, the most one client may have at once; retry "
            "when one is answered",
            headers=_RETRY_AFTER,
        )
    if _reading >= READING_PER_THREAD * threads:
        raise ApiProblem(503, f"the server is busy: {_reading} images are being received; retry", headers=_RETRY_AFTER)
    _reading += 1
    place = _Place(float(request.app.state.settings.upload_seconds))
    with _places.hold(client):
        try:
            yield place
        finally:
            place.done_reading()


async def _recognition_slot(request: Request, claims: Authorized) -> AsyncIterator[_Place]:
    async with recognition_place(request, claims.client_id) as place:
        yield place


Slot = Annotated[_Place, Depends(_recognition_slot)]


def _limits(request: Request) -> tuple[int, int]:
    settings = request.app.state.settings
    return int(settings.max_upload_bytes), int(settings.max_image_pixels)


def _response(request: Request, found: Sequence[Detection]) -> Response:
    barcodes = [
        BarcodeResponse(
            barcode_value=d.value,
            type=d.type,
            region=[RegionPoint(x=x, y=y) for x, y in d.region],
            checksum=d.checksum,
        )
        for d in found
    ]
    return model_response(request, BarcodeResponseList(barcodes=barcodes))


async def _decode(
    request: Request,
    data: bytes,
    types: Sequence[str] | None,
    mode: RecognitionMode | None,
    kind: RecognitionImageKind | None,
) -> Response:
    max_bytes, max_pixels = _limits(request)
    if len(data) > max_bytes:
        raise ApiProblem(413, f"the image is larger than the limit of {max_bytes} bytes")
    engine_mode = Mode(mode.value) if mode else Mode.NORMAL
    budget = BUDGET_SECONDS[engine_mode]
    deadline = time.monotonic() + budget
    job = partial(
        recognize_bytes,
        data,
        list(types) if types else None,
        engine_mode,
        ImageKind(kind.value) if kind else ImageKind.PHOTO,
        max_bytes=max_bytes,
        max_pixels=max_pixels,
        deadline=deadline,
    )

    def run() -> list[Detection]:
        if time.monotonic() >= deadline:
            raise _BudgetSpentWaiting
        return job()

    global _in_flight
    if _in_flight >= QUEUE_PER_THREAD * _decoding_threads().total_tokens:
        raise ApiProblem(503, f"the server is busy: {_in_flight} recognitions are queued; retry", headers=_RETRY_AFTER)
    _in_flight += 1
    try:
        found = await anyio.to_thread.run_sync(run, limiter=_decoding_threads())
    except UploadTooLarge as exc:
        raise ApiProblem(413, exc.message) from None
    except _BudgetSpentWaiting:
        raise ApiProblem(
            503,
            f"the server is busy: the {engine_mode.value} recognition budget of {budget:g} s ran out while the "
            "request waited for a decoding thread; retry",
            headers=_RETRY_AFTER,
        ) from None
    finally:
        _in_flight -= 1
    return _response(request, found)


def _b64(text: str) -> bytes:
    """Base64 (standard or URL-safe, whitespace and a ``data:...;base64,`` prefix tolerated) to bytes."""
    if text.startswith("data:") and "," in text[:200]:
        text = text.split(",", 1)[1]
    compact = "".join(text.split())
    compact += "=" * (-len(compact) % 4)
    try:
        if "-" in compact or "_" in compact:
            return base64.urlsafe_b64decode(compact)
        return base64.b64decode(compact, validate=True)
    except (binascii.Error, ValueError):
        raise ApiProblem(400, "fileBase64 is not valid base64") from None


def _body_limit(request: Request) -> int:
    max_bytes, _ = _limits(request)
    return 4 * (-(-max_bytes // 3)) + 64 * 1024  # base64 of the largest image plus room for the envelope


# barcodeType may be given several times, as barcodeTypes in the bodies holds several: every one is searched for.
_MANY = ("barcodetype",)
Fields = dict[str, list[str]]


def _query(request: Request) -> Fields:
    return by_lower_name(request.query_params.multi_items(), _MANY)


async def _multipart(request: Request) -> tuple[bytes, Fields]:
    """The image (the ``file`` part, else the first file part) and the text fields (by lower-case name) of a form."""
    hint = "send the image as multipart/form-data with a 'file' part"
    form = await read_form(request, _body_limit(request), hint, _MANY)
    data = form.files["file"] if "file" in form.files else next(iter(form.files.values()), None)
    if data is None:
        raise ApiProblem(400, "the form has no 'file' part with the image")
    return data, form.fields


def _enum_field(fields: Fields, name: str, enum: type[Any]) -> Any:
    """The value of query parameter or form field ``name`` (``fields`` by lower-case name) as ``enum``."""
    raw = only(fields, name.lower())
    return None if raw is None or raw == "" else _enum_value(name, raw, enum)


def _barcode_types(fields: Fields) -> list[str]:
    """Every ``barcodeType`` given (at least one)."""
    given = [raw for raw in fields.get("barcodetype", []) if raw != ""]
    if not given:
        allowed = ", ".join(member.value for member in DecodeBarcodeType)
        raise ApiProblem(400, f"barcodeType is required; allowed values: {allowed}")
    return list(dict.fromkeys(_enum_value("barcodeType", raw, DecodeBarcodeType).value for raw in given))


def _enum_value(name: str, raw: str, enum: type[Any]) -> Any:
    try:
        return enum(raw)
    except ValueError:
        allowed = ", ".join(member.value for member in enum)
        raise ApiProblem(400, f"{name}: {shown(raw)} is not one of the allowed values: {allowed}") from None


def _file_url(fields: Fields) -> str:
    url = only(fields, "fileurl")
    if not url:
        raise ApiProblem(400, "fileUrl is required: the http or https URL of the barcode image")
    return url


_RESPONSES: dict[int | str, dict[str, Any]] = {
    200: {
        "description": "OK",
        "model": BarcodeResponseList,
        "content": {"application/xml": {"schema": {"$ref": "#/components/schemas/BarcodeResponseList"}}},
    },
    400: error_response("Bad request: ApiErrorResponse (JSON or XML per Accept) saying what is wrong"),
    401: error_response("Missing or invalid access token"),
    403: error_response("The token lacks the barcode.recognize scope"),
    408: error_response("The request body did not arrive within the upload deadline"),
    413: error_response("The image (uploaded or at fileUrl) or the request body is larger than the limit"),
    415: error_response("The body's Content-Type is not one this operation reads"),
    429: error_response("This client already has as many recognitions in progress as one client may"),
    500: {"description": "Internal Server Error"},
    503: error_response(
        "Busy: the time budget ran out while waiting for a decoding thread, or too many images being received or "
        "queued; or the database cannot be reached (a client this server has not seen yet)"
    ),
}


_ENUMS: dict[str, dict[str, Any]] = {
    "recognitionMode": {"type": "string", "enum": [m.value for m in RecognitionMode]},
    "recognitionImageKind": {"type": "string", "enum": [k.value for k in RecognitionImageKind]},
}
_TYPE_SCHEMA: dict[str, Any] = {"type": "string", "enum": [t.value for t in DecodeBarcodeType]}


def _body_doc(with_types: bool) -> dict[str, Any]:
    props: dict[str, Any] = {"fileBase64": {"type": "string", "description": "Image bytes encoded as base64."}}
    required = ["fileBase64"]
    if with_types:
        props = {"barcodeTypes": {"type": "array", "items": _TYPE_SCHEMA}, **props, **_ENUMS}
        required.insert(0, "barcodeTypes")
    schema = {"type": "object", "required": required, "properties": props}
    return {
        "requestBody": {
            "required": True,
            "content": {"application/json": {"schema": schema}, "application/xml": {"schema": schema}},
        }
    }


def _form_doc(with_type: bool) -> dict[str, Any]:
    """The form body: its fields are required, the body itself is left unmarked (as in the spec)."""
    props: dict[str, Any] = {"file": {"type": "string", "format": "binary", "description": "Barcode image file."}}
    required = ["file"]
    if with_type:
        props = {"barcodeType": _TYPE_SCHEMA, **props, **_ENUMS}
        required.insert(0, "barcodeType")
    return {
        "requestBody": {
            "content": {
                "multipart/form-data": {"schema": {"type": "object", "properties": props, "required": required}}
            },
        }
    }


_URL_DOC: dict[str, Any] = {
    "name": "fileUrl",
    "in": "query",
    "description": "URL to the barcode image.",
    "required": True,
    "schema": {"type": "string", "format": "uri"},
}


def _query_doc(with_types: bool) -> dict[str, Any]:
    """The query parameters of a GET operation (read by hand, see ``_query``), as the spec describes them."""
    if not with_types:
        return {"parameters": [_URL_DOC]}
    return {
        "parameters": [
            {
                "name": "barcodeType",
                "in": "query",
                "description": "Type of barcode to recognize.",
                "required": True,
                "schema": _TYPE_SCHEMA,
            },
            _URL_DOC,
            {
                "name": "recognitionMode",
                "in": "query",
                "description": "Recognition mode.",
                "required": False,
                "schema": _ENUMS["recognitionMode"],
            },
            {
                "name": "recognitionImageKind",
                "in": "query",
                "description": "Image kind for recognition.",
                "required": False,
                "schema": _ENUMS["recognitionImageKind"],
            },
        ]
    }


def _operation(
    method: str, path: str, tag: str, operation_id: str, summary: str, openapi_extra: dict[str, Any] | None = None
) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """One of the six routes: the shared responses, a raw Response (JSON or XML, as Accept asks)."""
    return router.api_route(
        path,
        methods=[method],
        tags=[tag],
        operation_id=operation_id,
        summary=summary,
        responses=_RESPONSES,
        response_class=Response,
        openapi_extra=openapi_extra,
    )


async def _fetch(request: Request, url: str) -> bytes:
    max_bytes, _ = _limits(request)
    allow_private = bool(request.app.state.settings.allow_private_urls)
    return await fetch_url(url, max_bytes=max_bytes, allow_private=allow_private)


@_operation(
    "GET",
    "/v4.0/barcode/recognize",
    "Recognize",
    "Recognize",
    "Recognize a barcode from a file on an Internet server (GET with a query string).",
    _query_doc(with_types=True),
)
async def recognize(request: Request, _claims: Authorized, slot: Slot) -> Response:
    query = _query(request)
    barcode_types = _barcode_types(query)
    file_url = _file_url(query)
    mode = _enum_field(query, "recognitionMode", RecognitionMode)
    kind = _enum_field(query, "recognitionImageKind", RecognitionImageKind)
    data = await slot.fetched(_fetch(request, file_url))
    return await _decode(request, data, barcode_types, mode, kind)


@_operation(
    "POST",
    "/v4.0/barcode/recognize-body",
    "Recognize",
    "RecognizeBase64",
    "Recognize a barcode from base64 image bytes in a JSON or XML body.",
    _body_doc(with_types=True),
)
async def recognize_body(request: Request, _claims: Authorized, slot: Slot) -> Response:
    body = await slot.body(read_model(request, RecognizeBase64Request, _body_limit(request)))
    types = [t.value for t in body.barcode_types]
    if not types:
        raise ApiProblem(400, "barcodeTypes must name at least one type")
    return await _decode(request, _b64(body.file_base64), types, body.recognition_mode, body.recognition_image_kind)


@_operation(
    "POST",
    "/v4.0/barcode/recognize-multipart",
    "Recognize",
    "RecognizeMultipart",
    "Recognize a barcode from an image file sent as multipart/form-data.",
    _form_doc(with_type=True),
)
async def recognize_multipart(request: Request, _claims: Authorized, slot: Slot) -> Response:
    return await _answer_form(request, slot, every_type=False)


@_operation(
    "GET",
    "/v4.0/barcode/scan",
    "Scan",
    "Scan",
    "Scan for barcodes of every type in a file on an Internet server (GET with a query string).",
    _query_doc(with_types=False),
)
async def scan(request: Request, _claims: Authorized, slot: Slot) -> Response:
    data = await slot.fetched(_fetch(request, _file_url(_query(request))))
    return await _decode(request, data, None, None, None)


@_operation(
    "POST",
    "/v4.0/barcode/scan-body",
    "Scan",
    "ScanBase64",
    "Scan for barcodes of every type in base64 image bytes in a JSON or XML body.",
    _body_doc(with_types=False),
)
async def scan_body(request: Request, _claims: Authorized, slot: Slot) -> Response:
    body = await slot.body(read_model(request, ScanBase64Request, _body_limit(request)))
    return await _decode(request, _b64(body.file_base64), None, None, None)


@_operation(
    "POST",
    "/v4.0/barcode/scan-multipart",
    "Scan",
    "ScanMultipart",
    "Scan for barcodes of every type in an image file sent as multipart/form-data.",
    _form_doc(with_type=False),
)
async def scan_multipart(request: Request, _claims: Authorized, slot: Slot) -> Response:
    return await _answer_form(request, slot, every_type=True)


async def _answer_form(request: Request, place: _Place, every_type: bool) -> Response:
    """recognize-multipart's answer (scan-multipart's with ``every_type``) to its form."""
    data, fields = await place.body(_multipart(request))
    if every_type:
        return await _decode(request, data, None, None, None)
    barcode_types = _barcode_types(fields)
    mode = _enum_field(fields, "recognitionMode", RecognitionMode)
    kind = _enum_field(fields, "recognitionImageKind", RecognitionImageKind)
    return await _decode(request, data, barcode_types, mode, kind)


async def answer_form(request: Request, client: str, every_type: bool) -> Response:
    """recognize-multipart's or scan-multipart's answer for a caller that is no token's client (the dashboard
    playground, which checks its caller itself), under the same limits, ``client`` holding its places."""
    async with recognition_place(request, client) as place:
        return await _answer_form(request, place, every_type)
