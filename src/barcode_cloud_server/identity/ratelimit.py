"""Brute-force protection for the token endpoint.

Failed client authentications are counted in moving windows (the ``limits`` library, in memory or in Redis):

- per client id and presented secret (10 a minute), as Aspose does. The pair is keyed by an HMAC of the secret
  under a server key, never the secret itself. This is the limit an application with a stale secret meets.
- per client id, whatever the secret (1000 a minute): a ceiling on guessing. Even at that rate for a century,
  the chance of hitting a 256-bit secret is below 2^-200. It is far above what any number of stale
  deployments reaches (each stops at 10 a minute), so only someone spraying secrets crosses it.
- per source address (100 a minute).

Crossing a limit locks that pair, client id or address: 60 s the first time, doubling on each new lock up to
15 minutes. Anyone who knows a client id (it is every token's ``sub``) could cross the id's ceiling, so a
secret that has authenticated the client in the last 30 days passes the id's lock: the right secret is never
locked out by other people's failures, and every other secret is refused unchecked, which is what caps
guessing. A secret no one has used yet (just created or rotated) waits for the lock like any other.

A locked address would otherwise refuse everyone behind it: every client of a company's NAT, or of a load
balancer whose address is all the server sees, locked out by one attacker among them. So a client id that has
authenticated from an address in the last day, or a secret known good as above, passes that address's lock;
only client ids never seen succeed from it, the ones spraying tries, are refused.
IPv6 addresses count by their /64, the block one subscriber gets, or one machine could spray from 2^64 of them.
"""

from __future__ import annotations

import hashlib
import hmac
import ipaddress
import logging
import math
import secrets
import threading
import time
from collections.abc import Callable
from typing import Any, Protocol, TypeVar

from limits import RateLimitItemPerMinute
from limits.storage import storage_from_string
from limits.strategies import MovingWindowRateLimiter

log = logging.getLogger("barcode_cloud.identity")
_T = TypeVar("_T")

PER_SECRET_FAILURES = 10
PER_CLIENT_FAILURES = 1000
PER_ADDRESS_FAILURES = 100
FIRST_LOCK_SECONDS = 60
MAX_LOCK_SECONDS = 15 * 60
# Lock strikes are forgotten after this long without a new lock. A success does not forget them: the real
# client getting a token between an attacker's rounds would otherwise reset the doubling every time.
STRIKE_MEMORY_SECONDS = 3600
# How long a successful authentication vouches for its client id at its address, and for its secret.
VOUCH_SECONDS = 24 * 3600
GOOD_SECRET_SECONDS = 30 * 24 * 3600
# After Redis failed, count in the process this long before asking it again: a Redis that does not answer costs
# one socket timeout a second, not one per token request (each holding a worker thread that long).
RETRY_SECONDS = 1.0
# MemoryLocks drops expired entries when it has grown past this (and past twice its size after the last sweep).
_SWEEP_AT = 100_000


class LockStore(Protocol):
    def remaining(self, key: str) -> float: ...
    def lock(self, key: str) -> float: ...
    def vouch(self, key: str, seconds: int) -> None: ...
    def vouched(self, key: str) -> bool: ...


def lock_seconds(strikes: int) -> int:
    return min(FIRST_LOCK_SECONDS << min(max(strikes - 1, 0), 10), MAX_LOCK_SECONDS)


class MemoryLocks:
    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self._clock = clock
        self._locks: dict[str, tuple[float, int, float]] = {}  # key -> (locked until, strikes, strikes until)
        self._vouched: dict[str, float] = {}  # key -> until
        self._mutex = threading.Lock()
        self._sweep_at = _SWEEP_AT

    def remaining(self, key: str) -> float:
        entry = self._locks.get(key)
        return max(entry[0] - self._clock(), 0.0) if entry else 0.0

    def lock(self, key: str) -> float:
        now = self._clock()
        with self._mutex:
            _, strikes, strikes_until = self._locks.get(key, (0.0, 0, 0.0))
            strikes = strikes + 1 if strikes_until > now else 1
            seconds = lock_seconds(strikes)
            self._locks[key] = (now + seconds, strikes, now + seconds + STRIKE_MEMORY_SECONDS)
            self._sweep(now)
            return seconds

    def vouch(self, key: str, seconds: int) -> None:
        now = self._clock()
        with self._mutex:
            self._vouched[key] = now + seconds
            self._sweep(now)

    def vouched(self, key: str) -> bool:
        return self._vouched.get(key, 0.0) > self._clock()

    def _sweep(self, now: float) -> None:
        # Attackers create lock entries (one per client id they fail on): drop the expired ones once there are
        # many, and sweep again only after the survivors have doubled, so that a sweep is never paid per call.
        if len(self._locks) + len(self._vouched) <= self._sweep_at:
            return
        self._locks = {k: v for k, v in self._locks.items() if v[2] > now}
        self._vouched = {k: v for k, v in self._vouched.items() if v > now}
        self._sweep_at = max(_SWEEP_AT, 2 * (len(self._locks) + len(self._vouched)))


class RedisLocks:
    """The same locks shared by every server process through Redis."""

    def __init__(self, url: str) -> None:
        import redis

        self._redis = redis.Redis.from_url(url, socket_timeout=1, socket_connect_timeout=1)

    def remaining(self, key: str) -> float:
        ttl = self._redis.pttl(f"bc:lock:{key}")
        return max(int(ttl), 0) / 1000.0

    def lock(self, key: str) -> float:
        strikes_key = f"bc:strikes:{key}"
        strikes = int(self._redis.incr(strikes_key))
        seconds = lock_seconds(strikes)
        pipe = self._redis.pipeline()
        pipe.expire(strikes_key, seconds + STRIKE_MEMORY_SECONDS)
        pipe.set(f"bc:lock:{key}", b"1", ex=seconds)
        pipe.execute()
        return seconds

    def vouch(self, key: str, seconds: int) -> None:
        self._redis.set(f"bc:vouched:{key}", b"1", ex=seconds)

    def vouched(self, key: str) -> bool:
        return bool(self._redis.exists(f"bc:vouched:{key}"))


def _key(kind: str, value: str) -> str:
    # Attackers choose client ids: keep keys short and free of separators whatever they send.
    return f"{kind}:{hashlib.sha256(value.encode('utf-8', 'replace')).hexdigest()[:32]}"


def source_of(address: str) -> str:
    """What one source is: an IPv4 address, or an IPv6 address's /64."""
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return address  # not an IP (a Unix socket's "unknown"): itself
    if isinstance(ip, ipaddress.IPv6Address):
        if ip.ipv4_mapped is not None:
            return str(ip.ipv4_mapped)
        return str(ipaddress.IPv6Network((ip, 64), strict=False))
    return str(ip)


class FailureLimiter:
    """``secret_key`` keys the hash of presented secrets; processes sharing Redis must share it.

    While Redis cannot be reached, each process counts in its own memory (a warning says so, once per outage):
    token grants go on, each process allowing what one process allows, and the shared counts resume when Redis
    answers again (the failures counted meanwhile stay with the process). It is asked again ``RETRY_SECONDS``
    after it last failed."""

    def __init__(
        self, redis_url: str | None = None, *, locks: LockStore | None = None, secret_key: bytes | None = None
    ) -> None:
        # Short timeouts: a Redis that does not answer must not hold token grants for long before they fall back.
        options: dict[str, Any] = {"socket_timeout": 1, "socket_connect_timeout": 1} if redis_url else {}
        self._windows = MovingWindowRateLimiter(storage_from_string(redis_url or "memory://", **options))
        self._locks: LockStore = locks or (RedisLocks(redis_url) if redis_url else MemoryLocks())
        self._local_windows = MovingWindowRateLimiter(storage_from_string("memory://"))
        self._local_locks = MemoryLocks()
        self._shared_down = False
        self._retry_at = 0.0
        self._secret_key = secret_key or secrets.token_bytes(32)
        self._per_secret = RateLimitItemPerMinute(PER_SECRET_FAILURES)
        self._per_client = RateLimitItemPerMinute(PER_CLIENT_FAILURES)
        self._per_address = RateLimitItemPerMinute(PER_ADDRESS_FAILURES)

    def _counting(self, count: Callable[[MovingWindowRateLimiter, LockStore], _T]) -> _T:
        """``count`` on the shared counters, or on this process's own while Redis fails."""
        from redis.exceptions import RedisError

        if time.monotonic() < self._retry_at:
            return count(self._local_windows, self._local_locks)
        try:
            result = count(self._windows, self._locks)
        except RedisError as exc:
            if not self._shared_down:
                log.warning("Redis unreachable (%s): failure limits count in this process until it is back", exc)
            self._shared_down = True
            self._retry_at = time.monotonic() + RETRY_SECONDS
            return count(self._local_windows, self._local_locks)
        if self._shared_down:
            log.warning("Redis is back: failure limits are shared again")
            self._shared_down = False
        return result

    def retry_after(self, client_id: str, secret: str, address: str) -> int | None:
        """Seconds until this client id may try this secret again from this address, or None when it may now."""
        source = source_of(address)
        pair = self._secret_key_of(client_id, secret)

        def count(_windows: MovingWindowRateLimiter, locks: LockStore) -> int | None:
            wait = locks.remaining(_key("secret", pair))
            if locks.vouched(_key("good", pair)):
                return math.ceil(wait) if wait > 0 else None
            wait = max(wait, locks.remaining(_key("client", client_id)))
            address_wait = locks.remaining(_key("addr", source))
            if address_wait > wait and not locks.vouched(_pair_key(client_id, source)):
                wait = address_wait
            return math.ceil(wait) if wait > 0 else None

        return self._counting(count)

    def failed(self, client_id: str, secret: str, address: str) -> None:
        # Lock as soon as a limit is reached, so that the next attempt is already refused.
        limits = (
            (self._per_secret, _key("secret", self._secret_key_of(client_id, secret))),
            (self._per_client, _key("client", client_id)),
            (self._per_address, _key("addr", source_of(address))),
        )

        def count(windows: MovingWindowRateLimiter, locks: LockStore) -> None:
            for item, key in limits:
                windows.hit(item, "bc-fail", key)
                if not windows.test(item, "bc-fail", key):
                    locks.lock(key)

        self._counting(count)

    def succeeded(self, client_id: str, secret: str, address: str) -> None:
        """The client authenticated with this secret from this address: vouch for both (see the module's
        docstring)."""
        pair, good = _pair_key(client_id, source_of(address)), _key("good", self._secret_key_of(client_id, secret))

        def count(_windows: MovingWindowRateLimiter, locks: LockStore) -> None:
            locks.vouch(pair, VOUCH_SECONDS)
            locks.vouch(good, GOOD_SECRET_SECONDS)

        self._counting(count)

    def _secret_key_of(self, client_id: str, secret: str) -> str:
        # Keyed, so that whoever reads Redis cannot test guesses against it; never the secret itself.
        message = f"{client_id}\n{secret}".encode("utf-8", "replace")
        return hmac.new(self._secret_key, message, hashlib.sha256).hexdigest()


def _pair_key(client_id: str, source: str) -> str:
    return _key("vouched", f"{client_id}\n{source}")
