"""The MCP tools through the SDK's own client session: over stdio (``barcode-cloud mcp``) and over streamable HTTP
at a real server's /mcp, behind its bearer tokens and scopes."""

from __future__ import annotations

import base64
import os
import socket
import sys
import time
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import anyio
import httpx
from mcp import ClientSession, StdioServerParameters
from mcp.client.stdio import stdio_client
from mcp.client.streamable_http import streamable_http_client
from mcp.types import CallToolResult, ImageContent, TextContent

from barcode_cloud_server.api.recognize import PER_CLIENT_PER_THREAD
from barcode_cloud_server.engine.generate import GenerateRequest, generate
from barcode_cloud_server.engine.recognize import recognize_bytes
from tests.support.servers import LiveServer

TOOLS = ["generate_barcode", "list_barcode_types", "recognize_barcode", "scan_barcode"]


@asynccontextmanager
async def stdio_session(root: Path, env: dict[str, str] | None = None) -> AsyncIterator[ClientSession]:
    params = StdioServerParameters(
        command=sys.executable,
        args=["-m", "barcode_cloud_server.cli", "mcp", "--root", str(root)],
        env={**os.environ, **(env or {})},
    )
    async with stdio_client(params) as (read, write), ClientSession(read, write) as session:
        await session.initialize()
        yield session


@asynccontextmanager
async def http_session(server: LiveServer, token: str) -> AsyncIterator[ClientSession]:
    client = httpx.AsyncClient(headers={"Authorization": f"Bearer {token}"}, timeout=30)
    async with (
        client,
        streamable_http_client(server.base_url + "/mcp", http_client=client) as (read, write, _),
        ClientSession(read, write) as session,
    ):
        await session.initialize()
        yield session


def _text(result: CallToolResult) -> str:
    return " ".join(c.text for c in result.content if isinstance(c, TextContent))


def _values(result: CallToolResult) -> list[Any]:
    assert not result.isError, _text(result)
    assert result.structuredContent is not None
    return [(b["type"], b["value"], b["page"]) for b in result.structuredContent["barcodes"]]


def _png(data: str) -> bytes:
    return generate(GenerateRequest(barcode_type="QR", data=data)).content


async def test_stdio_tools_generate_write_and_read_inside_the_root(tmp_path: Path) -> None:
    root = tmp_path / "root"
    root.mkdir()
    (tmp_path / "secret.png").write_bytes(_png("outside"))
    (root / "link.png").symlink_to(tmp_path / "secret.png")

    async with stdio_session(root) as session:
        assert sorted(t.name for t in (await session.list_tools()).tools) == TOOLS
        made = await session.call_tool(
            "generate_barcode",
            {
                "barcode_type": "QR",
                "data": "from an agent",
                "output_path": "out/agent.png",
                "options": {"imageWidth": "200"},
            },
        )
        assert not made.isError, _text(made)
        image = next(c for c in made.content if isinstance(c, ImageContent))
        assert image.mimeType == "image/png"
        assert recognize_bytes(base64.b64decode(image.data))[0].value == "from an agent"
        assert (root / "out" / "agent.png").read_bytes() == base64.b64decode(image.data)

        read = await session.call_tool("recognize_barcode", {"barcode_types": ["QR"], "path": "out/agent.png"})
        assert _values(read) == [("QR", "from an agent", 1)]
        scanned = await session.call_tool("scan_barcode", {"image_base64": base64.b64encode(_png("b64")).decode()})
        assert _values(scanned) == [("QR", "b64", 1)]

        for bad in ("../secret.png", str(tmp_path / "secret.png"), "link.png"):
            refused = await session.call_tool("scan_barcode", {"path": bad})
            assert refused.isError and "outside the allowed folder" in _text(refused), bad
        escape = await session.call_tool(
            "generate_barcode", {"barcode_type": "QR", "data": "x", "output_path": "../x.png"}
        )
        assert escape.isError and not (tmp_path / "x.png").exists()

        private = await session.call_tool("scan_barcode", {"url": "http://127.0.0.1:9/code.png"})
        assert private.isError and "not allowed" in _text(private)
        bad_data = await session.call_tool("generate_barcode", {"barcode_type": "EAN13", "data": "abc"})
        assert bad_data.isError and "only digits" in _text(bad_data)
        both = await session.call_tool("scan_barcode", {"path": "out/agent.png", "image_base64": "AAAA"})
        assert both.isError and "exactly one of" in _text(both)

        types = await session.call_tool("list_barcode_types", {})
        assert types.structuredContent is not None
        qr = next(t for t in types.structuredContent["types"] if t["name"] == "QR")
        assert qr["generate"] and qr["recognize"] and qr["data"]


async def test_http_mount_honours_tokens_and_scopes(live_server: LiveServer) -> None:
    refused = httpx.post(live_server.base_url + "/mcp", json={"jsonrpc": "2.0", "id": 1, "method": "tools/list"})
    assert refused.status_code == 401
    assert refused.headers["www-authenticate"].startswith('Bearer error="invalid_token"')

    generate_only = live_server.token(live_server.create_client("mcp-gen", ["barcode.generate"]))
    async with http_session(live_server, generate_only) as session:
        assert sorted(t.name for t in (await session.list_tools()).tools) == TOOLS
        made = await session.call_tool("generate_barcode", {"barcode_type": "Code128", "data": "HTTP-MCP"})
        assert not made.isError, _text(made)
        image = next(c for c in made.content if isinstance(c, ImageContent))
        denied = await session.call_tool("scan_barcode", {"image_base64": image.data})
        assert denied.isError and "lacks the scope 'barcode.recognize'" in _text(denied)
        assert not (await session.call_tool("list_barcode_types", {})).isError

    both = live_server.token(live_server.create_client("mcp-both"))
    async with http_session(live_server, both) as session:
        read = await session.call_tool("recognize_barcode", {"barcode_types": ["Code128"], "image_base64": image.data})
        assert _values(read) == [("Code128", "HTTP-MCP", 1)]
        no_files = await session.call_tool("scan_barcode", {"path": "/etc/passwd"})
        assert no_files.isError and "file paths are not available" in _text(no_files)
        no_file_output = await session.call_tool(
            "generate_barcode", {"barcode_type": "QR", "data": "x", "output_path": "x.png"}
        )
        assert no_file_output.isError


async def test_stdio_tools_through_a_server(live_server: LiveServer, tmp_path: Path) -> None:
    creds = live_server.create_client("mcp-remote")
    env = {
        "BARCODE_CLOUD_REMOTE": live_server.base_url,
        "BARCODE_CLOUD_CLIENT_ID": creds.client_id,
        "BARCODE_CLOUD_CLIENT_SECRET": creds.client_secret,
    }
    async with stdio_session(tmp_path, env) as session:
        made = await session.call_tool(
            "generate_barcode", {"barcode_type": "DataMatrix", "data": "via server", "output_path": "dm.png"}
        )
        assert not made.isError, _text(made)
        read = await session.call_tool("recognize_barcode", {"barcode_types": ["DataMatrix"], "path": "dm.png"})
        assert _values(read) == [("DataMatrix", "via server", None)]  # the API's answer names no page
    for path in ("/v4.0/barcode/generate-body", "/v4.0/barcode/recognize-body"):  # this client's access lines
        deadline = time.monotonic() + 5
        while not (seen := any(path in ln and creds.client_id in ln for ln in live_server.logs().splitlines())):
            if time.monotonic() > deadline:
                break
            await anyio.sleep(0.05)
        assert seen, path


def _held_post(server: LiveServer, token: str, length: int) -> socket.socket:
    """A POST to /mcp whose headers are sent and whose body never comes."""
    sock = socket.create_connection(("127.0.0.1", int(server.base_url.rsplit(":", 1)[1])), timeout=10)
    sock.sendall(
        f"POST /mcp HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer {token}\r\nContent-Type: application/json\r\n"
        f"Accept: application/json, text/event-stream\r\nContent-Length: {length}\r\n\r\n".encode()
    )
    return sock


def test_http_mount_bounds_bodies_and_what_one_client_holds(start_server: Callable[..., LiveServer]) -> None:
    server = start_server("--upload-seconds", "1", "--max-upload-bytes", "100000")
    token = server.token()
    url, auth = server.base_url + "/mcp", {"Authorization": f"Bearer {token}"}
    too_big = httpx.post(url, content=b"x" * 200_000, headers={**auth, "Content-Type": "application/json"})
    assert too_big.status_code == 413 and "larger than the limit" in too_big.json()["message"]

    started = time.monotonic()
    slow = _held_post(server, token, 1000)
    with slow:
        answer = slow.recv(4096)
    assert answer.startswith(b"HTTP/1.1 408") and time.monotonic() - started < 5

    # One client's calls past its share are refused at once, while another client's still go through.
    held = [_held_post(server, token, 1000) for _ in range(PER_CLIENT_PER_THREAD * (os.cpu_count() or 1))]
    try:
        time.sleep(0.3)
        refused = httpx.post(url, json={"jsonrpc": "2.0", "id": 1, "method": "tools/list"}, headers=auth, timeout=5)
        assert refused.status_code == 429 and refused.headers["retry-after"] == "2"
        other = {"Authorization": f"Bearer {server.token()}", "Accept": "application/json, text/event-stream"}
        ping = {"jsonrpc": "2.0", "id": 1, "method": "ping"}
        assert httpx.post(url, json=ping, headers=other, timeout=5).status_code == 200
    finally:
        for sock in held:
            sock.close()
