"""The recognize and scan operations over HTTP against a live server, and through the published Aspose SDK."""

from __future__ import annotations

import base64
import io
import struct
import zlib
from collections.abc import Iterator

import httpx
import numpy as np
import pytest
from defusedxml import ElementTree

from tests.support.image_server import serve
from tests.support.samples import CODE128, DATAMATRIX, EAN13, QR, png, sheet
from tests.support.servers import LiveServer, running_server


def png_bomb(width: int, height: int) -> bytes:
    def chunk(tag: bytes, payload: bytes) -> bytes:
        return struct.pack(">I", len(payload)) + tag + payload + struct.pack(">I", zlib.crc32(tag + payload))

    ihdr = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", zlib.compress(b"\0" * 64)) + chunk(b"IEND", b"")


@pytest.fixture(scope="module")
def client(live_server: LiveServer) -> Iterator[httpx.Client]:
    token = live_server.token(live_server.create_client("recognize-api", ["barcode.recognize"]))
    with httpx.Client(base_url=live_server.api_url, headers={"Authorization": f"Bearer {token}"}, timeout=60) as c:
        yield c


def found(response: httpx.Response) -> list[tuple[str, str]]:
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("application/json")
    body = response.json()
    assert set(body) == {"barcodes"}
    for b in body["barcodes"]:
        assert set(b) <= {"barcodeValue", "type", "region", "checksum"}
        assert len(b["region"]) == 4 and all(set(p) == {"x", "y"} for p in b["region"])
    return sorted((b["type"], b["barcodeValue"]) for b in body["barcodes"])


def error(response: httpx.Response, status: int = 400) -> str:
    assert response.status_code == status, response.text
    body = response.json()
    assert set(body) >= {"requestId", "error"}
    return str(body["error"]["message"])


def test_recognize_body_json(client: httpx.Client) -> None:
    image, boxes = sheet(QR, CODE128)
    r = client.post(
        "/barcode/recognize-body",
        json={"barcodeTypes": ["QR"], "fileBase64": base64.b64encode(image).decode(), "recognitionMode": "Fast"},
    )
    assert found(r) == [("QR", QR.value)]
    region = r.json()["barcodes"][0]["region"]
    x0, y0, x1, y1 = boxes[0]
    assert all(x0 - 3 <= p["x"] <= x1 + 3 and y0 - 3 <= p["y"] <= y1 + 3 for p in region)


def test_recognize_body_several_types_and_checksum(client: httpx.Client) -> None:
    image, _ = sheet(QR, CODE128, EAN13)
    r = client.post(
        "/barcode/recognize-body",
        json={"barcodeTypes": ["Code128", "EAN13"], "fileBase64": base64.b64encode(image).decode()},
    )
    assert found(r) == [("Code128", CODE128.value), ("EAN13", EAN13.value)]
    checks = {b["type"]: b.get("checksum") for b in r.json()["barcodes"]}
    assert checks["EAN13"] == EAN13.value[-1] and checks["Code128"] is None


def test_recognize_body_xml_in_and_out(client: httpx.Client) -> None:
    image, _ = sheet(DATAMATRIX)
    xml = (
        "<RecognizeBase64Request><BarcodeTypes><DecodeBarcodeType>DataMatrix</DecodeBarcodeType></BarcodeTypes>"
        f"<FileBase64>{base64.b64encode(image).decode()}</FileBase64>"
        "<RecognitionMode>Excellent</RecognitionMode><RecognitionImageKind>ClearImage</RecognitionImageKind>"
        "</RecognizeBase64Request>"
    )
    r = client.post(
        "/barcode/recognize-body",
        content=xml,
        headers={"Content-Type": "application/xml", "Accept": "application/xml"},
    )
    assert r.status_code == 200, r.text
    assert r.headers["content-type"].startswith("application/xml")
    root = ElementTree.fromstring(r.content)
    assert root.tag == "BarcodeResponseList"
    items = root.findall("./Barcodes/BarcodeResponse")
    assert [(i.findtext("Type"), i.findtext("BarcodeValue")) for i in items] == [("DataMatrix", DATAMATRIX.value)]
    assert len(items[0].findall("./Region/Point")) == 4


def test_recognize_multipart(client: httpx.Client) -> None:
    image, _ = sheet(QR, EAN13)
    r = client.post(
        "/barcode/recognize-multipart",
        files={"file": ("codes.png", image, "image/png")},
        data={"barcodeType": "EAN13", "recognitionMode": "Normal", "recognitionImageKind": "Photo"},
    )
    assert found(r) == [("EAN13", EAN13.value)]


def test_most_commonly_used(client: httpx.Client) -> None:
    image, _ = sheet(QR, CODE128, EAN13)
    r = client.post("/barcode/recognize-multipart", files={"file": image}, data={"barcodeType": "MostCommonlyUsed"})
    assert found(r) == sorted([("QR", QR.value), ("Code128", CODE128.value), ("EAN13", EAN13.value)])


def test_scan_body_and_multipart_find_every_type(client: httpx.Client) -> None:
    image, _ = sheet(QR, CODE128, EAN13, DATAMATRIX)
    expected = sorted((s.type, s.value) for s in (QR, CODE128, EAN13, DATAMATRIX))
    assert found(client.post("/barcode/scan-body", json={"fileBase64": base64.b64encode(image).decode()})) == expected
    assert found(client.post("/barcode/scan-multipart", files={"file": ("a.png", image, "image/png")})) == expected


def test_scan_body_xml(client: httpx.Client) -> None:
    image, _ = sheet(QR)
    xml = f"<ScanBase64Request><FileBase64>{base64.b64encode(image).decode()}</FileBase64></ScanBase64Request>"
    r = client.post("/barcode/scan-body", content=xml, headers={"Content-Type": "application/xml"})
    assert found(r) == [("QR", QR.value)]


def test_nothing_found_is_an_empty_list(client: httpx.Client) -> None:
    blank = png(np.full((200, 200), 255, dtype=np.uint8))
    assert found(client.post("/barcode/scan-multipart", files={"file": blank})) == []


@pytest.mark.parametrize(
    ("payload", "needle"),
    [
        (b"", "empty"),
        (b"this is plain text, not an image" * 4, "not an image"),
        (None, "truncated"),
        (png_bomb(100_000, 100_000), "pixels"),
    ],
    ids=["empty", "non-image", "truncated", "too-many-pixels"],
)
def test_bad_images_are_400_never_500(client: httpx.Client, payload: bytes | None, needle: str) -> None:
    if payload is None:
        image, _ = sheet(QR)
        payload = image[: len(image) // 2]
    r1 = client.post("/barcode/scan-multipart", files={"file": ("x.png", payload, "image/png")})
    assert needle in error(r1)
    if payload:
        r2 = client.post("/barcode/scan-body", json={"fileBase64": base64.b64encode(payload).decode()})
        assert needle in error(r2)


def test_upload_over_the_limit_is_413(client: httpx.Client) -> None:
    big = b"\x89PNG\r\n\x1a\n" + bytes(21 * 1024 * 1024)
    assert "limit" in error(client.post("/barcode/scan-multipart", files={"file": big}), 413)
    body = {"barcodeTypes": ["QR"], "fileBase64": base64.b64encode(big).decode()}
    assert "limit" in error(client.post("/barcode/recognize-body", json=body), 413)


@pytest.mark.parametrize(
    ("path", "kwargs", "needle"),
    [
        ("/barcode/recognize-multipart", {"files": {"file": b"x"}, "data": {"barcodeType": "Nope"}}, "barcodeType"),
        ("/barcode/recognize-multipart", {"files": {"file": b"x"}, "data": {"barcodeType": "Nope"}}, "MaxiCode"),
        (
            "/barcode/recognize-multipart",
            {"files": {"file": b"x"}, "data": {"barcodeType": "QR", "recognitionMode": "Slow"}},
            "Fast, Normal, Excellent",
        ),
        ("/barcode/recognize-multipart", {"files": {"file": b"x"}}, "barcodeType"),
        ("/barcode/recognize-multipart", {"data": {"barcodeType": "QR"}}, "file"),
        ("/barcode/recognize-body", {"json": {"barcodeTypes": ["QR"], "fileBase64": "***"}}, "base64"),
        ("/barcode/recognize-body", {"json": {"barcodeTypes": ["Nope"], "fileBase64": "AAAA"}}, "barcodeTypes"),
        ("/barcode/recognize-body", {"json": {"fileBase64": "AAAA"}}, "barcodeTypes"),
        (
            "/barcode/scan-body",
            {"content": b"<ScanBase64Request>", "headers": {"Content-Type": "application/xml"}},
            "XML",
        ),
        ("/barcode/recognize-body", {"json": {"barcodeTypes": ["GS1HanXin"], "fileBase64": "AAAA"}}, "recogni"),
    ],
)
def test_bad_requests_are_400_saying_why(client: httpx.Client, path: str, kwargs: dict, needle: str) -> None:  # type: ignore[type-arg]
    assert needle in error(client.post(path, **kwargs))


def test_get_with_a_loopback_url_is_refused(client: httpx.Client) -> None:
    with serve() as server:
        server.files["/qr.png"] = sheet(QR)[0]
        r = client.get("/barcode/recognize", params={"barcodeType": "QR", "fileUrl": server.url("/qr.png")})
        assert "refused" in error(r)
        r = client.get("/barcode/scan", params={"fileUrl": f"http://localhost:{server.port}/qr.png"})
        assert "refused" in error(r)
        assert server.requests == []
    assert "http" in error(client.get("/barcode/scan", params={"fileUrl": "file:///etc/passwd"}))
    assert "fileUrl" in error(client.get("/barcode/recognize", params={"barcodeType": "QR"}))


def test_auth_and_scope(live_server: LiveServer) -> None:
    image, _ = sheet(QR)
    url = live_server.api_url + "/barcode/scan-multipart"
    r = httpx.post(url, files={"file": image})
    assert r.status_code == 401 and "invalid_token" in r.headers.get("www-authenticate", "")
    generate_only = live_server.token(live_server.create_client("gen-only", ["barcode.generate"]))
    r = httpx.post(url, files={"file": image}, headers={"Authorization": f"Bearer {generate_only}"})
    assert r.status_code == 403


@pytest.fixture(scope="module")
def private_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:

    with running_server(tmp_path_factory.mktemp("private"), args=("--allow-private-urls",)) as server:
        yield server


def test_get_operations_fetch_the_file_when_private_urls_are_allowed(private_server: LiveServer) -> None:
    token = private_server.token(private_server.create_client("get", ["barcode.recognize"]))
    headers = {"Authorization": f"Bearer {token}"}
    image, _ = sheet(QR, CODE128)
    with serve() as server:
        server.files["/codes.png"] = image
        server.redirects["/moved"] = "/codes.png"
        r = httpx.get(
            private_server.api_url + "/barcode/recognize",
            params={"barcodeType": "Code128", "fileUrl": server.url("/moved"), "recognitionMode": "Excellent"},
            headers=headers,
            timeout=60,
        )
        assert found(r) == [("Code128", CODE128.value)]
        r = httpx.get(
            private_server.api_url + "/barcode/scan", params={"fileUrl": server.url("/codes.png")}, headers=headers
        )
        assert found(r) == sorted([("QR", QR.value), ("Code128", CODE128.value)])
        r = httpx.get(
            private_server.api_url + "/barcode/scan", params={"fileUrl": server.url("/missing")}, headers=headers
        )
        assert "404" in error(r)


def test_published_aspose_sdk_all_six_operations(private_server: LiveServer, tmp_path: object) -> None:
    import aspose_barcode_cloud as aspose

    creds = private_server.create_client("aspose-sdk-recognize", ["barcode.recognize"])
    config = aspose.Configuration(
        client_id=creds.client_id,
        client_secret=creds.client_secret,
        host=private_server.api_url,
        token_url=private_server.token_url,
    )
    client = aspose.ApiClient(config)
    recognize, scan = aspose.RecognizeApi(client), aspose.ScanApi(client)
    image, _ = sheet(QR, EAN13)
    b64 = base64.b64encode(image).decode()

    def pairs(result: object) -> list[tuple[str, str]]:
        return sorted((b.type, b.barcode_value) for b in result.barcodes)  # type: ignore[attr-defined]

    both = sorted([("QR", QR.value), ("EAN13", EAN13.value)])
    with serve() as server:
        server.files["/codes.png"] = image
        url = server.url("/codes.png")
        assert pairs(recognize.recognize(aspose.DecodeBarcodeType.QR, url)) == [("QR", QR.value)]
        assert pairs(
            recognize.recognize(
                aspose.DecodeBarcodeType.EAN13,
                url,
                recognition_mode=aspose.RecognitionMode.EXCELLENT,
                recognition_image_kind=aspose.RecognitionImageKind.PHOTO,
            )
        ) == [("EAN13", EAN13.value)]
        assert pairs(scan.scan(url)) == both
    request = aspose.RecognizeBase64Request(
        barcode_types=[aspose.DecodeBarcodeType.QR, aspose.DecodeBarcodeType.EAN13],
        file_base64=b64,
        recognition_mode=aspose.RecognitionMode.FAST,
        recognition_image_kind=aspose.RecognitionImageKind.CLEARIMAGE,
    )
    result = recognize.recognize_base64(request)
    assert pairs(result) == both
    assert all(len(b.region) == 4 for b in result.barcodes)
    assert pairs(recognize.recognize_multipart(aspose.DecodeBarcodeType.QR, image)) == [("QR", QR.value)]
    assert pairs(scan.scan_base64(aspose.ScanBase64Request(file_base64=b64))) == both
    assert pairs(scan.scan_multipart(io.BytesIO(image))) == both


def test_operations_are_in_the_openapi_document(live_server: LiveServer) -> None:
    doc = httpx.get(live_server.base_url + "/openapi.json", timeout=30).json()
    ops = {
        ("get", "/v4.0/barcode/recognize"): "Recognize",
        ("post", "/v4.0/barcode/recognize-body"): "RecognizeBase64",
        ("post", "/v4.0/barcode/recognize-multipart"): "RecognizeMultipart",
        ("get", "/v4.0/barcode/scan"): "Scan",
        ("post", "/v4.0/barcode/scan-body"): "ScanBase64",
        ("post", "/v4.0/barcode/scan-multipart"): "ScanMultipart",
    }
    for (method, path), operation_id in ops.items():
        assert doc["paths"][path][method]["operationId"] == operation_id
    params = {p["name"] for p in doc["paths"]["/v4.0/barcode/recognize"]["get"]["parameters"]}
    assert params == {"barcodeType", "fileUrl", "recognitionMode", "recognitionImageKind"}
    assert "BarcodeResponseList" in doc["components"]["schemas"]


def test_repeated_barcode_type_searches_every_one_given(client: httpx.Client, private_server: LiveServer) -> None:
    """barcodeType=QR&barcodeType=EAN13 looks for both, as barcodeTypes in the bodies does (never only the last)."""
    image, _ = sheet(QR, CODE128, EAN13)
    both = sorted([("QR", QR.value), ("EAN13", EAN13.value)])
    fields = [("barcodeType", "QR"), ("barcodeType", "EAN13")]
    parts = [("file", ("codes.png", image)), *((name, (None, value)) for name, value in fields)]
    assert found(client.post("/barcode/recognize-multipart", files=parts)) == both
    token = private_server.token(private_server.create_client("repeated", ["barcode.recognize"]))
    with serve() as server:
        server.files["/codes.png"] = image
        r = httpx.get(
            private_server.api_url + "/barcode/recognize",
            params=[*fields, ("fileUrl", server.url("/codes.png"))],
            headers={"Authorization": f"Bearer {token}"},
            timeout=60,
        )
    assert found(r) == both


@pytest.mark.parametrize(
    "fields",
    [
        [("barcodeType", "QR"), ("recognitionMode", "Fast"), ("recognitionMode", "Excellent")],
        [("barcodeType", "QR"), ("recognitionImageKind", "Photo"), ("RecognitionImageKind", "ClearImage")],
    ],
)
def test_other_repeated_recognition_fields_are_a_400(client: httpx.Client, fields: list[tuple[str, str]]) -> None:
    image, _ = sheet(QR)
    name = fields[-1][0]
    parts = [("file", ("codes.png", image)), *((name, (None, value)) for name, value in fields)]
    assert f"'{name}' is given more than once" in error(client.post("/barcode/recognize-multipart", files=parts))
    query = [("fileUrl", "http://example.invalid/a.png"), *fields]
    assert "given more than once" in error(client.get("/barcode/recognize", params=query))
    two_files = [("file", ("a.png", image)), ("file", ("b.png", image))]
    assert "more than one" in error(client.post("/barcode/scan-multipart", files=two_files))
    assert "given more than once" in error(client.get("/barcode/scan", params=[("fileUrl", "a"), ("fileUrl", "b")]))
