"""A small synchronous httpx transport on the standard library's ``http.client``.

httpx's default transport (httpcore + h11) is the largest part of a small call's client-side cost (figures:
``bench/bench_sdk.py``). This transport keeps the httpx interface (requests, responses, timeouts, exceptions) and a
pool of keep-alive connections per origin, and sends each request with ``http.client``. It speaks HTTP/1.1 only and
no proxies: :class:`~barcode_cloud.ApiClient` uses it when no proxy is configured and falls back to httpx's own
transport otherwise.
"""

from __future__ import annotations

import http.client
import socket
import ssl
import threading
from typing import Any

import httpx

import barcode_cloud._fork as _fork

_RECONNECT = (http.client.RemoteDisconnected, BrokenPipeError, ConnectionResetError, ConnectionAbortedError)


class StdlibTransport(httpx.BaseTransport):
    """``httpx.BaseTransport`` over pooled ``http.client`` connections (HTTP/1.1, no proxy)."""

    def __init__(self, verify: ssl.SSLContext | bool = True, max_idle: int = 20) -> None:
        if isinstance(verify, ssl.SSLContext):
            self._ssl = verify
        elif verify:
            self._ssl = ssl.create_default_context()
        else:
            self._ssl = ssl._create_unverified_context()  # noqa: S323 - verify_ssl=False was asked for
        self._max_idle = max_idle
        self._idle: dict[tuple[str, str, int], list[http.client.HTTPConnection]] = {}
        self._lock = threading.Lock()
        self._closed = False
        _fork.register(self)

    def _connection(
        self, key: tuple[str, str, int], timeouts: dict[str, float | None], fresh: bool = False
    ) -> tuple[http.client.HTTPConnection, bool]:
        """An idle connection to ``key`` (``True``: reused), or a new one (always with ``fresh``)."""
        reused = None
        if not fresh:
            with self._lock:
                idle = self._idle.get(key)
                reused = idle.pop() if idle else None
        if reused is not None:
            if reused.sock is not None:
                reused.sock.settimeout(timeouts.get("read"))
            return reused, True
        scheme, host, port = key
        connect_timeout = timeouts.get("connect")
        conn: http.client.HTTPConnection
        if scheme == "https":
            conn = http.client.HTTPSConnection(host, port, timeout=connect_timeout, context=self._ssl)
        else:
            conn = http.client.HTTPConnection(host, port, timeout=connect_timeout)
        try:
            conn.connect()
        except TimeoutError as exc:
            conn.close()
            raise httpx.ConnectTimeout(str(exc)) from exc
        except OSError as exc:
            conn.close()
            raise httpx.ConnectError(str(exc)) from exc
        if conn.sock is not None:
            conn.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            conn.sock.settimeout(timeouts.get("read"))
        return conn, False

    def _release(self, key: tuple[str, str, int], conn: http.client.HTTPConnection) -> None:
        with self._lock:
            idle = self._idle.setdefault(key, [])
            if not self._closed and len(idle) < self._max_idle:
                idle.append(conn)
                return
        conn.close()

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        url = request.url
        scheme = url.scheme
        if scheme not in ("http", "https"):
            raise httpx.UnsupportedProtocol(f"unsupported URL scheme {scheme!r}")
        key = (scheme, url.host, url.port or (443 if scheme == "https" else 80))
        timeouts: dict[str, Any] = request.extensions.get("timeout", {})
        body = request.read()
        headers = [(k.decode("latin-1"), v.decode("latin-1")) for k, v in request.headers.raw]
        if any(k.lower() == "transfer-encoding" for k, _ in headers):
            headers = [(k, v) for k, v in headers if k.lower() != "transfer-encoding"]
            headers.append(("Content-Length", str(len(body))))
        target = url.raw_path.decode("ascii")
        for attempt in (0, 1):
            # After a dead idle connection, a new one: the other idle ones may be as dead (a server restart).
            conn, reused = self._connection(key, timeouts, fresh=attempt > 0)
            try:
                conn.putrequest(request.method, target, skip_host=True, skip_accept_encoding=True)
                for name, value in headers:
                    conn.putheader(name, value)
                conn.endheaders(body or None)
                response = conn.getresponse()
                content = response.read()
            except _RECONNECT as exc:
                conn.close()
                if reused and attempt == 0:
                    continue  # the server closed an idle keep-alive connection: once more on a new one
                raise httpx.RemoteProtocolError(str(exc) or type(exc).__name__) from exc
            except TimeoutError as exc:
                conn.close()
                raise httpx.ReadTimeout(str(exc)) from exc
            except (OSError, http.client.HTTPException) as exc:
                conn.close()
                raise httpx.ReadError(str(exc) or type(exc).__name__) from exc
            if response.will_close:
                conn.close()
            else:
                self._release(key, conn)
            return httpx.Response(
                response.status,
                headers=response.getheaders(),
                stream=httpx.ByteStream(content),
                extensions={"http_version": b"HTTP/1.1", "reason_phrase": response.reason.encode("latin-1")},
            )
        raise AssertionError("unreachable")

    def close(self) -> None:
        with self._lock:
            self._closed = True
            pools, self._idle = self._idle, {}
        _close_all(pools)

    def _after_fork_in_child(self) -> None:
        # The parent's sockets are its own: closing our copies of them leaves its connections open.
        self._lock = threading.Lock()
        pools, self._idle = self._idle, {}
        _close_all(pools)


def _close_all(pools: dict[tuple[str, str, int], list[http.client.HTTPConnection]]) -> None:
    for idle in pools.values():
        for conn in idle:
            conn.close()
