"""Reading a whole request body under a size limit, for every router (the API's and identity's)."""

from __future__ import annotations

from collections.abc import Callable

from starlette.exceptions import HTTPException
from starlette.requests import ClientDisconnect, Request
from starlette.responses import PlainTextResponse
from starlette.types import ASGIApp, Message, Receive, Scope, Send


class BodyError(Exception):
    """The body could not be read: too large (``status`` 413) or cut off (400); ``message`` is for the caller."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


async def read_limited(request: Request, limit: int) -> bytes:
    """The whole body, or a :class:`BodyError` as soon as it passes ``limit`` bytes."""
    too_large = f"the request body is larger than the limit of {limit} bytes"
    declared = request.headers.get("content-length")
    if declared and declared.isdigit() and int(declared) > limit:
        raise BodyError(413, too_large)
    body = bytearray()
    try:
        async for chunk in request.stream():
            body += chunk
            if len(body) > limit:
                raise BodyError(413, too_large)
    except ClientDisconnect:
        # The client went away (or its chunked encoding broke) mid-body: its fault, not an unhandled error, so
        # not a logged traceback and a 500 in the metrics; nobody may be left to read this answer.
        raise BodyError(400, "the request body was cut off before its end") from None
    return bytes(body)


class BodyLimit:
    """A 413 for any request body past ``limit`` bytes on the paths ``applies`` picks: in front of readers that
    take a whole body with no limit of their own (Starlette's parser of url-encoded forms, which FastAPI runs
    before any dependency could check the size)."""

    def __init__(self, app: ASGIApp, limit: int, applies: Callable[[str], bool]) -> None:
        self.app = app
        self.limit = limit
        self.applies = applies

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not self.applies(scope["path"]):
            await self.app(scope, receive, send)
            return
        too_large = f"the request body is larger than the limit of {self.limit} bytes"
        declared = dict(scope["headers"]).get(b"content-length", b"")
        if declared.isdigit() and int(declared) > self.limit:
            await PlainTextResponse(too_large, 413)(scope, receive, send)
            return
        seen = 0

        async def limited() -> Message:
            nonlocal seen
            message = await receive()
            seen += len(message.get("body", b""))
            if seen > self.limit:
                raise HTTPException(413, too_large)
            return message

        await self.app(scope, limited, send)
