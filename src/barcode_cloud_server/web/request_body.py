"""Reading a whole request body under a size limit, for every router (the API's and identity's)."""

from __future__ import annotations

from starlette.requests import ClientDisconnect, Request


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
