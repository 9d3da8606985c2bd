"""Hypothesis on what reads bytes from the network: the image loader, the JSON/XML body reader, the multipart form
reader and the token request parser. Each answers with its own error for anything it cannot read, never another
exception. ``HYPOTHESIS_EXAMPLES`` (default 60 each) runs them longer: bench/fuzz_readers.py."""

from __future__ import annotations

import io
import os
from pathlib import Path
from urllib.parse import urlencode

import pytest
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from PIL import Image

from barcode_cloud.models import GenerateParams
from barcode_cloud_server.api.bodies import parse_model
from barcode_cloud_server.api.problems import ApiProblem
from barcode_cloud_server.engine.errors import InvalidImage
from barcode_cloud_server.engine.images import load_image_bytes
from barcode_cloud_server.identity.routes import _BadRequest, _basic_credentials, _form
from barcode_cloud_server.identity.scopes import RECOGNIZE
from tests.support.servers import in_process_app

EXAMPLES = int(os.environ.get("HYPOTHESIS_EXAMPLES", "60"))
# The same examples at every run, as the schemathesis tests have: a run fails for a change, not for the examples it
# drew (more of them find more: bench/fuzz_readers.py).
bounded = settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.too_slow], derandomize=True)


def _png() -> bytes:
    out = io.BytesIO()
    Image.new("L", (24, 24), 255).save(out, "PNG")
    return out.getvalue()


PNG = _png()


@st.composite
def damaged_png(draw: st.DrawFn) -> bytes:
    """A real PNG with some bytes changed, cut short or extended: the header passes, the rest is odd."""
    data = bytearray(PNG)
    for _ in range(draw(st.integers(1, 8))):
        data[draw(st.integers(0, len(data) - 1))] = draw(st.integers(0, 255))
    return bytes(data[: draw(st.integers(8, len(data)))]) + draw(st.binary(max_size=32))


@bounded
@given(st.one_of(st.binary(max_size=512), damaged_png()))
def test_the_image_loader_reads_or_refuses(data: bytes) -> None:
    try:
        pages = load_image_bytes(data, max_pixels=1_000_000)
    except InvalidImage as exc:
        assert str(exc)
    else:
        assert pages


_FIELDS = ["barcodeType", "encodeData", "dataType", "data", "barcodeImageParams", "imageFormat", "resolution"]
_xml_text = st.text(alphabet=st.characters(codec="utf-8", exclude_categories=["Cs"]), max_size=12).map(
    lambda t: t.replace("&", "&amp;").replace("<", "&lt;")
)


@st.composite
def xml_bodies(draw: st.DrawFn) -> bytes:
    """GenerateParams-like XML: the real element names nested at random, with random text."""

    def element(depth: int) -> str:
        name = draw(st.sampled_from(_FIELDS))
        if depth < 3 and draw(st.booleans()):
            inner = "".join(element(depth + 1) for _ in range(draw(st.integers(0, 3))))
        else:
            inner = draw(_xml_text)
        return f"<{name}>{inner}</{name}>"

    children = "".join(element(1) for _ in range(draw(st.integers(0, 4))))
    return f"<GenerateParams>{children}</GenerateParams>".encode()


@bounded
@given(
    st.one_of(st.binary(max_size=256), xml_bodies()),
    st.sampled_from(["application/xml", "application/json", "text/xml; charset=utf-8", "text/plain", ""]),
)
def test_the_body_reader_parses_or_answers_400_or_415(body: bytes, content_type: str) -> None:
    try:
        assert isinstance(parse_model(GenerateParams, body, content_type), GenerateParams)
    except ApiProblem as exc:
        assert exc.status in (400, 415) and exc.message


_token_names = st.sampled_from(["grant_type", "client_id", "client_secret", "scope", "x"])


@bounded
@given(st.dictionaries(_token_names, st.text(min_size=1, max_size=20)))
def test_the_token_form_parser_gives_back_what_was_encoded(form: dict[str, str]) -> None:
    assert _form(urlencode(form).encode()) == form


@bounded
@given(st.binary(max_size=200), st.text(max_size=60))
def test_the_token_parsers_read_or_refuse(body: bytes, authorization: str) -> None:
    # A header arrives as latin-1: "Basic \x80..." once raised a ValueError (a 500) before it was a 400.
    for parse in (lambda: _form(body), lambda: _basic_credentials("Basic " + authorization)):
        try:
            parse()
        except _BadRequest as exc:
            assert str(exc)


@pytest.fixture(scope="module")
def recognizer(tmp_path_factory: pytest.TempPathFactory) -> tuple[TestClient, dict[str, str]]:
    app, auth = in_process_app(Path(tmp_path_factory.mktemp("readers")), RECOGNIZE)
    return TestClient(app, raise_server_exceptions=False), auth


@st.composite
def multipart_bodies(draw: st.DrawFn) -> tuple[bytes, str]:
    boundary = draw(st.sampled_from(["b0undary", "x", "----", "a" * 70]))
    parts = []
    for _ in range(draw(st.integers(0, 3))):
        name = draw(st.sampled_from(["file", "File", "barcodeType", "x", ""]))
        filename = draw(st.sampled_from(['; filename="a.png"', "", '; filename=""']))
        content = draw(st.one_of(st.just(PNG), damaged_png(), st.binary(max_size=64)))
        parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"{filename}\r\n\r\n'.encode())
        parts.append(content + b"\r\n")
    ending = draw(st.sampled_from([f"--{boundary}--\r\n".encode(), b"", b"--"]))
    return b"".join(parts) + ending, f"multipart/form-data; boundary={boundary}"


@bounded
@given(multipart_bodies())
def test_the_multipart_reader_answers_200_or_4xx(
    recognizer: tuple[TestClient, dict[str, str]], body_and_type: tuple[bytes, str]
) -> None:
    client, auth = recognizer
    body, content_type = body_and_type
    response = client.post("/v4.0/barcode/scan-multipart", content=body, headers={**auth, "Content-Type": content_type})
    assert response.status_code in (200, 400, 413, 415), response.text
    assert response.status_code == 200 or response.json()["error"]["message"]
