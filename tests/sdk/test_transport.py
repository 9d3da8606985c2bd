"""The HTTP layer: StdlibTransport against a real socket server, the httpx (proxy) path, configuration,
request shapes of the nine operations, and aspose-style call conventions."""

from __future__ import annotations

import gc
import http.server
import io
import json
import os
import signal
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from barcode_cloud import (
    ApiClient,
    ApiException,
    AsyncResult,
    BarcodeImageParams,
    CodeLocation,
    Configuration,
    DecodeBarcodeType,
    EncodeBarcodeType,
    EncodeData,
    GenerateApi,
    GenerateParams,
    ImageBytes,
    Pdf417Params,
    QrParams,
    RecognizeApi,
    RecognizeBase64Request,
    ScanApi,
    ScanBase64Request,
)
from barcode_cloud._auth import auth_for
from barcode_cloud._transport import StdlibTransport
from tests.support.mock_server import PNG, RESULT, MockServer


class _Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    connections: set[int] = set()
    requests = 0

    def do_GET(self) -> None:
        type(self).requests += 1
        type(self).connections.add(id(self.connection))
        if self.path.startswith("/slow"):
            time.sleep(1.0)
        body = json.dumps(RESULT).encode()
        try:
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
        except (BrokenPipeError, ConnectionResetError):  # the client gave up (timeout test)
            self.close_connection = True
            return
        if self.path.startswith("/close"):
            self.close_connection = True  # drop the keep-alive connection without saying so

    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture
def socket_server() -> Iterator[str]:
    _Handler.connections, _Handler.requests = set(), 0
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)  # quick shutdown
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def test_stdlib_transport_keeps_connections_alive(socket_server: str) -> None:
    with httpx.Client(transport=StdlibTransport()) as client:
        for _ in range(5):
            assert client.get(socket_server + "/x?a=1").json() == RESULT
    assert _Handler.requests == 5
    assert len(_Handler.connections) == 1


def test_stdlib_transport_reconnects_when_the_server_dropped_the_connection(socket_server: str) -> None:
    with httpx.Client(transport=StdlibTransport()) as client:
        for _ in range(3):
            assert client.get(socket_server + "/close").status_code == 200
    assert _Handler.requests == 3


@pytest.mark.skipif(not hasattr(os, "fork"), reason="no fork on this platform")
def test_a_forked_child_opens_its_own_connections(socket_server: str) -> None:
    with ApiClient(Configuration(access_token="t", host=socket_server)) as client:
        assert ScanApi(client).scan("http://x").barcodes  # one keep-alive connection, now idle in the pool
        pid = os.fork()
        if pid == 0:
            signal.alarm(5)
            try:
                os._exit(0 if ScanApi(client).scan("http://x").barcodes else 1)
            except BaseException:
                os._exit(2)
        _, status = os.waitpid(pid, 0)
        assert os.waitstatus_to_exitcode(status) == 0
        assert ScanApi(client).scan("http://x").barcodes  # the parent's connection is still its own, and open
    assert _Handler.requests == 3
    assert len(_Handler.connections) == 2, "the child sent on the parent's socket"


def test_a_client_nobody_closes_is_closed_by_the_garbage_collector(socket_server: str) -> None:
    client = ApiClient(Configuration(access_token="t", host=socket_server))
    ScanApi(client).scan("http://x", async_req=True).get(5)
    transport, pool = client._direct, client._pool
    assert isinstance(transport, StdlibTransport) and pool is not None
    del client
    gc.collect()
    assert transport._closed and not transport._idle
    assert pool._shutdown


def test_external_mode_sends_the_token_the_configuration_holds_now() -> None:
    server = MockServer()
    config = Configuration(access_token="expired-token", host=server.host)
    with ApiClient(config, transport=httpx.MockTransport(server.handle)) as client:
        with pytest.raises(ApiException):
            ScanApi(client).scan("http://x")
        client.configuration.access_token = "external-ok"  # as code written for aspose_barcode_cloud does
        assert ScanApi(client).scan("http://x").barcodes
    assert server.seen_tokens == ["expired-token", "external-ok"]
    assert server.token_requests == 0


def test_a_token_set_on_a_jwt_configuration_is_sent_as_is() -> None:
    server = MockServer()
    with server.client() as client:
        ScanApi(client).scan("http://x")
        client.configuration.access_token = "external-ok"  # as aspose code may do: now external mode
        assert client.configuration.mode == "external"
        ScanApi(client).scan("http://x")
    assert server.seen_tokens[1] == "external-ok"
    assert server.token_requests == 1


def test_a_token_set_after_the_client_was_made_without_credentials_is_sent(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("BARCODE_CLOUD_CLIENT_ID", "BARCODE_CLOUD_CLIENT_SECRET"):
        monkeypatch.delenv(name, raising=False)
    server = MockServer()
    with ApiClient(Configuration(host=server.host), transport=httpx.MockTransport(server.handle)) as client:
        with pytest.raises(ValueError, match="client_id and client_secret"):
            ScanApi(client).scan("http://x")
        client.configuration.access_token = "external-ok"
        assert ScanApi(client).scan("http://x").barcodes
    assert server.seen_tokens == ["external-ok"]


def test_read_timeout_is_reported_not_retried(socket_server: str) -> None:
    config = Configuration(access_token="t", host=socket_server + "/slow", read_timeout=5)
    with ApiClient(config) as client, pytest.raises(ApiException) as caught:
        ScanApi(client).scan_with_http_info("http://x", _request_timeout=(1, 0.2))
    assert caught.value.status == 0
    assert "ReadTimeout" in str(caught.value.reason)
    assert _Handler.requests == 1


def test_connection_refused_is_an_api_exception_with_status_0() -> None:
    config = Configuration(access_token="t", host="http://127.0.0.1:9/v4.0", max_retries=1, backoff_factor=0.01)
    with ApiClient(config) as client, pytest.raises(ApiException) as caught:
        ScanApi(client).scan("http://x")
    assert caught.value.status == 0
    assert "ConnectError" in str(caught.value.reason)


def test_the_httpx_path_used_with_a_proxy_refreshes_and_retries_too() -> None:
    server = MockServer(api_failures=[401, 503])
    client = ApiClient(server.config(proxy="http://proxy.invalid:3128"))
    assert client._direct is None  # a proxy: httpx routes the requests
    client._http = httpx.Client(transport=httpx.MockTransport(server.handle))
    client._auth = auth_for(client.configuration, sync_client=client._http)
    with client:
        assert ScanApi(client).scan("http://x").barcodes
    assert server.token_requests == 2
    assert server.api_requests == 3


def test_configuration_defaults_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("BARCODE_CLOUD_HOST", "https://bc.example:8443/v4.0/")
    monkeypatch.setenv("BARCODE_CLOUD_CLIENT_ID", "env-id")
    monkeypatch.setenv("BARCODE_CLOUD_CLIENT_SECRET", "env-secret-value")
    config = Configuration()
    assert config.host == "https://bc.example:8443/v4.0"
    assert config.token_url == "https://bc.example:8443/connect/token"
    assert (config.client_id, config.mode) == ("env-id", "jwt")
    assert "env-secret-value" not in repr(config)
    monkeypatch.setenv("BARCODE_CLOUD_TOKEN_URL", "https://id.example/connect/token")
    assert Configuration().token_url == "https://id.example/connect/token"
    external = Configuration(access_token="given-token-value")
    assert external.mode == "external" and external.access_token == "given-token-value"
    assert "given-token-value" not in repr(external)


def test_configuration_without_credentials(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("BARCODE_CLOUD_HOST", "BARCODE_CLOUD_CLIENT_ID", "BARCODE_CLOUD_CLIENT_SECRET"):
        monkeypatch.delenv(name, raising=False)
    config = Configuration()
    assert config.host == "http://127.0.0.1:8080/v4.0"
    assert config.token_url == "http://127.0.0.1:8080/connect/token"
    with pytest.raises(ValueError, match="client_id"):
        _ = config.access_token


def _recorded(server: MockServer) -> tuple[ApiClient, list[httpx.Request]]:
    seen: list[httpx.Request] = []

    def record(request: httpx.Request) -> httpx.Response:
        if request.url.path != "/connect/token":
            seen.append(request)
        return server.handle(request)

    return ApiClient(server.config(), transport=httpx.MockTransport(record)), seen


def test_generate_flattens_grouped_parameters_into_the_query() -> None:
    client, seen = _recorded(MockServer())
    with client:
        image = GenerateApi(client).generate(
            EncodeBarcodeType.PDF417,
            "hé llo&",
            barcode_image_params=BarcodeImageParams(text_location=CodeLocation.NONE, resolution=300.0),
            pdf417_params=Pdf417Params(pdf417_truncate=True, pdf417_columns=3),
        )
    assert isinstance(image, ImageBytes) and image == PNG and image.data == PNG and image.status == 200
    url = seen[0].url
    assert url.path == "/v4.0/barcode/generate/Pdf417"
    assert dict(url.params) == {
        "data": "hé llo&",
        "textLocation": "None",
        "resolution": "300",
        "pdf417Truncate": "true",
        "pdf417Columns": "3",
    }


def test_bodies_and_forms_of_every_post_operation(tmp_path: Path) -> None:
    image_file = tmp_path / "code.png"
    image_file.write_bytes(PNG)
    client, seen = _recorded(MockServer())
    with client:
        gen, rec, scan = GenerateApi(client), RecognizeApi(client), ScanApi(client)
        gen.generate_body(GenerateParams(barcode_type="QR", encode_data=EncodeData(data="x")))
        gen.generate_multipart("QR", "x", qr_params=QrParams(qr_error_level="LevelH"))
        rec.recognize_base64(RecognizeBase64Request(barcode_types=[DecodeBarcodeType.QR], file_base64="AAAA"))
        with image_file.open("rb") as handle:
            rec.recognize_multipart(DecodeBarcodeType.QR, handle, recognition_mode="Fast")
        scan.scan_base64(ScanBase64Request(file_base64="AAAA"))
        scan.scan_multipart(str(image_file))
        scan.scan_multipart(io.BytesIO(PNG))
        rec.recognize("qr", "http://images.example/a.png", recognition_image_kind="photo")
    body = json.loads(seen[0].content)
    assert body == {"barcodeType": "QR", "encodeData": {"data": "x"}}
    assert b'name="qrErrorLevel"\r\n\r\nLevelH' in seen[1].content
    assert json.loads(seen[2].content) == {"barcodeTypes": ["QR"], "fileBase64": "AAAA"}
    assert b'name="file"; filename="code.png"' in seen[3].content and PNG in seen[3].content
    assert b'name="recognitionMode"\r\n\r\nFast' in seen[3].content
    assert json.loads(seen[4].content) == {"fileBase64": "AAAA"}
    assert b'filename="code.png"' in seen[5].content
    assert b'filename="data.bin"' in seen[6].content
    assert dict(seen[7].url.params) == {
        "barcodeType": "QR",
        "fileUrl": "http://images.example/a.png",
        "recognitionImageKind": "Photo",
    }
    assert [r.headers["content-type"].split(";")[0] for r in seen[:7]] == [
        "application/json",
        "multipart/form-data",
        "application/json",
        "multipart/form-data",
        "application/json",
        "multipart/form-data",
        "multipart/form-data",
    ]


def test_aspose_call_conventions() -> None:
    server = MockServer()
    with server.client() as client:
        api = ScanApi(client)
        pending = api.scan("http://x", async_req=True)
        assert isinstance(pending, AsyncResult)
        assert pending.get(10).barcodes  # type: ignore[attr-defined]
        data, status, headers = api.scan_with_http_info("http://x")
        assert status == 200 and data.barcodes and headers["content-type"] == "application/json"
        with pytest.raises(TypeError, match="unexpected keyword"):
            api.scan("http://x", no_such_option=1)
        with pytest.raises(ValueError, match="file_url"):
            api.scan(None)  # type: ignore[arg-type]
        with pytest.raises(ValueError):
            GenerateApi(client).generate("NoSuchType", "x")
        assert server.api_requests == 2


def test_api_errors_carry_the_parsed_error_body() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(
            400, json={"requestId": "req-1", "error": {"code": "BadRequest", "message": "data is empty"}}
        )

    config = Configuration(access_token="t", host="http://mock.test/v4.0")
    with ApiClient(config, transport=httpx.MockTransport(handler)) as client, pytest.raises(ApiException) as e:
        GenerateApi(client).generate("QR", "x")
    assert e.value.status == 400
    assert e.value.error == "BadRequest"
    assert e.value.api_error is not None and e.value.api_error.request_id == "req-1"
    assert "data is empty" in str(e.value)


def test_xml_error_bodies_are_parsed_too() -> None:
    xml = (
        b"<?xml version='1.0' encoding='utf-8'?>\n<ApiErrorResponse><RequestId>r-2</RequestId><Error>"
        b"<Code>BadRequest</Code><Message>bad digits</Message></Error></ApiErrorResponse>"
    )

    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(400, content=xml, headers={"content-type": "application/xml"})

    config = Configuration(access_token="t", host="http://mock.test/v4.0")
    with ApiClient(config, transport=httpx.MockTransport(handler)) as client, pytest.raises(ApiException) as e:
        GenerateApi(client).generate("QR", "x")
    assert e.value.error == "BadRequest"
    assert e.value.api_error is not None and e.value.api_error.request_id == "r-2"


def test_a_client_without_credentials_fails_at_call_time(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("BARCODE_CLOUD_CLIENT_ID", "BARCODE_CLOUD_CLIENT_SECRET"):
        monkeypatch.delenv(name, raising=False)
    api = GenerateApi()  # as in aspose: constructing works
    with pytest.raises(ValueError, match="client_id and client_secret"):
        api.generate("QR", "x")
    api.api_client.close()
