"""Helpers for SDK tests against the real server: counting transports (a counting proxy inside the client)
and the server's own count of issued tokens."""

from __future__ import annotations

import re
import threading

import httpx

from barcode_cloud import ApiClient, AsyncApiClient, Configuration
from barcode_cloud._transport import StdlibTransport
from barcode_cloud_server.identity.clients import Credentials
from tests.support.servers import LiveServer


class _Counts:
    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.token_requests = 0
        self.api_statuses: list[int] = []
        self.tamper_next = 0  # corrupt the bearer token of this many next API requests

    def before(self, request: httpx.Request) -> None:
        if request.url.path != "/connect/token":
            with self.lock:
                if self.tamper_next > 0:
                    self.tamper_next -= 1
                    request.headers["Authorization"] = request.headers["Authorization"] + "x"

    def after(self, request: httpx.Request, response: httpx.Response) -> None:
        with self.lock:
            if request.url.path == "/connect/token":
                self.token_requests += 1
            else:
                self.api_statuses.append(response.status_code)

    @property
    def api_401(self) -> int:
        return self.api_statuses.count(401)


class CountingTransport(httpx.BaseTransport, _Counts):
    """Counts token requests and API answers as they cross the wire; sends with the SDK's default transport."""

    def __init__(self, inner: httpx.BaseTransport | None = None) -> None:
        _Counts.__init__(self)
        self.inner = inner or StdlibTransport()

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        self.before(request)
        response = self.inner.handle_request(request)
        self.after(request, response)
        return response

    def close(self) -> None:
        self.inner.close()


class AsyncCountingTransport(httpx.AsyncHTTPTransport, _Counts):
    def __init__(self) -> None:
        httpx.AsyncHTTPTransport.__init__(self)
        _Counts.__init__(self)

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        self.before(request)
        response = await super().handle_async_request(request)
        self.after(request, response)
        return response


def jwt_config(server: LiveServer, creds: Credentials, **kwargs: object) -> Configuration:
    return Configuration(
        client_id=creds.client_id,
        client_secret=creds.client_secret,
        host=server.api_url,
        token_url=server.token_url,
        **kwargs,  # type: ignore[arg-type]
    )


def jwt_client(
    server: LiveServer, creds: Credentials, transport: httpx.BaseTransport | None = None, **kwargs: object
) -> ApiClient:
    return ApiClient(jwt_config(server, creds, **kwargs), transport=transport)


def async_jwt_client(
    server: LiveServer, creds: Credentials, transport: httpx.AsyncBaseTransport | None = None
) -> AsyncApiClient:
    return AsyncApiClient(jwt_config(server, creds), transport=transport)


def external_client(server: LiveServer, token: str, transport: httpx.BaseTransport | None = None) -> ApiClient:
    return ApiClient(Configuration(access_token=token, host=server.api_url), transport=transport)


def issued_tokens(server: LiveServer) -> float:
    """The server's own count of issued tokens (Prometheus counter)."""
    text = httpx.get(server.base_url + "/metrics", timeout=10).text
    match = re.search(r'^barcode_cloud_token_requests_total\{outcome="issued"\} ([0-9.e+]+)$', text, re.M)
    return float(match.group(1)) if match else 0.0
