"""``/mcp`` in the server: the MCP tools as streamable HTTP (stateless, so any process of a scaled-out deployment
answers any request), behind the same bearer tokens as the API. A token needs ``barcode.generate`` or
``barcode.recognize`` to reach the endpoint; each tool then checks the scope it needs."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from starlette.types import Receive, Scope, Send

from barcode_cloud_server.identity.scopes import GENERATE, RECOGNIZE
from barcode_cloud_server.identity.service import Identity
from barcode_cloud_server.identity.tokens import TokenClaims
from barcode_cloud_server.identity.verify import AccessRefused, InsufficientScope, authorize
from barcode_cloud_server.tools.mcp_server import SCOPES_KEY, Backend, build_server

PATH = "/mcp"


class McpEndpoint:
    """The ASGI endpoint; ``running()`` must wrap the application's lifetime (the SDK's session manager)."""

    def __init__(self, identity: Identity, *, allow_private_urls: bool, max_bytes: int) -> None:
        self.identity = identity
        # No file paths: a server's files are not the caller's.
        server = build_server(Backend(None, None, allow_private_urls, max_bytes, shared_budget=True))
        server.streamable_http_app()  # makes the session manager
        self.sessions = server.session_manager

    @asynccontextmanager
    async def running(self) -> AsyncIterator[None]:
        async with self.sessions.run():
            yield

    async def _claims(self, header: str) -> TokenClaims:
        try:
            return await authorize(self.identity, header, GENERATE)
        except InsufficientScope:
            try:
                return await authorize(self.identity, header, RECOGNIZE)
            except InsufficientScope:
                raise InsufficientScope(f"{GENERATE} or {RECOGNIZE}") from None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        header = next((v.decode("latin-1") for k, v in scope["headers"] if k == b"authorization"), "")
        try:
            claims = await self._claims(header)
        except AccessRefused as exc:
            await _refuse(send, exc)
            return
        state = scope.setdefault("state", {})
        state["client_id"] = claims.client_id
        state[SCOPES_KEY] = tuple(claims.scopes)
        await self.sessions.handle_request(scope, receive, send)


async def _refuse(send: Send, exc: AccessRefused) -> None:
    body = json.dumps({"error": "invalid_token" if exc.status == 401 else "insufficient_scope", "message": exc.message})
    headers = [
        (b"content-type", b"application/json"),
        (b"content-length", str(len(body)).encode()),
        *((k.lower().encode(), v.encode()) for k, v in exc.headers.items()),
    ]
    await send({"type": "http.response.start", "status": exc.status, "headers": headers})
    await send({"type": "http.response.body", "body": body.encode()})
