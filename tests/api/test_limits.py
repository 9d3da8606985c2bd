"""The size and pixel limits are options of `serve`, and the API enforces what was set."""

from __future__ import annotations

import base64
from collections.abc import Callable

import httpx

from tests.support.servers import LiveServer


def test_serve_limits_are_enforced(start_server: Callable[..., LiveServer]) -> None:
    server = start_server("--max-upload-bytes", "4096", "--max-image-pixels", "20000")
    headers = {"Authorization": f"Bearer {server.token()}"}
    with httpx.Client(base_url=server.api_url, headers=headers, timeout=30) as client:
        small = client.get("/barcode/generate/QR", params={"data": "limits", "imageWidth": 100, "imageHeight": 100})
        assert small.status_code == 200 and len(small.content) < 4096
        assert client.post("/barcode/scan-multipart", files={"file": small.content}).status_code == 200
        too_big = client.post("/barcode/scan-multipart", files={"file": small.content + b"\0" * 5000})
        assert too_big.status_code == 413
        assert "4096" in too_big.json()["error"]["message"]
        # 200 x 200 = 40,000 pixels, over the 20,000 set
        large = client.get("/barcode/generate/QR", params={"data": "limits", "imageWidth": 200, "imageHeight": 200})
        assert large.status_code == 200 and len(large.content) < 4096
        refused = client.post("/barcode/scan-body", json={"fileBase64": base64.b64encode(large.content).decode()})
        assert refused.status_code == 400
        assert "pixels" in refused.json()["error"]["message"]
