"""uvicorn's two HTTP/1.1 protocols (httptools, h11) with the limits on a request head that they lack.

uvicorn buffers a request head however long it is (httptools has no limit; h11 has one but answers 400), and
waits for ever for the first request on a connection and for the rest of a head once begun. Here both parsers
get the same limits and answers: a head still incomplete after ``max_bytes`` is a 431, and one not complete
``timeout`` seconds after the connection opened (or after its first byte, on a kept-alive connection) is a 408;
a connection that sent nothing is just closed. Idle kept-alive connections and the number of connections are
uvicorn's own limits (``timeout_keep_alive``, ``limit_concurrency``).

Only bytes that arrive while a head is being read count, and they are handed to the parser no further than the
limit, so neither parser ever holds more than ``max_bytes`` of a head. The timer is armed only when a read
leaves a head incomplete: a head that arrives in one read costs no timer.
"""

from __future__ import annotations

import asyncio
import importlib.util
from dataclasses import dataclass
from typing import Any

import h11
from uvicorn.config import Config
from uvicorn.protocols.http.h11_impl import H11Protocol
from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol
from uvicorn.server import ServerState

from barcode_cloud_server.web.security_headers import API_HEADERS


@dataclass(frozen=True)
class HeadLimits:
    max_bytes: int = 32 * 1024
    timeout: float = 10.0


_limits = HeadLimits()


def set_head_limits(limits: HeadLimits) -> None:
    """The limits for this process's new connections (each worker process sets them from its settings)."""
    global _limits
    _limits = limits


def protocol_class(name: str) -> str:
    """The import path of the protocol uvicorn should use: ``httptools``, ``h11``, or ``auto`` (httptools when
    installed, as uvicorn chooses)."""
    if name == "auto":
        name = "httptools" if importlib.util.find_spec("httptools") else "h11"
    return f"{__name__}:{'LimitedHttpTools' if name == 'httptools' else 'LimitedH11'}"


def _answer(status: bytes, text: str) -> bytes:
    body = text.encode("ascii")
    head = [b"HTTP/1.1 " + status, b"content-type: text/plain; charset=utf-8", b"connection: close"]
    head += [name + b": " + value for name, value in API_HEADERS]
    head.append(b"content-length: " + str(len(body)).encode("ascii"))
    return b"\r\n".join(head) + b"\r\n\r\n" + body


_REQUEST_TIMEOUT = _answer(b"408 Request Timeout", "The request head took too long to arrive.")


class _HeadLimit(asyncio.Protocol):
    """Mixed in before a uvicorn protocol class, which reads and answers as usual within the limits."""

    transport: asyncio.Transport
    loop: asyncio.AbstractEventLoop
    cycle: Any
    _head_bytes = 0
    _heads_done = 0
    _head_timer: asyncio.TimerHandle | None = None

    def _reading_head(self) -> bool:
        """True while the parser waits for (the rest of) a request head."""
        raise NotImplementedError

    def _response_pending(self) -> bool:
        return self.cycle is not None and not self.cycle.response_complete

    def _feed(self, data: bytes) -> None:
        """The uvicorn protocol's own ``data_received``."""
        raise NotImplementedError

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        super().connection_made(transport)
        self._limits = _limits
        self._head_timer = self.loop.call_later(self._limits.timeout, self._head_timed_out)

    def connection_lost(self, exc: Exception | None) -> None:
        self._head_done()
        super().connection_lost(exc)

    def data_received(self, data: bytes) -> None:
        if not self._reading_head():
            self._feed(data)
            return
        room = self._limits.max_bytes - self._head_bytes
        if len(data) > room:
            heads = self._heads_done
            if room > 0:  # never empty: h11 takes b"" for the end of the stream
                self._head_bytes += room
                self._feed(data[:room])
            if self._heads_done == heads:
                self._refuse_large_head()
                return
            if self.transport.is_closing():
                return
            data = data[room:]
        else:
            self._head_bytes += len(data)
        self._feed(data)
        if self._head_bytes and self._head_timer is None and not self.transport.is_closing():
            self._head_timer = self.loop.call_later(self._limits.timeout, self._head_timed_out)

    def _head_done(self) -> None:
        """A whole head has been read (or the connection is gone)."""
        self._heads_done += 1
        self._head_bytes = 0
        if self._head_timer is not None:
            self._head_timer.cancel()
            self._head_timer = None

    def _head_timed_out(self) -> None:
        self._head_timer = None
        if self.transport.is_closing():
            return
        if self._response_pending():  # the next head's time runs once this answer is out
            self._head_timer = self.loop.call_later(self._limits.timeout, self._head_timed_out)
        elif self._head_bytes:
            self._close_with(_REQUEST_TIMEOUT)
        else:
            self.transport.close()

    def _refuse_large_head(self) -> None:
        if not self.transport.is_closing():
            limit = self._limits.max_bytes
            self._close_with(
                _answer(b"431 Request Header Fields Too Large", f"The request head is over {limit} bytes.")
            )

    def send_400_response(self, msg: str) -> None:
        # uvicorn's own, for a request neither parser can read, with the security headers as every answer here.
        self._close_with(_answer(b"400 Bad Request", msg))

    def _close_with(self, answer: bytes) -> None:
        if not self._response_pending():  # never in the middle of another answer
            self.transport.write(answer)
        self.transport.close()


class LimitedHttpTools(_HeadLimit, HttpToolsProtocol):
    _in_request = False  # between the end of a head and the end of its body

    def _reading_head(self) -> bool:
        return not self._in_request

    def _feed(self, data: bytes) -> None:
        HttpToolsProtocol.data_received(self, data)

    def on_headers_complete(self) -> None:
        self._head_done()
        self._in_request = True
        super().on_headers_complete()

    def on_message_complete(self) -> None:
        self._in_request = False
        super().on_message_complete()


class LimitedH11(_HeadLimit, H11Protocol):
    def __init__(
        self,
        config: Config,
        server_state: ServerState,
        app_state: dict[str, Any],
        _loop: asyncio.AbstractEventLoop | None = None,
    ) -> None:
        super().__init__(config, server_state, app_state, _loop)
        # Ours answers first (431, not h11's 400): h11 is never given more of a head than this.
        self.conn = h11.Connection(h11.SERVER, max_incomplete_event_size=_limits.max_bytes)

    def _reading_head(self) -> bool:
        return self.conn.their_state is h11.IDLE

    def _feed(self, data: bytes) -> None:
        H11Protocol.data_received(self, data)
        if self.conn.their_state is not h11.IDLE and self._head_bytes:
            self._head_done()
