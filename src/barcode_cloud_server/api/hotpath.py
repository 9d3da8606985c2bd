"""The hottest operation, GET /v4.0/barcode/generate/{type}, answered in front of FastAPI.

Serving this GET through FastAPI's middleware, router and dependency layers would cost more than rendering a
small symbol, so this middleware (in front of FastAPI, behind only the request-context and trailing-slash
middleware: see ``app.create_app``) answers it with ``api.generate.answer_get``, the function the documented
route calls, and with the same error responses (``api.errors.error_response``); every other request goes on to
FastAPI unchanged.

A successful answer is sent as two raw ASGI messages rather than through a Starlette ``Response`` (the same
headers: content-type and content-length). HEAD is answered like GET without a body.
"""

from __future__ import annotations

from types import SimpleNamespace

from starlette.requests import Request
from starlette.types import ASGIApp, Receive, Scope, Send

from barcode_cloud_server.api.errors import error_response
from barcode_cloud_server.api.generate import PATH_PREFIX, answer_get
from barcode_cloud_server.engine.render import MEDIA_TYPES
from barcode_cloud_server.identity.service import Identity

# What the metrics middleware reads as the route of this request.
_ROUTE = SimpleNamespace(path=PATH_PREFIX + "{barcodeType}")
_CONTENT_TYPES = {media: media.encode("latin-1") for media in MEDIA_TYPES.values()}
_GENERATE_BARE = PATH_PREFIX.rstrip("/")


class GenerateHotPath:
    def __init__(self, app: ASGIApp, identity: Identity) -> None:
        self.app = app
        self.identity = identity

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        method = scope["method"]
        path: str = scope["path"]
        # /v4.0/barcode/generate-body, -multipart... are other operations
        if (method != "GET" and method != "HEAD") or not (path.startswith(PATH_PREFIX) or path == _GENERATE_BARE):
            await self.app(scope, receive, send)
            return
        scope["route"] = _ROUTE
        try:
            image = await answer_get(scope, self.identity)
        except Exception as exc:
            await error_response(Request(scope, receive), exc)(scope, receive, send)
            return
        content = image.content
        media = _CONTENT_TYPES.get(image.media_type) or image.media_type.encode("latin-1")
        await send(
            {
                "type": "http.response.start",
                "status": 200,
                "headers": [(b"content-length", str(len(content)).encode("latin-1")), (b"content-type", media)],
            }
        )
        await send({"type": "http.response.body", "body": content if method == "GET" else b""})
