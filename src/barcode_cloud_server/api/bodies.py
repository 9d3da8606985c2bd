"""Request bodies of the spec's models, in JSON or XML (as the Content-Type says), with a size limit."""

from __future__ import annotations

from typing import TypeVar, get_args

from defusedxml import ElementTree as SafeElementTree
from defusedxml.common import DefusedXmlException
from fastapi import Request
from pydantic import BaseModel, ValidationError
from starlette.requests import ClientDisconnect

from barcode_cloud.models.base import WireModel
from barcode_cloud.models.xml import from_element
from barcode_cloud_server.api.errors import ApiProblem, describe_validation_errors

M = TypeVar("M", bound=WireModel)


async def read_limited(request: Request, limit: int) -> bytes:
    """The whole body, or a 413 as soon as it passes ``limit`` bytes."""
    declared = request.headers.get("content-length")
    if declared and declared.isdigit() and int(declared) > limit:
        raise ApiProblem(413, f"the request body is larger than the limit of {limit} bytes")
    body = bytearray()
    try:
        async for chunk in request.stream():
            body += chunk
            if len(body) > limit:
                raise ApiProblem(413, f"the request body is larger than the limit of {limit} bytes")
    except ClientDisconnect:
        # The client went away (or its chunked encoding broke) mid-body: its fault, not an unhandled error, so
        # not a logged traceback and a 500 in the metrics; nobody may be left to read this answer.
        raise ApiProblem(400, "the request body was cut off before its end") from None
    return bytes(body)


def parse_model(cls: type[M], body: bytes, content_type: str) -> M:
    """``cls`` from a JSON or XML body; every problem is a 400 that says what is wrong."""
    kind = content_type.split(";")[0].strip().lower()
    if not body.strip():
        raise ApiProblem(400, f"the request body is empty; send {cls.__xml_name__} as JSON or XML")
    try:
        if kind in ("application/xml", "text/xml") or kind.endswith("+xml"):
            try:
                # defusedxml refuses DTDs, entity expansion and external references.
                root = SafeElementTree.fromstring(body, forbid_dtd=True)
            except (SafeElementTree.ParseError, DefusedXmlException) as exc:
                raise ApiProblem(400, f"the XML body could not be parsed: {exc}") from None
            except LookupError as exc:  # <?xml encoding="..."?> names an encoding Python does not know
                raise ApiProblem(400, f"the XML body's encoding is not supported: {exc}") from None
            try:
                return cls.model_validate(from_element(cls, root))
            except ValidationError as exc:
                # from_element hands over Python field names, so pydantic's errors name those (barcode_image_params);
                # the caller wrote, and JSON errors say, the wire names (barcodeImageParams).
                errors = [{**err, "loc": _wire_loc(cls, err["loc"])} for err in exc.errors()]
                raise ApiProblem(400, f"invalid {cls.__xml_name__}: {describe_validation_errors(errors)}") from None
        if kind in ("application/json", "") or kind.endswith("+json"):
            return cls.model_validate_json(body)
    except ValidationError as exc:
        raise ApiProblem(400, f"invalid {cls.__xml_name__}: {describe_validation_errors(exc.errors())}") from None
    raise ApiProblem(415, f"unsupported Content-Type {kind!r}; use application/json or application/xml")


def _wire_loc(cls: type[BaseModel], loc: tuple[int | str, ...]) -> tuple[int | str, ...]:
    """An error location in field names, in the wire names (aliases) of the models along it."""
    model: type[BaseModel] | None = cls
    wire: list[int | str] = []
    for part in loc:
        field = model.model_fields.get(part) if model is not None and isinstance(part, str) else None
        if field is None:
            wire.append(part)  # a list index, or somewhere no model describes
            continue
        wire.append(field.alias or part)
        model = _model_in(field.annotation)
    return tuple(wire)


def _model_in(annotation: object) -> type[BaseModel] | None:
    """The model an annotation holds: itself, or inside Optional[...] / list[...]."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for arg in get_args(annotation):
        found = _model_in(arg)
        if found is not None:
            return found
    return None


async def read_model(request: Request, cls: type[M], limit: int) -> M:
    body = await read_limited(request, limit)
    return parse_model(cls, body, request.headers.get("content-type", ""))
