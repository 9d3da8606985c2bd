"""Calls a process holds at once, in all and by client: what the recognition routes and ``/mcp`` count to refuse a
call before it takes memory or a thread (each with its own limits and words)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager


class Holds:
    def __init__(self) -> None:
        self.total = 0
        self._by_client: dict[str, int] = {}

    def of(self, client: str) -> int:
        return self._by_client.get(client, 0)

    @contextmanager
    def hold(self, client: str) -> Iterator[None]:
        """One more call of ``client`` for the time of the ``with`` block."""
        self._by_client[client] = self.of(client) + 1
        self.total += 1
        try:
            yield
        finally:
            self.total -= 1
            left = self._by_client[client] - 1
            if left:
                self._by_client[client] = left
            else:
                del self._by_client[client]
