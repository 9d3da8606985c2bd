"""/playground: generate any type with its options and recognize or scan an image, as the signed-in user.

The page's calls run the API's own generate-multipart, recognize-multipart and scan-multipart answers (handed
over by the app: the dashboard does not import the API), so they obey the API's limits and say what the API says.
They are counted under the user's playground key (``identity.playground``), not under an application, and need
the session and its CSRF token in a header: the page never holds a client secret or a token.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass
from enum import Enum
from typing import Any, Protocol, get_args

from fastapi import APIRouter
from starlette.requests import Request
from starlette.responses import Response

from barcode_cloud.models import (
    DecodeBarcodeType,
    EncodeBarcodeType,
    GenerateParams,
    RecognitionImageKind,
    RecognitionMode,
)
from barcode_cloud_server.dashboard.guard import CSRF_HEADER, Forbidden
from barcode_cloud_server.dashboard.pages import Pages
from barcode_cloud_server.engine.generate import option_groups
from barcode_cloud_server.engine.symbologies import ROWS, Symbology
from barcode_cloud_server.identity import playground
from barcode_cloud_server.identity.recent_calls import KEEP, recent
from barcode_cloud_server.storage.db import Database


class GenerateOption(Protocol):
    """A generate parameter as the API defines it (``api.generate_params.Param``)."""

    @property
    def wire(self) -> str: ...
    @property
    def attr(self) -> str: ...
    @property
    def kind(self) -> str: ...
    @property
    def allowed(self) -> tuple[str, ...]: ...
    @property
    def schema(self) -> Mapping[str, Any]: ...
    @property
    def description(self) -> str: ...
    @property
    def group(self) -> str: ...


@dataclass(frozen=True)
class PlaygroundCalls:
    """What the playground runs, from the API."""

    generate: Callable[[Request], Awaitable[Response]]
    """generate-multipart's answer to the request's form."""
    recognize: Callable[[Request, str, bool], Awaitable[Response]]
    """(request, client, every_type): recognize-multipart's answer, or scan-multipart's with every_type."""
    problem: Callable[[Request, int, str], Response]
    """The API's error answer (ApiErrorResponse) with a status and message."""
    options: Sequence[GenerateOption]


# The playground's own refusals, said as the API would say them.
_SIGNED_OUT = "you are signed out: sign in again (the playground runs as the signed-in user)"
_NO_CSRF = "the playground's calls need the page's CSRF token in an X-CSRF-Token header: reload the page"


@dataclass(frozen=True)
class OptionGroup:
    wire: str  # qrParams
    label: str
    sdk_arg: str  # qr_params
    sdk_class: str  # QrParams
    options: tuple[Control, ...]


@dataclass(frozen=True)
class Control:
    """One option's form control, with what the page's code snippets need to name it as the SDK does."""

    option: GenerateOption
    sdk_enum: str  # the SDK enum class of its values ("" when it has none)
    sdk_members: Mapping[str, str]  # value -> enum member name

    @property
    def default(self) -> str:
        return str(self.option.schema.get("default", ""))


_GROUP_LABELS = {
    "encodeData": "Data encoding",
    "barcodeImageParams": "Image",
    "qrParams": "QR options",
    "code128Params": "Code 128 options",
    "pdf417Params": "PDF417 options",
}


def _sdk_enum(annotation: Any) -> type[Enum] | None:
    for arg in (annotation, *get_args(annotation)):
        if isinstance(arg, type) and issubclass(arg, Enum):
            return arg
    return None


def option_groups_of(options: Sequence[GenerateOption]) -> tuple[OptionGroup, ...]:
    """The API's generate options in their GenerateParams groups, each with its SDK names."""
    groups = []
    for name, info in GenerateParams.model_fields.items():
        wire = info.alias or name
        model = next(a for a in (info.annotation, *get_args(info.annotation)) if isinstance(a, type))
        fields = getattr(model, "model_fields", {})
        controls = []
        for option in (o for o in options if o.group == wire):
            enum = _sdk_enum(fields[option.attr].annotation)
            members = {str(m.value): m.name for m in enum} if enum else {}
            controls.append(Control(option, enum.__name__ if enum else "", members))
        if controls:
            groups.append(OptionGroup(wire, _GROUP_LABELS.get(wire, wire), name, model.__name__, tuple(controls)))
    return tuple(groups)


@dataclass(frozen=True)
class TypeChoice:
    row: Symbology
    groups: str  # the option groups that apply, space-separated (for the page's script)
    sdk_member: str


def type_choices() -> tuple[TypeChoice, ...]:
    """Every type the API generates, from the symbology table, with the option groups that apply to it."""
    members = {str(m.value): m.name for m in EncodeBarcodeType}
    return tuple(TypeChoice(row, " ".join(sorted(option_groups(row))), members[row.name]) for row in ROWS if row.encode)


def playground_router(pages: Pages, calls: PlaygroundCalls, db: Database) -> APIRouter:
    guard = pages.guard
    router = APIRouter(include_in_schema=False)
    groups = option_groups_of(calls.options)
    types = type_choices()
    decode_types = {str(m.value): m.name for m in DecodeBarcodeType}
    modes = {str(m.value): m.name for m in RecognitionMode}
    kinds = {str(m.value): m.name for m in RecognitionImageKind}

    async def as_user(request: Request, run: Callable[[str], Awaitable[Response]]) -> Response:
        """``run``'s answer, given the signed-in user's playground key, when the user's page sent this call with
        its CSRF token; else the refusal."""
        user = guard.user(request)
        if user is None:
            return calls.problem(request, 401, _SIGNED_OUT)
        if CSRF_HEADER not in request.headers:  # never the form: the body is the API's to read, within its limits
            return calls.problem(request, 403, _NO_CSRF)
        try:
            await guard.check_csrf(request)
        except Forbidden:
            return calls.problem(request, 403, _NO_CSRF)
        key = request.state.client_id = playground.usage_key(user.id)  # counted as this user's playground
        return guard.finish(request, await run(key))

    @router.get("/playground")
    def page(request: Request) -> Response:
        user = guard.require_user(request)
        settings = request.app.state.settings
        return pages.render(
            request,
            "playground.html",
            types=types,
            groups=groups,
            decode_types=decode_types,
            modes=modes,
            kinds=kinds,
            max_upload_bytes=settings.max_upload_bytes,
            max_image_pixels=settings.max_image_pixels,
            api_host=pages.origin + "/v4.0",
            calls=recent(db, playground.usage_key(user.id)),
            keep=KEEP,
        )

    @router.post(playground.GENERATE_PATH)
    async def generate(request: Request) -> Response:
        return await as_user(request, lambda key: calls.generate(request))

    @router.post(playground.RECOGNIZE_PATH)
    async def recognize(request: Request) -> Response:
        return await as_user(request, lambda key: calls.recognize(request, key, False))

    @router.post(playground.SCAN_PATH)
    async def scan(request: Request) -> Response:
        return await as_user(request, lambda key: calls.recognize(request, key, True))

    return router
