"""Brute-force protection for the token endpoint.

Failed client authentications are counted per client id (10 a minute) and per source address (100 a minute)
in moving windows (the ``limits`` library, in memory or in Redis). Crossing a limit locks that client id or
address: 60 s the first time, doubling on each new lock up to 15 minutes. A locked client id is refused even
with the right secret, which is what stops guessing; other clients, and neighbours behind the same address,
are not affected until the much higher address limit is crossed.
"""

from __future__ import annotations

import hashlib
import math
import threading
import time
from typing import Protocol

from limits import RateLimitItemPerMinute
from limits.storage import storage_from_string
from limits.strategies import MovingWindowRateLimiter

PER_CLIENT_FAILURES = 10
PER_ADDRESS_FAILURES = 100
FIRST_LOCK_SECONDS = 60
MAX_LOCK_SECONDS = 15 * 60
# Lock strikes are forgotten after this long without a new lock.
STRIKE_MEMORY_SECONDS = 3600


class LockStore(Protocol):
    def remaining(self, key: str) -> float: ...
    def lock(self, key: str) -> float: ...
    def clear(self, key: str) -> None: ...


def lock_seconds(strikes: int) -> int:
    return min(FIRST_LOCK_SECONDS << min(max(strikes - 1, 0), 10), MAX_LOCK_SECONDS)


class MemoryLocks:
    def __init__(self) -> None:
        self._locks: dict[str, tuple[float, int, float]] = {}  # key -> (locked until, strikes, strikes until)
        self._mutex = threading.Lock()

    def remaining(self, key: str) -> float:
        entry = self._locks.get(key)
        return max(entry[0] - time.monotonic(), 0.0) if entry else 0.0

    def lock(self, key: str) -> float:
        now = time.monotonic()
        with self._mutex:
            _, strikes, strikes_until = self._locks.get(key, (0.0, 0, 0.0))
            strikes = strikes + 1 if strikes_until > now else 1
            seconds = lock_seconds(strikes)
            self._locks[key] = (now + seconds, strikes, now + seconds + STRIKE_MEMORY_SECONDS)
            if len(self._locks) > 100_000:
                self._locks = {k: v for k, v in self._locks.items() if v[2] > now}
            return seconds

    def clear(self, key: str) -> None:
        with self._mutex:
            self._locks.pop(key, None)


class RedisLocks:
    """The same locks shared by every server process through Redis."""

    def __init__(self, url: str) -> None:
        import redis

        self._redis = redis.Redis.from_url(url)

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

    def clear(self, key: str) -> None:
        self._redis.delete(f"bc:lock:{key}", f"bc:strikes:{key}")


def _key(kind: str, value: str) -> str:
    # Attackers choose client ids: keep keys short and free of separators whatever they send.
    return f"{kind}:{hashlib.sha256(value.encode('utf-8', 'replace')).hexdigest()[:32]}"


class FailureLimiter:
    def __init__(self, redis_url: str | None = None) -> None:
        storage = storage_from_string(redis_url if redis_url else "memory://")
        self._windows = MovingWindowRateLimiter(storage)
        self._locks: LockStore = RedisLocks(redis_url) if redis_url else MemoryLocks()
        self._per_client = RateLimitItemPerMinute(PER_CLIENT_FAILURES)
        self._per_address = RateLimitItemPerMinute(PER_ADDRESS_FAILURES)

    def retry_after(self, client_id: str, address: str) -> int | None:
        """Seconds until this client id or address may try again, or None when it may now."""
        wait = max(self._locks.remaining(_key("client", client_id)), self._locks.remaining(_key("addr", address)))
        return math.ceil(wait) if wait > 0 else None

    def failed(self, client_id: str, address: str) -> None:
        # Lock as soon as the limit is reached, so that the next attempt is already refused.
        for item, key in ((self._per_client, _key("client", client_id)), (self._per_address, _key("addr", address))):
            self._windows.hit(item, "bc-fail", key)
            if not self._windows.test(item, "bc-fail", key):
                self._locks.lock(key)

    def succeeded(self, client_id: str) -> None:
        self._locks.clear(_key("client", client_id))
