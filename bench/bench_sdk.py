"""Per-call overhead of the barcode_cloud SDK vs raw httpx vs the published aspose-barcode-cloud SDK.

All call the same endpoints of the same server, one call at a time, with a token already cached. "raw httpx"
is ``httpx.Client.get`` + ``.json()`` with its default transport; "httpx+stdlib" the same with the SDK's
``StdlibTransport`` (which the SDK uses by default), so the SDK's own overhead is the difference to that line;
"bc on httpx" is the SDK on httpx's own transport (as behind a proxy).
Servers:

* a minimal ASGI app this script starts in a subprocess (uvicorn, no framework: constant answers), so that
  the figures are the clients' cost, or
* a running Barcode Cloud server: ``--host http://127.0.0.1:8080/v4.0 --client-id ... --client-secret ...``.

Rounds alternate between the clients so that machine noise hits all of them alike; the median of the
rounds is reported, in microseconds per call, with ratios to raw httpx.

    .venv/bin/python bench/bench_sdk.py [--calls 300] [--rounds 7]

Why the SDK is laid out as it is (figures from this script; results in docs/sdk.md, "Performance"):

* httpx's default transport (httpcore + h11) costs about twice what ``http.client`` does per request; for an
  API client making many small calls that is most of its own overhead, hence ``StdlibTransport``
  (``barcode_cloud._transport``) by default.
* ``httpx.Client.build_request`` cost more than the whole rest of the SDK's own work per call, hence
  ``_ClientBase._build`` making the ``httpx.Request`` directly (``barcode_cloud._client``).
* ``httpx.Client.send`` (cookies, hooks, redirects around the auth flow) was a quarter of the SDK's own cost
  per call, hence ``ApiClient._send_direct`` running the auth flow against the transport itself.
"""

from __future__ import annotations

import argparse
import base64
import json
import os
import socket
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from typing import Any

import httpx

PNG = b"\x89PNG\r\n\x1a\n" + b"\0" * 600
RESULT = json.dumps(
    {"barcodes": [{"barcodeValue": "hello", "type": "QR", "region": [{"x": 1, "y": 2}, {"x": 3, "y": 4}]}]}
).encode()
TOKEN = json.dumps({"access_token": "bench-token", "token_type": "Bearer", "expires_in": 3600}).encode()


# --- the minimal server -----------------------------------------------------------------------------
async def app(scope: dict[str, Any], receive: Any, send: Any) -> None:
    if scope["type"] != "http":
        return
    more = True
    while more:
        message = await receive()
        more = message.get("more_body", False)
    path = scope["path"]
    if path == "/connect/token":
        body, kind = TOKEN, b"application/json"
    elif path.startswith("/v4.0/barcode/generate"):
        body, kind = PNG, b"image/png"
    else:
        body, kind = RESULT, b"application/json"
    headers = [(b"content-type", kind), (b"content-length", str(len(body)).encode())]
    await send({"type": "http.response.start", "status": 200, "headers": headers})
    await send({"type": "http.response.body", "body": body})


def serve(port: int) -> None:
    import uvicorn

    uvicorn.run(app, host="127.0.0.1", port=port, log_level="warning", access_log=False)


def start_server() -> tuple[subprocess.Popen[bytes], str]:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    proc = subprocess.Popen([sys.executable, __file__, "--serve", str(port)])
    base = f"http://127.0.0.1:{port}"
    for _ in range(100):
        try:
            httpx.post(base + "/connect/token", timeout=1)
            return proc, base
        except httpx.HTTPError:
            time.sleep(0.1)
    proc.kill()
    raise SystemExit("the bench server did not start")


# --- the three clients ------------------------------------------------------------------------------
def clients(host: str, token_url: str, client_id: str, secret: str) -> dict[str, dict[str, Callable[[], Any]]]:
    import aspose_barcode_cloud as aspose

    import barcode_cloud as ours

    token = ours.fetch_token(client_id, secret, token_url)
    our_client = ours.ApiClient(ours.Configuration(client_id, secret, host=host, token_url=token_url))
    image = ours.GenerateApi(our_client).generate("QR", "hello")  # a real image for a real server
    body = {"fileBase64": base64.b64encode(image).decode()}

    def raw_calls(transport: httpx.BaseTransport | None) -> tuple[Callable[[], Any], Callable[[], Any]]:
        """scan-body and generate through a plain ``httpx.Client`` (its own transport, or the given one)."""
        raw = httpx.Client(headers={"Authorization": f"Bearer {token}"}, transport=transport)

        def scan() -> Any:
            r = raw.post(host + "/barcode/scan-body", json=body)
            r.raise_for_status()
            return r.json()

        def generate() -> Any:
            r = raw.get(host + "/barcode/generate/QR", params={"data": "hello"})
            r.raise_for_status()
            return r.content

        return scan, generate

    from barcode_cloud._transport import StdlibTransport

    raw_scan, raw_generate = raw_calls(None)
    raw_stdlib_scan, raw_stdlib_generate = raw_calls(StdlibTransport())

    our_scan, our_generate = ours.ScanApi(our_client), ours.GenerateApi(our_client)
    # The SDK on httpx's own transport (what it uses behind a proxy): what StdlibTransport saves.
    via_httpx = ours.ApiClient(our_client.configuration, transport=httpx.HTTPTransport())
    httpx_scan, httpx_generate = ours.ScanApi(via_httpx), ours.GenerateApi(via_httpx)
    asp_config = aspose.Configuration(client_id, secret, host=host, token_url=token_url)
    asp_client = aspose.ApiClient(asp_config)
    asp_scan, asp_generate = aspose.ScanApi(asp_client), aspose.GenerateApi(asp_client)
    return {
        "scan-body (JSON in, JSON out)": {
            "raw httpx": raw_scan,
            "httpx+stdlib": raw_stdlib_scan,
            "barcode_cloud": lambda: our_scan.scan_base64(ours.ScanBase64Request(file_base64=body["fileBase64"])),
            "bc on httpx": lambda: httpx_scan.scan_base64(ours.ScanBase64Request(file_base64=body["fileBase64"])),
            "aspose 26.10": lambda: asp_scan.scan_base64(aspose.ScanBase64Request(file_base64=body["fileBase64"])),
        },
        "generate GET (image out)": {
            "raw httpx": raw_generate,
            "httpx+stdlib": raw_stdlib_generate,
            "barcode_cloud": lambda: our_generate.generate("QR", "hello"),
            "bc on httpx": lambda: httpx_generate.generate("QR", "hello"),
            "aspose 26.10": lambda: asp_generate.generate("QR", "hello").data,
        },
    }


def measure(fn: Callable[[], Any], calls: int) -> float:
    start = time.perf_counter()
    for _ in range(calls):
        fn()
    return (time.perf_counter() - start) / calls * 1e6


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--serve", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--host", help="a running server's API URL (default: start a minimal one)")
    parser.add_argument("--token-url")
    parser.add_argument("--client-id", default=os.environ.get("BARCODE_CLOUD_CLIENT_ID", "bench"))
    parser.add_argument("--client-secret", default=os.environ.get("BARCODE_CLOUD_CLIENT_SECRET", "bench"))
    parser.add_argument("--calls", type=int, default=300, help="calls per round and client")
    parser.add_argument("--rounds", type=int, default=7)
    args = parser.parse_args()
    if args.serve:
        serve(args.serve)
        return

    proc = None
    if args.host:
        host = args.host.rstrip("/")
        token_url = args.token_url or host.rsplit("/", 1)[0] + "/connect/token"
        where = host
    else:
        proc, base = start_server()
        host, token_url, where = base + "/v4.0", base + "/connect/token", "minimal local ASGI app (uvicorn)"
    try:
        print(f"server: {where}; {args.rounds} rounds x {args.calls} calls per client, median of rounds")
        for endpoint, fns in clients(host, token_url, args.client_id, args.client_secret).items():
            for fn in fns.values():  # warm up: connections, token, imports
                measure(fn, 20)
            rounds: dict[str, list[float]] = {name: [] for name in fns}
            for _ in range(args.rounds):
                for name, fn in fns.items():
                    rounds[name].append(measure(fn, args.calls))
            medians = {name: statistics.median(times) for name, times in rounds.items()}
            raw = medians["raw httpx"]
            print(f"\n{endpoint}")
            for name, value in medians.items():
                extra = value - raw
                print(f"  {name:14s} {value:8.1f} us/call   x{value / raw:5.2f} of raw httpx   {extra:+7.1f} us")
            ours, theirs = medians["barcode_cloud"], medians["aspose 26.10"]
            same_transport = medians["httpx+stdlib"]
            print(f"  barcode_cloud vs aspose: x{ours / theirs:.2f} (lower is faster)")
            print(f"  barcode_cloud vs httpx+stdlib (its own overhead): x{ours / same_transport:.2f}")
    finally:
        if proc is not None:
            proc.terminate()
            proc.wait(10)


if __name__ == "__main__":
    main()
