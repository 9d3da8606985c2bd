"""The one exception of the SDK: :class:`ApiException`, as in ``aspose_barcode_cloud``."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from barcode_cloud.models import ApiErrorResponse


class ApiException(Exception):
    """An HTTP error from the API or the token endpoint, or a failure to reach them.

    ``status``: the HTTP status (0 when no response came: connection refused, timeout...).
    ``reason``: the HTTP reason phrase of an API answer (``Bad Request``), a short text otherwise. ``body``: the
    response body as aspose gives it: ``bytes`` for the generate operations (whose answers it does not decode),
    text for the others. ``headers``: the response headers
    (never the request's, so never a token).
    Token endpoint errors: ``error`` is the OAuth error code (``invalid_client``...), ``error_description``
    its text. API errors: ``error`` is the ``code`` of the JSON error body, ``api_error`` the parsed
    :class:`~barcode_cloud.models.ApiErrorResponse`.

    The first three parameters are those of ``aspose_barcode_cloud.ApiException(status, reason,
    http_resp)``; ``http_resp`` may be any object with ``status``, ``reason`` and ``data`` attributes.
    """

    def __init__(
        self,
        status: int = 0,
        reason: str | None = None,
        http_resp: Any = None,
        *,
        body: str | bytes | None = None,
        headers: Mapping[str, str] | None = None,
        error: str | None = None,
        error_description: str | None = None,
        api_error: ApiErrorResponse | None = None,
    ) -> None:
        if http_resp is not None:
            status = getattr(http_resp, "status", status)
            reason = getattr(http_resp, "reason", reason)
            data = getattr(http_resp, "data", None)
            if body is None and data is not None:
                body = data.decode("utf-8", "replace") if isinstance(data, bytes | bytearray) else str(data)
        self.status = status
        self.reason = reason
        self.body = body
        self.headers: dict[str, str] = dict(headers or {})
        self.error = error
        self.error_description = error_description
        self.api_error = api_error
        super().__init__(status, reason)

    def __str__(self) -> str:
        text = f"({self.status})\nReason: {self.reason}\n"
        if self.body:
            body = self.body.decode("utf-8", "replace") if isinstance(self.body, bytes) else self.body
            text += f"HTTP response body: {body}\n"
        return text

    def __repr__(self) -> str:
        return f"ApiException(status={self.status!r}, reason={self.reason!r}, error={self.error!r})"


def from_api_response(
    status: int, reason: str, content: bytes, headers: Mapping[str, str], *, body_as_bytes: bool = False
) -> ApiException:
    """The exception for an API response with a non-2xx status (JSON error body parsed when there is one); the
    body stays ``bytes`` with ``body_as_bytes``."""
    text = content.decode("utf-8", "replace")
    api_error: ApiErrorResponse | None = None
    error = description = None
    start = text.lstrip()[:1]
    if start in ("{", "<"):
        try:
            api_error = ApiErrorResponse.from_json(text) if start == "{" else ApiErrorResponse.from_xml(text)
        except ValueError:
            api_error = None
        if api_error is not None:
            error, description = api_error.error.code, api_error.error.message
    return ApiException(
        status,
        reason,
        body=content if body_as_bytes else text,
        headers=headers,
        error=error,
        error_description=description,
        api_error=api_error,
    )


def from_token_response(status: int, reason: str, content: bytes, headers: Mapping[str, str]) -> ApiException:
    """The exception for a token endpoint error (RFC 6749 §5.2 body: ``error``, ``error_description``)."""
    text = content.decode("utf-8", "replace")
    error = description = None
    try:
        payload = json.loads(text)
    except ValueError:
        payload = None
    if isinstance(payload, dict):
        error = payload.get("error") if isinstance(payload.get("error"), str) else None
        raw = payload.get("error_description")
        description = raw if isinstance(raw, str) else None
    parts = [p for p in (error, description) if p]
    detail = f"token endpoint: {reason}" + (f": {' - '.join(parts)}" if parts else "")
    return ApiException(status, detail, body=text, headers=headers, error=error, error_description=description)
