"""The playground in a real browser (Debian's Chromium through Playwright) against a real server: the image
follows the type and options, the API's errors show beside their field, and uploaded, dropped, camera-taken and
generated images are read with every code outlined and listed. Saves screenshots of the playground."""

from __future__ import annotations

import base64
import io
import re
import time
from collections.abc import Iterator

import pytest
from PIL import Image
from playwright.sync_api import Browser, FilePayload, Page, expect

from barcode_cloud_server.engine.generate import GenerateRequest, generate
from tests.support.chromium import needs_chromium, new_page, shoot
from tests.support.dashboard_client import Browser as HttpClient
from tests.support.dashboard_client import setup_token
from tests.support.servers import LiveServer, running_server

pytestmark = needs_chromium

EMAIL, PASSWORD = "player@example.com", "player password 1"


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    with running_server(tmp_path_factory.mktemp("browser-playground")) as live:
        assert HttpClient(live).set_up(setup_token(live.logs()), PASSWORD, EMAIL).status_code == 303
        yield live


def two_codes() -> bytes:
    """A PNG with a QR code and a Code 128 symbol side by side."""
    qr = Image.open(io.BytesIO(generate(GenerateRequest(barcode_type="QR", data="left QR")).content))
    bars = Image.open(io.BytesIO(generate(GenerateRequest(barcode_type="Code128", data="RIGHT-128")).content))
    sheet = Image.new("RGB", (qr.width + bars.width + 120, max(qr.height, bars.height) + 80), "white")
    sheet.paste(qr.convert("RGB"), (40, 40))
    sheet.paste(bars.convert("RGB"), (qr.width + 80, 40))
    out = io.BytesIO()
    sheet.save(out, "PNG")
    return out.getvalue()


def png(name: str, data: bytes) -> FilePayload:
    return {"name": name, "mimeType": "image/png", "buffer": data}


def signed_in(browser: Browser, server: LiveServer, problems: list[str], width: int = 1280) -> Page:
    page = new_page(browser, server, problems, width)
    page.goto("/playground")
    expect(page).to_have_url(f"{server.base_url}/sign-in?next=%2Fplayground")
    page.get_by_label("Email").fill(EMAIL)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", name="Playground", level=1)).to_be_visible()
    expect(page.get_by_role("link", name="Playground")).to_have_attribute("aria-current", "page")
    return page


def not_the_apis_own_400s(problems: list[str]) -> list[str]:
    """The console's errors but the browser's note of each 400 the tests asked for (bad data, a bad image)."""
    return [p for p in problems if "the server responded with a status of 400" not in p]


def image_source(page: Page) -> str:
    expect(page.locator("#generate-image")).to_be_visible()
    return str(page.locator("#generate-image").get_attribute("src"))


def changes_image(page: Page, before: str) -> str:
    expect(page.locator("#generate-image")).not_to_have_attribute("src", before)
    expect(page.locator("#generate-status")).not_to_have_text("Generating…")
    return image_source(page)


def test_the_image_follows_the_type_and_its_options(browser: Browser, server: LiveServer) -> None:
    problems: list[str] = []
    page = signed_in(browser, server, problems)
    first = image_source(page)
    expect(page.get_by_label("Data", exact=True)).to_have_value("https://example.com/product/12345")  # QR's sample
    python, curl = page.locator("#generate-python"), page.locator("#generate-curl")
    expect(python).to_contain_text("EncodeBarcodeType.QR")
    expect(python).to_contain_text('client_secret="YOUR_CLIENT_SECRET"')  # a placeholder, never a secret
    expect(curl).to_contain_text(f"{server.api_url}/barcode/generate/QR")

    page.get_by_label("qrErrorLevel").select_option("LevelH")
    second = changes_image(page, first)
    expect(python).to_contain_text("qr_params=QrParams(qr_error_level=QRErrorLevel.LEVELH)")
    expect(curl).to_contain_text("--data-urlencode 'qrErrorLevel=LevelH'")
    page.get_by_label("Data", exact=True).fill("Hello, playground")
    third = changes_image(page, second)
    expect(python).to_contain_text('"Hello, playground"')

    page.get_by_label("Barcode type").select_option("Code128")
    changes_image(page, third)
    expect(page.get_by_label("qrErrorLevel")).to_be_hidden()
    expect(page.get_by_label("code128EncodeMode")).to_be_visible()
    expect(page.get_by_label("Data", exact=True)).to_have_value("Hello, playground")  # the user's own data stays
    expect(curl).to_contain_text("/barcode/generate/Code128")
    width, height = page.locator("#generate-image").evaluate("i => [i.naturalWidth, i.naturalHeight]")
    assert width > height  # a linear symbol now

    page.get_by_label("Barcode type").select_option("EAN13")
    expect(page.get_by_label("Data", exact=True)).to_have_attribute("aria-invalid", "true")
    error = page.locator("#pg-data-error")
    expect(error).to_be_visible()
    expect(error).to_contain_text("EAN13")
    page.get_by_label("Data", exact=True).fill("590123412345")
    expect(error).to_be_hidden()
    expect(page.get_by_label("Data", exact=True)).not_to_have_attribute("aria-invalid", "true")

    page.get_by_label("Barcode type").select_option("QR")
    page.get_by_label("Data", exact=True).fill("ok")
    page.get_by_label("rotationAngle").fill("1.5")
    expect(page.locator("#pg-rotationAngle-error")).to_contain_text("rotationAngle must be a whole number")
    page.get_by_label("rotationAngle").fill("90")
    expect(page.locator("#pg-rotationAngle-error")).to_be_hidden()
    shoot(page, "playground-generate")

    page.get_by_role("button", name="Read this image below").click()
    expect(page.locator("#recognize-found li")).to_have_count(1)
    expect(page.locator("#recognize-found")).to_contain_text("ok")
    assert not_the_apis_own_400s(problems) == []


def test_uploaded_dropped_and_camera_images_are_read_with_every_code_outlined(
    browser: Browser, server: LiveServer
) -> None:
    problems: list[str] = []
    page = signed_in(browser, server, problems)
    sheet = two_codes()
    page.locator("#pg-file").set_input_files(files=png("sheet.png", sheet))
    found = page.locator("#recognize-found li")
    expect(found).to_have_count(2)
    expect(page.locator("#recognize-found")).to_contain_text("left QR")
    expect(page.locator("#recognize-found")).to_contain_text("RIGHT-128")
    expect(page.locator("#recognize-overlay")).to_be_visible()
    expect(page.locator("#recognize-overlay polygon")).to_have_count(2)
    expect(page.locator("#recognize-status")).to_have_text("2 barcodes found")
    # the outlines lie on the image: the QR's on its left half, the Code 128's on its right
    sheet_width = Image.open(io.BytesIO(sheet)).width
    xs = [
        [float(p.split(",")[0]) for p in str(points).split()]
        for points in page.locator("#recognize-overlay polygon").evaluate_all(
            "ps => ps.map(p => p.getAttribute('points'))"
        )
    ]
    assert sorted(max(x) < sheet_width / 2 for x in xs) == [False, True]
    expect(page.locator("#recognize-python")).to_contain_text('ScanApi(client).scan_multipart("sheet.png")')
    expect(page.locator("#recognize-curl")).to_contain_text(f"{server.api_url}/barcode/scan-multipart")
    shoot(page, "playground-recognize")

    page.get_by_label("Recognize: chosen types (recognize-multipart)").check()
    page.locator("#pg-decode-type").select_option("Code128")
    expect(found).to_have_count(1)
    expect(page.locator("#recognize-found")).to_contain_text("RIGHT-128")
    expect(page.locator("#recognize-python")).to_contain_text("DecodeBarcodeType.CODE128")
    expect(page.locator("#recognize-curl")).to_contain_text("-F barcodeType=Code128")

    page.get_by_label("Scan: every type (scan-multipart)").check()
    qr = generate(GenerateRequest(barcode_type="QR", data="dropped here")).content
    dropped = page.evaluate_handle(
        """b64 => {
            const bytes = Uint8Array.from(atob(b64), c => c.charCodeAt(0));
            const transfer = new DataTransfer();
            transfer.items.add(new File([bytes], "dropped.png", {type: "image/png"}));
            return transfer;
        }""",
        base64.b64encode(qr).decode(),
    )
    page.dispatch_event("#recognize-drop", "drop", {"dataTransfer": dropped})
    expect(page.locator("#recognize-found")).to_have_text(re.compile(r"^\s*QR\s+dropped here\s*$"))

    photo = generate(GenerateRequest(barcode_type="DataMatrix", data="from the camera")).content
    page.locator("#pg-camera").set_input_files(files=png("photo.png", photo))
    expect(page.locator("#recognize-found")).to_contain_text("from the camera")

    page.locator("#pg-file").set_input_files(files=png("notes.png", b"no image"))
    expect(page.locator("#recognize-error")).to_be_visible()
    expect(page.locator("#recognize-found li")).to_have_count(0)
    assert not_the_apis_own_400s(problems) == []


def test_the_playground_at_phone_width(browser: Browser, server: LiveServer) -> None:
    problems: list[str] = []
    page = signed_in(browser, server, problems, width=390)
    image_source(page)
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")  # nothing runs off the side
    shoot(page, "playground-phone")
    page.keyboard.press("Tab")
    expect(page.get_by_role("link", name="Skip to content")).to_be_focused()
    assert problems == []


def test_the_playground_lists_its_own_recent_calls(browser: Browser, server: LiveServer) -> None:
    """After the calls of the tests above, the page shows them (the usage flush writes them within seconds): the
    playground's generations and scans with their statuses, the unreadable upload's 400 among them."""
    problems: list[str] = []
    page = signed_in(browser, server, problems)
    log = page.locator("#recent-calls tbody tr")
    deadline = time.monotonic() + 20
    while log.count() == 0 and time.monotonic() < deadline:
        time.sleep(1)
        page.reload()
    expect(log.filter(has_text="generate-multipart").first).to_contain_text("200")
    expect(log.filter(has_text="scan-multipart").first).to_be_visible()
    expect(log.filter(has_text="recognize-multipart").first).to_be_visible()
    expect(log.filter(has_text="400").first).to_be_visible()
    assert problems == []
