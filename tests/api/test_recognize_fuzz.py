"""A seeded randomized pass over the six recognize and scan routes: odd and damaged images are 200 or 400 (413 for
size), never a 500 and never a hang. Seeds cover the awkward corners of the image formats: CMYK JPEG, 16-bit
PNG, palette with transparency, animated GIF and WebP, multi-page and float TIFF, 1-bit images.

Set ``RECOGNIZE_FUZZ_CASES`` for a longer run (the default keeps the test to a few seconds)."""

from __future__ import annotations

import base64
import io
import os
import random
from collections.abc import Iterator

import httpx
import numpy as np
import pytest
from PIL import Image

from tests.support.image_server import serve
from tests.support.samples import CODE128, QR, sheet
from tests.support.servers import LiveServer, running_server

CASES = int(os.environ.get("RECOGNIZE_FUZZ_CASES", "36"))


def _encode(im: Image.Image, fmt: str, **kw: object) -> bytes:
    buf = io.BytesIO()
    im.save(buf, format=fmt, **kw)
    return buf.getvalue()


def _seeds() -> dict[str, bytes]:
    codes = Image.open(io.BytesIO(sheet(QR, CODE128)[0])).convert("RGB")
    rng = np.random.default_rng(5)
    noise = Image.fromarray(rng.integers(0, 256, (48, 64), dtype=np.uint8))
    frames = [codes.convert("P"), noise.convert("P").resize(codes.size)]
    wide16 = (np.asarray(codes.convert("L"), dtype=np.uint16) * 257).astype(np.uint16)
    nan = rng.normal(0, 1, (48, 64)).astype(np.float32)
    nan[0, :4] = (np.nan, np.inf, -np.inf, 0)
    palette = codes.convert("P")
    return {
        "png": _encode(codes, "PNG"),
        "png-16bit": _encode(Image.fromarray(wide16), "PNG"),
        "png-palette-alpha": _encode(palette, "PNG", transparency=0),
        "png-1bit": _encode(codes.convert("1"), "PNG"),
        "jpeg-cmyk": _encode(codes.convert("CMYK"), "JPEG", quality=80),
        "jpeg-progressive": _encode(codes, "JPEG", progressive=True),
        "gif-animated": _encode(frames[0], "GIF", save_all=True, append_images=frames[1:], duration=40, loop=0),
        "webp-animated": _encode(
            codes, "WEBP", save_all=True, append_images=[noise.convert("RGB").resize(codes.size)], lossless=True
        ),
        "tiff-pages": _encode(codes, "TIFF", save_all=True, append_images=[codes.convert("CMYK"), noise]),
        "tiff-group4": _encode(codes.convert("1"), "TIFF", compression="group4"),
        "tiff-float-nan": _encode(Image.fromarray(nan, mode="F"), "TIFF"),
        "bmp-1bit": _encode(codes.convert("1"), "BMP"),
    }


def _mutate(rnd: random.Random, data: bytes) -> bytes:
    out = bytearray(data)
    op = rnd.randrange(5)
    if op == 0:  # truncated
        return bytes(out[: rnd.randrange(1, len(out))])
    if op == 1:  # flipped bytes
        for _ in range(rnd.randrange(1, 12)):
            out[rnd.randrange(len(out))] = rnd.randrange(256)
    elif op == 2:  # inserted junk
        at = rnd.randrange(len(out))
        out[at:at] = rnd.randbytes(rnd.randrange(1, 32))
    elif op == 3:  # huge numbers in the header (dimensions, chunk lengths, offsets)
        at = rnd.randrange(min(len(out), 96))
        out[at : at + 4] = b"\xff\xff\x7f\xff"
    return bytes(out)  # op 4: the seed itself


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:

    with running_server(tmp_path_factory.mktemp("fuzz"), args=("--allow-private-urls",)) as live:
        yield live


def test_odd_and_damaged_images_never_give_a_500(server: LiveServer) -> None:
    rnd = random.Random(20261129)
    seeds = _seeds()
    token = server.token(server.create_client("fuzz", ["barcode.recognize"]))
    routes = ("recognize", "recognize-body", "recognize-multipart", "scan", "scan-body", "scan-multipart")
    seen: dict[str, int] = {}
    with (
        serve() as files,
        httpx.Client(base_url=server.api_url, headers={"Authorization": f"Bearer {token}"}, timeout=60) as client,
    ):
        for i in range(CASES):
            name = rnd.choice(sorted(seeds))
            data = _mutate(rnd, seeds[name])
            route = routes[i % len(routes)]
            b64 = base64.b64encode(data).decode()
            mode = rnd.choice(("Fast", "Normal", "Excellent"))
            if route in ("recognize", "scan"):
                files.files[f"/{i}"] = data
                params = {"fileUrl": files.url(f"/{i}")}
                if route == "recognize":
                    params |= {"barcodeType": "MostCommonlyUsed", "recognitionMode": mode}
                r = client.get(f"/barcode/{route}", params=params)
            elif route == "recognize-body":
                r = client.post(
                    "/barcode/recognize-body",
                    json={"barcodeTypes": ["QR", "Code128"], "fileBase64": b64, "recognitionMode": mode},
                )
            elif route == "scan-body":
                xml = f"<ScanBase64Request><FileBase64>{b64}</FileBase64></ScanBase64Request>"
                r = client.post("/barcode/scan-body", content=xml, headers={"Content-Type": "application/xml"})
            else:
                form = {"barcodeType": "QR", "recognitionMode": mode} if route == "recognize-multipart" else {}
                r = client.post(f"/barcode/{route}", files={"file": ("x", data)}, data=form)
            assert r.status_code in (200, 400, 413), f"{route} {name} case {i}: {r.status_code} {r.text[:300]}"
            seen[str(r.status_code)] = seen.get(str(r.status_code), 0) + 1
    assert "unhandled error" not in server.logs() and '"status": 500' not in server.logs()
    assert seen.get("200") and seen.get("400"), seen  # both kinds of answer were exercised
