"""Thread limiters for CPU-bound work (decoding, big renders): one thread per core, so that such work neither
oversubscribes the cores nor takes the default thread pool that token grants and database reads wait for."""

from __future__ import annotations

import os

import anyio


class PerCoreLimiter:
    """A limiter of one thread per core, made at first use (anyio makes limiters inside a running event loop)."""

    def __init__(self) -> None:
        self.limiter: anyio.CapacityLimiter | None = None

    def __call__(self) -> anyio.CapacityLimiter:
        if self.limiter is None:
            self.limiter = anyio.CapacityLimiter(max(1, os.cpu_count() or 1))
        return self.limiter
