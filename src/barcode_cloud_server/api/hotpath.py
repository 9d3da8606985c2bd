"""The hottest operation, GET /v4.0/barcode/generate/{type}, answered in front of FastAPI.

Measured here on one core: a bare ASGI app under uvicorn answers ~56,000 requests/s, our FastAPI stack ~6,000,
and the engine renders a QR PNG in ~57 µs. Serving this GET through FastAPI's middleware, router and dependency
layers would cost more than the rendering itself, so this middleware (in front of FastAPI, behind only the
request-id and metrics middleware: see ``app.BarcodeCloudApp``) answers it with the same parsing, token check and
errors as the documented route in ``api.generate``; every other request goes on to FastAPI unchanged.

A successful answer is sent as two raw ASGI messages rather than through a Starlette ``Response`` (the same
headers: content-type and content-length); errors, which are rare, go through the usual ``problem_response``.

HEAD is answered like GET (same checks, same status and headers, the image's content-length) without a body.
A GET or HEAD under /v4.0/barcode/generate that names no type (``/generate``, ``/generate/``) or more than one path
segment is a 404 ``ApiErrorResponse`` that shows the right form, not a redirect and not a bare "Not Found"; one
trailing slash after the type is tolerated, as ASP.NET routing (Aspose's server) tolerates it. Every other path
loses one trailing slash here too (``/connect/token/`` is ``/connect/token``), and FastAPI's slash redirects are
off: the server never answers with a 307 whose Location is built from the Host header (a client following it
would send its request, credentials included, wherever that header pointed).
Called in-process with the engine stubbed out, the whole app costs ~23 µs a request for this GET (~31 µs when
this middleware sat behind FastAPI's own layers); through uvicorn that moved the QR benchmark from 0.46 to 0.51 of
the in-process engine rate.
"""

from __future__ import annotations

import logging
from types import SimpleNamespace

from starlette.requests import Request
from starlette.types import ASGIApp, Receive, Scope, Send

from barcode_cloud_server.api.errors import ApiProblem, problem_response
from barcode_cloud_server.api.generate import PATH_PREFIX, answer_get, missing_type_problem
from barcode_cloud_server.engine.errors import EngineError
from barcode_cloud_server.engine.render import MEDIA_TYPES
from barcode_cloud_server.identity.service import Identity

log = logging.getLogger("barcode_cloud.api")
# What the metrics middleware reads as the route of this request.
_ROUTE = SimpleNamespace(path=PATH_PREFIX + "{barcodeType}")
_CONTENT_TYPES = {media: media.encode("latin-1") for media in MEDIA_TYPES.values()}
_GENERATE_BARE = PATH_PREFIX.rstrip("/")


class GenerateHotPath:
    def __init__(self, app: ASGIApp, identity: Identity) -> None:
        self.app = app
        self.identity = identity

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        path: str = scope.get("path", "")
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        method = scope["method"]
        if (method != "GET" and method != "HEAD") or not path.startswith(_GENERATE_BARE):
            await self._pass_on(scope, receive, send)
            return
        if path.startswith(PATH_PREFIX):
            barcode_type = path[len(PATH_PREFIX) :]
            if barcode_type.endswith("/"):
                barcode_type = barcode_type[:-1]
        elif path == _GENERATE_BARE:
            barcode_type = ""
        else:  # /v4.0/barcode/generate-body, -multipart...: another operation
            await self._pass_on(scope, receive, send)
            return
        if not barcode_type or "/" in barcode_type:
            await problem_response(Request(scope, receive), missing_type_problem(path))(scope, receive, send)
            return
        scope["route"] = _ROUTE
        try:
            image = await answer_get(scope, self.identity, barcode_type)
        except ApiProblem as problem:
            await problem_response(Request(scope, receive), problem)(scope, receive, send)
            return
        except EngineError as exc:
            await problem_response(Request(scope, receive), ApiProblem(400, exc.message))(scope, receive, send)
            return
        except Exception:
            log.exception("unhandled error", extra={"request_id": scope.get("state", {}).get("request_id")})
            internal = ApiProblem(500, "internal error; quote the request id when reporting it")
            await problem_response(Request(scope, receive), internal)(scope, receive, send)
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

    async def _pass_on(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Another request: to FastAPI, with one trailing slash less (not for ``/`` itself)."""
        path: str = scope.get("path", "")
        if len(path) > 1 and path.endswith("/"):
            scope = _without_trailing_slash(scope)
        await self.app(scope, receive, send)


def _without_trailing_slash(scope: Scope) -> Scope:
    """A copy of ``scope`` whose path (and raw path) has one trailing slash less."""
    scope = dict(scope)
    scope["path"] = scope["path"][:-1]
    raw = scope.get("raw_path")
    if isinstance(raw, bytes) and raw.endswith(b"/"):
        scope["raw_path"] = raw[:-1]
    return scope
