"""API errors as the spec's ``ApiErrorResponse``, in JSON or XML as the client's Accept header asks."""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable, Mapping
from datetime import UTC, datetime
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.responses import Response

from barcode_cloud.models import ApiError, ApiErrorResponse
from barcode_cloud.models.base import WireModel
from barcode_cloud_server.api.problems import ApiProblem
from barcode_cloud_server.engine.errors import EngineError
from barcode_cloud_server.identity.unavailable import DATABASE_UNAVAILABLE, RETRY_AFTER
from barcode_cloud_server.identity.verify import AccessRefused
from barcode_cloud_server.web.request_body import BodyError

log = logging.getLogger("barcode_cloud.api")


def wants_xml(request: Request) -> bool:
    """True when the client prefers XML (application/xml or text/xml) to JSON; JSON is the default.

    Preference is the Accept header's quality values (RFC 9110 §12.5.1), then the order listed; ``q=0`` means
    "not this". ``image/svg+xml`` is an image format, not a wish for XML errors.
    """
    best: tuple[float, bool] | None = None  # (quality, is XML) of the first most-preferred JSON or XML entry
    for entry in request.headers.get("accept", "").split(","):
        media, *params = (part.strip().lower() for part in entry.split(";"))
        if media in ("application/json", "text/json"):
            xml = False
        elif media in ("application/xml", "text/xml"):
            xml = True
        else:
            continue
        quality = _quality(params)
        if quality > 0 and (best is None or quality > best[0]):
            best = (quality, xml)
    return best is not None and best[1]


def _quality(params: list[str]) -> float:
    for param in params:
        name, _, value = param.partition("=")
        if name.strip() == "q":
            try:
                return min(max(float(value), 0.0), 1.0)
            except ValueError:
                return 1.0
    return 1.0


# XML 1.0 cannot carry these characters at all, escaped or not; messages may quote them from a request.
_NOT_XML = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def _xml_safe(text: str | None) -> str | None:
    return None if text is None else _NOT_XML.sub(lambda m: f"\\x{ord(m.group()):02x}", text)


def model_response(request: Request, model: WireModel, status: int = 200) -> Response:
    """Render one of the spec's models as JSON, or as XML when the client asks for it."""
    if wants_xml(request):
        return Response(model.to_xml(), status, media_type="application/xml")
    return Response(model.to_json(), status, media_type="application/json")


def problem_response(request: Request, problem: ApiProblem) -> Response:
    xml = wants_xml(request)
    error = ApiError(
        code=problem.code,
        message=_xml_safe(problem.message) if xml else problem.message,
        description=_xml_safe(problem.description) if xml else problem.description,
        date_time=datetime.now(UTC).replace(microsecond=0),
    )
    body = ApiErrorResponse(request_id=getattr(request.state, "request_id", None), error=error)
    response = model_response(request, body, problem.status)
    response.headers.update(problem.headers)
    return response


def describe_validation_errors(errors: Iterable[Mapping[str, Any]]) -> str:
    """pydantic's errors as one readable line: ``barcodeType: Input should be 'QR', ...``."""
    parts = []
    for err in errors:
        where = ".".join(str(p) for p in err.get("loc", ()) if p not in ("body", "query", "path", "form"))
        parts.append(f"{where or 'request'}: {err.get('msg', 'invalid')}")
    return "; ".join(parts) or "invalid request"


def as_problem(exc: Exception, request_id: str | None) -> ApiProblem:
    """The ``ApiErrorResponse`` any exception of an API request is answered with, by the routes and the hot path
    alike; anything unexpected is logged and answered with a 500."""
    if isinstance(exc, ApiProblem):
        return exc
    if isinstance(exc, EngineError):
        return ApiProblem(400, exc.message)
    if isinstance(exc, AccessRefused):
        return ApiProblem(exc.status, exc.message, headers=exc.headers)
    if isinstance(exc, BodyError):
        return ApiProblem(exc.status, exc.message)
    if isinstance(exc, RequestValidationError):
        return ApiProblem(400, describe_validation_errors(exc.errors()))
    if isinstance(exc, StarletteHTTPException):
        return ApiProblem(exc.status_code, str(exc.detail), headers=dict(exc.headers or {}))
    if isinstance(exc, DATABASE_UNAVAILABLE):
        log.warning("database unavailable: %s", exc.__class__.__name__, extra={"request_id": request_id})
        return ApiProblem(503, "the database cannot be reached; retry", headers=RETRY_AFTER)
    log.exception("unhandled error", exc_info=exc, extra={"request_id": request_id})
    return ApiProblem(500, "internal error; quote the request id when reporting it")


def error_response(request: Request, exc: Exception) -> Response:
    """``exc`` as the ``ApiErrorResponse`` the client asked for (JSON or XML)."""
    return problem_response(request, as_problem(exc, getattr(request.state, "request_id", None)))


def install_error_handlers(app: FastAPI) -> None:
    async def on_error(request: Request, exc: Exception) -> Response:
        return error_response(request, exc)

    # Exception itself goes to Starlette's outermost handler (it re-raises after answering, for the server's log);
    # the others are answered by the exception middleware.
    for kind in (ApiProblem, EngineError, AccessRefused, BodyError, RequestValidationError, StarletteHTTPException):
        app.add_exception_handler(kind, on_error)
    app.add_exception_handler(Exception, on_error)
