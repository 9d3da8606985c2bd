"""Calls with a bearer token to a protected endpoint of a live server, and waiting for a token's answer to change
(a status change reaches every process at its next reload)."""

from __future__ import annotations

import time

import httpx

from tests.support.servers import LiveServer

PROTECTED = "/v4.0/whoami"  # needs barcode.generate


def call(server: LiveServer, token: str | None) -> httpx.Response:
    headers = {"Authorization": f"Bearer {token}"} if token is not None else {}
    return httpx.get(server.base_url + PROTECTED, headers=headers, timeout=10)


def wait_for_status(server: LiveServer, token: str, status: int, within: float = 5.0) -> float:
    started = time.monotonic()
    while True:
        code = call(server, token).status_code
        elapsed = time.monotonic() - started
        if code == status:
            return elapsed
        assert elapsed < within, f"still {code} after {elapsed:.1f}s"
        time.sleep(0.2)
