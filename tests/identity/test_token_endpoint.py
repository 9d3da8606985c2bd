"""The token endpoint over HTTP, on SQLite and on PostgreSQL: grants, every error, and the claims."""

from __future__ import annotations

import base64
import time

import httpx
import jwt
import pytest

from tests.support.servers import LiveServer

GRANT = "client_credentials"


def post_token(server: LiveServer, form: dict[str, str], **kwargs: object) -> httpx.Response:
    return httpx.post(server.token_url, data=form, timeout=10, **kwargs)  # type: ignore[arg-type]


def test_client_secret_post_grants_a_bearer_token(backend_server: LiveServer) -> None:
    creds = backend_server.create_client("post")
    response = post_token(
        backend_server, {"grant_type": GRANT, "client_id": creds.client_id, "client_secret": creds.client_secret}
    )
    assert response.status_code == 200
    body = response.json()
    assert set(body) == {"access_token", "token_type", "expires_in", "scope"}
    assert body["token_type"] == "Bearer"
    assert body["expires_in"] == 3600
    assert body["scope"].split() == ["barcode.generate", "barcode.recognize"]
    assert response.headers["cache-control"] == "no-store"


def percent_encode_all(text: str) -> str:
    return "".join(f"%{byte:02X}" for byte in text.encode())


def basic(client_id: str, secret: str) -> dict[str, str]:
    return {"Authorization": "Basic " + base64.b64encode(f"{client_id}:{secret}".encode()).decode()}


def test_client_secret_basic_is_form_decoded(backend_server: LiveServer) -> None:
    creds = backend_server.create_client("basic")
    # RFC 6749 §2.3.1: id and secret are form-encoded before base64. Ours hold only characters that encoding
    # leaves alone, so every character is percent-encoded here: a server that did not decode would refuse them.
    raw = f"{percent_encode_all(creds.client_id)}:{percent_encode_all(creds.client_secret)}"
    assert creds.client_secret not in raw
    header = "Basic " + base64.b64encode(raw.encode()).decode()
    response = post_token(backend_server, {"grant_type": GRANT}, headers={"Authorization": header})
    assert response.status_code == 200, response.text
    claims = jwt.decode(response.json()["access_token"], options={"verify_signature": False})
    assert claims["client_id"] == creds.client_id


def test_wrong_secret_and_unknown_client_get_the_same_401(backend_server: LiveServer) -> None:
    creds = backend_server.create_client("wrong")
    wrong = post_token(backend_server, {"grant_type": GRANT, "client_id": creds.client_id, "client_secret": "nope"})
    unknown = post_token(backend_server, {"grant_type": GRANT, "client_id": "no-such-client", "client_secret": "x"})
    for response in (wrong, unknown):
        assert response.status_code == 401
        assert response.json()["error"] == "invalid_client"
        assert "www-authenticate" in response.headers
        assert response.headers["cache-control"] == "no-store"
    assert wrong.json() == unknown.json()


def test_disabled_client_cannot_get_a_token(backend_server: LiveServer) -> None:
    creds = backend_server.create_client("off")
    backend_server.clients.set_enabled(creds.client_id, False)
    response = post_token(
        backend_server, {"grant_type": GRANT, "client_id": creds.client_id, "client_secret": creds.client_secret}
    )
    assert response.status_code == 401
    assert response.json()["error"] == "invalid_client"


@pytest.mark.parametrize(
    ("form", "status", "error"),
    [
        ({}, 400, "invalid_request"),
        ({"client_id": "{id}", "client_secret": "{secret}"}, 400, "invalid_request"),
        ({"grant_type": GRANT, "client_id": "{id}"}, 400, "invalid_request"),
        ({"grant_type": GRANT, "client_secret": "{secret}"}, 400, "invalid_request"),
        ({"grant_type": "password", "client_id": "{id}", "client_secret": "{secret}"}, 400, "unsupported_grant_type"),
        ({"grant_type": "authorization_code", "code": "x"}, 400, "unsupported_grant_type"),
        (
            {"grant_type": GRANT, "client_id": "{id}", "client_secret": "{secret}", "scope": "admin"},
            400,
            "invalid_scope",
        ),
    ],
)
def test_request_errors(backend_server: LiveServer, form: dict[str, str], status: int, error: str) -> None:
    creds = backend_server.create_client("errors")
    filled = {k: v.format(id=creds.client_id, secret=creds.client_secret) for k, v in form.items()}
    response = post_token(backend_server, filled)
    assert response.status_code == status, response.text
    body = response.json()
    assert body["error"] == error
    assert body["error_description"]


def test_scope_beyond_the_clients_is_invalid_scope(backend_server: LiveServer) -> None:
    creds = backend_server.create_client("narrow", ["barcode.recognize"])
    form = {"grant_type": GRANT, "client_id": creds.client_id, "client_secret": creds.client_secret}
    assert post_token(backend_server, {**form, "scope": "barcode.generate"}).json()["error"] == "invalid_scope"
    granted = post_token(backend_server, {**form, "scope": "barcode.recognize"})
    assert granted.status_code == 200
    assert granted.json()["scope"] == "barcode.recognize"


def test_malformed_requests(backend_server: LiveServer) -> None:
    creds = backend_server.create_client("malformed")
    # JSON instead of a form
    response = httpx.post(backend_server.token_url, json={"grant_type": GRANT}, timeout=10)
    assert (response.status_code, response.json()["error"]) == (400, "invalid_request")
    # a parameter given twice
    body = f"grant_type={GRANT}&grant_type={GRANT}&client_id={creds.client_id}&client_secret={creds.client_secret}"
    headers = {"Content-Type": "application/x-www-form-urlencoded"}
    response = httpx.post(backend_server.token_url, content=body, headers=headers, timeout=10)
    assert (response.status_code, response.json()["error"]) == (400, "invalid_request")
    # two authentication methods at once
    basic = "Basic " + base64.b64encode(f"{creds.client_id}:{creds.client_secret}".encode()).decode()
    response = post_token(
        backend_server,
        {"grant_type": GRANT, "client_id": creds.client_id, "client_secret": creds.client_secret},
        headers={"Authorization": basic},
    )
    assert (response.status_code, response.json()["error"]) == (400, "invalid_request")
    # Basic that is not base64
    response = post_token(backend_server, {"grant_type": GRANT}, headers={"Authorization": "Basic %%%"})
    assert (response.status_code, response.json()["error"]) == (400, "invalid_request")
    # a huge body
    response = httpx.post(backend_server.token_url, content=b"a=" + b"x" * 100_000, headers=headers, timeout=10)
    assert response.status_code == 400


def test_claims_and_signature_check_out_against_the_served_jwks(backend_server: LiveServer) -> None:
    creds = backend_server.create_client("claims", ["barcode.generate"])
    token = backend_server.token(creds)
    discovery = httpx.get(backend_server.base_url + "/.well-known/openid-configuration", timeout=10).json()
    assert discovery["issuer"] == backend_server.base_url
    assert discovery["token_endpoint"] == backend_server.token_url
    assert set(discovery["token_endpoint_auth_methods_supported"]) == {"client_secret_basic", "client_secret_post"}
    assert discovery["grant_types_supported"] == ["client_credentials"]
    # As an outside verifier would: the key by kid from the published JWKS.
    jwks = jwt.PyJWKClient(discovery["jwks_uri"])
    signing_key = jwks.get_signing_key_from_jwt(token)
    header = jwt.get_unverified_header(token)
    assert header["alg"] == "RS256" and header["kid"] == signing_key.key_id
    audience = jwt.decode(token, options={"verify_signature": False})["aud"]
    claims = jwt.decode(
        token,
        signing_key.key,
        algorithms=["RS256"],
        audience=audience,
        issuer=discovery["issuer"],
        options={"require": ["iss", "aud", "sub", "client_id", "scope", "iat", "nbf", "exp", "jti"]},
    )
    assert claims["sub"] == claims["client_id"] == creds.client_id
    assert claims["scope"] == "barcode.generate"
    assert claims["exp"] - claims["iat"] == 3600
    assert claims["nbf"] <= time.time() + 1
    second = jwt.decode(backend_server.token(creds), options={"verify_signature": False})
    assert second["jti"] != claims["jti"]


def test_blank_parameters_count_as_omitted_and_basic_may_name_its_client_in_the_form(
    backend_server: LiveServer,
) -> None:
    creds = backend_server.create_client("blank")
    auth = basic(creds.client_id, creds.client_secret)
    # RFC 6749 §3.2: a parameter without a value is as if it were not sent.
    for form in ({"client_id": "", "client_secret": ""}, {"scope": ""}, {"client_id": creds.client_id}):
        response = post_token(backend_server, {"grant_type": GRANT, **form}, headers=auth)
        assert response.status_code == 200, (form, response.text)
    for form in ({"client_id": "someone-else"}, {"client_secret": creds.client_secret}):
        response = post_token(backend_server, {"grant_type": GRANT, **form}, headers=auth)
        assert (response.status_code, response.json()["error"]) == (400, "invalid_request"), form
    response = post_token(backend_server, {"grant_type": "", "client_id": creds.client_id, "client_secret": "x"})
    assert (response.status_code, response.json()["error"]) == (400, "invalid_request")


@pytest.mark.parametrize("client_id", ["nul\x00byte", "x" * 65, "a b", "é"])
def test_client_ids_we_never_make_are_an_ordinary_401(backend_server: LiveServer, client_id: str) -> None:
    # PostgreSQL refuses text with a NUL byte: the lookup was a 500 there (and SQLite's answer a 401).
    response = post_token(backend_server, {"grant_type": GRANT, "client_id": client_id, "client_secret": "x"})
    assert (response.status_code, response.json()["error"]) == (401, "invalid_client"), response.text


def test_error_descriptions_keep_to_the_rfc_characters(backend_server: LiveServer) -> None:
    creds = backend_server.create_client("descriptions", ["barcode.recognize"])
    headers = {"Content-Type": "application/x-www-form-urlencoded"}
    repeated = f"grant_type={GRANT}&%22%5Cq%C3%A9%0A=1&%22%5Cq%C3%A9%0A=2"
    response = httpx.post(backend_server.token_url, content=repeated, headers=headers, timeout=10)
    scope = {"grant_type": GRANT, "client_id": creds.client_id, "client_secret": creds.client_secret}
    wide = post_token(backend_server, {**scope, "scope": 'barcode.recognize "\\ü'})
    for refused, error in ((response, "invalid_request"), (wide, "invalid_scope")):
        body = refused.json()
        assert body["error"] == error
        # RFC 6749 §5.2: %x20-21 / %x23-5B / %x5D-7E
        assert all(0x20 <= ord(c) <= 0x7E and c not in '"\\' for c in body["error_description"]), body
