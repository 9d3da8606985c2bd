"""The MCP tools (official ``mcp`` SDK): ``generate_barcode``, ``recognize_barcode``, ``scan_barcode`` and
``list_barcode_types``, on the engine in process or on a server through the SDK.

Images come from a path inside the allowed folder, an http(s) URL (fetched under the same rules as the API's
``fileUrl``: no private addresses unless allowed, limited redirects, time and size), or base64. Over HTTP the
caller's token scopes decide which tools run (``tools.mcp_http``)."""

from __future__ import annotations

import base64
import binascii
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any, TypeVar

import anyio.to_thread
from mcp.server.fastmcp import Context, FastMCP
from mcp.server.transport_security import TransportSecuritySettings
from mcp.types import ImageContent, TextContent
from pydantic import Field

from barcode_cloud_server.api.cpu_limit import PerCoreLimiter
from barcode_cloud_server.api.fetch import fetch_url
from barcode_cloud_server.api.problems import ApiProblem
from barcode_cloud_server.engine import symbologies
from barcode_cloud_server.engine.generate import GenerateRequest
from barcode_cloud_server.engine.images import DEFAULT_MAX_BYTES
from barcode_cloud_server.engine.recognize import ImageKind, Mode
from barcode_cloud_server.identity.scopes import GENERATE, RECOGNIZE
from barcode_cloud_server.tools.errors import ToolError
from barcode_cloud_server.tools.files import inside, read_inside, write_inside
from barcode_cloud_server.tools.generation import (
    PARAMS,
    build_request,
    format_for_path,
    generate_local,
    generate_remote,
    media_type,
)
from barcode_cloud_server.tools.recognition import (
    check_types,
    recognize_data,
    recognize_remote,
)
from barcode_cloud_server.tools.remote import Remote
from barcode_cloud_server.tools.results import Found, Query

T = TypeVar("T")
SCOPES_KEY = "mcp_scopes"  # where tools.mcp_http leaves the token's scopes in the ASGI scope's state
_engine_threads = PerCoreLimiter()


@dataclass(frozen=True)
class Backend:
    """Where the tools work: ``remote`` None for the engine in process; ``root`` None when no file paths are
    allowed (the server's /mcp); ``shared_budget`` gives a PDF's pages one time budget (a server's callers)."""

    remote: Remote | None = None
    root: Path | None = None
    allow_private_urls: bool = False
    max_bytes: int = DEFAULT_MAX_BYTES
    shared_budget: bool = False


_OPTIONS_HELP = 'Options by the API\'s parameter names, e.g. {"imageWidth": "300", "foregroundColor": "Navy"}: ' + (
    ", ".join(p.wire for p in PARAMS if p.wire != "imageFormat")
)
ImagePath = Annotated[str | None, Field(description="A file inside the allowed folder.")]
ImageUrl = Annotated[str | None, Field(description="An http(s) URL of the image (public addresses only).")]
ImageBase64 = Annotated[str | None, Field(description="The image (PNG, JPEG, GIF, BMP, TIFF, WebP, PDF) in base64.")]


def _require(ctx: Context[Any, Any, Any] | None, *any_of: str) -> None:
    """Over HTTP, the token must hold one of ``any_of``; stdio serves the local user, who has every scope."""
    request = ctx.request_context.request if ctx is not None and ctx.request_context else None
    if request is None:
        return
    scopes = request.scope.get("state", {}).get(SCOPES_KEY, ())
    if not set(any_of) & set(scopes):
        raise ToolError(f"the access token lacks the scope '{' or '.join(any_of)}' that this tool needs")


async def _in_thread(call: Callable[[], T]) -> T:
    return await anyio.to_thread.run_sync(call, limiter=_engine_threads())


def _decode_base64(text: str) -> bytes:
    if text.startswith("data:") and "," in text[:200]:
        text = text.split(",", 1)[1]
    try:
        return base64.b64decode("".join(text.split()), validate=True)
    except (binascii.Error, ValueError):
        raise ToolError("image_base64 is not valid base64") from None


async def _image(backend: Backend, path: str | None, url: str | None, data: str | None) -> bytes:
    given = [name for name, value in (("path", path), ("url", url), ("image_base64", data)) if value]
    if len(given) != 1:
        raise ToolError("give exactly one of path, url and image_base64")
    if path:
        return read_inside(backend.root, path, backend.max_bytes)
    if url:
        try:
            return await fetch_url(url, max_bytes=backend.max_bytes, allow_private=backend.allow_private_urls)
        except ApiProblem as exc:
            raise ToolError(exc.message) from None
    image = _decode_base64(data or "")
    if len(image) > backend.max_bytes:
        raise ToolError(f"the image is larger than the limit of {backend.max_bytes} bytes")
    return image


async def _recognize(backend: Backend, image: bytes, query: Query) -> dict[str, Any]:
    check_types(query.types)
    found: list[Found]
    if backend.remote is None:
        found = await _in_thread(
            lambda: recognize_data(image, query, max_bytes=backend.max_bytes, shared_budget=backend.shared_budget)
        )
    else:
        remote = backend.remote

        def through_server() -> list[Found]:
            with remote.client() as client:
                return recognize_remote(client, image, query)

        found = await anyio.to_thread.run_sync(through_server)
    return {"barcodes": [b.as_dict() for b in found]}


def _generate(backend: Backend, barcode_type: str, data: str, options: dict[str, str], fmt: str) -> ImageContent:
    req = build_request(barcode_type, data, options, fmt)
    return ImageContent(
        type="image", data=base64.b64encode(_image_bytes(backend, req)).decode(), mimeType=media_type(req)
    )


def _image_bytes(backend: Backend, req: GenerateRequest) -> bytes:
    if backend.remote is None:
        return generate_local(req)
    with backend.remote.client() as client:
        return generate_remote(client, req)


def barcode_types() -> list[dict[str, Any]]:
    """Every type of the symbology table: whether it is generated and read, an example and what its data means."""
    return [
        {
            "name": row.name,
            "family": str(row.family),
            "generate": row.encode,
            "recognize": row.decode,
            "example": row.sample,
            "data": row.note,
        }
        for row in symbologies.ROWS
    ]


def build_server(backend: Backend, *, streamable_http_path: str = "/mcp") -> FastMCP[Any]:
    server: FastMCP[Any] = FastMCP(
        "barcode-cloud",
        instructions="Generate barcode images and read barcodes in images and PDFs. list_barcode_types says what "
        "each type's data means.",
        stateless_http=True,
        json_response=True,
        streamable_http_path=streamable_http_path,
        # The HTTP mount is behind bearer tokens, which a DNS-rebinding page cannot send.
        transport_security=TransportSecuritySettings(enable_dns_rebinding_protection=False),
    )

    @server.tool()
    async def generate_barcode(
        barcode_type: Annotated[str, Field(description="The type, e.g. QR, Code128, EAN13 (list_barcode_types).")],
        data: Annotated[str, Field(description="The data to encode.")],
        image_format: Annotated[str, Field(description="Png, Jpeg, Svg, Tiff, Gif or Bmp.")] = "Png",
        options: Annotated[dict[str, str] | None, Field(description=_OPTIONS_HELP)] = None,
        output_path: Annotated[
            str | None, Field(description="Also write the image to this file inside the allowed folder.")
        ] = None,
        ctx: Context[Any, Any, Any] | None = None,
    ) -> list[ImageContent | TextContent]:
        """Generate a barcode image; returns it as image content (and writes it to output_path when given)."""
        _require(ctx, GENERATE)
        fmt = (format_for_path(output_path) if output_path else None) or image_format
        if output_path:  # refused before any work when the path is outside the allowed folder
            inside(backend.root, output_path)
        image = await _in_thread(lambda: _generate(backend, barcode_type, data, dict(options or {}), fmt))
        result: list[ImageContent | TextContent] = [image]
        if output_path:
            content = base64.b64decode(image.data)
            written = write_inside(backend.root, output_path, content)
            result.append(TextContent(type="text", text=f"wrote {len(content)} bytes to {written}"))
        return result

    @server.tool()
    async def recognize_barcode(
        barcode_types: Annotated[
            list[str], Field(description='Types to look for, e.g. ["QR", "Code128"]; empty for every type.')
        ],
        path: ImagePath = None,
        url: ImageUrl = None,
        image_base64: ImageBase64 = None,
        recognition_mode: Annotated[Mode, Field(description="How hard to look.")] = Mode.NORMAL,
        recognition_image_kind: Annotated[ImageKind, Field(description="What the image is.")] = ImageKind.PHOTO,
        ctx: Context[Any, Any, Any] | None = None,
    ) -> dict[str, Any]:
        """Read the barcodes of the given types in an image or PDF (every page)."""
        _require(ctx, RECOGNIZE)
        image = await _image(backend, path, url, image_base64)
        query = Query(tuple(barcode_types) or None, recognition_mode.value, recognition_image_kind.value)
        return await _recognize(backend, image, query)

    @server.tool()
    async def scan_barcode(
        path: ImagePath = None,
        url: ImageUrl = None,
        image_base64: ImageBase64 = None,
        ctx: Context[Any, Any, Any] | None = None,
    ) -> dict[str, Any]:
        """Read every barcode of every type in an image or PDF (every page)."""
        _require(ctx, RECOGNIZE)
        return await _recognize(backend, await _image(backend, path, url, image_base64), Query())

    @server.tool()
    def list_barcode_types(ctx: Context[Any, Any, Any] | None = None) -> dict[str, Any]:
        """Every barcode type: whether it can be generated and recognized, an example, and what its data means."""
        _require(ctx, GENERATE, RECOGNIZE)
        return {"types": barcode_types()}

    return server
