"""Slow uploads against a real server (raw sockets): a body that trickles in gets a 408 within the upload deadline,
and one client's slow bodies cannot take every recognition place from the others."""

from __future__ import annotations

import base64
import contextlib
import io
import select
import socket
import time
from collections.abc import Iterator
from urllib.parse import urlsplit

import httpx
import pytest
from PIL import Image

from tests.support.servers import LiveServer, running_server

UPLOAD_SECONDS = 2.0
SCAN = "/v4.0/barcode/scan-body"


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    env = {"BARCODE_CLOUD_UPLOAD_SECONDS": str(UPLOAD_SECONDS)}
    with running_server(tmp_path_factory.mktemp("uploads"), env=env) as live:
        yield live


def _slow_post(server: LiveServer, token: str, length: int = 10_000) -> socket.socket:
    """A scan-body request whose headers are sent whole and whose body is not (yet)."""
    parts = urlsplit(server.base_url)
    sock = socket.create_connection((parts.hostname or "127.0.0.1", parts.port or 80), timeout=5)
    head = (
        f"POST {SCAN} HTTP/1.1\r\nHost: {parts.netloc}\r\nAuthorization: Bearer {token}\r\n"
        f"Content-Type: application/json\r\nContent-Length: {length}\r\n\r\n"
    )
    sock.sendall(head.encode())
    return sock


def _status(sock: socket.socket) -> int:
    """The status of the answer waiting on ``sock`` (which select() found readable)."""
    line = sock.recv(4096).split(b"\r\n", 1)[0]
    return int(line.split()[1]) if line.startswith(b"HTTP/1.1 ") else 0  # 0: closed without an answer


def _closed(sock: socket.socket) -> bool:
    """Whether the server closes ``sock`` within a second (the rest of its answer read and dropped)."""
    sock.settimeout(1.0)
    try:
        for _ in range(100):
            if not sock.recv(65536):
                return True
    except TimeoutError:
        pass
    return False


def _trickle(socks: list[socket.socket], seconds: float) -> dict[socket.socket, tuple[int, float]]:
    """Send one byte of body on every socket each 0.2 s for up to ``seconds``; the status each one got, and when."""
    started = time.monotonic()
    answered: dict[socket.socket, tuple[int, float]] = {}
    while len(answered) < len(socks) and time.monotonic() - started < seconds:
        waiting = [s for s in socks if s not in answered]
        readable, _, _ = select.select(waiting, [], [], 0.2)
        for sock in readable:
            answered[sock] = (_status(sock), time.monotonic() - started)
        for sock in waiting:
            if sock not in answered:
                with contextlib.suppress(OSError):  # closed after its answer: read at the next select
                    sock.sendall(b" ")
    return answered


def _blank_png() -> str:
    buf = io.BytesIO()
    Image.new("L", (64, 64), 255).save(buf, format="PNG")
    return base64.b64encode(buf.getvalue()).decode()


def test_a_trickling_body_gets_a_408_within_the_upload_deadline(server: LiveServer) -> None:
    token = server.token(server.create_client("trickle", ["barcode.recognize"]))
    sock = _slow_post(server, token)
    silent = _slow_post(server, token)  # headers, then not a byte: the same deadline
    try:
        answered = _trickle([sock], 3 * UPLOAD_SECONDS)
        assert sock in answered, "no answer within 3x the upload deadline"
        status, after = answered[sock]
        assert status == 408 and after >= UPLOAD_SECONDS * 0.9
        assert _closed(sock)  # the rest of the body is not waited for
        readable, _, _ = select.select([silent], [], [], UPLOAD_SECONDS)
        assert readable and _status(silent) == 408
    finally:
        sock.close()
        silent.close()


def test_one_clients_slow_bodies_do_not_starve_another_clients_recognition(server: LiveServer) -> None:
    slow_token = server.token(server.create_client("slow", ["barcode.recognize"]))
    fair_token = server.token(server.create_client("fair", ["barcode.recognize"]))
    socks = [_slow_post(server, slow_token) for _ in range(16)]
    try:
        refused = _trickle(socks, 1.0)  # what is refused at once, while the rest keep trickling
        assert refused and {status for status, _ in refused.values()} == {429}
        started = time.monotonic()
        response = httpx.post(
            server.base_url + SCAN,
            json={"fileBase64": _blank_png()},
            headers={"Authorization": f"Bearer {fair_token}"},
            timeout=10,
        )
        assert response.status_code == 200, response.text
        assert time.monotonic() - started < UPLOAD_SECONDS  # not after the slow bodies were given up
        held = [s for s in socks if s not in refused]
        answered = _trickle(held, 3 * UPLOAD_SECONDS)
        assert len(answered) == len(held) and {status for status, _ in answered.values()} == {408}
    finally:
        for sock in socks:
            sock.close()
