"""The check every API operation makes: a valid bearer token of an enabled client, with the needed scope."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from fastapi import Request

from barcode_cloud_server.api.errors import ApiProblem
from barcode_cloud_server.identity.service import Identity
from barcode_cloud_server.identity.tokens import InvalidToken, TokenClaims


def _invalid_token(reason: str) -> ApiProblem:
    quoted = reason.replace('"', "'")
    return ApiProblem(
        401,
        f"invalid access token: {reason}",
        headers={"WWW-Authenticate": f'Bearer error="invalid_token", error_description="{quoted}"'},
    )


async def authorize(identity: Identity, header: str, scope: str) -> TokenClaims:
    """The claims of the bearer token in ``header`` (an Authorization header's value), or the 401/403 problem."""
    kind, _, token = header.partition(" ")
    token = token.strip()
    if kind.lower() != "bearer" or not token:
        raise ApiProblem(
            401,
            "an access token is required: send 'Authorization: Bearer <token>' (get one at /connect/token)",
            headers={"WWW-Authenticate": 'Bearer error="invalid_token"'},
        )
    try:
        claims: TokenClaims = identity.tokens.verify(token)
    except InvalidToken as exc:
        raise _invalid_token(str(exc)) from None
    if not await identity.status.accepts(claims.client_id, claims.issued_at):
        raise _invalid_token("the client is disabled or deleted, or its tokens were revoked")
    if scope not in claims.scopes:
        raise ApiProblem(403, f"the access token lacks the scope '{scope}' that this operation needs")
    return claims


def require_scope(scope: str) -> Callable[[Request], Awaitable[TokenClaims]]:
    """A FastAPI dependency: ``Depends(require_scope("barcode.generate"))``."""

    async def check(request: Request) -> TokenClaims:
        claims = await authorize(request.app.state.identity, request.headers.get("authorization", ""), scope)
        request.state.client_id = claims.client_id
        return claims

    return check
