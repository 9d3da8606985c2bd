"""Limits on request heads and connections: the protocol classes fed directly (both parsers), then live servers."""

from __future__ import annotations

import asyncio
import socket
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from uvicorn.config import Config
from uvicorn.server import ServerState

from barcode_cloud_server.web.protocols import HeadLimits, LimitedH11, LimitedHttpTools, set_head_limits
from tests.support.servers import LiveServer, running_server

PROTOCOLS = [LimitedHttpTools, LimitedH11]
LIMIT = 4096


class FakeTransport(asyncio.Transport):
    def __init__(self) -> None:
        super().__init__()
        self.written = bytearray()
        self.closed = False

    def write(self, data: bytes | bytearray | memoryview) -> None:
        self.written += data

    def close(self) -> None:
        self.closed = True

    def is_closing(self) -> bool:
        return self.closed

    def get_extra_info(self, name: str, default: Any = None) -> Any:
        return {"sockname": ("127.0.0.1", 8080), "peername": ("127.0.0.1", 50000)}.get(name, default)

    def pause_reading(self) -> None:
        pass

    def resume_reading(self) -> None:
        pass


async def echo_app(scope: dict[str, Any], receive: Any, send: Any) -> None:
    """Answers 200 with the size of the body and of the headers it got."""
    size = 0
    while True:
        message = await receive()
        size += len(message.get("body", b""))
        if not message.get("more_body"):
            break
    header_bytes = sum(len(name) + len(value) for name, value in scope["headers"])
    body = f"{size} {header_bytes}".encode()
    await send({"type": "http.response.start", "status": 200, "headers": [(b"content-length", b"%d" % len(body))]})
    await send({"type": "http.response.body", "body": body})


@pytest.fixture
def limits() -> Iterator[HeadLimits]:
    chosen = HeadLimits(max_bytes=LIMIT, timeout=0.3)
    set_head_limits(chosen)
    yield chosen
    set_head_limits(HeadLimits())


def connect(protocol_class: Any) -> tuple[Any, FakeTransport]:
    config = Config(app=echo_app, log_config=None, ws="none", proxy_headers=False)
    config.load()
    protocol = protocol_class(config, ServerState(), {}, asyncio.get_running_loop())
    transport = FakeTransport()
    protocol.connection_made(transport)
    return protocol, transport


async def settle() -> None:
    for _ in range(5):
        await asyncio.sleep(0)


@pytest.mark.parametrize("protocol_class", PROTOCOLS)
async def test_head_over_the_limit_in_one_read_is_a_431(protocol_class: Any, limits: HeadLimits) -> None:
    protocol, transport = connect(protocol_class)
    protocol.data_received(b"GET /healthz HTTP/1.1\r\nHost: x\r\nX-Pad: " + b"a" * LIMIT + b"\r\n\r\n")
    await settle()
    assert transport.written.startswith(b"HTTP/1.1 431 Request Header Fields Too Large\r\n")
    assert f"over {LIMIT} bytes".encode() in transport.written
    assert transport.closed


@pytest.mark.parametrize("protocol_class", PROTOCOLS)
async def test_a_head_dripping_in_is_cut_at_the_limit(protocol_class: Any, limits: HeadLimits) -> None:
    protocol, transport = connect(protocol_class)
    protocol.data_received(b"GET / HTTP/1.1\r\nHost: x\r\n")
    reads = 0
    while not transport.closed and reads < 100:
        protocol.data_received(b"X-Pad: " + b"a" * 500 + b"\r\n")
        reads += 1
    assert transport.closed and reads <= LIMIT // 500 + 1
    assert transport.written.startswith(b"HTTP/1.1 431 ")


@pytest.mark.parametrize("protocol_class", PROTOCOLS)
async def test_a_head_exactly_at_the_limit_then_one_byte_more(protocol_class: Any, limits: HeadLimits) -> None:
    protocol, transport = connect(protocol_class)
    start = b"GET / HTTP/1.1\r\nHost: x\r\nX-Pad: "
    protocol.data_received(start + b"a" * (LIMIT - len(start)))
    assert not transport.closed
    protocol.data_received(b"a")
    assert transport.written.startswith(b"HTTP/1.1 431 ") and transport.closed


@pytest.mark.parametrize("protocol_class", PROTOCOLS)
async def test_a_head_within_the_limit_and_a_long_body_are_served(protocol_class: Any, limits: HeadLimits) -> None:
    protocol, transport = connect(protocol_class)
    pad = b"a" * (LIMIT - 200)
    body = b"b" * (LIMIT * 10)
    head = b"POST /x HTTP/1.1\r\nHost: x\r\nX-Pad: %s\r\nContent-Length: %d\r\n\r\n" % (pad, len(body))
    assert len(head) < LIMIT
    protocol.data_received(head + body[:1000])
    for start in range(1000, len(body), 3000):
        protocol.data_received(body[start : start + 3000])
    await settle()
    assert transport.written.startswith(b"HTTP/1.1 200 "), transport.written[:100]
    assert transport.written.endswith(b"%d %d" % (len(body), len(pad) + 29))  # and every header
    assert not transport.closed


@pytest.mark.parametrize("protocol_class", PROTOCOLS)
async def test_many_heads_on_one_connection_each_have_the_whole_limit(protocol_class: Any, limits: HeadLimits) -> None:
    protocol, transport = connect(protocol_class)
    head = b"GET /x HTTP/1.1\r\nHost: x\r\nX-Pad: " + b"a" * (LIMIT // 2) + b"\r\n\r\n"
    for _ in range(6):  # together three times the limit
        protocol.data_received(head)
        await settle()
    assert transport.written.count(b"HTTP/1.1 200 ") == 6
    assert not transport.closed


@pytest.mark.parametrize("protocol_class", PROTOCOLS)
async def test_an_unreadable_request_is_a_400_with_security_headers(protocol_class: Any, limits: HeadLimits) -> None:
    protocol, transport = connect(protocol_class)
    protocol.data_received(b"GET / HTTP/1.1\r\nBad Header\r\n\r\n")
    assert transport.written.startswith(b"HTTP/1.1 400 Bad Request\r\n") and transport.closed
    assert b"\r\nx-content-type-options: nosniff\r\n" in transport.written


@pytest.mark.parametrize("protocol_class", PROTOCOLS)
async def test_a_head_that_stops_halfway_is_a_408(protocol_class: Any, limits: HeadLimits) -> None:
    protocol, transport = connect(protocol_class)
    protocol.data_received(b"GET /healthz HTTP/1.1\r\nHost: x\r\n")
    await asyncio.sleep(limits.timeout / 2)
    protocol.data_received(b"X-More: 1\r\n")  # still slower than the limit as a whole
    await asyncio.sleep(limits.timeout / 2 + 0.1)
    assert transport.written.startswith(b"HTTP/1.1 408 Request Timeout\r\n")
    assert transport.closed


@pytest.mark.parametrize("protocol_class", PROTOCOLS)
async def test_a_connection_that_sends_nothing_is_closed(protocol_class: Any, limits: HeadLimits) -> None:
    _, transport = connect(protocol_class)
    await asyncio.sleep(limits.timeout + 0.1)
    assert transport.closed and not transport.written


@pytest.mark.parametrize("protocol_class", PROTOCOLS)
async def test_a_slow_answer_is_not_cut_by_the_head_timer(protocol_class: Any, limits: HeadLimits) -> None:
    protocol, transport = connect(protocol_class)
    head = b"POST /x HTTP/1.1\r\nHost: x\r\nContent-Length: 4\r\n\r\n"
    protocol.data_received(head + b"ab")
    await asyncio.sleep(limits.timeout + 0.1)  # the body is the app's to wait for, not the head timer's
    protocol.data_received(b"cd")
    await settle()
    assert transport.written.startswith(b"HTTP/1.1 200 ") and transport.written.endswith(b"4 20")
    assert not transport.closed


# Live servers, one per parser: the options reach the worker, and the limits hold through real sockets.

TIMEOUT = 1.0
MAX_CONNECTIONS = 40


@pytest.fixture(scope="module", params=["httptools", "h11"])
def server(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    args = ("--http", request.param, "--max-header-bytes", "16384", "--header-timeout", str(TIMEOUT))
    args += ("--keep-alive-timeout", "1", "--max-connections", str(MAX_CONNECTIONS))
    with running_server(Path(tmp_path_factory.mktemp(request.param)), args=args) as live:
        yield live


def open_socket(server: LiveServer) -> socket.socket:
    host, port = server.base_url.removeprefix("http://").split(":")
    return socket.create_connection((host, int(port)), timeout=5)


def read_all(sock: socket.socket, timeout: float) -> bytes:
    """Everything until the server closes, within ``timeout`` seconds (TimeoutError otherwise)."""
    sock.settimeout(timeout)
    chunks = []
    while chunk := sock.recv(65536):
        chunks.append(chunk)
    return b"".join(chunks)


def test_live_a_long_head_is_a_431_and_the_server_carries_on(server: LiveServer) -> None:
    with open_socket(server) as sock:
        sock.sendall(b"GET /healthz HTTP/1.1\r\nHost: x\r\nX-Pad: " + b"a" * 20000 + b"\r\n\r\n")
        answer = read_all(sock, 5)
    assert answer.startswith(b"HTTP/1.1 431 "), answer[:200]
    near_limit = httpx.get(server.base_url + "/healthz", headers={"X-Pad": "a" * 15000}, timeout=5)
    assert near_limit.status_code == 200


def test_live_slow_clients_are_cut_off_and_healthz_answers_meanwhile(server: LiveServer) -> None:
    slow: list[socket.socket] = []
    try:
        for i in range(30):
            sock = open_socket(server)
            if i % 3 == 1:
                sock.sendall(b"GET /healthz HTTP/1.1\r\nHost: x\r\n")  # half a head
            elif i % 3 == 2:  # half a body: the head is whole, so it is the app's to wait for
                sock.sendall(b"POST /connect/token HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\ngrant")
            slow.append(sock)
        started = time.monotonic()
        assert httpx.get(server.base_url + "/healthz", timeout=5).status_code == 200
        assert time.monotonic() - started < 2
        for i, sock in enumerate(slow):
            if i % 3 == 2:
                continue
            answer = read_all(sock, TIMEOUT + 2)  # closed by the server within the head timeout
            assert answer.startswith(b"HTTP/1.1 408 ") if i % 3 == 1 else answer == b""
        assert time.monotonic() - started < TIMEOUT + 2
    finally:
        for sock in slow:
            sock.close()


def test_live_past_the_connection_cap_requests_get_503_until_connections_go(server: LiveServer) -> None:
    idle: list[socket.socket] = []
    try:
        idle = [open_socket(server) for _ in range(MAX_CONNECTIONS)]
        time.sleep(0.2)  # accepted by the server
        assert httpx.get(server.base_url + "/healthz", timeout=5).status_code == 503
        time.sleep(TIMEOUT + 0.5)  # idle connections are closed by the head timer
        assert httpx.get(server.base_url + "/healthz", timeout=5).status_code == 200
    finally:
        for sock in idle:
            sock.close()


def test_live_an_idle_kept_alive_connection_is_closed(server: LiveServer) -> None:
    with open_socket(server) as sock:
        sock.sendall(b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")
        sock.settimeout(5)
        answer = b""
        while not answer.endswith(b'{"status":"ok"}'):
            chunk = sock.recv(65536)
            assert chunk, answer
            answer += chunk
        assert answer.startswith(b"HTTP/1.1 200 ")
        started = time.monotonic()
        assert read_all(sock, 3) == b""  # --keep-alive-timeout 1
        assert time.monotonic() - started > 0.5
