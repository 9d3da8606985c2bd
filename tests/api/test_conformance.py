"""Conformance of the nine /v4.0/barcode/ operations with the Aspose spec (shared/spec/aspose-barcode-cloud-v4.json):
our /openapi.json operation by operation (paths, methods, parameters, enums, bounds, media types, error bodies),
and the live server's behaviour (status codes, ApiErrorResponse in JSON and XML, enum case handling as Aspose's
ASP.NET server binds them, HEAD, paths without a barcode type, trailing slashes).

Mismatches whose fix lies outside api/generate.py and api/hotpath.py are ``xfail(strict=True)`` with the file to
fix in the reason: they fail loudly (XPASS) once fixed, so the marker must then go.
"""

from __future__ import annotations

import base64
import io
import json
from collections.abc import Iterator
from datetime import datetime
from typing import Any

import httpx
import pytest
from defusedxml import ElementTree
from PIL import Image

from tests.support.paths import SPEC
from tests.support.servers import LiveServer, running_server

OPERATIONS = [(path, method) for path, ops in SPEC["paths"].items() for method in ops]
GENERATE_OPS = {"Generate", "GenerateBody", "GenerateMultipart"}


def _op_id(path: str, method: str) -> str:
    return str(SPEC["paths"][path][method]["operationId"])


OP_IDS = [_op_id(p, m) for p, m in OPERATIONS]


def _resolve(schema: dict[str, Any] | None, root: dict[str, Any]) -> dict[str, Any]:
    """A schema with its ``$ref`` (or a nullable ``anyOf`` of one) resolved, sibling keywords kept."""
    schema = dict(schema or {})
    any_of = schema.pop("anyOf", None)
    if any_of:
        concrete = [s for s in any_of if s.get("type") != "null"]
        if len(concrete) == 1:
            schema = {**concrete[0], **schema}
    ref = schema.pop("$ref", None)
    if ref:
        target = root
        for part in ref.removeprefix("#/").split("/"):
            target = target[part]
        return _resolve({**target, **schema}, root)
    return schema


@pytest.fixture(scope="module")
def ours(live_server: LiveServer) -> dict[str, Any]:
    response = httpx.get(live_server.base_url + "/openapi.json", timeout=10)
    assert response.status_code == 200
    return dict(response.json())


def _our_op(ours: dict[str, Any], path: str, method: str) -> dict[str, Any]:
    return dict(ours["paths"]["/v4.0" + path][method])


# --- the OpenAPI document ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(("path", "method"), OPERATIONS, ids=OP_IDS)
def test_operation_exists(ours: dict[str, Any], path: str, method: str) -> None:
    assert "/v4.0" + path in ours["paths"], f"missing path /v4.0{path}"
    op = _our_op(ours, path, method)
    assert op["operationId"] == _op_id(path, method)


@pytest.mark.parametrize(("path", "method"), OPERATIONS, ids=OP_IDS)
def test_parameters(ours: dict[str, Any], path: str, method: str) -> None:
    """Every parameter: name, location, required-ness, enum values, bounds, default, number format."""
    spec = {(p["name"], p["in"]): p for p in SPEC["paths"][path][method].get("parameters", [])}
    mine = {(p["name"], p["in"]): p for p in _our_op(ours, path, method).get("parameters", [])}
    assert set(mine) == set(spec)
    problems = []
    for key, theirs in spec.items():
        a, b = _resolve(theirs.get("schema"), SPEC), _resolve(mine[key].get("schema"), ours)
        if bool(theirs.get("required")) != bool(mine[key].get("required")):
            problems.append(f"{key}: required {theirs.get('required')} != {mine[key].get('required')}")
        if set(a.get("enum", [])) != set(b.get("enum", [])):
            problems.append(f"{key}: enum {sorted(set(a.get('enum', [])) ^ set(b.get('enum', [])))}")
        for word in ("type", "minimum", "maximum", "default", "format"):
            if a.get(word) != b.get(word):
                problems.append(f"{key}: {word} {a.get(word)!r} != {b.get(word)!r}")
    assert not problems, problems


@pytest.mark.parametrize(("path", "method"), [o for o in OPERATIONS if o[1] == "post"], ids=lambda o: str(o))
def test_request_body(ours: dict[str, Any], path: str, method: str) -> None:
    """The body's media types (ours may add x-www-form-urlencoded to a form), properties, required and enums."""
    spec_body = SPEC["paths"][path][method]["requestBody"]
    our_body = _our_op(ours, path, method)["requestBody"]
    assert bool(spec_body.get("required")) == bool(our_body.get("required"))
    assert set(spec_body["content"]) <= set(our_body["content"])
    for media, content in spec_body["content"].items():
        a = _resolve(content["schema"], SPEC)
        b = _resolve(our_body["content"][media]["schema"], ours)
        assert set(a["properties"]) == set(b["properties"]), media
        assert set(a.get("required", [])) == set(b.get("required", [])), media
        for name, prop in a["properties"].items():
            pa, pb = _resolve(prop, SPEC), _resolve(b["properties"][name], ours)
            assert set(pa.get("enum", [])) == set(pb.get("enum", [])), (media, name)


@pytest.mark.parametrize(("path", "method"), OPERATIONS, ids=OP_IDS)
def test_responses(ours: dict[str, Any], path: str, method: str) -> None:
    """The success media types; 400/401/403 documented as ApiErrorResponse in JSON and XML; no 422 (we send 400)."""
    spec_responses = SPEC["paths"][path][method]["responses"]
    mine = _our_op(ours, path, method)["responses"]
    assert set(spec_responses["200"]["content"]) == set(mine["200"]["content"])
    assert "422" not in mine, "FastAPI's 422 is documented, but validation errors are 400 ApiErrorResponse"
    for status in ("400", "401", "403"):
        content = mine[status].get("content", {})
        assert set(content) == {"application/json", "application/xml"}, status
        for media in content:
            assert _resolve(content[media]["schema"], ours).get("required") == ["error", "requestId"] or set(
                _resolve(content[media]["schema"], ours)["properties"]
            ) == {"requestId", "error"}


def test_security_scheme(ours: dict[str, Any]) -> None:
    schemes = ours.get("components", {}).get("securitySchemes", {})
    assert any(s.get("type") == "oauth2" and "clientCredentials" in s.get("flows", {}) for s in schemes.values())
    assert ours.get("security") or all(op.get("security") for p, m in OPERATIONS for op in [_our_op(ours, p, m)]), (
        "operations do not require the scheme"
    )


# --- behaviour on a live server ----------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def tokens(live_server: LiveServer) -> dict[str, str]:
    both = live_server.token(live_server.create_client("conformance", ["barcode.generate", "barcode.recognize"]))
    gen = live_server.token(live_server.create_client("conformance-gen", ["barcode.generate"]))
    rec = live_server.token(live_server.create_client("conformance-rec", ["barcode.recognize"]))
    return {"both": both, "generate": gen, "recognize": rec}


@pytest.fixture(scope="module")
def api(live_server: LiveServer, tokens: dict[str, str]) -> Iterator[httpx.Client]:
    headers = {"Authorization": f"Bearer {tokens['both']}"}
    with httpx.Client(base_url=live_server.api_url + "/barcode", headers=headers, timeout=30) as client:
        yield client


@pytest.fixture(scope="module")
def qr_png(api: httpx.Client) -> bytes:
    response = api.get("/generate/QR", params={"data": "conformance"})
    assert response.status_code == 200
    return response.content


def _scope_of(op_id: str) -> str:
    return "generate" if op_id in GENERATE_OPS else "recognize"


def minimal_request(op_id: str, png: bytes) -> dict[str, Any]:
    """httpx.request kwargs of a request that passes the operation's checks (fileUrl ones stop at the URL check)."""
    b64 = base64.b64encode(png).decode()
    return {
        "Generate": {"method": "GET", "url": "/generate/QR", "params": {"data": "x"}},
        "GenerateBody": {
            "method": "POST",
            "url": "/generate-body",
            "json": {"barcodeType": "QR", "encodeData": {"data": "x"}},
        },
        "GenerateMultipart": {
            "method": "POST",
            "url": "/generate-multipart",
            "files": {"barcodeType": (None, "QR"), "data": (None, "x")},
        },
        "Recognize": {
            "method": "GET",
            "url": "/recognize",
            "params": {"fileUrl": "http://127.0.0.1:9/a.png", "barcodeType": "QR"},
        },
        "RecognizeBase64": {
            "method": "POST",
            "url": "/recognize-body",
            "json": {"barcodeTypes": ["QR"], "fileBase64": b64},
        },
        "RecognizeMultipart": {
            "method": "POST",
            "url": "/recognize-multipart",
            "files": {"barcodeType": (None, "QR"), "file": ("a.png", png, "image/png")},
        },
        "Scan": {"method": "GET", "url": "/scan", "params": {"fileUrl": "http://127.0.0.1:9/a.png"}},
        "ScanBase64": {"method": "POST", "url": "/scan-body", "json": {"fileBase64": b64}},
        "ScanMultipart": {"method": "POST", "url": "/scan-multipart", "files": {"file": ("a.png", png, "image/png")}},
    }[op_id]


def assert_api_error(response: httpx.Response, status: int, code: str | None = None) -> str:
    """The response is ``status`` with an ApiErrorResponse in the media type Accept asked for; its message."""
    assert response.status_code == status, response.text
    media = response.headers["content-type"].split(";")[0]
    wanted_xml = False
    for entry in response.request.headers.get("accept", "").split(","):
        asked = entry.split(";")[0].strip().lower()
        if asked in ("application/json", "text/json", "application/xml", "text/xml"):
            wanted_xml = asked.endswith("xml")
            break
    if media == "application/xml":
        assert wanted_xml, "XML error without asking for it"
        root = ElementTree.fromstring(response.content)
        assert root.tag == "ApiErrorResponse"
        request_id = root.findtext("RequestId")
        error = root.find("Error")
        assert error is not None
        body_code, message, when = error.findtext("Code"), error.findtext("Message"), error.findtext("DateTime")
    else:
        assert media == "application/json", media
        assert not wanted_xml, "JSON error although XML was asked for"
        body = response.json()
        assert set(body) <= {"requestId", "error"} and "error" in body
        request_id = body.get("requestId")
        error_obj = body["error"]
        assert set(error_obj) <= {"code", "message", "description", "dateTime", "innerError"}
        body_code, message, when = error_obj.get("code"), error_obj.get("message"), error_obj.get("dateTime")
    assert request_id and request_id == response.headers.get("x-request-id")
    assert body_code and (code is None or body_code == code)
    assert message
    assert when is not None
    datetime.fromisoformat(when.replace("Z", "+00:00"))
    return str(message)


@pytest.mark.parametrize("accept", ["application/json", "application/xml"])
@pytest.mark.parametrize("op_id", OP_IDS)
def test_auth_errors(live_server: LiveServer, tokens: dict[str, str], qr_png: bytes, op_id: str, accept: str) -> None:
    """No token or a bad one: 401 with WWW-Authenticate; a token without the operation's scope: 403."""
    kwargs = minimal_request(op_id, qr_png)
    other = "recognize" if _scope_of(op_id) == "generate" else "generate"
    with httpx.Client(base_url=live_server.api_url + "/barcode", timeout=30) as client:
        for auth, status in ((None, 401), ("Bearer x.y.z", 401), ("Basic Zm9vOmJhcg==", 401)):
            headers = {"Accept": accept, **({"Authorization": auth} if auth else {})}
            response = client.request(**kwargs, headers=headers)
            assert_api_error(response, status, "Unauthorized")
            assert response.headers["www-authenticate"].startswith("Bearer")
        response = client.request(**kwargs, headers={"Accept": accept, "Authorization": f"Bearer {tokens[other]}"})
        assert_api_error(response, 403, "Forbidden")


@pytest.mark.parametrize("op_id", OP_IDS)
def test_minimal_request_works(api: httpx.Client, qr_png: bytes, op_id: str) -> None:
    response = api.request(**minimal_request(op_id, qr_png))
    if op_id in {"Recognize", "Scan"}:  # loopback URLs are refused without --allow-private-urls
        assert "loopback" in assert_api_error(response, 400)
        return
    assert response.status_code == 200, response.text
    if op_id in GENERATE_OPS:
        assert response.headers["content-type"] == "image/png"  # the default imageFormat
        Image.open(io.BytesIO(response.content)).verify()
    else:
        assert response.headers["content-type"] == "application/json"
        assert [b["barcodeValue"] for b in response.json()["barcodes"]] == ["conformance"]


@pytest.mark.parametrize("op_id", sorted(OP_IDS))
def test_bad_request_json_and_xml(api: httpx.Client, op_id: str) -> None:
    """A request missing its required input: 400 ApiErrorResponse, XML when Accept asks for it."""
    kwargs: dict[str, Any] = {
        "Generate": {"method": "GET", "url": "/generate/QR"},
        "GenerateBody": {"method": "POST", "url": "/generate-body", "json": {"barcodeType": "QR"}},
        "GenerateMultipart": {"method": "POST", "url": "/generate-multipart", "files": {"x": (None, "1")}},
        "Recognize": {"method": "GET", "url": "/recognize", "params": {"barcodeType": "QR"}},
        "RecognizeBase64": {"method": "POST", "url": "/recognize-body", "json": {"barcodeTypes": ["QR"]}},
        "RecognizeMultipart": {"method": "POST", "url": "/recognize-multipart", "files": {"barcodeType": (None, "QR")}},
        "Scan": {"method": "GET", "url": "/scan"},
        "ScanBase64": {"method": "POST", "url": "/scan-body", "json": {}},
        "ScanMultipart": {"method": "POST", "url": "/scan-multipart", "files": {"x": (None, "1")}},
    }[op_id]
    for accept in ("application/json", "application/xml", "text/xml", "*/*", "image/png, application/xml"):
        assert_api_error(api.request(**kwargs, headers={"Accept": accept}), 400, "BadRequest")


def _enum(name: str) -> list[str]:
    return list(SPEC["components"]["schemas"][name]["enum"])


GET_ENUMS = [
    (p["name"], p["schema"]["$ref"].split("/")[-1])
    for p in SPEC["paths"]["/barcode/generate/{barcodeType}"]["get"]["parameters"]
    if "$ref" in p["schema"] and p["in"] == "query"
]
_TYPE_FOR = {"microQRVersion": "MicroQR", "rectMicroQrVersion": "RectMicroQR", "code128EncodeMode": "Code128"}


@pytest.mark.parametrize(("param", "enum_name"), GET_ENUMS, ids=[g[0] for g in GET_ENUMS])
def test_generate_enum_values_in_any_case(api: httpx.Client, param: str, enum_name: str) -> None:
    """Every value of the spec's enum is accepted, as the SDK sends it and in other cases (ASP.NET binds enums
    case-insensitively); the same value in another case gives the same image."""
    barcode = _TYPE_FOR.get(param, "Pdf417" if param.startswith("pdf417") else "QR")
    for value in _enum(enum_name):
        images = set()
        for spelling in (value, value.lower(), value.upper()):
            response = api.get(f"/generate/{barcode}", params={"data": "1", param: spelling})
            if response.status_code == 400:  # a value that does not fit this data: never "not valid"
                assert "is not valid; allowed" not in response.json()["error"]["message"], (param, spelling)
                continue
            assert response.status_code == 200, (param, spelling, response.text)
            images.add(response.content)
        assert len(images) <= 1, (param, value)


def test_generate_type_and_param_names_any_case(api: httpx.Client) -> None:
    reference = api.get("/generate/QR", params={"data": "1", "imageFormat": "Gif"})
    assert reference.headers["content-type"] == "image/gif"
    for path in ("/generate/qr", "/generate/Qr"):
        for name in ("imageFormat", "imageformat", "IMAGEFORMAT"):
            response = api.get(path, params={"DATA": "1", name: "gif"})
            assert response.status_code == 200 and response.content == reference.content


def test_recognize_enum_values_in_any_case(api: httpx.Client, qr_png: bytes) -> None:
    b64 = base64.b64encode(qr_png).decode()
    types = _enum("DecodeBarcodeType")
    for spelled in (types, [t.lower() for t in types], [t.upper() for t in types]):
        response = api.post("/recognize-body", json={"barcodeTypes": spelled, "fileBase64": b64})
        assert response.status_code == 200, response.text
    for mode in _enum("RecognitionMode"):
        for kind in _enum("RecognitionImageKind"):
            body = {
                "barcodeTypes": ["QR"],
                "fileBase64": b64,
                "recognitionMode": mode.lower(),
                "recognitionImageKind": kind,
            }
            response = api.post("/recognize-body", json=body)
            assert response.status_code == 200, response.text
            assert [b["barcodeValue"] for b in response.json()["barcodes"]] == ["conformance"]
            files = {
                "barcodeType": (None, "qr"),
                "recognitionMode": (None, mode.upper()),
                "recognitionImageKind": (None, kind.lower()),
                "file": ("a.png", qr_png, "image/png"),
            }
            response = api.post("/recognize-multipart", files=files)
            assert response.status_code == 200, response.text


def test_recognize_query_names_any_case(api: httpx.Client) -> None:
    response = api.get("/scan", params={"FileUrl": "http://127.0.0.1:9/a.png"})
    assert "loopback" in assert_api_error(response, 400)  # reached the URL check: the name was understood


def test_recognize_form_names_any_case(api: httpx.Client, qr_png: bytes) -> None:
    files = {"BarcodeType": (None, "QR"), "File": ("a.png", qr_png, "image/png")}
    assert api.post("/recognize-multipart", files=files).status_code == 200


def test_recognize_names_any_case_keep_their_checks(api: httpx.Client, qr_png: bytes) -> None:
    """A name in another case is the same parameter: still required, still checked against its enum."""
    url = "http://127.0.0.1:9/a.png"
    assert "barcodeType" in assert_api_error(api.get("/recognize", params={"FILEURL": url}), 400)
    assert "fileUrl" in assert_api_error(api.get("/recognize", params={"BARCODETYPE": "qr"}), 400)
    response = api.get("/recognize", params={"fileurl": url, "barcodetype": "QR", "RecognitionMode": "Slow"})
    assert "Fast, Normal, Excellent" in assert_api_error(response, 400)
    response = api.get("/recognize", params={"fileurl": url, "BarcodeType": "Nope"})
    assert "MaxiCode" in assert_api_error(response, 400)
    response = api.get("/recognize", params={"FileUrl": url, "barcodeType": "qr", "RECOGNITIONIMAGEKIND": "photo"})
    assert "loopback" in assert_api_error(response, 400)  # every check passed: the URL check refuses it
    files = {"BARCODETYPE": (None, "QR"), "RecognitionImageKind": (None, "Blurry"), "FILE": ("a.png", qr_png)}
    assert "Photo, ScannedDocument, ClearImage" in assert_api_error(api.post("/recognize-multipart", files=files), 400)
    files = {"recognitionmode": (None, "fast"), "file": ("a.png", qr_png)}
    assert "barcodeType" in assert_api_error(api.post("/recognize-multipart", files=files), 400)
    files = {"barcodetype": (None, "qr"), "RECOGNITIONMODE": (None, "FAST"), "FiLe": ("a.png", qr_png)}
    response = api.post("/recognize-multipart", files=files)
    assert [b["barcodeValue"] for b in response.json()["barcodes"]] == ["conformance"]
    assert api.post("/scan-multipart", files={"FILE": ("a.png", qr_png)}).status_code == 200


def test_accept_picks_the_image_or_error_type(api: httpx.Client) -> None:
    """What the SDK sends as Accept for generate gets the asked format (PNG by default); image/bmp alone gets BMP."""
    sdk_accept = "image/png, image/bmp, image/gif, image/jpeg, image/svg+xml, image/tiff"
    for accept, media in (
        (sdk_accept, "image/png"),
        ("*/*", "image/png"),
        ("image/bmp", "image/bmp"),
        ("", "image/png"),
    ):
        response = api.get("/generate/QR", params={"data": "1"}, headers={"Accept": accept})
        assert response.headers["content-type"] == media, accept
    response = api.get("/generate/QR", params={"data": "1", "imageFormat": "Svg"}, headers={"Accept": sdk_accept})
    assert response.headers["content-type"] == "image/svg+xml"
    # errors in JSON for the SDK's image Accept (it parses JSON), XML only when asked
    assert_api_error(api.get("/generate/QR", headers={"Accept": sdk_accept}), 400)
    assert_api_error(api.get("/generate/QR", headers={"Accept": "application/xml"}), 400)


def test_accept_quality_values(api: httpx.Client) -> None:
    response = api.get("/generate/QR", headers={"Accept": "application/xml;q=0.1, application/json"})
    assert response.headers["content-type"] == "application/json"


def test_xml_body_errors_use_wire_names(api: httpx.Client) -> None:
    xml = (
        b"<GenerateParams><BarcodeType>QR</BarcodeType><EncodeData><Data>1</Data></EncodeData>"
        b"<BarcodeImageParams><Resolution>abc</Resolution></BarcodeImageParams></GenerateParams>"
    )
    response = api.post("/generate-body", content=xml, headers={"Content-Type": "application/xml"})
    message = assert_api_error(response, 400)
    assert "barcode_image_params" not in message and "barcodeImageParams" in message


def test_int32_range(api: httpx.Client) -> None:
    """rotationAngle is an int32: its whole range is accepted, beyond it a 400, in the query and in a body."""
    for angle in (-(2**31), 2**31 - 1):
        assert api.get("/generate/QR", params={"data": "1", "rotationAngle": angle}).status_code == 200
    for angle in (-(2**31) - 1, 2**31, 10**20):
        message = assert_api_error(api.get("/generate/QR", params={"data": "1", "rotationAngle": angle}), 400)
        assert "rotationAngle" in message and "32-bit" in message
        body = {"barcodeType": "QR", "encodeData": {"data": "1"}, "barcodeImageParams": {"rotationAngle": angle}}
        message = assert_api_error(api.post("/generate-body", json=body), 400)
        assert "rotationAngle" in message and "32-bit" in message


def test_spec_bounds_are_enforced(api: httpx.Client) -> None:
    cases = [
        ("QR", "resolution", 0.5, 1, 100000, 100001),
        ("QR", "qrAspectRatio", 0.0005, 0.001, 1, 1.5),
        ("Pdf417", "pdf417Columns", -1, 0, 30, 31),
        ("Pdf417", "pdf417Rows", -1, 0, 90, 91),
        ("Pdf417", "pdf417AspectRatio", 1.9, 2, 10, 10.5),
    ]
    for barcode, name, below, low, high, above in cases:
        for good in (low, high):
            params: dict[str, Any] = {"data": "1", name: good}
            if name == "resolution" and good == high:
                params["imageWidth"] = 100  # pixels: the resolution alone does not grow the image
            response = api.get(f"/generate/{barcode}", params=params)
            assert response.status_code in (200, 400), response.text
            if response.status_code == 400:  # rows/columns that this data cannot fill: not a range error
                assert "between" not in response.json()["error"]["message"], (name, good)
        for bad in (below, above):
            message = assert_api_error(api.get(f"/generate/{barcode}", params={"data": "1", name: bad}), 400)
            assert name in message


# --- HEAD, paths without a type, trailing slashes -------------------------------------------------------------


def test_head_generate_is_get_without_a_body(api: httpx.Client) -> None:
    for params in ({"data": "1"}, {"data": "1", "imageFormat": "Svg"}, {"data": "1", "imageFormat": "jpeg"}):
        got = api.get("/generate/QR", params=params)
        head = api.head("/generate/QR", params=params)
        assert head.status_code == 200 and head.content == b""
        assert head.headers["content-type"] == got.headers["content-type"]
        assert head.headers["content-length"] == str(len(got.content))
    # errors: the same status and headers, no body
    head = api.head("/generate/QR")
    assert head.status_code == 400 and head.content == b""
    assert head.headers["content-type"] == "application/json"
    head = api.head("/generate/QR", params={"data": "1"}, headers={"Authorization": ""})
    assert head.status_code == 401 and head.headers["www-authenticate"].startswith("Bearer")


@pytest.mark.parametrize("path", ["/generate", "/generate/", "/generate//", "/generate/QR/extra"])
@pytest.mark.parametrize("accept", ["application/json", "application/xml"])
def test_generate_without_a_type_is_a_clear_404(api: httpx.Client, path: str, accept: str) -> None:
    response = api.get(path, params={"data": "1"}, headers={"Accept": accept})
    message = assert_api_error(response, 404, "NotFound")
    assert "/v4.0/barcode/generate/{barcodeType}" in message and "QR" in message
    assert api.head(path, params={"data": "1"}).status_code == 404


@pytest.mark.parametrize("op_id", ["Recognize", "Scan"])
def test_head_recognize_and_scan_are_405(api: httpx.Client, qr_png: bytes, op_id: str) -> None:
    """HEAD of an operation that fetches a URL and decodes it would do all that work for no body: 405, Allow: GET."""
    kwargs = minimal_request(op_id, qr_png)
    response = api.head(kwargs["url"], params=kwargs["params"])
    assert response.status_code == 405 and response.content == b""
    assert response.headers["allow"] == "GET"


def test_trailing_slash_no_redirect(api: httpx.Client, qr_png: bytes) -> None:
    """One trailing slash is the same operation (as in ASP.NET routing): never a redirect."""
    response = api.get("/generate/QR/", params={"data": "1"})
    assert response.status_code == 200 and response.headers["content-type"] == "image/png"
    for op_id in ("GenerateBody", "GenerateMultipart", "RecognizeBase64", "ScanMultipart", "Scan"):
        kwargs = minimal_request(op_id, qr_png)
        kwargs["url"] += "/"
        response = api.request(**kwargs)
        assert response.status_code in (200, 400), (op_id, response.status_code, response.headers.get("location"))


def test_no_path_is_ever_redirected(live_server: LiveServer) -> None:
    """A redirect's Location would come from the Host header: a client following it (a token request's credentials
    with it) would go wherever that header pointed. One trailing slash is the same path everywhere, more is a 404."""
    evil = {"Host": "evil.example"}
    with httpx.Client(base_url=live_server.base_url, headers=evil, timeout=10, follow_redirects=False) as client:
        for path in ("/healthz/", "/.well-known/openid-configuration/", "/.well-known/jwks.json/", "/docs/"):
            response = client.get(path)
            assert response.status_code == 200, (path, response.status_code, response.headers.get("location"))
        response = client.post("/connect/token/", data={"grant_type": "client_credentials"})
        assert response.status_code == 400 and response.json()["error"] == "invalid_request"
        for path in ("/healthz//", "/v4.0/whoami//", "/nowhere/"):
            response = client.get(path)
            assert response.status_code == 404 and "location" not in response.headers, path


@pytest.mark.parametrize("op_id", OP_IDS)
def test_other_methods_are_405_with_allow(api: httpx.Client, qr_png: bytes, op_id: str) -> None:
    kwargs = minimal_request(op_id, qr_png)
    wrong = "POST" if kwargs["method"] == "GET" else "GET"
    for method in (wrong, "PUT", "DELETE", "PATCH"):
        response = api.request(method, kwargs["url"])
        assert_api_error(response, 405, "MethodNotAllowed")
        assert kwargs["method"] in response.headers["allow"]


@pytest.mark.parametrize("url", ["/generate-multipart", "/recognize-multipart", "/scan-multipart"])
def test_form_operations_refuse_other_content_types(api: httpx.Client, url: str) -> None:
    """A body that is not a form: 415 (as ASP.NET answers a [FromForm] action), for every form operation alike."""
    for kind in ("application/json", "text/plain", "application/xml", None):
        response = api.post(url, content=b"{}", headers={"Content-Type": kind} if kind else {})
        assert "multipart/form-data" in assert_api_error(response, 415, "UnsupportedMediaType"), kind


# --- 413 ----------------------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def small_upload_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:

    with running_server(tmp_path_factory.mktemp("small-upload"), args=("--max-upload-bytes", "65536")) as server:
        yield server


def _chunks(data: bytes, size: int = 16384) -> Iterator[bytes]:
    for at in range(0, len(data), size):
        yield data[at : at + size]


@pytest.mark.parametrize("chunked", [False, True], ids=["content-length", "chunked"])
def test_413_for_every_body_operation(small_upload_server: LiveServer, chunked: bool) -> None:
    server = small_upload_server
    token = server.token(server.create_client("big", ["barcode.generate", "barcode.recognize"]))
    big_image = b"\x89PNG\r\n\x1a\n" + b"\0" * 200_000
    b64 = base64.b64encode(big_image).decode()
    boundary = "b0undary"

    def form(fields: dict[str, bytes]) -> bytes:
        parts = [
            f'--{boundary}\r\nContent-Disposition: form-data; name="{k}"; filename="f"\r\n\r\n'.encode() + v + b"\r\n"
            for k, v in fields.items()
        ]
        return b"".join(parts) + f"--{boundary}--\r\n".encode()

    multipart = {"Content-Type": f"multipart/form-data; boundary={boundary}"}
    cases = [
        ("/generate-body", json.dumps({"barcodeType": "QR", "encodeData": {"data": "x" * 1_100_000}}).encode(), {}),
        ("/generate-multipart", form({"barcodeType": b"QR", "data": b"x" * 1_100_000}), multipart),
        ("/recognize-body", json.dumps({"barcodeTypes": ["QR"], "fileBase64": b64}).encode(), {}),
        ("/recognize-multipart", form({"barcodeType": b"QR", "file": big_image}), multipart),
        ("/scan-body", json.dumps({"fileBase64": b64}).encode(), {}),
        ("/scan-multipart", form({"file": big_image}), multipart),
    ]
    headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
    with httpx.Client(base_url=server.api_url + "/barcode", headers=headers, timeout=30) as client:
        for url, body, extra in cases:
            content: Any = _chunks(body) if chunked else body
            response = client.post(url, content=content, headers=extra)
            assert_api_error(response, 413, "RequestEntityTooLarge")


@pytest.mark.parametrize("url", ["/generate-body", "/recognize-body", "/scan-body"])
def test_xml_unknown_encoding(api: httpx.Client, url: str) -> None:
    body = b'<?xml version="1.0" encoding="x-bogus"?><GenerateParams/>'
    response = api.post(url, content=body, headers={"Content-Type": "application/xml"})
    assert "encoding" in assert_api_error(response, 400)


def test_recognize_long_enum_value_is_cut_short(api: httpx.Client, qr_png: bytes) -> None:
    files = {"barcodeType": (None, "QR"), "recognitionMode": (None, "a" * 5000), "file": ("a.png", qr_png)}
    assert len(assert_api_error(api.post("/recognize-multipart", files=files), 400)) < 500


def test_generate_long_values_are_cut_short(api: httpx.Client) -> None:
    """A long bad value is quoted cut short: the message stays readable."""
    for params in ({"units": "a" * 5000}, {"resolution": "a" * 5000}, {"foregroundColor": "a" * 5000}):
        message = assert_api_error(api.get("/generate/QR", params={"data": "1", **params}), 400)
        assert len(message) < 500 and "5000 characters" in message
    message = assert_api_error(api.get("/generate/" + "a" * 5000, params={"data": "1"}), 400)
    assert "5000 characters" in message and "QR" in message


def test_recognize_xml_errors_with_control_characters(api: httpx.Client, qr_png: bytes) -> None:
    """Recognize quotes bad values with repr: control characters never reach the XML error body raw."""
    files = {"barcodeType": (None, "QR"), "recognitionMode": (None, "\x00\x1b"), "file": ("a.png", qr_png)}
    response = api.post("/recognize-multipart", files=files, headers={"Accept": "application/xml"})
    assert "\\x00\\x1b" in assert_api_error(response, 400)


def test_xml_error_with_a_control_character_is_well_formed() -> None:
    """Whatever a message holds, the XML error body is well-formed. Asked of problem_response itself: the request
    this test sent (a control character in recognize-multipart's recognitionMode) is now quoted with repr."""
    from starlette.requests import Request

    from barcode_cloud_server.api.errors import problem_response
    from barcode_cloud_server.api.problems import ApiProblem

    request = Request({"type": "http", "method": "GET", "path": "/", "headers": [(b"accept", b"application/xml")]})
    response = problem_response(request, ApiProblem(400, "recognitionMode: '\x00\x1b' is not valid"))
    assert ElementTree.fromstring(response.body).findtext("Error/Message")


def test_generate_xml_errors_with_control_characters(api: httpx.Client) -> None:
    """Generate quotes bad values with repr: control characters never reach the XML error body raw."""
    for params in ({"units": "\x00"}, {"resolution": "\x01"}, {"data": "\x00", "dataType": "HexBytes"}):
        response = api.get("/generate/QR", params={"data": "1", **params}, headers={"Accept": "application/xml"})
        assert_api_error(response, 400)
    response = api.get("/generate/QR%01", params={"data": "1"}, headers={"Accept": "application/xml"})
    assert_api_error(response, 400)


def test_long_bad_data_is_cut_short(api: httpx.Client) -> None:
    for barcode in ("EAN13", "Pharmacode", "Code11"):
        message = assert_api_error(api.get(f"/generate/{barcode}", params={"data": "a" * 5000}), 400)
        assert len(message) < 1000, (barcode, len(message))
