"""The floor for bench_generate_http.py: a bare ASGI app under the same uvicorn that only calls the engine.

No token check, no request id, no metrics, no validation beyond the engine's own: what one worker can serve at
all with this engine, server and machine. Run by the benchmark as ``uvicorn bench.bare_generate_app:app``.
"""

from __future__ import annotations

from urllib.parse import parse_qsl

from starlette.types import Receive, Scope, Send

from barcode_cloud_server.engine.generate import GenerateRequest, generate


async def app(scope: Scope, receive: Receive, send: Send) -> None:
    if scope["type"] != "http":
        return
    query = dict(parse_qsl(scope["query_string"].decode("latin-1")))
    image = generate(GenerateRequest(barcode_type=scope["path"].rsplit("/", 1)[-1], data=query["data"]))
    headers = [(b"content-length", str(len(image.content)).encode()), (b"content-type", image.media_type.encode())]
    await send({"type": "http.response.start", "status": 200, "headers": headers})
    await send({"type": "http.response.body", "body": image.content})
