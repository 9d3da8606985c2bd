"""When and how long to wait before trying a request again: exponential backoff with jitter, Retry-After."""

from __future__ import annotations

import email.utils
import random
import ssl
import time
from dataclasses import dataclass

import httpx

#: Statuses worth another try: the server asked us to slow down, or a proxy could not reach it.
RETRY_STATUSES = frozenset({429, 502, 503, 504})

#: Transport failures worth another try (the request did not get a response). Read timeouts are not retried:
#: the server may still be working on a heavy request, and a retry would double its load.
RETRY_ERRORS: tuple[type[Exception], ...] = (
    httpx.ConnectError,
    httpx.ConnectTimeout,
    httpx.RemoteProtocolError,
    httpx.ReadError,
    httpx.WriteError,
)


def retryable(exc: Exception) -> bool:
    """A transport failure worth another try: no response came, and not for a reason that would recur (a
    certificate the client refuses fails the same way every time)."""
    if not isinstance(exc, RETRY_ERRORS):
        return False
    # StdlibTransport raises from the ssl error; httpx's transport from httpcore's error, raised in its handler
    cause: BaseException | None = exc
    while cause is not None:
        if isinstance(cause, ssl.SSLCertVerificationError):
            return False
        cause = cause.__cause__ or cause.__context__
    return True


@dataclass(frozen=True)
class RetryPolicy:
    """``max_retries`` further attempts after the first; delays grow as ``backoff_factor * 2**n``, capped at
    ``backoff_max``, each multiplied by a random factor in [0.5, 1] (jitter); a ``Retry-After`` is honoured
    when it asks for at most ``retry_after_max`` seconds. A longer one ends the retries at once: trying sooner
    than the server allows fails again (a quota that resets tomorrow), and the caller gets the answer to decide."""

    max_retries: int = 3
    backoff_factor: float = 0.25
    backoff_max: float = 8.0
    retry_after_max: float = 30.0

    def backoff(self, attempt: int) -> float:
        """The delay before retry number ``attempt + 1`` (``attempt`` counts from 0)."""
        base = min(self.backoff_max, self.backoff_factor * 2.0**attempt)
        return base * random.uniform(0.5, 1.0)

    def delay(self, attempt: int, response: httpx.Response | None = None) -> float | None:
        """Seconds before the next attempt, or ``None``: no further attempt."""
        if response is not None and response.status_code in (429, 503):
            after = parse_retry_after(response.headers.get("Retry-After"))
            if after is not None:
                return after if after <= self.retry_after_max else None
        return self.backoff(attempt)


def parse_retry_after(value: str | None) -> float | None:
    """Seconds to wait from a ``Retry-After`` header (delta-seconds or HTTP date); ``None``: absent or bad."""
    if not value:
        return None
    value = value.strip()
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, when.timestamp() - time.time())
