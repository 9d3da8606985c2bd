"""One trailing slash names the same path (``/connect/token/`` is ``/connect/token``), as ASP.NET routing (Aspose's
server) has it. FastAPI's slash redirects are off instead: the server never answers with a 307 whose Location is
built from the Host header (a client following it would send its request, credentials included, wherever that
header pointed)."""

from __future__ import annotations

from starlette.types import ASGIApp, Receive, Scope, Send


class StripTrailingSlash:
    """Passes every request on with one trailing slash less in its path and raw path (``/`` itself stays)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        path: str = scope.get("path", "")
        if len(path) > 1 and path[-1] == "/":
            scope = dict(scope)
            scope["path"] = path[:-1]
            raw = scope.get("raw_path")
            if isinstance(raw, bytes) and raw.endswith(b"/"):
                scope["raw_path"] = raw[:-1]
        await self.app(scope, receive, send)
