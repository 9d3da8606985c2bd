"""The error the API's operations raise for an answer other than success, apart from the web framework that turns
it into a response (``api.errors``), so that the tools sharing the API's checks load no web stack."""

from __future__ import annotations

_CODES = {
    400: "BadRequest",
    401: "Unauthorized",
    403: "Forbidden",
    404: "NotFound",
    405: "MethodNotAllowed",
    413: "RequestEntityTooLarge",
    415: "UnsupportedMediaType",
    429: "TooManyRequests",
    500: "InternalServerError",
    503: "ServiceUnavailable",
}


class ApiProblem(Exception):
    """Raise to answer with an ``ApiErrorResponse``; ``message`` is shown to the caller as is."""

    def __init__(
        self,
        status: int,
        message: str,
        *,
        code: str | None = None,
        description: str | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.code = code or _CODES.get(status, "Error")
        self.description = description
        self.headers = headers or {}
