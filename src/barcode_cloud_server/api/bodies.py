"""Request bodies, with a size limit: the spec's models in JSON or XML (as the Content-Type says), and forms."""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass
from typing import TypeVar, get_args

from defusedxml import ElementTree as SafeElementTree
from defusedxml.common import DefusedXmlException
from fastapi import Request
from pydantic import BaseModel, ValidationError
from starlette.datastructures import UploadFile
from starlette.types import Message

from barcode_cloud.models.base import WireModel
from barcode_cloud.models.xml import from_element
from barcode_cloud_server.api.errors import describe_validation_errors
from barcode_cloud_server.api.problems import ApiProblem
from barcode_cloud_server.engine.errors import shown
from barcode_cloud_server.web.request_body import read_limited

M = TypeVar("M", bound=WireModel)
V = TypeVar("V")


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
            except (LookupError, ValueError) as exc:
                # <?xml encoding="..."?> names an encoding Python does not know (LookupError) or expat cannot read
                # (ValueError: multi-byte ones such as UTF-7 and Shift_JIS)
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


def by_lower_name(items: Iterable[tuple[str, V]], many: Collection[str] = ()) -> dict[str, list[V]]:
    """The values of each field by lower-case name (names are matched case-insensitively, as ASP.NET binds them).
    A field given more than once is a 400 unless its lower-case name is in ``many``: a repeated value is never
    dropped quietly."""
    found: dict[str, list[V]] = {}
    for name, value in items:
        values = found.setdefault(name.lower(), [])
        if values and name.lower() not in many:
            raise ApiProblem(400, f"{shown(name)} is given more than once; this operation takes one {shown(name)}")
        values.append(value)
    return found


def only(fields: Mapping[str, list[V]], name: str) -> V | None:
    """The value of field ``name`` (lower-case) of :func:`by_lower_name`'s fields, None when it is not there."""
    values = fields.get(name)
    return values[0] if values else None


@dataclass(frozen=True, slots=True)
class Form:
    """A form's parts by lower-case name: text fields, and the contents of file parts."""

    fields: dict[str, list[str]]
    files: dict[str, bytes]


_FORM_TYPES = ("multipart/form-data", "application/x-www-form-urlencoded")
_MAX_FORM_FILES = 4
_MAX_FORM_FIELDS = 64


async def read_form(request: Request, limit: int, hint: str, many: Collection[str] = ()) -> Form:
    """The multipart (or URL-encoded) form of ``request``, its body at most ``limit`` bytes; a 415 that ends with
    ``hint`` for any other Content-Type, a 400 for a malformed form, and for a part given twice (a text field
    whose lower-case name is in ``many`` excepted)."""
    kind = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if kind not in _FORM_TYPES:
        raise ApiProblem(415, f"unsupported Content-Type {shown(kind)}; {hint}")
    # The whole body is read under the limit first: a chunked upload has no Content-Length to check, and
    # Starlette's form parser would spool file parts of any size.
    body = await read_limited(request, limit)
    sent = False

    async def replay() -> Message:
        nonlocal sent  # the body once, then an empty end, as a client's stream would be
        if sent:
            return {"type": "http.request", "body": b"", "more_body": False}
        sent = True
        return {"type": "http.request", "body": body, "more_body": False}

    try:
        form = await Request(request.scope, replay).form(
            max_files=_MAX_FORM_FILES, max_fields=_MAX_FORM_FIELDS, max_part_size=limit
        )
    except Exception as exc:  # the parsers raise several kinds of errors on malformed bodies
        # Starlette wraps the multipart parser's error in an HTTPException whose detail is the parser's message.
        detail = str(getattr(exc, "detail", None) or exc)
        if not detail.isprintable() or len(detail) > 200:
            detail = shown(detail, 200)
        raise ApiProblem(400, f"the form could not be parsed: {detail}") from None
    try:
        texts: list[tuple[str, str]] = []
        files: dict[str, bytes] = {}
        for name, value in form.multi_items():
            if isinstance(value, UploadFile):
                if name.lower() in files:
                    raise ApiProblem(400, f"the form has more than one {shown(name)} part; it takes one")
                files[name.lower()] = await value.read()
            else:
                texts.append((name, value))
    finally:
        await form.close()
    return Form(by_lower_name(texts, many), files)
