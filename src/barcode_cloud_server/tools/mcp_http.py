"""``/mcp`` in the server: the MCP tools as streamable HTTP (stateless, so any process of a scaled-out deployment
answers any request), behind the same bearer tokens as the API. A token needs ``barcode.generate`` or
``barcode.recognize`` to reach the endpoint; each tool then checks the scope it needs.

The MCP SDK reads a request's whole body with no limit or deadline, so it is read here first, as the API reads
an upload: at most an upload's worth (base64 inside JSON-RPC) within ``upload_seconds``, else 413 or 408. Calls
held at once are capped like recognitions: per process, and per client, so that one client cannot take them all.
"""

from __future__ import annotations

import json
import os
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import anyio
from mcp.server.streamable_http_manager import StreamableHTTPSessionManager
from starlette.requests import Request
from starlette.types import Message, Receive, Scope, Send

from barcode_cloud_server.api.recognize import PER_CLIENT_PER_THREAD, QUEUE_PER_THREAD
from barcode_cloud_server.identity.scopes import GENERATE, RECOGNIZE
from barcode_cloud_server.identity.service import Identity
from barcode_cloud_server.identity.tokens import TokenClaims
from barcode_cloud_server.identity.verify import AccessRefused, InsufficientScope, authorize
from barcode_cloud_server.tools.mcp_server import SCOPES_KEY, Backend, build_server
from barcode_cloud_server.web.holds import Holds
from barcode_cloud_server.web.request_body import BodyError, read_limited

PATH = "/mcp"
# An image arrives base64-encoded (a third larger) inside a JSON-RPC message.
_MESSAGE_ROOM = 64 * 1024
_RETRY_AFTER = {"Retry-After": "2"}


class _Refused(Exception):
    def __init__(self, status: int, message: str, headers: dict[str, str] | None = None) -> None:
        super().__init__(message)
        self.status, self.message, self.headers = status, message, headers or {}


class McpEndpoint:
    """The ASGI endpoint; ``running()`` must wrap the application's lifetime (the SDK's session manager)."""

    def __init__(self, identity: Identity, *, allow_private_urls: bool, max_bytes: int, upload_seconds: float) -> None:
        self.identity = identity
        self.max_body = max_bytes * 4 // 3 + _MESSAGE_ROOM
        self.upload_seconds = upload_seconds
        cores = os.cpu_count() or 1
        self.most_held, self.most_per_client = QUEUE_PER_THREAD * cores, PER_CLIENT_PER_THREAD * cores
        self.calls = Holds()
        # No file paths: a server's files are not the caller's.
        self.backend = Backend(None, None, allow_private_urls, max_bytes, shared_budget=True)
        self.sessions: StreamableHTTPSessionManager | None = None

    @asynccontextmanager
    async def running(self) -> AsyncIterator[None]:
        """The SDK's session manager for one run of the application (a manager runs once; an application's
        lifespan may run again, as test clients run it)."""
        server = build_server(self.backend)
        server.streamable_http_app()  # makes the session manager
        self.sessions = server.session_manager
        try:
            async with self.sessions.run():
                yield
        finally:
            self.sessions = None

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
            error = "invalid_token" if exc.status == 401 else "insufficient_scope"
            await _refuse(send, exc.status, error, exc.message, exc.headers)
            return
        state = scope.setdefault("state", {})
        state["client_id"] = claims.client_id
        state[SCOPES_KEY] = tuple(claims.scopes)
        client = claims.client_id
        try:
            self._may_hold(client)
        except _Refused as exc:
            await _refuse(send, exc.status, "busy", exc.message, exc.headers)
            return
        with self.calls.hold(client):
            try:
                body = await self._body(scope, receive)
            except _Refused as exc:
                await _refuse(send, exc.status, "invalid_request", exc.message, exc.headers)
                return
            if self.sessions is None:
                await _refuse(send, 503, "busy", "the MCP endpoint is not running yet; retry", _RETRY_AFTER)
                return
            await self.sessions.handle_request(scope, _replay(body, receive), send)

    def _may_hold(self, client: str) -> None:
        held = self.calls.of(client)
        if held >= self.most_per_client:
            raise _Refused(429, f"this client already has {held} MCP calls in progress; retry", _RETRY_AFTER)
        if self.calls.total >= self.most_held:
            raise _Refused(503, f"the server is busy: {self.calls.total} MCP calls in progress; retry", _RETRY_AFTER)

    async def _body(self, scope: Scope, receive: Receive) -> bytes:
        """The whole request body, within the size and time an upload is allowed."""
        try:
            with anyio.fail_after(self.upload_seconds):
                return await read_limited(Request(scope, receive), self.max_body)
        except BodyError as exc:
            raise _Refused(exc.status, exc.message) from None
        except TimeoutError:
            raise _Refused(
                408, f"the request body did not arrive within {self.upload_seconds:g} s", {"Connection": "close"}
            ) from None


def _replay(body: bytes, receive: Receive) -> Receive:
    """A ``receive`` that gives ``body`` once, then waits on the connection (for its disconnect)."""
    sent = False

    async def replay() -> Message:
        nonlocal sent
        if not sent:
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}
        return await receive()

    return replay


async def _refuse(send: Send, status: int, error: str, message: str, extra: dict[str, str]) -> None:
    body = json.dumps({"error": error, "message": message})
    headers = [
        (b"content-type", b"application/json"),
        (b"content-length", str(len(body)).encode()),
        *((k.lower().encode(), v.encode()) for k, v in extra.items()),
    ]
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body.encode()})
