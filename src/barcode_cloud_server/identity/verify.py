"""The check every API operation makes: a valid bearer token of an enabled client, with the needed scope."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from fastapi import Request

from barcode_cloud_server.identity.service import Identity
from barcode_cloud_server.identity.tokens import InvalidToken, TokenClaims


class AccessRefused(Exception):
    """The request may not run; ``status``, ``message`` (for the caller) and the ``WWW-Authenticate`` challenge
    say why (RFC 6750 §3). The API turns it into its own error response."""

    status = 401

    def __init__(self, message: str, challenge: str) -> None:
        super().__init__(message)
        self.message = message
        self.headers = {"WWW-Authenticate": challenge}


class InvalidAccessToken(AccessRefused):
    """No bearer token, or one that is not valid (bad signature, expired, its client disabled...): 401."""

    def __init__(self, message: str, reason: str | None = None) -> None:
        challenge = 'Bearer error="invalid_token"'
        if reason is not None:
            quoted = reason.replace('"', "'")
            challenge += f', error_description="{quoted}"'
        super().__init__(message, challenge)


class InsufficientScope(AccessRefused):
    """A valid token without the scope the operation needs: 403."""

    status = 403

    def __init__(self, scope: str) -> None:
        super().__init__(
            f"the access token lacks the scope '{scope}' that this operation needs",
            f'Bearer error="insufficient_scope", scope="{scope}"',
        )


class QuotaExceeded(AccessRefused):
    """The client's daily or monthly request quota is used up: 429 until the period resets."""

    status = 429

    def __init__(self, message: str, retry_after: int) -> None:
        super().__init__(message, "")
        self.headers = {"Retry-After": str(retry_after)}


def _invalid_token(reason: str) -> InvalidAccessToken:
    return InvalidAccessToken(f"invalid access token: {reason}", reason)


async def authorize(identity: Identity, header: str, scope: str, state: dict[str, Any] | None = None) -> TokenClaims:
    """The claims of the bearer token in ``header`` (an Authorization header's value), or :class:`AccessRefused`.
    The client id of a valid token goes into the request's ``state`` (the access log and usage counting read it)
    even when the request is refused for its scope or quota; a request with a ``state`` takes its count from the
    shared quota counters (``Usage.admit``)."""
    kind, _, token = header.partition(" ")
    token = token.strip()
    if kind.lower() != "bearer" or not token:
        raise InvalidAccessToken(
            "an access token is required: send 'Authorization: Bearer <token>' (get one at /connect/token)"
        )
    try:
        claims: TokenClaims = identity.tokens.verify(token)
    except InvalidToken as exc:
        raise _invalid_token(str(exc)) from None
    if not await identity.status.accepts(claims.client_id, claims.issued_at):
        raise _invalid_token("the client is disabled or deleted, or its tokens were revoked")
    if state is not None:
        state["client_id"] = claims.client_id
    if scope not in claims.scopes:
        raise InsufficientScope(scope)
    refusal = await identity.usage.admit(claims.client_id, state)
    if refusal is not None:
        raise QuotaExceeded(refusal.message, refusal.retry_after)
    return claims


def require_scope(scope: str) -> Callable[[Request], Awaitable[TokenClaims]]:
    """A FastAPI dependency: ``Depends(require_scope("barcode.generate"))``."""

    async def check(request: Request) -> TokenClaims:
        state = request.scope.setdefault("state", {})
        return await authorize(request.app.state.identity, request.headers.get("authorization", ""), scope, state)

    return check
