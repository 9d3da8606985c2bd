"""The engine's own decoders through the API: generate a type, recognize it asked for by name and with scan."""

from __future__ import annotations

import base64
from collections.abc import Iterator

import httpx
import pytest

from barcode_cloud_server.engine import recognition, symbologies
from barcode_cloud_server.engine.recognition import code11
from tests.support.composite import Composite, draw
from tests.support.generate import gen
from tests.support.samples import png
from tests.support.servers import LiveServer

OWN = sorted(row.name for row in symbologies.ROWS if row.own and row.encode)


@pytest.fixture(scope="module")
def client(live_server: LiveServer) -> Iterator[httpx.Client]:
    token = live_server.token(live_server.create_client("recognize-own", ["barcode.recognize"]))
    with httpx.Client(base_url=live_server.api_url, headers={"Authorization": f"Bearer {token}"}, timeout=60) as c:
        yield c


@pytest.mark.parametrize("name", OWN)
def test_generated_symbol_reads_back_by_type_and_by_scan(client: httpx.Client, name: str) -> None:
    row = symbologies.BY_NAME[name]
    expected = row.prepare(name, row.sample).canonical
    body = base64.b64encode(gen(name, row.sample, rotation_angle=8).content).decode()
    r = client.post("/barcode/recognize-body", json={"barcodeTypes": [name], "fileBase64": body})
    assert r.status_code == 200, r.text
    (barcode,) = r.json()["barcodes"]
    assert (barcode["type"], barcode["barcodeValue"]) == (name, expected)
    if name == "Code11":  # the sample has fewer than 11 characters: C alone, not part of the value
        assert barcode["checksum"] == code11.check_c(expected)
    elif name == "MSI":  # the value keeps its Mod 10 digit, as the encoder's canonical value does
        assert barcode["checksum"] == expected[-1]
    scanned = client.post("/barcode/scan-body", json={"fileBase64": body}).json()["barcodes"]
    want = [] if name in recognition.ASKED_ONLY else [(name, expected)]
    assert [(b["type"], b["barcodeValue"]) for b in scanned] == want


def test_singapore_post_reads_back_as_rm4scc(client: httpx.Client) -> None:
    # SingaporePost is generated with RM4SCC's bars and check, and the spec has no SingaporePost recognition type.
    body = base64.b64encode(gen("SingaporePost", "SN34RD1A", rotation_angle=8).content).decode()
    r = client.post("/barcode/recognize-body", json={"barcodeTypes": ["RM4SCC"], "fileBase64": body})
    assert [(b["type"], b["barcodeValue"], b["checksum"]) for b in r.json()["barcodes"]] == [
        ("RM4SCC", "SN34RD1A", "K")
    ]
    r = client.post("/barcode/recognize-body", json={"barcodeTypes": ["SingaporePost"], "fileBase64": body})
    assert r.status_code == 400


def test_a_gs1_composite_reads_back_as_one_result(client: httpx.Client) -> None:
    sample = Composite("DBAR_OMN_CC", "0950110153000", "[17]261231[10]LOT-42", 1)
    body = base64.b64encode(png(draw(sample))).decode()
    r = client.post("/barcode/recognize-body", json={"barcodeTypes": ["GS1CompositeBar"], "fileBase64": body})
    assert r.status_code == 200, r.text
    assert [(b["type"], b["barcodeValue"]) for b in r.json()["barcodes"]] == [("GS1CompositeBar", sample.value)]
