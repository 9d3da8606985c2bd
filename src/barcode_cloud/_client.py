"""HTTP for the API classes: :class:`ApiClient` and :class:`AsyncApiClient`.

One httpx connection pool per client, connect and read timeouts, retries of connection failures and of
429 / 502 / 503 / 504 answers (exponential backoff with jitter, ``Retry-After`` honoured up to a cap), the
mode's auth flow (see :mod:`barcode_cloud._auth`), and the mapping of responses to results or
:class:`~barcode_cloud.ApiException`. Use a client as a context manager, or call ``close()``.

Every operation is retried the same way, POSTs included: the nine operations of the API are pure functions of
their input (they generate or read an image and store nothing), so sending one twice does no harm. A client
for an API with side effects would retry only idempotent requests, or ones it can deduplicate.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import os
import threading
import time
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from types import TracebackType
from typing import Any, Generic, Self, TypeVar
from urllib.parse import quote, urlencode

import httpx

import barcode_cloud._fork as _fork
from barcode_cloud._auth import auth_for
from barcode_cloud._exceptions import ApiException, from_api_response
from barcode_cloud._operation import Operation
from barcode_cloud._retry import RETRY_STATUSES, retryable
from barcode_cloud._transport import StdlibTransport
from barcode_cloud.configuration import Configuration, verify_for
from barcode_cloud.rest import RESTClientObject
from barcode_cloud.version import __version__

log = logging.getLogger("barcode_cloud.http")
_PROXY_VARIABLES = ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "http_proxy", "https_proxy", "all_proxy")

T = TypeVar("T")
RequestTimeout = float | tuple[float, float] | None


class AsyncResult(Generic[T]):
    """What ``async_req=True`` returns (as ``multiprocessing.pool.AsyncResult``): ``get()`` waits for the result."""

    def __init__(self, future: Future[T]) -> None:
        self._future = future

    def get(self, timeout: float | None = None) -> T:
        return self._future.result(timeout)

    def wait(self, timeout: float | None = None) -> None:
        with contextlib.suppress(TimeoutError):
            self._future.exception(timeout)

    def ready(self) -> bool:
        return self._future.done()

    def successful(self) -> bool:
        if not self._future.done():
            raise ValueError("the call has not finished")
        return self._future.exception() is None


class _ClientBase:
    """What the sync and async clients share: configuration, headers, request building, retry decisions."""

    def __init__(
        self,
        configuration: Configuration | None,
        header_name: str | None,
        header_value: str | None,
        cookie: str | None,
    ) -> None:
        self.configuration = configuration if configuration is not None else Configuration.get_default_copy()
        self.default_headers: dict[str, str] = {"User-Agent": f"barcode-cloud-python/{__version__}"}
        if header_name is not None and header_value is not None:
            self.default_headers[header_name] = header_value
        self.cookie = cookie
        self.last_response: httpx.Response | None = None
        self._lock = threading.Lock()
        self._default_timeout = self._timeout(None)

    @property
    def user_agent(self) -> str:
        return self.default_headers["User-Agent"]

    @user_agent.setter
    def user_agent(self, value: str) -> None:
        self.default_headers["User-Agent"] = value

    def set_default_header(self, header_name: str, header_value: str) -> None:
        self.default_headers[header_name] = header_value

    def _proxied(self) -> bool:
        """A proxy is configured, or httpx would take one from the environment."""
        return self.configuration.proxy is not None or any(os.environ.get(name) for name in _PROXY_VARIABLES)

    def _client_options(self) -> dict[str, Any]:
        c = self.configuration
        size = c.connection_pool_maxsize
        return {
            "timeout": httpx.Timeout(c.read_timeout, connect=c.connect_timeout),
            "limits": httpx.Limits(max_connections=size, max_keepalive_connections=size),
            "verify": verify_for(c),
            "proxy": c.proxy,
            "follow_redirects": False,
        }

    def _timeout(self, request_timeout: RequestTimeout) -> dict[str, float | None]:
        c = self.configuration
        if request_timeout is None:
            timeout = httpx.Timeout(c.read_timeout, connect=c.connect_timeout)
        elif isinstance(request_timeout, tuple):
            connect, read = request_timeout
            timeout = httpx.Timeout(read, connect=connect)
        else:
            timeout = httpx.Timeout(request_timeout)
        return timeout.as_dict()

    def _build(self, op: Operation, request_timeout: RequestTimeout) -> httpx.Request:
        """The request of ``op``, built directly: ``Client.build_request`` is slow (see ``bench/bench_sdk.py``)."""
        headers = dict(self.default_headers)
        headers["Accept"] = op.accept
        if op.content_type is not None:
            headers["Content-Type"] = op.content_type
        if self.cookie:
            headers["Cookie"] = self.cookie
        url = self.configuration.host + op.path
        if op.params:
            url += "?" + urlencode(op.params, quote_via=quote)
        timeout = self._default_timeout if request_timeout is None else self._timeout(request_timeout)
        request = httpx.Request(
            op.method, url, content=op.content, files=op.files, headers=headers, extensions={"timeout": timeout}
        )
        request.read()  # a multipart body becomes bytes once, so that retries resend it
        return request

    def _retry_delay(self, attempt: int, response: httpx.Response) -> float | None:
        if response.status_code not in RETRY_STATUSES or attempt >= self.configuration.retry.max_retries:
            return None
        return self.configuration.retry.delay(attempt, response)

    def _error_delay(self, attempt: int, exc: httpx.HTTPError) -> float:
        if retryable(exc) and attempt < self.configuration.retry.max_retries:
            return self.configuration.retry.backoff(attempt)
        raise ApiException(0, f"{type(exc).__name__}: {exc}") from exc

    def _finish(self, op: Operation, response: httpx.Response, started: float) -> httpx.Response:
        self.last_response = response
        if log.isEnabledFor(logging.DEBUG):
            elapsed = (time.perf_counter() - started) * 1000
            log.debug("%s %s -> %d (%.1f ms)", op.method, op.path, response.status_code, elapsed)
        if 200 <= response.status_code < 300:
            return response
        raise from_api_response(
            response.status_code,
            response.reason_phrase,
            response.content,
            response.headers,
            body_as_bytes=op.returns is None,
        )


class ApiClient(_ClientBase):
    """The synchronous client: ``ApiClient(configuration=None, header_name=None, header_value=None,
    cookie=None)`` as in ``aspose_barcode_cloud``.

    ``transport``: an httpx transport to send with (tests, custom networking). By default the SDK's
    :class:`~barcode_cloud._transport.StdlibTransport` (pooled keep-alive ``http.client`` connections), or httpx's
    own transport when a proxy is configured (``Configuration.proxy`` or the ``*_PROXY`` variables)."""

    def __init__(
        self,
        configuration: Configuration | None = None,
        header_name: str | None = None,
        header_value: str | None = None,
        cookie: str | None = None,
        *,
        transport: httpx.BaseTransport | None = None,
    ) -> None:
        super().__init__(configuration, header_name, header_value, cookie)
        if transport is None and not self._proxied():
            size = self.configuration.connection_pool_maxsize
            transport = StdlibTransport(verify_for(self.configuration), max_idle=size)
        #: API requests go straight to this transport (auth flow included); None: through httpx.Client
        #: (when a proxy is configured: httpx routes it).
        self._direct = transport
        self._http = httpx.Client(transport=transport, **self._client_options())
        self._auth = auth_for(self.configuration, sync_client=self._http)
        self._pool: ThreadPoolExecutor | None = None
        #: aspose's seam: requests go through a replacement (a test's mock) when code swaps this one out.
        self.rest_client: Any = RESTClientObject(self.configuration)
        self._own_rest_client = self.rest_client
        _fork.register(self)

    def _after_fork_in_child(self) -> None:
        # The parent's worker threads do not exist here (its connections: see StdlibTransport).
        self._lock = threading.Lock()
        self._pool = None

    def _send_direct(self, transport: httpx.BaseTransport, request: httpx.Request) -> httpx.Response:
        """What ``httpx.Client.send(request, auth=...)`` does, minus cookies, hooks and redirects, which the
        SDK does not use and which cost per call (see ``bench/bench_sdk.py``)."""
        flow = self._auth.sync_auth_flow(request)
        try:
            request = next(flow)
            while True:
                response = transport.handle_request(request)
                response.request = request
                try:
                    response.read()
                finally:
                    response.close()
                try:
                    request = flow.send(response)
                except StopIteration:
                    return response
        finally:
            flow.close()

    def execute(self, op: Operation, request_timeout: RequestTimeout = None) -> httpx.Response:
        """Send ``op`` with auth and retries; the 2xx response, else :class:`ApiException`."""
        started = time.perf_counter()
        if self.rest_client is not self._own_rest_client:
            return self._finish(op, self._through_rest_client(op, request_timeout), started)
        request = self._build(op, request_timeout)
        attempt = 0
        while True:
            try:
                if self._direct is not None:
                    response = self._send_direct(self._direct, request)
                else:
                    response = self._http.send(request, auth=self._auth)
            except httpx.HTTPError as exc:
                time.sleep(self._error_delay(attempt, exc))
                attempt += 1
                continue
            delay = self._retry_delay(attempt, response)
            if delay is None:
                return self._finish(op, response, started)
            log.debug("%s %s -> %d: retry %d in %.2fs", op.method, op.path, response.status_code, attempt + 1, delay)
            response.close()
            time.sleep(delay)
            attempt += 1

    def _through_rest_client(self, op: Operation, request_timeout: RequestTimeout) -> httpx.Response:
        """``op`` sent as ``aspose_barcode_cloud`` sends it to ``rest_client.GET(url, headers=...)``, ``.POST``...:
        the arguments its methods take, the response it returns (any object with ``status``, ``data``,
        ``getheaders()``; what a mock returns reads as an empty 200)."""
        headers = dict(self.default_headers)
        headers["Accept"] = op.accept
        if self.cookie:
            headers["Cookie"] = self.cookie
        headers["Authorization"] = self.configuration.auth_settings()["JWT"]["value"]
        kwargs: dict[str, Any] = {
            "headers": headers,
            "query_params": list(op.params or []),
            "_preload_content": op.returns is not None,  # aspose reads generated images later
            "_request_timeout": request_timeout,
        }
        if op.method == "POST":
            if op.files is not None:
                headers["Content-Type"] = "multipart/form-data"
                kwargs["post_params"] = [
                    (name, part[1].decode() if part[0] is None else part) for name, part in op.files
                ]
            elif op.content is not None:
                headers["Content-Type"] = op.content_type or "application/json"
                kwargs["body"] = json.loads(op.content)
        result = getattr(self.rest_client, op.method)(self.configuration.host + op.path, **kwargs)
        status = getattr(result, "status", 200)
        data = getattr(result, "data", b"")
        try:
            got = dict(result.getheaders())
        except (AttributeError, TypeError, ValueError):
            got = {}
        return httpx.Response(
            status if isinstance(status, int) else 200,
            headers={str(k): str(v) for k, v in got.items()},
            content=data.encode() if isinstance(data, str) else data if isinstance(data, bytes) else b"",
        )

    def submit(self, fn: Callable[[], T]) -> AsyncResult[T]:
        """Run ``fn`` on this client's thread pool (``async_req=True`` of the API methods)."""
        with self._lock:
            if self._pool is None:
                self._pool = ThreadPoolExecutor(thread_name_prefix="barcode-cloud")
            pool = self._pool
        return AsyncResult(pool.submit(fn))

    def close(self) -> None:
        """Wait for the calls made with ``async_req=True``, then close the connections."""
        with self._lock:
            pool, self._pool = self._pool, None
        if pool is not None:
            pool.shutdown(wait=True)
        self._http.close()
        self._own_rest_client.close()

    def __del__(self) -> None:
        # Code written for aspose_barcode_cloud seldom closes its client (its README sample does not): when the
        # garbage collector takes an open one, close its idle connections and let its worker threads end.
        with contextlib.suppress(Exception):  # a half-made client, or the interpreter shutting down
            if self._pool is not None:
                self._pool.shutdown(wait=False)
            self._http.close()
            self._own_rest_client.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()


class AsyncApiClient(_ClientBase):
    """The asyncio client; same arguments as :class:`ApiClient`. Use ``async with`` or ``await aclose()``."""

    def __init__(
        self,
        configuration: Configuration | None = None,
        header_name: str | None = None,
        header_value: str | None = None,
        cookie: str | None = None,
        *,
        transport: httpx.AsyncBaseTransport | None = None,
    ) -> None:
        super().__init__(configuration, header_name, header_value, cookie)
        self._http = httpx.AsyncClient(transport=transport, **self._client_options())
        self._auth = auth_for(self.configuration, async_client=self._http)

    async def execute(self, op: Operation, request_timeout: RequestTimeout = None) -> httpx.Response:
        """Send ``op`` with auth and retries; the 2xx response, else :class:`ApiException`."""
        request = self._build(op, request_timeout)
        attempt = 0
        started = time.perf_counter()
        while True:
            try:
                response = await self._http.send(request, auth=self._auth)
            except httpx.HTTPError as exc:
                await asyncio.sleep(self._error_delay(attempt, exc))
                attempt += 1
                continue
            delay = self._retry_delay(attempt, response)
            if delay is None:
                return self._finish(op, response, started)
            log.debug("%s %s -> %d: retry %d in %.2fs", op.method, op.path, response.status_code, attempt + 1, delay)
            await response.aclose()
            await asyncio.sleep(delay)
            attempt += 1

    async def aclose(self) -> None:
        await self._http.aclose()

    async def close(self) -> None:
        await self.aclose()

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        await self.aclose()
