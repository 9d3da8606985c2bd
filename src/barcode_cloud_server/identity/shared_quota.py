"""Quota counters shared by every server process through Redis (``--redis-url``), so that a quota holds exactly
across hosts instead of converging after each process's next flush.

Each API request of an application with a quota takes one count from its day's and month's counters in one
atomic script: past either quota it is given back and the request refused. A counter that does not exist yet
(the period's first request, or Redis restarted) starts from what the asking process knows: the stored counts
and its own since its last flush. Requests admitted but then refused with a 429 (a concurrency limit) give
their count back at the next flush, as 429s count toward no quota.

While Redis cannot be reached, :class:`SharedQuota` answers None and the caller checks its own counts; what it
admitted meanwhile is added to the counters once Redis answers again, unless Redis lost its data meanwhile (the
counters then start again from the stored counts, which hold them once each process has flushed). Redis is not
asked again for a second after a failure, so that an outage costs no more than one timeout a second.
"""

from __future__ import annotations

import logging
import math
import secrets
import time
from dataclasses import dataclass

import redis.asyncio
from redis.exceptions import RedisError

log = logging.getLogger("barcode_cloud.usage")
RETRY_SECONDS = 1.0
MAX_CONNECTIONS = 64  # per process
_EPOCH = "bc:quota:epoch"
# Day and month counters outlive their period by this much (a process whose clock is a little behind).
_EXPIRY_MARGIN = 3600

# KEYS: day counter, month counter, Redis's epoch (made at its first use: a Redis restarted without its data has
# a new one). ARGV: day seed, month seed, counts owed, day ttl, month ttl, daily and monthly quota (0: none), a
# new epoch, the epoch the counts owed were made under. Answers {0 when admitted, 1 past the daily quota, 2 past
# the monthly one; the epoch}. Counts owed from before a restart are dropped: the counters start again from the
# stored counts, which hold them.
_ADMIT = """
local epoch = redis.call('GET', KEYS[3])
if not epoch then
  epoch = ARGV[8]
  redis.call('SET', KEYS[3], epoch)
end
local owed = 0
if epoch == ARGV[9] then owed = tonumber(ARGV[3]) end
local function take(key, seed, ttl)
  if redis.call('SET', key, seed, 'NX', 'EX', ttl) then
    return redis.call('INCR', key)
  end
  return redis.call('INCRBY', key, 1 + owed)
end
local day = take(KEYS[1], ARGV[1], ARGV[4])
local month = take(KEYS[2], ARGV[2], ARGV[5])
local daily, monthly = tonumber(ARGV[6]), tonumber(ARGV[7])
local refused = 0
if monthly > 0 and month > monthly then refused = 2 elseif daily > 0 and day > daily then refused = 1 end
if refused > 0 then
  redis.call('DECR', KEYS[1])
  redis.call('DECR', KEYS[2])
end
return {refused, epoch}
"""
# KEYS: counters; ARGV: what to take off each. A counter gone (Redis restarted) is left alone: it starts again
# from a seed, and a negative one made here would never be seeded.
_GIVE_BACK = """
for i, key in ipairs(KEYS) do
  if redis.call('EXISTS', key) == 1 then redis.call('DECRBY', key, ARGV[i]) end
end
return 0
"""


@dataclass(frozen=True)
class Period:
    """One day's and one month's counters of a client, and what to start them from."""

    day_key: str
    month_key: str
    day_seed: int
    month_seed: int
    day_ttl: int
    month_ttl: int


def period_keys(client_id: str, day_start: float, month_start: float) -> tuple[str, str]:
    return f"bc:quota:{client_id}:d:{int(day_start)}", f"bc:quota:{client_id}:m:{int(month_start)}"


def ttl(ends: float, now: float) -> int:
    return max(math.ceil(ends - now), 1) + _EXPIRY_MARGIN


class SharedQuota:
    def __init__(self, url: str) -> None:
        # Short timeouts: a request of a client with a quota waits for Redis (or for one of this process's
        # connections to it, rather than failing when all are busy) at most this long before it falls back.
        pool = redis.asyncio.BlockingConnectionPool.from_url(
            url, max_connections=MAX_CONNECTIONS, timeout=0.5, socket_timeout=0.5, socket_connect_timeout=0.5
        )
        self._redis = redis.asyncio.Redis.from_pool(pool)
        self._admit_script = self._redis.register_script(_ADMIT)
        self._give_back_script = self._redis.register_script(_GIVE_BACK)
        self._retry_at = 0.0
        self._down = False
        self._epoch = b""  # Redis's, when it last answered

    async def admit(self, period: Period, owed: int, daily: int | None, monthly: int | None) -> int | None:
        """0 when the request may go on (its count taken), 1 or 2 past the daily or monthly quota, None when Redis
        could not be asked (the caller decides from its own counts)."""
        if time.monotonic() < self._retry_at:
            return None
        keys = [period.day_key, period.month_key, _EPOCH]
        args = [period.day_seed, period.month_seed, owed, period.day_ttl, period.month_ttl, daily or 0, monthly or 0]
        try:
            refused, self._epoch = await self._admit_script(keys=keys, args=[*args, secrets.token_hex(8), self._epoch])
        except (RedisError, OSError) as exc:
            self._failed(exc)
            return None
        if self._down:
            log.warning("Redis is back: quotas are counted in it again")
            self._down = False
        return int(refused)

    async def give_back(self, counts: dict[tuple[str, str], int]) -> bool:
        """Take counts off (day, month) counters; False when Redis could not be reached (try again later)."""
        if not counts:
            return True
        if time.monotonic() < self._retry_at:
            return False
        keys = [key for pair in counts for key in pair]
        args = [n for n in counts.values() for _ in range(2)]
        try:
            await self._give_back_script(keys=keys, args=args)
        except (RedisError, OSError) as exc:
            self._failed(exc)
            return False
        return True

    def _failed(self, exc: Exception) -> None:
        if not self._down:
            log.warning("Redis unreachable (%s): quotas are checked by each process's own counts until it is back", exc)
        self._down = True
        self._retry_at = time.monotonic() + RETRY_SECONDS

    async def close(self) -> None:
        await self._redis.aclose()
