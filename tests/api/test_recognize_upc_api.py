"""EAN/UPC add-ons and UPC-A coupons through the API: generated, then recognized as their two symbols."""

from __future__ import annotations

import base64
from collections.abc import Iterator

import httpx
import pytest

from tests.support.servers import LiveServer


@pytest.fixture(scope="module")
def client(live_server: LiveServer) -> Iterator[httpx.Client]:
    scopes = ["barcode.generate", "barcode.recognize"]
    token = live_server.token(live_server.create_client("add-ons", scopes))
    with httpx.Client(base_url=live_server.api_url, headers={"Authorization": f"Bearer {token}"}, timeout=60) as c:
        yield c


def _barcodes(r: httpx.Response) -> list[tuple[str, str, str | None]]:
    assert r.status_code == 200, r.text
    return [(b["type"], b["barcodeValue"], b.get("checksum")) for b in r.json()["barcodes"]]


def test_upca_with_add_on_round_trips(client: httpx.Client) -> None:
    r = client.get("/barcode/generate/UPCA", params={"data": "01234567890+52495", "rotationAngle": 90})
    assert r.status_code == 200, r.text
    body = base64.b64encode(r.content).decode()
    both = client.post("/barcode/recognize-body", json={"barcodeTypes": ["UPCA", "Supplement"], "fileBase64": body})
    assert _barcodes(both) == [("UPCA", "012345678905", "5"), ("Supplement", "52495", "1")]
    scanned = client.post("/barcode/scan-body", json={"fileBase64": body})
    assert _barcodes(scanned) == [("UPCA", "012345678905", "5"), ("Supplement", "52495", "1")]
    main_only = client.post("/barcode/recognize-body", json={"barcodeTypes": ["UPCA"], "fileBase64": body})
    assert _barcodes(main_only) == [("UPCA", "012345678905", "5")]


def test_bad_add_on_is_a_400_saying_what_is_allowed(client: httpx.Client) -> None:
    r = client.get("/barcode/generate/EAN13", params={"data": "590123412345+123"})
    assert r.status_code == 400
    assert "2 or 5 digits" in r.text


@pytest.mark.parametrize(
    ("name", "data", "gs1_part"),
    [
        ("UpcaGs1DatabarCoupon", "51414110090(8110)106141416543213500110000310123196000", "DatabarExpanded"),
        ("UpcaGs1Code128Coupon", "514141100906(8102)03", "GS1Code128"),
    ],
)
def test_coupon_round_trips_as_its_two_symbols(client: httpx.Client, name: str, data: str, gs1_part: str) -> None:
    r = client.get(f"/barcode/generate/{name}", params={"data": data})
    assert r.status_code == 200, r.text
    body = base64.b64encode(r.content).decode()
    expected = {("UPCA", "514141100906", "6"), (gs1_part, data[data.index("(") :], None)}
    asked = client.post("/barcode/recognize-body", json={"barcodeTypes": ["UPCA"], "fileBase64": body})
    assert set(_barcodes(asked)) == expected
    assert set(_barcodes(client.post("/barcode/scan-body", json={"fileBase64": body}))) == expected
