"""Every response carries the security headers: API responses a policy that loads and frames nothing, /docs one
that allows exactly what its page loads."""

from __future__ import annotations

import base64
import hashlib
import re
import socket

import httpx
import pytest

from tests.support.servers import LiveServer

API_CSP = "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'"


def assert_secured(response: httpx.Response, csp: str | None = API_CSP) -> None:
    headers = response.headers
    where = f"{response.request.method} {response.request.url.path} -> {response.status_code}"
    assert headers.get_list("x-content-type-options") == ["nosniff"], where
    assert headers.get_list("referrer-policy") == ["no-referrer"], where
    assert headers.get_list("x-frame-options") == ["DENY"], where
    assert len(headers.get_list("content-security-policy")) == 1, where
    if csp is not None:
        assert headers["content-security-policy"] == csp, where


@pytest.fixture(scope="module")
def bearer(live_server: LiveServer) -> dict[str, str]:
    return {"Authorization": f"Bearer {live_server.token()}"}


def test_api_responses_and_errors(live_server: LiveServer, bearer: dict[str, str]) -> None:
    base = live_server.base_url
    creds = live_server.create_client("headers")
    form = {"grant_type": "client_credentials", "client_id": creds.client_id, "client_secret": creds.client_secret}
    with httpx.Client(base_url=base, timeout=10) as client:
        responses = [
            client.post("/connect/token", data=form),
            client.post("/connect/token", data={**form, "client_secret": "wrong"}),
            client.get("/.well-known/jwks.json"),
            client.get("/.well-known/openid-configuration"),
            client.get("/v4.0/barcode/generate/QR", params={"data": "hello"}, headers=bearer),  # the hot path
            client.head("/v4.0/barcode/generate/QR", params={"data": "hello"}, headers=bearer),
            client.get("/v4.0/barcode/generate/QR", params={"data": "hello"}),  # its 401
            client.get("/v4.0/barcode/generate/NoSuchType", params={"data": "x"}, headers=bearer),  # its 400
            client.get("/v4.0/barcode/generate", headers=bearer),  # its 404
            client.post("/v4.0/barcode/generate-body", content=b"{", headers=bearer),
            client.get("/healthz"),
            client.get("/readyz"),
            client.get("/metrics"),
            client.get("/openapi.json"),
            client.get("/no/such/path"),
            client.delete("/healthz"),
        ]
    statuses = {r.status_code for r in responses}
    assert {200, 400, 401, 404, 405} <= statuses
    for response in responses:
        assert_secured(response)


def test_an_answer_of_the_http_layer_is_secured_too(live_server: LiveServer) -> None:
    host, port = live_server.base_url.removeprefix("http://").split(":")
    with socket.create_connection((host, int(port)), timeout=5) as sock:
        sock.sendall(b"GET /healthz HTTP/1.1\r\nHost: x\r\nX-Pad: " + b"a" * 40000 + b"\r\n\r\n")
        answer = b""
        while chunk := sock.recv(65536):
            answer += chunk
    head = answer.split(b"\r\n\r\n")[0].decode().lower()
    assert head.startswith("http/1.1 431 ")
    for line in ("x-content-type-options: nosniff", "x-frame-options: deny", "content-security-policy: default-src"):
        assert line in head


def test_docs_policy_allows_exactly_what_the_page_loads(live_server: LiveServer) -> None:
    docs = httpx.get(live_server.base_url + "/docs", timeout=10)
    assert docs.status_code == 200
    assert_secured(docs, csp=None)
    directives = [directive.split() for directive in docs.headers["content-security-policy"].split("; ")]
    policy = {name: sources for name, *sources in directives}
    assert policy["default-src"] == ["'none'"] and policy["frame-ancestors"] == ["'none'"]
    assert "'unsafe-inline'" not in policy["script-src"] and "'unsafe-eval'" not in policy["script-src"]
    assert "'self'" in policy["script-src"] and "'self'" in policy["style-src"] and "'self'" in policy["img-src"]
    # Nothing from another host: the page loads its assets from this origin only (docs assets test below).
    assert not [source for sources in policy.values() for source in sources if "://" in source or "." in source]
    html = docs.text
    inline = re.findall(r"<script>(.*?)</script>", html, re.DOTALL)
    assert inline
    for body in inline:
        digest = base64.b64encode(hashlib.sha256(body.encode()).digest()).decode()
        assert f"'sha256-{digest}'" in policy["script-src"]
    assert "'self'" in policy["connect-src"]  # the spec, the token and "Try it out"

    redirect = httpx.get(live_server.base_url + "/docs/oauth2-redirect", timeout=10)
    assert_secured(redirect, csp=docs.headers["content-security-policy"])
    inline = re.findall(r"<script>(.*?)</script>", redirect.text, re.DOTALL)
    assert inline
    for body in inline:
        digest = base64.b64encode(hashlib.sha256(body.encode()).digest()).decode()
        assert f"'sha256-{digest}'" in policy["script-src"]


def test_docs_page_loads_every_asset_from_this_server(live_server: LiveServer) -> None:
    """/docs works on a server without internet access: it names no other host, and what it loads is here."""
    html = httpx.get(live_server.base_url + "/docs", timeout=10).text
    assert not re.findall(r"(?:https?:)?//[\w.-]+", html)
    scripts = re.findall(r'<script src="([^"]+)"', html)
    styles = re.findall(r'<link type="text/css" rel="stylesheet" href="([^"]+)"', html)
    icons = re.findall(r'<link rel="shortcut icon" href="([^"]+)"', html)
    assert len(scripts) == len(styles) == len(icons) == 1
    # Python's mimetypes names JavaScript text/javascript from 3.12 on, application/javascript before.
    expected = [(scripts[0], ("text/javascript", "application/javascript")), (styles[0], ("text/css",))]
    for url, content_types in [*expected, (icons[0], ("image/png",))]:
        assert url.startswith("/"), url
        asset = httpx.get(live_server.base_url + url, timeout=10)
        assert asset.status_code == 200, url
        assert asset.headers["content-type"].split(";")[0] in content_types, url
        assert len(asset.content) > 500, url
        assert_secured(asset)
    assert b"SwaggerUIBundle" in httpx.get(live_server.base_url + scripts[0], timeout=10).content
