"""api/errors.py and api/bodies.py: which format errors come in, XML that stays well-formed, bodies cut off."""

from __future__ import annotations

import socket
from collections.abc import Callable

import httpx
import pytest
from defusedxml import ElementTree
from starlette.requests import Request

from barcode_cloud.models import GenerateParams, ScanBase64Request
from barcode_cloud.models.base import WireModel
from barcode_cloud_server.api.bodies import parse_model, read_form
from barcode_cloud_server.api.errors import problem_response
from barcode_cloud_server.api.problems import ApiProblem
from barcode_cloud_server.web.request_body import BodyError
from tests.support.servers import LiveServer


def error_format(server: LiveServer, accept: str) -> str:
    response = httpx.get(server.base_url + "/v4.0/whoami", headers={"Accept": accept}, timeout=10)
    assert response.status_code == 401
    return response.headers["content-type"].split(";")[0]


def test_accept_quality_values_choose_the_error_format(live_server: LiveServer) -> None:
    # The first listed used to win whatever its q-value.
    for accept, media in (
        ("application/xml;q=0.1, application/json", "application/json"),
        ("application/json;q=0.5, application/xml", "application/xml"),
        ("application/xml;q=0, */*", "application/json"),  # q=0: "not this"
        ("image/png, application/xml;q=0.9", "application/xml"),
        ("application/json, application/xml", "application/json"),  # equal: the first listed
    ):
        assert error_format(live_server, accept) == media, accept


def test_xml_errors_stay_well_formed_with_control_characters_in_the_message() -> None:
    scope = {"type": "http", "method": "GET", "path": "/", "query_string": b"", "headers": [(b"accept", b"text/xml")]}
    response = problem_response(Request(scope), ApiProblem(400, "bad value '\x00\x1b\ud800'", description="\x07"))
    root = ElementTree.fromstring(response.body)  # raised "not well-formed" before
    message = root.find("./Error/Message")
    assert message is not None and message.text == "bad value '\\x00\\x1b\\xd800'"


def test_an_unknown_xml_encoding_is_a_400(live_server: LiveServer) -> None:
    token = live_server.token()
    response = httpx.post(
        live_server.api_url + "/barcode/generate-body",
        content=b'<?xml version="1.0" encoding="x-bogus"?><GenerateParams/>',
        headers={"Content-Type": "application/xml", "Authorization": f"Bearer {token}"},
        timeout=10,
    )
    assert response.status_code == 400, response.text
    assert "encoding" in response.json()["error"]["message"]


def send_part_of_a_body(server: LiveServer, path: str, headers: dict[str, str]) -> None:
    """Declare 1,000 bytes, send 10, and hang up."""
    host, port = server.base_url.removeprefix("http://").split(":")
    lines = [
        f"POST {path} HTTP/1.1",
        f"Host: {host}",
        "Content-Length: 1000",
        *(f"{k}: {v}" for k, v in headers.items()),
    ]
    with socket.create_connection((host, int(port)), timeout=10) as conn:
        conn.sendall(("\r\n".join(lines) + "\r\n\r\n").encode() + b"grant_type")
        conn.shutdown(socket.SHUT_WR)
        conn.recv(65536)  # whatever the server answers, if anything


def test_a_body_cut_off_by_the_client_is_not_an_unhandled_error(start_server: Callable[..., LiveServer]) -> None:
    server = start_server()
    token = server.token()
    send_part_of_a_body(server, "/connect/token", {"Content-Type": "application/x-www-form-urlencoded"})
    send_part_of_a_body(
        server,
        "/v4.0/barcode/generate-body",
        {"Content-Type": "application/json", "Authorization": f"Bearer {token}"},
    )
    assert httpx.get(server.base_url + "/healthz", timeout=10).status_code == 200  # the requests are done
    logs = server.logs_once('"path": "/v4.0/barcode/generate-body"')
    assert "/connect/token" in logs and "/v4.0/barcode/generate-body" in logs
    assert "unhandled error" not in logs and "Traceback" not in logs
    metrics = httpx.get(server.base_url + "/metrics", timeout=10).text
    assert 'status="500"' not in metrics


def test_the_openapi_document_declares_the_token_scheme_and_scopes(live_server: LiveServer) -> None:
    document = httpx.get(live_server.base_url + "/openapi.json", timeout=10).json()
    flows = document["components"]["securitySchemes"]["JWT"]["flows"]
    assert flows["clientCredentials"]["tokenUrl"] == "/connect/token"
    needs = {
        path: operation.get("security")
        for path, operations in document["paths"].items()
        for operation in operations.values()
    }
    assert needs["/v4.0/barcode/generate/{barcodeType}"] == [{"JWT": ["barcode.generate"]}]
    assert needs["/v4.0/barcode/scan-multipart"] == [{"JWT": ["barcode.recognize"]}]
    assert needs["/connect/token"] is None and needs["/healthz"] is None
    assert all(needs[path] for path in needs if path.startswith("/v4.0/barcode/"))


def test_xml_body_errors_name_fields_as_the_wire_does(live_server: LiveServer) -> None:
    xml = (
        b"<GenerateParams><BarcodeType>QR</BarcodeType><EncodeData><Data>1</Data></EncodeData>"
        b"<BarcodeImageParams><Resolution>abc</Resolution></BarcodeImageParams></GenerateParams>"
    )
    headers = {"Content-Type": "application/xml", "Authorization": f"Bearer {live_server.token()}"}
    response = httpx.post(live_server.api_url + "/barcode/generate-body", content=xml, headers=headers, timeout=10)
    assert response.status_code == 400
    message = response.json()["error"]["message"]
    assert "barcodeImageParams.resolution" in message and "barcode_image_params" not in message, message


@pytest.mark.parametrize(
    ("inner", "names"),
    [
        ("<EncodeData><DataType></DataType><Data>1</Data></EncodeData>", ["encodeData.dataType", "'StringData'"]),
        ("<EncodeData><DataType/><Data>1</Data></EncodeData>", ["encodeData.dataType", "'Base64Bytes'"]),
        (
            "<EncodeData><Data>1</Data></EncodeData><BarcodeImageParams><ImageHeight/></BarcodeImageParams>",
            [
                "barcodeImageParams.imageHeight",
                "number",
            ],
        ),
        ("<EncodeData><Data></Data></EncodeData>", ["encodeData.data", "at least 1 character"]),
    ],
)
def test_an_empty_xml_element_is_an_empty_value_not_an_absent_one(
    live_server: LiveServer, inner: str, names: list[str]
) -> None:
    # As .NET's XmlSerializer reads it: <DataType></DataType> is the value "", which no enum holds, not the default.
    xml = f"<GenerateParams><BarcodeType>QR</BarcodeType>{inner}</GenerateParams>".encode()
    headers = {"Content-Type": "application/xml", "Authorization": f"Bearer {live_server.token()}"}
    response = httpx.post(live_server.api_url + "/barcode/generate-body", content=xml, headers=headers, timeout=10)
    assert response.status_code == 400, response.text
    message = response.json()["error"]["message"]
    assert all(name in message for name in names), message


@pytest.mark.parametrize(
    ("model", "encoding"),
    [
        (GenerateParams, "UTF-7"),
        (GenerateParams, "utf-16"),
        (ScanBase64Request, "shift_jis"),
        (ScanBase64Request, "big5"),
    ],
)
def test_xml_declaring_an_encoding_the_parser_cannot_read_is_a_400(model: type[WireModel], encoding: str) -> None:
    """Python knows these encodings but expat reads none of them (multi-byte, or not ASCII-compatible)."""
    body = f'<?xml version="1.0" encoding="{encoding}"?><{model.__xml_name__}/>'.encode("ascii")
    with pytest.raises(ApiProblem) as info:
        parse_model(model, body, "application/xml")
    assert info.value.status == 400 and "encoding" in info.value.message


def _form_request(body: bytes, content_type: str) -> Request:
    scope = {
        "type": "http",
        "method": "POST",
        "path": "/",
        "query_string": b"",
        "headers": [(b"content-type", content_type.encode()), (b"content-length", str(len(body)).encode())],
    }
    sent = False

    async def receive() -> dict[str, object]:
        nonlocal sent
        if sent:  # a second read of the body would wait here for ever
            raise AssertionError("the body was read twice")
        sent = True
        return {"type": "http.request", "body": body, "more_body": False}

    return Request(scope, receive)


async def test_read_form_gives_fields_and_files_by_lower_case_name() -> None:
    body = (
        b'--b\r\nContent-Disposition: form-data; name="BarcodeType"\r\n\r\nQR\r\n'
        b'--b\r\nContent-Disposition: form-data; name="barcodetype"\r\n\r\nAztec\r\n'
        b'--b\r\nContent-Disposition: form-data; name="FILE"; filename="a.png"\r\n\r\n\x89PNG\r\n'
        b"--b--\r\n"
    )
    form = await read_form(_form_request(body, "multipart/form-data; boundary=b"), 1000, "send a form", ["barcodetype"])
    assert form.fields == {"barcodetype": ["QR", "Aztec"]}  # every value of a name it may repeat, in any case
    assert form.files == {"file": b"\x89PNG"}
    with pytest.raises(ApiProblem) as info:  # any other repeated name: never only the last one
        await read_form(_form_request(body, "multipart/form-data; boundary=b"), 1000, "send a form")
    assert info.value.status == 400 and "'barcodetype' is given more than once" in info.value.message


async def test_read_form_refuses_what_is_not_a_form_or_too_big() -> None:
    with pytest.raises(ApiProblem) as info:
        await read_form(_form_request(b"{}", "application/json"), 1000, "send a form")
    assert info.value.status == 415 and info.value.message.endswith("; send a form")
    part = b'--b\r\nContent-Disposition: form-data; name="f"; filename="f"\r\n\r\nx\r\n'
    with pytest.raises(ApiProblem) as info:  # one file more than any operation takes
        await read_form(_form_request(part * 5 + b"--b--\r\n", "multipart/form-data; boundary=b"), 1000, "send a form")
    assert info.value.status == 400 and "files" in info.value.message
    with pytest.raises(BodyError) as too_big:
        await read_form(_form_request(b"a=1" * 400, "application/x-www-form-urlencoded"), 1000, "send a form")
    assert too_big.value.status == 413
