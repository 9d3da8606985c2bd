"""Access tokens in JWT mode: fetch, cache, refresh; one fetch at a time however many callers wait.

* A :class:`TokenCache` exists once per process for each (token URL, client id, scope, secret digest).
* A token is fetched when first needed and kept with its lifetime (``expires_in``) measured on the monotonic
  clock from the moment the request was sent. It is refreshed ``margin = min(5 min, lifetime / 4)`` before it
  expires, minus a random jitter of up to half the margin, so that many processes do not refresh in step.
* Concurrent callers, threads or asyncio tasks (on any event loop), share one fetch ("single flight"): one
  caller fetches, the others wait for its result; while a refresh is in flight, callers whose token is still
  within its lifetime minus the margin keep using it instead of waiting.
* After a ``401`` the API layer asks for a token *newer than the rejected one*: if another caller already
  replaced it, that one is used, otherwise one new fetch happens (:meth:`TokenCache.get_sync`'s ``stale``).
* Token endpoint errors become :class:`~barcode_cloud.ApiException` with the OAuth ``error`` code; 4xx fail at
  once (a wrong secret is not retried), 5xx and connection failures are retried with backoff.

Secrets and tokens never reach a log or an exception message.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import random
import ssl
import threading
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import httpx

from barcode_cloud.exceptions import ApiException, from_token_response
from barcode_cloud.retry import RETRY_ERRORS, RetryPolicy

if TYPE_CHECKING:
    from barcode_cloud.configuration import Configuration

log = logging.getLogger("barcode_cloud.tokens")

MAX_MARGIN = 300.0
DEFAULT_LIFETIME = 300.0
_ACCEPT = {"Accept": "application/json"}


@dataclass(frozen=True, repr=False)
class Token:
    """An access token with its monotonic-clock deadlines: refresh after ``refresh_at``, do not use after
    ``usable_until`` (both before the real expiry, by the margin)."""

    value: str
    lifetime: float
    refresh_at: float
    usable_until: float

    @classmethod
    def from_lifetime(cls, value: str, lifetime: float, sent_at: float) -> Token:
        lifetime = max(float(lifetime), 0.0)
        margin = min(MAX_MARGIN, lifetime / 4)
        usable_until = sent_at + lifetime - margin
        return cls(value, lifetime, usable_until - random.uniform(0, margin / 2), usable_until)

    def __repr__(self) -> str:
        return f"Token(value='***', lifetime={self.lifetime})"


@dataclass(frozen=True)
class TokenEndpoint:
    """How to fetch a token: where, with which credentials, how patiently."""

    url: str
    client_id: str
    client_secret: str = field(repr=False)
    scope: str | None = None
    retry: RetryPolicy = field(default_factory=RetryPolicy)
    timeout: httpx.Timeout = field(default_factory=lambda: httpx.Timeout(30.0, connect=5.0))

    @classmethod
    def of(cls, config: Configuration) -> TokenEndpoint:
        config.cache_key()  # raises ValueError without credentials
        assert config.client_id is not None and config.client_secret is not None
        timeout = httpx.Timeout(config.read_timeout, connect=config.connect_timeout)
        return cls(config.token_url, config.client_id, config.client_secret, config.scope, config.retry, timeout)

    def form(self) -> dict[str, str]:
        data = {
            "grant_type": "client_credentials",
            "client_id": self.client_id,
            "client_secret": self.client_secret,
        }
        if self.scope:
            data["scope"] = self.scope
        return data


def _token_from(response: httpx.Response, sent_at: float) -> Token:
    try:
        payload = response.json()
        value = payload["access_token"]
        if not isinstance(value, str) or not value:
            raise TypeError
    except (ValueError, KeyError, TypeError):
        # The body is not quoted: it might hold a token.
        raise ApiException(response.status_code, "token endpoint: no access_token in the response") from None
    try:
        lifetime = float(payload.get("expires_in", DEFAULT_LIFETIME))
    except (TypeError, ValueError):
        lifetime = DEFAULT_LIFETIME
    return Token.from_lifetime(value, lifetime, sent_at)


def _failure(endpoint: TokenEndpoint, attempt: int, response: httpx.Response | None, exc: Exception | None) -> float:
    """The delay before the next attempt, or raise the final ApiException."""
    transient = exc is not None or (response is not None and response.status_code >= 500)
    if transient and attempt < endpoint.retry.max_retries:
        delay = endpoint.retry.delay(attempt, response)
        what = type(exc).__name__ if exc is not None else f"HTTP {response.status_code}"  # type: ignore[union-attr]
        log.debug("token endpoint failed (%s); retry %d in %.2fs", what, attempt + 1, delay)
        return delay
    if response is None:
        raise ApiException(0, f"token endpoint unreachable: {type(exc).__name__}: {exc}") from exc
    raise from_token_response(response.status_code, response.reason_phrase, response.content, response.headers)


def fetch_sync(client: httpx.Client, endpoint: TokenEndpoint) -> Token:
    """One token from the endpoint (with retries of transient failures), no cache."""
    attempt = 0
    while True:
        sent_at = time.monotonic()
        response: httpx.Response | None = None
        error: Exception | None = None
        try:
            response = client.post(
                endpoint.url,
                data=endpoint.form(),
                headers=_ACCEPT,
                timeout=endpoint.timeout,
            )
        except RETRY_ERRORS as exc:
            error = exc
        except httpx.HTTPError as exc:
            raise ApiException(0, f"token endpoint: {type(exc).__name__}: {exc}") from exc
        if response is not None and response.status_code == 200:
            token = _token_from(response, sent_at)
            log.debug("token fetched for client %s (lifetime %.0fs)", endpoint.client_id, token.lifetime)
            return token
        time.sleep(_failure(endpoint, attempt, response, error))
        attempt += 1


async def fetch_async(client: httpx.AsyncClient, endpoint: TokenEndpoint) -> Token:
    """The asyncio twin of :func:`fetch_sync`."""
    attempt = 0
    while True:
        sent_at = time.monotonic()
        response: httpx.Response | None = None
        error: Exception | None = None
        try:
            response = await client.post(
                endpoint.url,
                data=endpoint.form(),
                headers=_ACCEPT,
                timeout=endpoint.timeout,
            )
        except RETRY_ERRORS as exc:
            error = exc
        except httpx.HTTPError as exc:
            raise ApiException(0, f"token endpoint: {type(exc).__name__}: {exc}") from exc
        if response is not None and response.status_code == 200:
            token = _token_from(response, sent_at)
            log.debug("token fetched for client %s (lifetime %.0fs)", endpoint.client_id, token.lifetime)
            return token
        await asyncio.sleep(_failure(endpoint, attempt, response, error))
        attempt += 1


class _Flight:
    """One fetch in progress, and who waits for it."""

    def __init__(self) -> None:
        self.done = threading.Event()
        self.token: Token | None = None
        self.error: BaseException | None = None
        self.waiters: list[tuple[asyncio.AbstractEventLoop, asyncio.Future[None]]] = []


def _wake(future: asyncio.Future[None]) -> None:
    if not future.done():
        future.set_result(None)


class TokenCache:
    """The token of one (token URL, client, scope, secret) and the single flight that renews it."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._token: Token | None = None
        self._flight: _Flight | None = None
        self.fetches = 0  # how many fetches this cache started (tests and metrics)

    def peek(self) -> Token | None:
        return self._token

    def clear(self) -> None:
        with self._lock:
            self._token = None

    def _plan(self, stale: str | None) -> Token | tuple[_Flight, bool]:
        """Under the lock: a usable token, or the flight to wait for / lead (``True``: we fetch)."""
        now = time.monotonic()
        with self._lock:
            token = self._token
            if token is not None:
                if stale is None and now < token.refresh_at:
                    return token
                if stale is not None and token.value != stale and now < token.usable_until:
                    return token  # someone already replaced the rejected token
                if stale is not None and token.value == stale:
                    self._token = token = None  # rejected by the server: nobody uses it any more
            if self._flight is not None:
                if stale is None and token is not None and now < token.usable_until:
                    return token  # refresh in flight; this one is still good
                return self._flight, False
            self._flight = _Flight()
            self.fetches += 1
            return self._flight, True

    def _finish(self, flight: _Flight, token: Token | None, error: BaseException | None) -> None:
        with self._lock:
            if token is not None:
                self._token = token
            if self._flight is flight:
                self._flight = None
            flight.token, flight.error = token, error
            flight.done.set()
            waiters, flight.waiters = flight.waiters, []
        for loop, future in waiters:
            with contextlib.suppress(RuntimeError):  # a closed loop: nobody waits there any more
                loop.call_soon_threadsafe(_wake, future)

    @staticmethod
    def _outcome(flight: _Flight) -> Token | None:
        """The flight's token; re-raise its API error; ``None``: it was interrupted, try again."""
        if flight.token is not None:
            return flight.token
        if isinstance(flight.error, ApiException):
            err = flight.error
            raise ApiException(
                err.status,
                err.reason,
                body=err.body,
                headers=err.headers,
                error=err.error,
                error_description=err.error_description,
            )
        return None

    def get_sync(self, fetch: Callable[[], Token], stale: str | None = None) -> Token:
        """A usable token; ``stale``: the server rejected that one, return a different one."""
        while True:
            plan = self._plan(stale)
            if isinstance(plan, Token):
                return plan
            flight, leader = plan
            if leader:
                try:
                    token = fetch()
                except BaseException as exc:
                    self._finish(flight, None, exc)
                    raise
                self._finish(flight, token, None)
                return token
            flight.done.wait()
            outcome = self._outcome(flight)
            if outcome is not None:
                return outcome

    async def get_async(self, fetch: Callable[[], Awaitable[Token]], stale: str | None = None) -> Token:
        """The asyncio twin of :meth:`get_sync`: waiting never blocks the event loop."""
        while True:
            plan = self._plan(stale)
            if isinstance(plan, Token):
                return plan
            flight, leader = plan
            if leader:
                try:
                    token = await fetch()
                except BaseException as exc:
                    self._finish(flight, None, exc)
                    raise
                self._finish(flight, token, None)
                return token
            loop = asyncio.get_running_loop()
            future: asyncio.Future[None] = loop.create_future()
            with self._lock:
                if not flight.done.is_set():
                    flight.waiters.append((loop, future))
                else:
                    future.set_result(None)
            await future
            outcome = self._outcome(flight)
            if outcome is not None:
                return outcome


_caches: dict[tuple[str, str, str, str], TokenCache] = {}
_caches_lock = threading.Lock()


def cache_for(config: Configuration) -> TokenCache:
    """The process-wide cache of this configuration's token URL, client id, scope and secret."""
    key = config.cache_key()
    with _caches_lock:
        cache = _caches.get(key)
        if cache is None:
            cache = _caches[key] = TokenCache()
        return cache


def token_for(config: Configuration) -> Token:
    """A usable token for a JWT-mode configuration, from the shared cache (fetched with a one-off client)."""
    endpoint = TokenEndpoint.of(config)
    cache = cache_for(config)

    def fetch() -> Token:
        with httpx.Client(verify=_verify(config), proxy=config.proxy) as client:
            return fetch_sync(client, endpoint)

    return cache.get_sync(fetch)


def fetch_token(client_id: str, client_secret: str, token_url: str, scope: str | None = None) -> str:
    """Fetch a new access token with the client credentials grant; no cache. Raises :class:`ApiException`
    (``error`` holds the OAuth error code, e.g. ``invalid_client``)."""
    endpoint = TokenEndpoint(token_url, client_id, client_secret, scope)
    with httpx.Client() as client:
        return fetch_sync(client, endpoint).value


def _verify(config: Configuration) -> bool | ssl.SSLContext:
    """httpx's ``verify`` for a configuration."""
    if not config.verify_ssl:
        return False
    if config.ssl_ca_cert:
        return ssl.create_default_context(cafile=config.ssl_ca_cert)
    return True
