"""barcodeValue is the decoded data itself, from images of zxing-cpp's corpus checked against its expected files:
ISO/IEC 15434 messages with their real RS/GS/EOT, bytes no text encoding covers (binary payloads, mixed ECIs) one
character per byte, GS1 in the human-readable form; in JSON, and in XML, which cannot carry the control
characters as they are (base64 of the UTF-8 in an element marked encoding="base64")."""

from __future__ import annotations

import base64
from collections.abc import Iterator

import httpx
import pytest
from defusedxml import ElementTree

from barcode_cloud.models import BarcodeResponseList
from tests.support.paths import CORPUS
from tests.support.servers import LiveServer

# (image, expected file, the type to ask for): the .txt holds the text, the .bin the bytes
ISO_15434 = [
    ("maxicode-1/MODE2.png", "maxicode-1/MODE2.txt", "MaxiCode"),
    ("pdf417-3/12.webp", "pdf417-3/12.txt", "Pdf417"),
    ("datamatrix-4/dm-e-d-c-edifice.jpg", "datamatrix-4/dm-e-d-c-edifice.txt", "DataMatrix"),
]
BYTES = [
    ("pdf417-1/09.png", "pdf417-1/09.bin", "Pdf417"),  # binary
    ("datamatrix-3/dm-c.jpg", "datamatrix-3/dm-c.bin", "DataMatrix"),  # binary
    ("datamatrix-1/eci-mixed.png", "datamatrix-1/eci-mixed.bin", "DataMatrix"),  # several ECIs
    ("aztec-1/mixed-ecis-41x41.png", "aztec-1/mixed-ecis-41x41.bin", "Aztec"),  # several ECIs
]
# its .txt holds the element string without parentheses (FNC1 as GS): the AIs are those
GS1 = (
    "datamatrix-1/gs1-figure-4.15.1-2-32x32.png",
    "(01)09504000059101(21)12345678p901(10)1234567p(17)141120(8200)http://www.gs1.org/demo/",
    "DataMatrix",
)

pytestmark = pytest.mark.skipif(not CORPUS.is_dir(), reason=f"no corpus at {CORPUS}")


@pytest.fixture(scope="module")
def client(live_server: LiveServer) -> Iterator[httpx.Client]:
    token = live_server.token(live_server.create_client("recognized-values", ["barcode.recognize"]))
    with httpx.Client(base_url=live_server.api_url, headers={"Authorization": f"Bearer {token}"}, timeout=60) as c:
        yield c


def recognize(client: httpx.Client, image: str, barcode_type: str, accept: str = "application/json") -> httpx.Response:
    path = CORPUS / image
    r = client.post(
        "/barcode/recognize-multipart",
        files={"file": (path.name, path.read_bytes()), "barcodeType": (None, barcode_type)},
        headers={"Accept": accept},
    )
    assert r.status_code == 200, r.text
    return r


def values_in_json(r: httpx.Response) -> list[str]:
    return [b["barcodeValue"] for b in r.json()["barcodes"]]


def values_in_xml(r: httpx.Response) -> list[str]:
    ElementTree.fromstring(r.content)  # well-formed XML 1.0, as any parser reads it
    return [b.barcode_value for b in BarcodeResponseList.from_xml(r.content).barcodes]


@pytest.mark.parametrize(("image", "expected", "barcode_type"), ISO_15434)
def test_iso_15434_messages_keep_their_control_characters(
    client: httpx.Client, image: str, expected: str, barcode_type: str
) -> None:
    text = (CORPUS / expected).read_bytes().decode("ascii")
    assert text.startswith("[)>\x1e") and "\x1d" in text
    assert values_in_json(recognize(client, image, barcode_type)) == [text]
    r = recognize(client, image, barcode_type, "application/xml")
    element = ElementTree.fromstring(r.content).find("Barcodes/BarcodeResponse/BarcodeValue")
    assert element is not None and element.get("encoding") == "base64"
    assert base64.b64decode(element.text or "").decode("utf-8") == text
    assert values_in_xml(r) == [text]


@pytest.mark.parametrize(("image", "expected", "barcode_type"), BYTES)
def test_bytes_no_encoding_covers_come_one_character_per_byte(
    client: httpx.Client, image: str, expected: str, barcode_type: str
) -> None:
    data = (CORPUS / expected).read_bytes()
    assert [v.encode("latin-1") for v in values_in_json(recognize(client, image, barcode_type))] == [data]
    r = recognize(client, image, barcode_type, "application/xml")
    assert [v.encode("latin-1") for v in values_in_xml(r)] == [data]


def test_gs1_stays_in_its_human_readable_form(client: httpx.Client) -> None:
    image, text, barcode_type = GS1
    unbracketed = (CORPUS / image).with_suffix(".txt").read_text(encoding="ascii")
    assert text.replace("(", "").replace(")", "") == unbracketed.replace("\x1d", "")
    assert values_in_json(recognize(client, image, barcode_type)) == [text]
    r = recognize(client, image, barcode_type, "application/xml")
    assert b'encoding="base64"' not in r.content
    assert values_in_xml(r) == [text]


def test_plain_text_is_written_as_it_is_in_xml(client: httpx.Client) -> None:
    r = recognize(client, "qrcode-2/1.png", "QR", "application/xml")
    assert b"encoding=" not in r.content.split(b"?>", 1)[1]
    assert values_in_xml(r) == [(CORPUS / "qrcode-2" / "1.txt").read_text(encoding="utf-8")]


def test_xml_base64_form_is_read_back_and_a_bad_one_refused() -> None:
    xml = (
        '<BarcodeResponseList><Barcodes><BarcodeResponse><BarcodeValue encoding="base64">'
        + base64.b64encode(b" a\rb\x00").decode()
        + "</BarcodeValue><Type>QR</Type></BarcodeResponse></Barcodes></BarcodeResponseList>"
    )
    assert BarcodeResponseList.from_xml(xml).barcodes[0].barcode_value == " a\rb\x00"
    with pytest.raises(ValueError, match="base64"):
        BarcodeResponseList.from_xml(xml.replace('encoding="base64">', 'encoding="base64">!!'))
