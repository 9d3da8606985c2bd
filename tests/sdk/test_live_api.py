"""Every API method of the SDK, sync and async, in JWT and external mode, against the real server.

The server runs with ``--allow-private-urls`` so that ``recognize`` / ``scan`` can fetch images from a
loopback HTTP server. Each test encodes fresh random data, generates it with the SDK and reads it back.
"""

from __future__ import annotations

import asyncio
import base64
import io
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from PIL import Image

from barcode_cloud import (
    ApiClient,
    ApiException,
    AsyncApiClient,
    AsyncGenerateApi,
    AsyncRecognizeApi,
    AsyncScanApi,
    BarcodeImageFormat,
    BarcodeImageParams,
    BarcodeResponseList,
    CodeLocation,
    Configuration,
    DecodeBarcodeType,
    EncodeBarcodeType,
    EncodeData,
    EncodeDataType,
    GenerateApi,
    GenerateParams,
    QREncodeMode,
    QRErrorLevel,
    QrParams,
    RecognitionImageKind,
    RecognitionMode,
    RecognizeApi,
    RecognizeBase64Request,
    ScanApi,
    ScanBase64Request,
)
from tests.support.image_server import serve
from tests.support.sdk_live import CountingTransport, jwt_config
from tests.support.servers import LiveServer, running_server

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    with running_server(tmp_path_factory.mktemp("sdk-api"), args=("--allow-private-urls",)) as live:
        yield live


@pytest.fixture(scope="module", params=["jwt", "external"])
def config_factory(request: pytest.FixtureRequest, server: LiveServer) -> Callable[[], Configuration]:
    creds = server.create_client(f"sdk-{request.param}")
    if request.param == "jwt":
        return lambda: jwt_config(server, creds)
    token = server.token(creds)
    return lambda: Configuration(access_token=token, host=server.api_url)


def values(result: BarcodeResponseList) -> list[tuple[str | None, str | None]]:
    assert isinstance(result, BarcodeResponseList)
    return [(b.type, b.barcode_value) for b in result.barcodes or []]


def test_every_sync_method(config_factory: Callable[[], Configuration], tmp_path: Path) -> None:
    text = "sdk-" + uuid.uuid4().hex[:12]
    transport = CountingTransport()
    with ApiClient(config_factory(), transport=transport) as client:
        generate, recognize, scan = GenerateApi(client), RecognizeApi(client), ScanApi(client)

        qr = generate.generate(
            EncodeBarcodeType.QR,
            text,
            barcode_image_params=BarcodeImageParams(text_location=CodeLocation.NONE),
            qr_params=QrParams(qr_encode_mode=QREncodeMode.AUTO, qr_error_level=QRErrorLevel.LEVELM),
        )
        assert qr.startswith(PNG_MAGIC) and qr.data == qr and qr.content_type == "image/png"

        code128 = generate.generate_body(
            GenerateParams(
                barcode_type=EncodeBarcodeType.CODE128,
                encode_data=EncodeData(data=text, data_type=EncodeDataType.STRINGDATA),
            )
        )
        assert code128.startswith(PNG_MAGIC)

        svg = generate.generate_multipart(
            "DataMatrix", text, barcode_image_params=BarcodeImageParams(image_format=BarcodeImageFormat.SVG)
        )
        assert b"<svg" in svg[:400]
        datamatrix_png = generate.generate_multipart("DataMatrix", text)
        # Numbers in a form (the published SDK cannot send this one: urllib3 refuses its float field).
        squat = generate.generate_multipart("QR", text, qr_params=QrParams(qr_aspect_ratio=0.5))
        width, height = Image.open(io.BytesIO(squat)).size
        assert height * 2 == width

        path = tmp_path / "qr.png"
        path.write_bytes(qr)
        assert values(recognize.recognize_multipart(DecodeBarcodeType.QR, str(path))) == [("QR", text)]
        with path.open("rb") as handle:
            assert values(recognize.recognize_multipart("QR", handle, RecognitionMode.FAST)) == [("QR", text)]
        request = RecognizeBase64Request(
            barcode_types=[DecodeBarcodeType.CODE128],
            file_base64=base64.b64encode(code128).decode(),
            recognition_image_kind=RecognitionImageKind.CLEARIMAGE,
        )
        assert values(recognize.recognize_base64(request)) == [("Code128", text)]

        assert values(scan.scan_multipart(datamatrix_png)) == [("DataMatrix", text)]
        assert values(scan.scan_base64(ScanBase64Request(file_base64=base64.b64encode(qr).decode()))) == [("QR", text)]

        with serve() as images:
            images.files["/qr.png"] = qr
            images.files["/code128.png"] = code128
            found = recognize.recognize(DecodeBarcodeType.CODE128, images.url("/code128.png"))
            assert values(found) == [("Code128", text)]
            assert values(scan.scan(images.url("/qr.png"))) == [("QR", text)]
    assert transport.api_401 == 0
    assert transport.token_requests <= 1


async def test_every_async_method(config_factory: Callable[[], Configuration]) -> None:
    text = "async-" + uuid.uuid4().hex[:12]
    async with AsyncApiClient(config_factory()) as client:
        generate, recognize, scan = AsyncGenerateApi(client), AsyncRecognizeApi(client), AsyncScanApi(client)
        qr, code128, aztec = await asyncio.gather(
            generate.generate("QR", text),
            generate.generate_body(
                GenerateParams(barcode_type=EncodeBarcodeType.CODE128, encode_data=EncodeData(data=text))
            ),
            generate.generate_multipart(EncodeBarcodeType.AZTEC, text),
        )
        b64 = base64.b64encode(code128).decode()
        results = await asyncio.gather(
            recognize.recognize_multipart(DecodeBarcodeType.QR, qr),
            recognize.recognize_base64(RecognizeBase64Request(barcode_types=["Code128"], file_base64=b64)),
            scan.scan_multipart(aztec),
            scan.scan_base64(ScanBase64Request(file_base64=base64.b64encode(qr).decode())),
        )
        assert [values(r) for r in results] == [
            [("QR", text)],
            [("Code128", text)],
            [("Aztec", text)],
            [("QR", text)],
        ]
        with serve() as images:
            images.files["/a.png"] = qr
            found = await asyncio.gather(
                recognize.recognize("QR", images.url("/a.png")), scan.scan(images.url("/a.png"))
            )
        assert [values(r) for r in found] == [[("QR", text)], [("QR", text)]]


def test_server_errors_become_api_exceptions(config_factory: Callable[[], Configuration]) -> None:
    with ApiClient(config_factory()) as client:
        with pytest.raises(ApiException) as caught:
            # EAN13 takes digits only: the server refuses, with its error body
            GenerateApi(client).generate(EncodeBarcodeType.EAN13, "not digits")
        assert caught.value.status == 400
        assert caught.value.api_error is not None
        assert caught.value.api_error.error.message
        with pytest.raises(ApiException) as caught:
            ScanApi(client).scan_multipart(b"this is not an image")
        assert caught.value.status == 400


def test_a_token_without_the_scope_gets_403(server: LiveServer) -> None:
    creds = server.create_client("generate-only", ["barcode.generate"])
    with ApiClient(jwt_config(server, creds)) as client:
        image = GenerateApi(client).generate("QR", "scoped")
        with pytest.raises(ApiException) as caught:
            ScanApi(client).scan_multipart(image)
    assert caught.value.status == 403


async def test_async_client_context_and_token_sharing(server: LiveServer) -> None:
    creds = server.create_client("shared")
    config = jwt_config(server, creds)
    async with AsyncApiClient(config) as one, AsyncApiClient(jwt_config(server, creds)) as two:
        await AsyncGenerateApi(one).generate("QR", "a")
        await AsyncGenerateApi(two).generate("QR", "b")
    # both clients and the property share one cached token
    assert config.access_token.count(".") == 2


def recognition_calls(recognize: Any, scan: Any, url: str, code128: bytes, datamatrix: bytes) -> list[Any]:
    """The six recognition ``*_with_http_info`` calls; the sync and async classes take them alike."""
    return [
        recognize.recognize_with_http_info("QR", url, recognition_mode=RecognitionMode.FAST),
        recognize.recognize_base64_with_http_info(
            RecognizeBase64Request(barcode_types=["Code128"], file_base64=base64.b64encode(code128).decode())
        ),
        recognize.recognize_multipart_with_http_info(
            DecodeBarcodeType.DATAMATRIX, datamatrix, recognition_image_kind=RecognitionImageKind.CLEARIMAGE
        ),
        scan.scan_with_http_info(url),
        scan.scan_base64_with_http_info(ScanBase64Request(file_base64=base64.b64encode(code128).decode())),
        scan.scan_multipart_with_http_info(datamatrix, _request_timeout=(5, 30)),
    ]


async def test_every_with_http_info_method_async_and_sync(config_factory: Callable[[], Configuration]) -> None:
    text = "info-" + uuid.uuid4().hex[:12]
    body = GenerateParams(barcode_type=EncodeBarcodeType.CODE128, encode_data=EncodeData(data=text))
    async with AsyncApiClient(config_factory()) as client:
        generate = AsyncGenerateApi(client)
        images = await asyncio.gather(
            generate.generate_with_http_info("QR", text, qr_params=QrParams(qr_error_level=QRErrorLevel.LEVELH)),
            generate.generate_body_with_http_info(body),
            generate.generate_multipart_with_http_info(EncodeBarcodeType.DATAMATRIX, text),
        )
        assert [(status, headers["content-type"]) for _, status, headers in images] == [(200, "image/png")] * 3
        (qr, _, _), (code128, _, _), (datamatrix, _, _) = images
        assert all(isinstance(image, bytes) and image.startswith(PNG_MAGIC) for image in (qr, code128, datamatrix))
        with pytest.raises(TypeError, match="unexpected keyword argument 'colour' to method generate"):
            await generate.generate_with_http_info("QR", text, colour="red")  # type: ignore[call-arg]

        with serve() as image_server:
            image_server.files["/qr.png"] = qr
            url = image_server.url("/qr.png")
            found = await asyncio.gather(
                *recognition_calls(AsyncRecognizeApi(client), AsyncScanApi(client), url, code128, datamatrix)
            )
            with ApiClient(config_factory()) as sync_client:
                found_sync = recognition_calls(
                    RecognizeApi(sync_client), ScanApi(sync_client), url, code128, datamatrix
                )
                image, status, _ = GenerateApi(sync_client).generate_multipart_with_http_info("DataMatrix", text)
    expected = [[("QR", text)], [("Code128", text)], [("DataMatrix", text)]] * 2
    assert [values(result) for result, _, _ in found] == expected
    assert [(status, headers["content-type"]) for _, status, headers in found] == [(200, "application/json")] * 6
    assert [(values(result), status) for result, status, _ in found_sync] == [(v, 200) for v in expected]
    assert (image, status) == (datamatrix, 200)
