"""Bearer token checks on a protected endpoint: forgeries, scopes, disabled and deleted clients, revoked tokens,
key rotation."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import jwt
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from sqlalchemy import select

from barcode_cloud_server.identity.clients import Credentials
from barcode_cloud_server.identity.keys import ACTIVATION_SECONDS
from barcode_cloud_server.identity.status import REFRESH_SECONDS
from barcode_cloud_server.storage.db import Database
from barcode_cloud_server.storage.tables import ClientRow, SigningKeyRow
from tests.support.bearer import PROTECTED, call, wait_for_status
from tests.support.servers import LiveServer


def assert_invalid_token(response: httpx.Response) -> None:
    assert response.status_code == 401, response.text
    assert response.headers["www-authenticate"].startswith('Bearer error="invalid_token"')
    body = response.json()
    assert body["error"]["message"] and body["requestId"] == response.headers["x-request-id"]


def real_signing_key(server: LiveServer) -> tuple[str, rsa.RSAPrivateKey]:
    url = server.database_url or f"sqlite:///{server.data_dir / 'barcode-cloud.db'}"
    from barcode_cloud_server.settings import normalize_database_url

    db = Database(normalize_database_url(url))
    with db.session() as session:
        row = session.scalars(select(SigningKeyRow).where(SigningKeyRow.retired_at.is_(None))).first()
        assert row is not None
        key = serialization.load_pem_private_key(row.private_pem.encode(), None)
    db.dispose()
    assert isinstance(key, rsa.RSAPrivateKey)
    return row.kid, key


def good_claims(server: LiveServer, token: str) -> dict[str, Any]:
    return dict(jwt.decode(token, options={"verify_signature": False}))


def test_a_valid_token_passes(backend_server: LiveServer) -> None:
    creds = backend_server.create_client("ok")
    response = call(backend_server, backend_server.token(creds))
    assert response.status_code == 200
    assert response.json()["client_id"] == creds.client_id


@pytest.mark.parametrize("header", [None, "", "Basic abc", "Bearer", "Bearer not.a.jwt", "Bearer a.b.c"])
def test_missing_or_malformed_tokens_are_401(backend_server: LiveServer, header: str | None) -> None:
    headers = {"Authorization": header} if header is not None else {}
    response = httpx.get(backend_server.base_url + PROTECTED, headers=headers, timeout=10)
    assert_invalid_token(response)


def _forge_other_key(server: LiveServer, token: str) -> str:
    header = jwt.get_unverified_header(token)
    other = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    return jwt.encode(good_claims(server, token), other, algorithm="RS256", headers={"kid": header["kid"]})


def _forge_alg_none(server: LiveServer, token: str) -> str:
    header = jwt.get_unverified_header(token)
    return jwt.encode(good_claims(server, token), None, algorithm="none", headers={"kid": header["kid"]})


def _forge_hs256_with_public_key(server: LiveServer, token: str) -> str:
    # The classic RS/HS confusion: HMAC keyed with the public key a verifier might accept.
    header = jwt.get_unverified_header(token)
    jwks = httpx.get(server.base_url + "/.well-known/jwks.json", timeout=10).json()
    jwk = next(k for k in jwks["keys"] if k["kid"] == header["kid"])
    public = jwt.algorithms.RSAAlgorithm.from_jwk(json.dumps(jwk))
    pem = public.public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)  # type: ignore[union-attr]
    hmac = jwt.algorithms.HMACAlgorithm(jwt.algorithms.HMACAlgorithm.SHA256)
    signing_input = (
        jwt.utils.base64url_encode(json.dumps({"alg": "HS256", "kid": header["kid"], "typ": "JWT"}).encode())
        + b"."
        + jwt.utils.base64url_encode(json.dumps(good_claims(server, token)).encode())
    )
    signature = hmac.sign(signing_input, pem)
    return (signing_input + b"." + jwt.utils.base64url_encode(signature)).decode()


def _tamper_payload(server: LiveServer, token: str) -> str:
    head, _payload, signature = token.split(".")
    claims = good_claims(server, token)
    claims["scope"] = "barcode.generate barcode.recognize admin"
    payload = jwt.utils.base64url_encode(json.dumps(claims).encode()).decode()
    return f"{head}.{payload}.{signature}"


def _signed_with(change: dict[str, Any]) -> Callable[[LiveServer, str], str]:
    def forge(server: LiveServer, token: str) -> str:
        kid, key = real_signing_key(server)
        return jwt.encode({**good_claims(server, token), **change}, key, algorithm="RS256", headers={"kid": kid})

    return forge


def _issuer_part(server: LiveServer, token: str) -> str:
    # PyJWT 2.10.0 compared a string issuer with `in`: any part of ours passed (CVE-2024-53861).
    return _signed_with({"iss": server.base_url[:-2]})(server, token)


def _unknown_kid(server: LiveServer, token: str) -> str:
    _, key = real_signing_key(server)
    return jwt.encode(good_claims(server, token), key, algorithm="RS256", headers={"kid": "someone-else"})


FORGERIES = {
    "other key, same kid": _forge_other_key,
    "alg none": _forge_alg_none,
    "HS256 with the public key": _forge_hs256_with_public_key,
    "tampered payload": _tamper_payload,
    "unknown kid": _unknown_kid,
    "expired": _signed_with({"exp": int(time.time()) - 3600, "iat": int(time.time()) - 7200}),
    "not yet valid": _signed_with({"nbf": int(time.time()) + 3600}),
    "wrong issuer": _signed_with({"iss": "https://id.example.com"}),
    "wrong audience": _signed_with({"aud": "someone-else"}),
    "a part of our issuer": _issuer_part,
    "a part of our audience": _signed_with({"aud": "barcode-cloud"}),
    "sub not the client": _signed_with({"sub": "someone-else"}),
    "no jti": _signed_with({"jti": None}),
}


@pytest.mark.parametrize("forgery", list(FORGERIES))
def test_forged_tokens_are_401(backend_server: LiveServer, forgery: str) -> None:
    token = backend_server.token()
    assert call(backend_server, token).status_code == 200
    forged = FORGERIES[forgery](backend_server, token)
    if forgery == "no jti":
        claims = good_claims(backend_server, forged)
        assert claims["jti"] is None
    assert_invalid_token(call(backend_server, forged))


def test_a_token_without_the_scope_is_403(backend_server: LiveServer) -> None:
    creds = backend_server.create_client("recognize-only", ["barcode.recognize"])
    response = call(backend_server, backend_server.token(creds))
    assert response.status_code == 403
    assert "barcode.generate" in response.json()["error"]["message"]


def test_disabling_a_client_revokes_its_live_tokens_within_5_seconds(backend_server: LiveServer) -> None:
    creds = backend_server.create_client("to-disable")
    token = backend_server.token(creds)
    assert call(backend_server, token).status_code == 200
    backend_server.cli("clients", "disable", creds.client_id)
    wait_for_status(backend_server, token, 401)
    assert "disabled or deleted" in call(backend_server, token).json()["error"]["message"]
    backend_server.cli("clients", "enable", creds.client_id)
    fresh = backend_server.token(creds)
    wait_for_status(backend_server, fresh, 200)
    time.sleep(REFRESH_SECONDS + 0.5)  # enabling does not bring the tokens issued before the disable back
    assert_invalid_token(call(backend_server, token))
    assert call(backend_server, fresh).status_code == 200


def test_revoke_tokens_voids_live_tokens_within_seconds_and_new_ones_work(backend_server: LiveServer) -> None:
    creds = backend_server.create_client("revoke-tokens")
    leaked = backend_server.token(creds)
    assert call(backend_server, leaked).status_code == 200  # now in the server's caches
    result = backend_server.cli("clients", "revoke-tokens", creds.client_id)
    assert "revoked" in result.stderr
    fresh = backend_server.token(creds)  # often within the revocation's second: dated from the mark
    wait_for_status(backend_server, leaked, 401)
    assert "revoked" in call(backend_server, leaked).json()["error"]["message"]
    assert call(backend_server, fresh).status_code == 200
    shown = json.loads(backend_server.cli("clients", "show", creds.client_id, "--json").stdout)
    assert shown["enabled"] is True and shown["tokens_valid_after"]
    missing = backend_server.cli("clients", "revoke-tokens", "nobody", check=False)
    assert missing.returncode == 1 and "no client nobody" in missing.stderr


def test_a_token_from_the_same_second_as_the_revocation_is_void(backend_server: LiveServer) -> None:
    for _ in range(5):  # a busy machine may push the grant and the revocation into two seconds: try again
        creds = backend_server.create_client("same-second")
        while time.time() % 1 > 0.3:
            time.sleep(0.02)
        leaked = backend_server.token(creds)
        assert backend_server.clients.revoke_tokens(creds.client_id)
        if good_claims(backend_server, leaked)["iat"] == int(time.time()):
            break
    else:
        pytest.fail("could not issue a token and revoke it within one second")
    fresh = backend_server.token(creds)
    assert good_claims(backend_server, fresh)["iat"] > good_claims(backend_server, leaked)["iat"]
    wait_for_status(backend_server, leaked, 401)
    assert call(backend_server, fresh).status_code == 200


def test_deleting_a_client_revokes_its_live_tokens_within_5_seconds(backend_server: LiveServer) -> None:
    creds = backend_server.create_client("to-delete")
    token = backend_server.token(creds)
    assert call(backend_server, token).status_code == 200
    backend_server.cli("clients", "delete", creds.client_id)
    wait_for_status(backend_server, token, 401)
    form = {"grant_type": "client_credentials", "client_id": creds.client_id, "client_secret": creds.client_secret}
    assert httpx.post(backend_server.token_url, data=form, timeout=10).status_code == 401


def server_database(server: LiveServer) -> Database:
    from barcode_cloud_server.settings import normalize_database_url

    return Database(normalize_database_url(server.database_url or f"sqlite:///{server.data_dir / 'barcode-cloud.db'}"))


def activate_now(server: LiveServer, kid: str) -> None:
    """Make a rotated key old enough to sign, instead of waiting ACTIVATION_SECONDS."""
    db = server_database(server)
    with db.session() as session:
        row = session.get(SigningKeyRow, kid)
        assert row is not None
        row.created_at -= timedelta(seconds=ACTIVATION_SECONDS + 1)
    db.dispose()


def published_kids(server: LiveServer) -> set[str]:
    return {k["kid"] for k in httpx.get(server.base_url + "/.well-known/jwks.json", timeout=10).json()["keys"]}


def test_key_rotation_keeps_live_tokens_valid(backend_server: LiveServer) -> None:
    creds = backend_server.create_client("rotation")
    old_token = backend_server.token(creds)
    old_kid = jwt.get_unverified_header(old_token)["kid"]
    backend_server.cli("keys", "rotate")
    deadline = time.monotonic() + 5
    while (new_kids := published_kids(backend_server) - {old_kid}) == set():
        assert time.monotonic() < deadline, "the server did not publish the new key"
        time.sleep(0.2)
    (new_kid,) = new_kids
    # Published, but the old key signs until every server and JWKS cache has had time to fetch the new one.
    assert jwt.get_unverified_header(backend_server.token(creds))["kid"] == old_kid
    activate_now(backend_server, new_kid)
    deadline = time.monotonic() + 5
    while jwt.get_unverified_header(new_token := backend_server.token(creds))["kid"] != new_kid:
        assert time.monotonic() < deadline, "the server did not start signing with the new key"
        time.sleep(0.2)
    assert {old_kid, new_kid} <= published_kids(backend_server)
    assert call(backend_server, old_token).status_code == 200
    assert call(backend_server, new_token).status_code == 200


def test_revoking_a_leaked_key_fails_its_tokens_within_seconds(backend_server: LiveServer) -> None:
    creds = backend_server.create_client("key-revocation")
    leaked_token = backend_server.token(creds)
    leaked_kid = jwt.get_unverified_header(leaked_token)["kid"]
    assert call(backend_server, leaked_token).status_code == 200  # now in the server's verified-token cache
    listed = json.loads(backend_server.cli("keys", "list", "--json").stdout)
    assert leaked_kid in [k["kid"] for k in listed]
    result = backend_server.cli("keys", "revoke", leaked_kid)
    assert "revoked" in result.stderr and "signs from now on" in result.stderr
    deadline = time.monotonic() + 5
    while call(backend_server, leaked_token).status_code == 200:
        assert time.monotonic() < deadline, "a revoked key's token still works"
        time.sleep(0.2)
    assert_invalid_token(call(backend_server, leaked_token))
    assert leaked_kid not in published_kids(backend_server)
    fresh = backend_server.token(creds)  # a new key signs at once, no publish-then-sign wait
    assert jwt.get_unverified_header(fresh)["kid"] != leaked_kid
    assert call(backend_server, fresh).status_code == 200
    unknown = backend_server.cli("keys", "revoke", "no-such-kid", check=False)
    assert unknown.returncode == 1 and "no signing key" in unknown.stderr


def test_secret_rotation_keeps_the_old_secret_for_the_overlap(backend_server: LiveServer) -> None:
    creds = backend_server.create_client("secret-rotation")
    rotated = json.loads(backend_server.cli("clients", "rotate-secret", creds.client_id, "--json").stdout)
    assert set(rotated) == {"client_id", "client_secret", "name", "scopes"}
    assert rotated["client_id"] == creds.client_id and rotated["client_secret"] != creds.client_secret
    form = {"grant_type": "client_credentials", "client_id": creds.client_id}

    def ok(secret: str) -> int:
        return httpx.post(backend_server.token_url, data={**form, "client_secret": secret}, timeout=10).status_code

    assert ok(rotated["client_secret"]) == 200
    assert ok(creds.client_secret) == 200  # still inside the overlap
    final = json.loads(
        backend_server.cli("clients", "rotate-secret", creds.client_id, "--overlap", "0", "--json").stdout
    )
    assert ok(final["client_secret"]) == 200
    assert ok(rotated["client_secret"]) == 401
    assert ok(creds.client_secret) == 401


def test_rotation_without_overlap_voids_the_tokens_of_the_old_secret(backend_server: LiveServer) -> None:
    creds = backend_server.create_client("leaked-secret")
    leaked = backend_server.token(creds)
    overlapping = json.loads(backend_server.cli("clients", "rotate-secret", creds.client_id, "--json").stdout)
    time.sleep(REFRESH_SECONDS + 0.5)
    assert call(backend_server, leaked).status_code == 200  # a planned rotation leaves live tokens alone
    final = json.loads(
        backend_server.cli("clients", "rotate-secret", creds.client_id, "--overlap", "0", "--json").stdout
    )
    wait_for_status(backend_server, leaked, 401)
    form = {"grant_type": "client_credentials", "client_id": creds.client_id}
    response = httpx.post(backend_server.token_url, data={**form, "client_secret": final["client_secret"]}, timeout=10)
    assert call(backend_server, response.json()["access_token"]).status_code == 200
    assert overlapping["client_secret"] != final["client_secret"]


def test_the_old_secret_stops_when_the_overlap_ends(backend_server: LiveServer) -> None:
    # The overlap's end is compared as an aware UTC time, though SQLite hands it back naive.
    creds = backend_server.create_client("overlap-ends")
    rotated = backend_server.clients.rotate_secret(creds.client_id, overlap_seconds=60)
    assert rotated is not None
    form = {"grant_type": "client_credentials", "client_id": creds.client_id}

    def status(secret: str) -> int:
        return httpx.post(backend_server.token_url, data={**form, "client_secret": secret}, timeout=10).status_code

    assert status(creds.client_secret) == 200
    # The overlap ended a second ago (rather than a 1-second overlap, which a slow first grant could outlast).
    db = server_database(backend_server)
    with db.session() as session:
        row = session.get(ClientRow, creds.client_id)
        assert row is not None and row.previous_secret_expires_at is not None
        row.previous_secret_expires_at = datetime.now(UTC) - timedelta(seconds=1)
    db.dispose()
    assert status(creds.client_secret) == 401
    assert status(rotated.client_secret) == 200


def twice_at_once(action: Callable[[], object]) -> list[object]:
    """What ``action`` returned (or raised) in two threads started together."""
    barrier = threading.Barrier(2)
    outcomes: list[object] = []

    def run() -> None:
        barrier.wait()
        try:
            outcomes.append(action())
        except Exception as exc:
            outcomes.append(exc)

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return outcomes


def test_two_rotations_at_once_both_print_working_secrets(backend_server: LiveServer) -> None:
    # Each rotation read the row and wrote it back: the later write dropped the earlier's new secret, which
    # its administrator had been shown. Now the second keeps the first's as the previous one.
    store = backend_server.clients
    for _ in range(10):
        creds = store.create("concurrent-rotation")
        printed = twice_at_once(lambda: store.rotate_secret(creds.client_id))  # noqa: B023 - joined at once
        assert all(isinstance(p, Credentials) for p in printed), printed
        assert all(store.authenticate(creds.client_id, p.client_secret) for p in printed)  # type: ignore[attr-defined]
        assert store.authenticate(creds.client_id, creds.client_secret) is None  # two rotations old


def test_two_deletions_at_once_delete_once(backend_server: LiveServer) -> None:
    store = backend_server.clients
    for _ in range(5):
        creds = store.create("deleted-twice")
        outcomes = twice_at_once(lambda: store.delete(creds.client_id))  # noqa: B023 - joined at once
        # The read-then-delete raised StaleDataError in the second.
        assert sorted(outcomes, key=str) == [False, True], outcomes
