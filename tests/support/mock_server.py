"""A scripted token endpoint and Barcode API behind ``httpx.MockTransport``, counting what it receives.

Tokens are ``tok-<n>`` with a lifetime; the API answers 401 to unknown or expired tokens (so a client that
refreshes late is caught), and the test can script failures of either side.
"""

from __future__ import annotations

import asyncio
import itertools
import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field

import httpx

from barcode_cloud import ApiClient as SyncApiClient
from barcode_cloud import AsyncApiClient, Configuration

RESULT = {"barcodes": [{"barcodeValue": "hello", "type": "QR", "region": [{"x": 1, "y": 2}]}]}
PNG = b"\x89PNG\r\n\x1a\nfake"


@dataclass
class MockServer:
    lifetime: float = 3600
    secret: str = field(default_factory=lambda: "s3cr3t-" + uuid.uuid4().hex)
    client_id: str = field(default_factory=lambda: "client-" + uuid.uuid4().hex[:12])
    token_delay: float = 0.0
    #: statuses the token endpoint answers before it succeeds (e.g. [503, 503])
    token_failures: list[int] = field(default_factory=list)
    #: statuses the API answers before it serves (e.g. [429]); 401 entries test the refresh
    api_failures: list[int] = field(default_factory=list)
    #: the API rejects every token (persistent 401)
    reject_all: bool = False
    #: the API rejects tokens issued before this counter value
    reject_before: int = 0
    retry_after: str | None = None

    token_requests: int = 0
    api_requests: int = 0
    api_401: int = 0
    issued: dict[str, tuple[int, float]] = field(default_factory=dict)
    seen_tokens: list[str] = field(default_factory=list)
    max_age_used: float = 0.0  # the oldest a token was when the API received it (seconds)
    _counter: itertools.count[int] = field(default_factory=lambda: itertools.count(1))
    _lock: threading.Lock = field(default_factory=threading.Lock)

    host = "http://mock.test/v4.0"
    token_url = "http://mock.test/connect/token"

    def config(self, **kwargs: object) -> Configuration:
        options: dict[str, object] = {
            "client_id": self.client_id,
            "client_secret": self.secret,
            "host": self.host,
            "token_url": self.token_url,
            "backoff_factor": 0.01,
        }
        options.update(kwargs)
        return Configuration(**options)  # type: ignore[arg-type]

    def client(self, **kwargs: object) -> SyncApiClient:
        return SyncApiClient(self.config(**kwargs), transport=httpx.MockTransport(self.handle))

    def async_client(self, **kwargs: object) -> AsyncApiClient:
        return AsyncApiClient(self.config(**kwargs), transport=httpx.MockTransport(self.ahandle))

    # --- the two endpoints -------------------------------------------------------------------------------
    def _token(self, request: httpx.Request) -> httpx.Response | float:
        with self._lock:
            self.token_requests += 1
            failure = self.token_failures.pop(0) if self.token_failures else None
        if failure is not None:
            return httpx.Response(failure, json={"error": "temporarily_unavailable"})
        form = dict(httpx.QueryParams(request.content.decode()))
        if form.get("client_id") != self.client_id or form.get("client_secret") != self.secret:
            return httpx.Response(
                401,
                json={"error": "invalid_client", "error_description": "client authentication failed"},
                headers={"WWW-Authenticate": 'Basic realm="x"'},
            )
        with self._lock:
            n = next(self._counter)
            value = f"tok-{n}-{uuid.uuid4().hex}"
            self.issued[value] = (n, time.monotonic())
        return httpx.Response(
            200, json={"access_token": value, "token_type": "Bearer", "expires_in": self.lifetime, "scope": ""}
        )

    def _api(self, request: httpx.Request) -> httpx.Response:
        with self._lock:
            self.api_requests += 1
            failure = self.api_failures.pop(0) if self.api_failures else None
        auth = request.headers.get("authorization", "")
        token = auth.removeprefix("Bearer ")
        self.seen_tokens.append(token)
        known = self.issued.get(token)
        age = time.monotonic() - known[1] if known is not None else 0.0
        self.max_age_used = max(self.max_age_used, age)
        expired = known is not None and age > self.lifetime
        stale = known is not None and known[0] < self.reject_before
        if self.reject_all or failure == 401 or expired or stale or (known is None and token != "external-ok"):
            with self._lock:
                self.api_401 += 1
            return httpx.Response(
                401,
                json={"requestId": "r", "error": {"code": "Unauthorized", "message": "invalid token"}},
                headers={"WWW-Authenticate": 'Bearer error="invalid_token"'},
            )
        if failure is not None:
            headers = {"Retry-After": self.retry_after} if self.retry_after else {}
            return httpx.Response(failure, headers=headers, json={"error": {"code": "x", "message": "busy"}})
        if request.url.path.startswith("/v4.0/barcode/generate"):
            return httpx.Response(200, content=PNG, headers={"content-type": "image/png"})
        return httpx.Response(200, json=RESULT)

    def handle(self, request: httpx.Request) -> httpx.Response:
        if request.url.path == "/connect/token":
            if self.token_delay:
                time.sleep(self.token_delay)
            result = self._token(request)
            assert isinstance(result, httpx.Response)
            return result
        return self._api(request)

    async def ahandle(self, request: httpx.Request) -> httpx.Response:
        if request.url.path == "/connect/token":
            if self.token_delay:
                await asyncio.sleep(self.token_delay)
            result = self._token(request)
            assert isinstance(result, httpx.Response)
            return result
        return self._api(request)


def run_threads(n: int, fn: Callable[[int], object]) -> list[object]:
    """Run ``fn(i)`` in ``n`` threads released at the same instant; results (or exceptions) in order."""
    barrier = threading.Barrier(n)
    results: list[object] = [None] * n

    def worker(i: int) -> None:
        barrier.wait()
        try:
            results[i] = fn(i)
        except Exception as exc:
            results[i] = exc

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    return results
