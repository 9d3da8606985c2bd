"""The OAuth 2.0 endpoints: the client_credentials token endpoint (RFC 6749 §4.4), discovery and JWKS."""

from __future__ import annotations

import base64
import logging
import re
from typing import Any
from urllib.parse import parse_qsl, unquote_plus

import anyio.to_thread
from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse

from barcode_cloud_server.identity.keys import JWKS_MAX_AGE_SECONDS
from barcode_cloud_server.identity.scopes import ALL_SCOPES, parse_scopes
from barcode_cloud_server.identity.service import Identity
from barcode_cloud_server.identity.unavailable import DATABASE_UNAVAILABLE, RETRY_AFTER
from barcode_cloud_server.observability import TOKEN_GRANTS
from barcode_cloud_server.web.request_body import BodyError, read_limited

router = APIRouter(tags=["identity"])
log = logging.getLogger("barcode_cloud.identity")

MAX_TOKEN_REQUEST_BYTES = 8192
_NO_STORE = {"Cache-Control": "no-store", "Pragma": "no-cache"}


# RFC 6749 §5.2: error_description holds only these characters (no '"', no '\\', no controls, ASCII only).
_NOT_IN_DESCRIPTION = re.compile(r"[^\x20-\x21\x23-\x5b\x5d-\x7e]")


def oauth_error(status: int, error: str, description: str, headers: dict[str, str] | None = None) -> JSONResponse:
    # Descriptions may quote what the client sent (a parameter name, a scope): keep them within the RFC's set.
    description = _NOT_IN_DESCRIPTION.sub("?", description)
    return JSONResponse(
        {"error": error, "error_description": description}, status, headers={**_NO_STORE, **(headers or {})}
    )


class _BadRequest(Exception):
    pass


def _form(body: bytes) -> dict[str, str]:
    try:
        pairs = parse_qsl(body.decode("utf-8"), keep_blank_values=True, strict_parsing=False)
    except UnicodeDecodeError:
        raise _BadRequest("the body is not UTF-8") from None
    form: dict[str, str] = {}
    for name, value in pairs:
        if name in form:
            raise _BadRequest(f"the parameter '{name}' is repeated")
        form[name] = value
    # RFC 6749 §3.2: "Parameters sent without a value MUST be treated as if they were omitted from the request."
    return {name: value for name, value in form.items() if value}


def _basic_credentials(header: str) -> tuple[str, str] | None:
    kind, _, encoded = header.partition(" ")
    if kind.lower() != "basic":
        return None
    try:
        decoded = base64.b64decode(encoded.strip(), validate=True).decode("utf-8")
    except (ValueError, UnicodeDecodeError):  # binascii.Error, or a non-ASCII header (latin-1 from the wire)
        raise _BadRequest("the Basic authorization header is not valid base64 of UTF-8") from None
    client_id, sep, secret = decoded.partition(":")
    if not sep:
        raise _BadRequest("the Basic authorization header holds no ':'")
    # RFC 6749 §2.3.1: both parts are form-encoded before they are joined.
    return unquote_plus(client_id), unquote_plus(secret)


def _oauth_error_doc(description: str) -> dict[str, Any]:
    schema = {
        "type": "object",
        "properties": {"error": {"type": "string"}, "error_description": {"type": "string"}},
        "required": ["error", "error_description"],
    }
    return {"description": description, "content": {"application/json": {"schema": schema}}}


_TOKEN_RESPONSES: dict[int | str, dict[str, Any]] = {
    400: _oauth_error_doc("invalid_request, unsupported_grant_type or invalid_scope (RFC 6749 §5.2)"),
    401: _oauth_error_doc("invalid_client: client authentication failed"),
    429: _oauth_error_doc("slow_down: too many failed attempts; see Retry-After"),
    503: _oauth_error_doc("temporarily_unavailable: the database cannot be reached; see Retry-After"),
}


@router.post("/connect/token", summary="OAuth 2.0 token endpoint (client_credentials)", responses=_TOKEN_RESPONSES)
async def token(request: Request) -> JSONResponse:
    identity: Identity = request.app.state.identity
    content_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if content_type != "application/x-www-form-urlencoded":
        return oauth_error(400, "invalid_request", "the body must be application/x-www-form-urlencoded")
    try:
        body = await read_limited(request, MAX_TOKEN_REQUEST_BYTES)
    except BodyError as exc:  # too large or cut off: RFC 6749 wants a 400 invalid_request for both
        return oauth_error(400, "invalid_request", exc.message)
    try:
        form = _form(body)
        basic = _basic_credentials(request.headers.get("authorization", ""))
    except _BadRequest as exc:
        return oauth_error(400, "invalid_request", str(exc))

    grant_type = form.get("grant_type")
    if not grant_type:
        return oauth_error(400, "invalid_request", "grant_type is missing")
    if grant_type != "client_credentials":
        return oauth_error(400, "unsupported_grant_type", "only the client_credentials grant is supported")
    # RFC 6749 §2.3: one authentication method per request. A client_id in the form beside Basic only names the
    # client (§3.2.1 lets clients send it), so it is accepted when it names the same one.
    if basic is not None and ("client_secret" in form or form.get("client_id", basic[0]) != basic[0]):
        return oauth_error(400, "invalid_request", "use one client authentication method, not both")
    client_id, secret = basic if basic is not None else (form.get("client_id"), form.get("client_secret"))
    if not client_id or not secret:
        return oauth_error(400, "invalid_request", "client_id and client_secret are required")

    address = request.client.host if request.client else "unknown"
    try:
        answer = await anyio.to_thread.run_sync(_grant, identity, client_id, secret, address, form.get("scope"))
    except DATABASE_UNAVAILABLE as exc:
        log.warning("token request failed: database unavailable (%s)", exc.__class__.__name__)
        # RFC 6749 names this error for the authorization endpoint; it says the same here.
        return oauth_error(503, "temporarily_unavailable", "the database cannot be reached; retry", RETRY_AFTER)
    # Counted as the client's grant when it succeeded or the client exists: ids anyone makes up are not counted.
    # A client made since this process last read the client list is asked of the database (a refusal of a new
    # client's first requests, on a host that has not seen it yet, is counted like any other).
    if answer.status_code == 200 or identity.status.known(client_id) or await _exists(identity, client_id):
        request.state.client_id = client_id
    return answer


async def _exists(identity: Identity, client_id: str) -> bool:
    try:
        return await anyio.to_thread.run_sync(identity.clients.exists, client_id)
    except DATABASE_UNAVAILABLE:  # a throttled answer needs no database: it is not counted then, not a 500
        return False


def _grant(identity: Identity, client_id: str, secret: str, address: str, scope: str | None) -> JSONResponse:
    """Client authentication and issuance. Everything here may block (database, Redis, RSA signing), so the
    route runs it in a worker thread."""
    retry_after = identity.limiter.retry_after(client_id, secret, address)
    if retry_after is not None:
        TOKEN_GRANTS.labels("throttled").inc()
        return oauth_error(
            429, "slow_down", "too many failed attempts; try again later", {"Retry-After": str(retry_after)}
        )
    generation = identity.status.generation  # before authenticate reads the client's row
    client = identity.clients.authenticate(client_id, secret)
    if client is None:
        identity.limiter.failed(client_id, secret, address)
        TOKEN_GRANTS.labels("invalid_client").inc()
        log.info("token request refused: client authentication failed", extra={"client_address": address})
        challenge = 'Basic realm="barcode-cloud"'
        return oauth_error(401, "invalid_client", "client authentication failed", {"WWW-Authenticate": challenge})
    identity.limiter.succeeded(client_id, secret, address)

    requested = parse_scopes(scope)
    beyond = [s for s in requested if s not in client.scopes]
    if beyond:
        TOKEN_GRANTS.labels("invalid_scope").inc()
        allowed = " ".join(client.scopes)
        return oauth_error(400, "invalid_scope", f"not granted to this client: {' '.join(beyond)}; allowed: {allowed}")
    issued = identity.tokens.issue(client.id, requested or list(client.scopes), client.valid_after)
    identity.status.mark_enabled(client.id, generation, client.valid_after)
    TOKEN_GRANTS.labels("issued").inc()
    return JSONResponse(
        {
            "access_token": issued.access_token,
            "token_type": "Bearer",
            "expires_in": issued.expires_in,
            "scope": issued.scope,
        },
        headers=_NO_STORE,
    )


@router.get("/.well-known/openid-configuration", summary="Authorization server metadata")
async def discovery(request: Request) -> dict[str, Any]:
    identity: Identity = request.app.state.identity
    issuer = identity.tokens.issuer
    return {
        "issuer": issuer,
        "token_endpoint": f"{issuer}/connect/token",
        "jwks_uri": f"{issuer}/.well-known/jwks.json",
        "grant_types_supported": ["client_credentials"],
        "token_endpoint_auth_methods_supported": ["client_secret_basic", "client_secret_post"],
        "id_token_signing_alg_values_supported": ["RS256"],
        "token_endpoint_auth_signing_alg_values_supported": ["RS256"],
        "scopes_supported": list(ALL_SCOPES),
        "response_types_supported": ["token"],
    }


@router.get("/.well-known/jwks.json", summary="Public keys that verify this server's tokens")
async def jwks(request: Request) -> JSONResponse:
    identity: Identity = request.app.state.identity
    return JSONResponse(identity.keys.jwks(), headers={"Cache-Control": f"public, max-age={JWKS_MAX_AGE_SECONDS}"})
