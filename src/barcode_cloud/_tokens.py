"""Access tokens in JWT mode: fetch, cache, refresh; one fetch at a time however many callers wait.

* A :class:`TokenCache` exists once per process for each (token URL, client id, scope, secret digest).
* A token is fetched when first needed and kept with its lifetime (``expires_in``) measured on the monotonic
  clock from the moment the request was sent. It is refreshed ``margin = min(5 min, lifetime / 4)`` before it
  expires, minus a random jitter of up to half the margin, so that many processes do not refresh in step.
* Concurrent callers, threads or asyncio tasks (on any event loop), share one fetch ("single flight"): one
  caller fetches, the others wait for its result; while a refresh is in flight, callers whose token is still
  within its lifetime minus the margin keep using it instead of waiting. Nobody waits longer than one token
  request may take (``TokenEndpoint.patience``): a fetch whose leader cannot go on (its event loop stopped, or
  is the one the waiting thread blocks) is taken over.
* After a ``401`` the API layer asks for a token *newer than the rejected one*: if another caller already
  replaced it, that one is used, otherwise one new fetch happens (:meth:`TokenCache.get_sync`'s ``stale``).
* Token endpoint errors become :class:`~barcode_cloud.ApiException` with the OAuth ``error`` code; 4xx fail at
  once (a wrong secret is not retried), 5xx and connection failures are retried with backoff.
* A forked child keeps the parent's tokens but none of its locks or fetches in flight (see :mod:`._fork`).

Secrets and tokens never reach a log or an exception message.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import logging
import random
import threading
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field

import httpx

import barcode_cloud._fork as _fork
from barcode_cloud._exceptions import ApiException, from_token_response
from barcode_cloud._retry import RetryPolicy, retryable

log = logging.getLogger("barcode_cloud.tokens")  # logger names are public (logging config), not module names

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

    def cache_key(self) -> tuple[str, str, str, str]:
        """Token cache key: token URL, client id, scope and a digest of the secret (a different secret is a
        different cache, so a wrong secret never borrows a token fetched with the right one)."""
        digest = hashlib.sha256(self.client_secret.encode()).hexdigest()
        return (self.url, self.client_id, self.scope or "", digest)

    @property
    def patience(self) -> float:
        """How long a caller waits for another's fetch before fetching itself: what one token request may take
        (connect and read timeouts), and a second."""
        return (self.timeout.connect or 5.0) + (self.timeout.read or 60.0) + 1.0

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


def _attempt(
    endpoint: TokenEndpoint, attempt: int, sent_at: float, response: httpx.Response | None, exc: Exception | None
) -> Token | float:
    """What one attempt of a fetch gave: the token, or the delay before the next attempt; else raise the final
    :class:`ApiException` (4xx at once, 5xx and transport failures after ``endpoint.retry.max_retries``)."""
    if response is not None and response.status_code == 200:
        token = _token_from(response, sent_at)
        log.debug("token fetched for client %s (lifetime %.0fs)", endpoint.client_id, token.lifetime)
        return token
    transient = retryable(exc) if exc is not None else response is not None and response.status_code >= 500
    delay = endpoint.retry.delay(attempt, response) if transient and attempt < endpoint.retry.max_retries else None
    if delay is not None:
        what = f"HTTP {response.status_code}" if response is not None else type(exc).__name__
        log.debug("token endpoint failed (%s); retry %d in %.2fs", what, attempt + 1, delay)
        return delay
    if response is None:
        raise ApiException(0, f"token endpoint: {type(exc).__name__}: {exc}") from exc
    raise from_token_response(response.status_code, response.reason_phrase, response.content, response.headers)


def fetch_sync(client: httpx.Client, endpoint: TokenEndpoint) -> Token:
    """One token from the endpoint (with retries of transient failures), no cache."""
    attempt = 0
    while True:
        sent_at = time.monotonic()
        try:
            response = client.post(endpoint.url, data=endpoint.form(), headers=_ACCEPT, timeout=endpoint.timeout)
        except httpx.HTTPError as exc:
            outcome = _attempt(endpoint, attempt, sent_at, None, exc)
        else:
            outcome = _attempt(endpoint, attempt, sent_at, response, None)
        if isinstance(outcome, Token):
            return outcome
        time.sleep(outcome)
        attempt += 1


async def fetch_async(client: httpx.AsyncClient, endpoint: TokenEndpoint) -> Token:
    """The asyncio twin of :func:`fetch_sync`."""
    attempt = 0
    while True:
        sent_at = time.monotonic()
        try:
            response = await client.post(endpoint.url, data=endpoint.form(), headers=_ACCEPT, timeout=endpoint.timeout)
        except httpx.HTTPError as exc:
            outcome = _attempt(endpoint, attempt, sent_at, None, exc)
        else:
            outcome = _attempt(endpoint, attempt, sent_at, response, None)
        if isinstance(outcome, Token):
            return outcome
        await asyncio.sleep(outcome)
        attempt += 1


class _Flight:
    """One fetch in progress, and who waits for it."""

    def __init__(self) -> None:
        self.thread = threading.get_ident()  # the leader's thread
        self.done = threading.Event()
        self.token: Token | None = None
        self.error: BaseException | None = None
        self.waiters: list[tuple[asyncio.AbstractEventLoop, asyncio.Future[None]]] = []


def _wake(future: asyncio.Future[None]) -> None:
    if not future.done():
        future.set_result(None)


class TokenCache:
    """The token of one (token URL, client, scope, secret) and the single flight that renews it.

    How a flight ends for its waiters: a token is shared; an :class:`ApiException` (the endpoint's answer, or
    its being unreachable after the retries) is raised in every waiter, so that a wrong secret costs one request
    however many callers wait; anything else (the leader was cancelled or interrupted, its client was closed)
    belongs to the leader, and one of the waiters leads a new fetch.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._token: Token | None = None
        self._flight: _Flight | None = None
        self.fetches = 0  # how many fetches this cache started (tests and metrics)
        _fork.register(self)

    def _after_fork_in_child(self) -> None:
        # The token stays good (the monotonic clock is the machine's); a flight of the parent never ends here.
        self._lock = threading.Lock()
        self._flight = None

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
            return self._new_flight(), True

    def _new_flight(self) -> _Flight:
        self._flight = _Flight()
        self.fetches += 1
        return self._flight

    def _take_over(self, flight: _Flight) -> _Flight | None:
        """A new flight for us to lead in place of ``flight``, whose leader took longer than a fetch can (a task
        of an event loop that stopped running, or of the loop this thread runs and blocks); ``None``: it has just
        ended or been replaced, look again."""
        with self._lock:
            if self._flight is not flight or flight.done.is_set():
                return None
            log.debug("token fetch in flight for too long: fetching anew")
            return self._new_flight()

    def _finish(self, flight: _Flight, token: Token | None, error: BaseException | None) -> None:
        with self._lock:
            current = self._flight is flight
            if token is not None and (current or self._token is None):  # a flight taken over: the newer one rules
                self._token = token
            if current:
                self._flight = None
            flight.token, flight.error = token, error
            flight.done.set()
            waiters, flight.waiters = flight.waiters, []
        for loop, future in waiters:
            with contextlib.suppress(RuntimeError):  # a closed loop: nobody waits there any more
                loop.call_soon_threadsafe(_wake, future)

    def _after_waiting(self, flight: _Flight, ended: bool) -> Token | _Flight | None:
        """After waiting for someone else's ``flight``: its token (or its API error, raised); ``None``: it was
        interrupted or replaced, look again; a new flight for us to lead: it did not end in time (``ended``)."""
        if not ended:
            return self._take_over(flight)
        if flight.token is not None:
            return flight.token
        if isinstance(flight.error, ApiException):
            err = flight.error
            # A copy per waiter: one exception object raised in many threads would pile up their tracebacks.
            raise ApiException(
                err.status,
                err.reason,
                body=err.body,
                headers=err.headers,
                error=err.error,
                error_description=err.error_description,
            )
        return None

    def get_sync(self, fetch: Callable[[], Token], stale: str | None = None, patience: float | None = None) -> Token:
        """A usable token; ``stale``: the server rejected that one, return a different one. ``patience``: how long
        to wait for another caller's fetch before fetching anew (``None``: as long as it takes)."""
        while True:
            plan = self._plan(stale)
            if isinstance(plan, Token):
                return plan
            flight, leader = plan
            if not leader:
                # A leader on this very thread is a task of the event loop that we block (sync code called from
                # async code): it cannot go on while we wait, so we do not.
                same_thread = flight.thread == threading.get_ident()
                step = self._after_waiting(flight, flight.done.wait(0 if same_thread else patience))
                if isinstance(step, Token):
                    return step
                if step is None:
                    continue
                flight = step
            try:
                token = fetch()
            except BaseException as exc:
                self._finish(flight, None, exc)
                raise
            self._finish(flight, token, None)
            return token

    async def get_async(
        self, fetch: Callable[[], Awaitable[Token]], stale: str | None = None, patience: float | None = None
    ) -> Token:
        """The asyncio twin of :meth:`get_sync`: waiting never blocks the event loop, whichever loop or thread
        leads the fetch."""
        while True:
            plan = self._plan(stale)
            if isinstance(plan, Token):
                return plan
            flight, leader = plan
            if not leader:
                step = self._after_waiting(flight, await self._wait_async(flight, patience))
                if isinstance(step, Token):
                    return step
                if step is None:
                    continue
                flight = step
            try:
                token = await fetch()
            except BaseException as exc:  # CancelledError included: the waiters must not hang
                self._finish(flight, None, exc)
                raise
            self._finish(flight, token, None)
            return token

    async def _wait_async(self, flight: _Flight, patience: float | None) -> bool:
        """Wait for ``flight`` to end without blocking the loop; ``False``: ``patience`` ran out first."""
        loop = asyncio.get_running_loop()
        future: asyncio.Future[None] = loop.create_future()
        with self._lock:
            if flight.done.is_set():
                return True
            flight.waiters.append((loop, future))
        try:
            await asyncio.wait_for(future, patience)
        except TimeoutError:
            return False
        return True


#: One cache per process for each (token URL, client id, scope, secret digest). ``dict.setdefault`` is atomic,
#: so two threads creating the first cache of a key at once still end up with one.
_caches: dict[tuple[str, str, str, str], TokenCache] = {}


def cache_for(endpoint: TokenEndpoint) -> TokenCache:
    """The process-wide cache of this endpoint's token URL, client id, scope and secret."""
    key = endpoint.cache_key()
    return _caches.get(key) or _caches.setdefault(key, TokenCache())


def fetch_token(client_id: str, client_secret: str, token_url: str, scope: str | None = None) -> str:
    """Fetch a new access token with the client credentials grant; no cache. Raises :class:`ApiException`
    (``error`` holds the OAuth error code, e.g. ``invalid_client``)."""
    endpoint = TokenEndpoint(token_url, client_id, client_secret, scope)
    with httpx.Client() as client:
        return fetch_sync(client, endpoint).value
