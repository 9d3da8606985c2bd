"""The playground over HTTP against a real server: it needs the session and its CSRF token, answers as the API
does (the same images, messages and limits), and counts its calls as the user's playground usage."""

from __future__ import annotations

import json
import re
import time
from collections.abc import Iterator

import httpx
import pytest

from barcode_cloud_server.api.generate_params import PARAMS
from barcode_cloud_server.dashboard.accounts import Accounts
from barcode_cloud_server.engine.symbologies import ENCODE_NAMES
from barcode_cloud_server.identity import playground
from barcode_cloud_server.identity.usage_report import by_operation, since_days
from barcode_cloud_server.storage.db import Database
from tests.support.dashboard_client import Browser, setup_token
from tests.support.servers import FLUSH_WAIT, QUICK_FLUSH, LiveServer, running_server
from tests.support.utc_day import clear_of_the_day_end

ADMIN = "player@example.com"
# Small enough that a generated image passes it and a padded one does not; larger than the dashboard's 64 KB forms.
MAX_UPLOAD = 300_000


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    clear_of_the_day_end()  # the last test counts the calls of the others made today
    with running_server(
        tmp_path_factory.mktemp("playground"), args=("--max-upload-bytes", str(MAX_UPLOAD), *QUICK_FLUSH)
    ) as live:
        yield live


@pytest.fixture(scope="module")
def player(server: LiveServer) -> Browser:
    browser = Browser(server)
    assert browser.set_up(setup_token(server.logs()), "player password 1", ADMIN).status_code == 303
    browser.get("/playground")
    return browser


@pytest.fixture(scope="module")
def api(server: LiveServer) -> httpx.Client:
    """The API itself, with a token that may generate and recognize."""
    token = server.token(server.create_client("reference", ["barcode.generate", "barcode.recognize"]))
    return httpx.Client(base_url=server.api_url, headers={"Authorization": f"Bearer {token}"}, timeout=30)


def call(player: Browser, path: str, **kwargs: object) -> httpx.Response:
    return player.http.post(path, headers={"X-CSRF-Token": player.csrf}, **kwargs)  # type: ignore[arg-type]


def test_the_page_needs_sign_in_and_offers_every_type_and_option_of_the_api(
    server: LiveServer, player: Browser
) -> None:
    anonymous = httpx.get(server.base_url + "/playground")
    assert (anonymous.status_code, anonymous.headers["location"]) == (303, "/sign-in?next=%2Fplayground")
    page = player.get("/playground")
    assert page.status_code == 200
    assert "script-src 'self'" in page.headers["content-security-policy"]
    assert re.findall(r"<script(?![^>]*\bsrc=)", page.text) == []  # no inline script
    offered = re.findall(r'<option value="([^"]+)" data-sample=', page.text)
    assert sorted(offered) == sorted(ENCODE_NAMES) and len(offered) == 73
    for param in PARAMS:
        assert f'name="{param.wire}"' in page.text, param.wire
    assert 'capture="environment"' in page.text
    assert f"{MAX_UPLOAD:,} bytes" in page.text  # the limit it states is the server's


@pytest.mark.parametrize("path", [playground.GENERATE_PATH, playground.RECOGNIZE_PATH, playground.SCAN_PATH])
def test_calls_need_the_session_and_its_csrf_token_in_a_header(server: LiveServer, player: Browser, path: str) -> None:
    signed_out = httpx.post(server.base_url + path, headers={"X-CSRF-Token": player.csrf}, data={"data": "x"})
    assert signed_out.status_code == 401 and "sign in" in signed_out.json()["error"]["message"]
    # the token in the form is not enough: the body is the API's to read
    in_form = player.http.post(path, data={"csrf_token": player.csrf, "barcodeType": "QR", "data": "x"})
    assert in_form.status_code == 403 and "X-CSRF-Token header" in in_form.json()["error"]["message"]
    forged = player.http.post(path, headers={"X-CSRF-Token": "0" * 64}, data={"barcodeType": "QR", "data": "x"})
    assert forged.status_code == 403
    cross_site = player.http.post(
        path, headers={"X-CSRF-Token": player.csrf, "Sec-Fetch-Site": "cross-site"}, data={"data": "x"}
    )
    assert cross_site.status_code == 403


def test_generate_answers_as_the_api_does(player: Browser, api: httpx.Client) -> None:
    form = {"barcodeType": "QR", "data": "playground", "qrErrorLevel": "LevelH", "imageFormat": "Png"}
    image = call(player, playground.GENERATE_PATH, data=form)
    assert image.status_code == 200 and image.headers["content-type"] == "image/png"
    assert image.content == api.post("/barcode/generate-multipart", data=form).content
    low = call(player, playground.GENERATE_PATH, data={**form, "qrErrorLevel": "LevelL"})
    assert low.content != image.content  # the option changes the image
    svg = call(player, playground.GENERATE_PATH, data={**form, "imageFormat": "Svg"})
    assert svg.headers["content-type"].startswith("image/svg+xml")

    for bad in ({"barcodeType": "EAN13", "data": "12AB"}, {**form, "qrErrorLevel": "LevelZ"}, {"barcodeType": "QR"}):
        ours = call(player, playground.GENERATE_PATH, data=bad)
        theirs = api.post("/barcode/generate-multipart", data=bad)
        assert ours.status_code == theirs.status_code == 400
        assert ours.json()["error"]["message"] == theirs.json()["error"]["message"]


def test_recognize_and_scan_find_the_generated_code_with_its_region(player: Browser, api: httpx.Client) -> None:
    png = api.get("/barcode/generate/Code128", params={"data": "PLAY-128"}).content
    files = {"file": ("code.png", png, "image/png")}
    found = call(player, playground.RECOGNIZE_PATH, files=files, data={"barcodeType": "Code128"})
    assert found.status_code == 200
    [barcode] = found.json()["barcodes"]
    assert (barcode["type"], barcode["barcodeValue"]) == ("Code128", "PLAY-128")
    assert len(barcode["region"]) == 4
    scanned = call(player, playground.SCAN_PATH, files=files).json()["barcodes"]
    assert [(b["type"], b["barcodeValue"]) for b in scanned] == [("Code128", "PLAY-128")]

    wrong = call(player, playground.RECOGNIZE_PATH, files=files, data={"barcodeType": "NoSuchType"})
    assert wrong.status_code == 400 and "barcodeType" in wrong.json()["error"]["message"]
    nothing = call(player, playground.SCAN_PATH, data={"x": "y"})
    assert nothing.status_code == 400 and "file" in nothing.json()["error"]["message"]


def test_the_api_limits_hold_not_the_dashboard_form_limit(player: Browser, api: httpx.Client) -> None:
    # Past the dashboard's 64 KB form limit but within the API's upload limit: read.
    png = api.get("/barcode/generate/QR", params={"data": "big", "imageWidth": "1200", "imageHeight": "1200"}).content
    padded = png + b"\0" * (100_000 - len(png))
    assert 64 * 1024 < len(padded) < MAX_UPLOAD
    ok = call(player, playground.SCAN_PATH, files={"file": ("big.png", padded, "image/png")})
    assert ok.status_code == 200 and ok.json()["barcodes"][0]["barcodeValue"] == "big"
    # Past the server's --max-upload-bytes: the API's 413.
    too_big = call(player, playground.SCAN_PATH, files={"file": ("huge.png", png + b"\0" * MAX_UPLOAD, "image/png")})
    assert too_big.status_code == 413
    # A generate form past the API's 1 MB body limit.
    long = call(player, playground.GENERATE_PATH, data={"barcodeType": "QR", "data": "x" * (1 << 20)})
    assert long.status_code == 413


def test_calls_are_counted_as_the_users_playground(server: LiveServer, player: Browser) -> None:
    db = Database(f"sqlite:///{server.data_dir / 'barcode-cloud.db'}")
    [user] = [u for u in Accounts(db).users() if u.email == ADMIN]
    key = playground.usage_key(user.id)

    def generated() -> dict[str, int]:
        time.sleep(FLUSH_WAIT)
        counts = by_operation(db, since_days(1), [key]).get(key, {})
        assert {"recognize-multipart", "scan-multipart"} <= set(counts)  # the calls of the tests before
        return dict(counts["generate-multipart"].by_status)

    before = generated()
    assert call(player, playground.GENERATE_PATH, data={"barcodeType": "QR", "data": "counted"}).status_code == 200
    assert call(player, playground.GENERATE_PATH, data={"barcodeType": "EAN13", "data": "bad"}).status_code == 400
    after = generated()
    assert (after["2xx"] - before.get("2xx", 0), after["4xx"] - before.get("4xx", 0)) == (1, 1)
    [reported] = json.loads(server.cli("usage", key, "--json").stdout)["applications"]
    assert reported["name"] == f"playground of {ADMIN}"
    assert reported["operations"]["generate-multipart"]["by_status"] == after
