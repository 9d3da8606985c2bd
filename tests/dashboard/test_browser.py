"""The dashboard in a real browser (Debian's Chromium through Playwright) against a real server: first-start
setup, an application's secret used with the SDK, rotation with overlap, disable, delete, inviting a member.
Saves screenshots of the main pages to docs/screenshots/."""

from __future__ import annotations

import re
import time
from collections.abc import Iterator

import httpx
import pytest
from playwright.sync_api import Browser, expect

from barcode_cloud import ApiClient, ApiException, Configuration, EncodeBarcodeType, GenerateApi
from tests.support.chromium import needs_chromium, new_page, shoot
from tests.support.dashboard_client import setup_token
from tests.support.servers import FLUSH_WAIT, QUICK_FLUSH, LiveServer, running_server
from tests.support.utc_day import clear_of_the_day_end

pytestmark = needs_chromium


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    with running_server(tmp_path_factory.mktemp("browser"), args=QUICK_FLUSH) as live:
        yield live


def generate_qr(server: LiveServer, client_id: str, secret: str) -> bytes:
    config = Configuration(client_id=client_id, client_secret=secret, host=server.api_url)
    with ApiClient(config) as client:
        return bytes(GenerateApi(client).generate(EncodeBarcodeType.QR, "from the dashboard"))


def token_status(server: LiveServer, client_id: str, secret: str) -> int:
    form = {"grant_type": "client_credentials", "client_id": client_id, "client_secret": secret}
    return httpx.post(server.token_url, data=form, timeout=10).status_code


def test_an_administrator_sets_up_and_manages_an_application(browser: Browser, server: LiveServer) -> None:
    clear_of_the_day_end()  # it counts the requests of today against a daily quota
    problems: list[str] = []
    page = new_page(browser, server, problems)
    page.goto("/applications")
    expect(page).to_have_url(f"{server.base_url}/sign-in?next=%2Fapplications")
    shoot(page, "sign-in")

    page.goto(f"/setup?token={setup_token(server.logs())}")
    page.get_by_label("Email").fill("owner@example.com")
    page.get_by_label("Password", exact=True).fill("owner password 1")
    page.get_by_label("Password again").fill("owner password 1")
    page.get_by_role("button", name="Create administrator").click()
    expect(page.get_by_role("heading", name="Applications")).to_be_visible()

    page.get_by_label("Name").fill("warehouse-scanner")
    page.get_by_role("button", name="Create application").click()
    expect(page.get_by_role("heading", name="Copy the secret now")).to_be_visible()
    client_id = page.locator("#client-id").inner_text()
    secret = page.locator("#client-secret").inner_text()
    expect(page.locator("#snippet-python")).to_contain_text(f'client_secret="{secret}"')
    expect(page.locator("#snippet-python")).to_contain_text(f'host="{server.api_url}"')
    expect(page.locator("#snippet-curl")).to_contain_text(f"{server.base_url}/connect/token")
    shoot(page, "application-created")
    assert generate_qr(server, client_id, secret).startswith(b"\x89PNG")

    time.sleep(FLUSH_WAIT)  # counted in the server's memory, in the database at its next flush
    page.get_by_role("link", name="Done: I have copied the secret").click()
    expect(page.get_by_text("1 today, 1 this month (UTC)")).to_be_visible()  # the grant is no API call
    page.get_by_label("Daily").fill("2")
    page.get_by_role("button", name="Save quotas").click()
    expect(page.locator(".quota")).to_have_text("1 today")
    time.sleep(FLUSH_WAIT)  # the server reads the new quota after its next flush
    assert generate_qr(server, client_id, secret).startswith(b"\x89PNG")
    with pytest.raises(ApiException) as over:
        generate_qr(server, client_id, secret)
    assert over.value.status == 429 and "daily request quota" in str(over.value.body)
    time.sleep(FLUSH_WAIT)
    page.reload()
    expect(page.locator(".quota")).to_have_text("0 today")
    # requests, 2xx, 4xx, 429, 5xx: 2 served, and the refused call with the SDK's retries of a 429
    expect(page.get_by_role("row", name=re.compile(r"^generate \d+ 2 0 [1-9]\d* 0$"))).to_be_visible()
    shoot(page, "application")
    page.get_by_label("Daily").fill("")
    page.get_by_role("button", name="Save quotas").click()
    time.sleep(FLUSH_WAIT)
    page.get_by_label("The old secret keeps working for").select_option(label="1 hour")
    page.get_by_role("button", name="Rotate secret").click()
    new_secret = page.locator("#client-secret").inner_text()
    assert new_secret != secret
    assert token_status(server, client_id, secret) == 200  # the old one, during the overlap
    assert generate_qr(server, client_id, new_secret).startswith(b"\x89PNG")

    page.get_by_role("link", name="Done: I have copied the secret").click()
    page.get_by_role("button", name="Disable application").click()
    expect(page.get_by_text("disabled", exact=True)).to_be_visible()
    deadline = time.monotonic() + 10
    with pytest.raises(ApiException) as refused:
        while time.monotonic() < deadline:  # live tokens fail at the next 2-second reload
            generate_qr(server, client_id, new_secret)
            time.sleep(0.2)
    assert refused.value.status == 401
    page.get_by_role("button", name="Enable application").click()
    assert token_status(server, client_id, new_secret) == 200

    delete = page.get_by_role("button", name="Delete application")
    expect(delete).to_be_disabled()
    page.get_by_label("Application name").fill("warehouse")
    expect(delete).to_be_disabled()
    page.get_by_label("Application name").fill("warehouse-scanner")
    delete.click()
    expect(page.get_by_text("No applications yet")).to_be_visible()
    assert token_status(server, client_id, new_secret) == 401

    page.get_by_label("Name").fill("billing-service")
    page.get_by_role("button", name="Create application").click()
    page.get_by_role("link", name="Done: I have copied the secret").click()
    server.create_client("made-with-the-cli")
    page.goto("/applications")
    expect(page.get_by_role("cell", name="no owner")).to_be_visible()
    shoot(page, "applications")
    assert problems == []


def test_an_invited_member_signs_in_and_sees_only_their_own(browser: Browser, server: LiveServer) -> None:
    problems: list[str] = []
    admin = new_page(browser, server, problems)
    admin.goto("/sign-in")
    admin.get_by_label("Email").fill("owner@example.com")
    admin.get_by_label("Password").fill("owner password 1")
    admin.get_by_role("button", name="Sign in").click()
    admin.get_by_role("link", name="Members").click()
    admin.get_by_label("Email").fill("dev@example.com")
    admin.get_by_role("button", name="Create invitation").click()
    link = admin.locator("#invite-link").inner_text()
    shoot(admin, "members")

    member = new_page(browser, server, problems, width=390)
    member.goto(link)
    expect(member.get_by_text("dev@example.com")).to_be_visible()
    member.get_by_label("Password", exact=True).fill("member password")
    member.get_by_label("Password again").fill("member password")
    member.get_by_role("button", name="Set password and sign in").click()
    expect(member.get_by_text("No applications yet")).to_be_visible()
    expect(member.get_by_role("link", name="Members")).to_have_count(0)
    member.get_by_label("Name").fill("mobile-app")
    member.get_by_role("button", name="Create application").click()
    member.get_by_role("link", name="Done: I have copied the secret").click()
    member.goto("/applications")
    expect(member.get_by_role("link", name="mobile-app")).to_be_visible()
    expect(member.get_by_text("billing-service")).to_have_count(0)
    shoot(member, "applications-phone")

    member.get_by_role("button", name="Sign out").click()
    expect(member).to_have_url(f"{server.base_url}/sign-in")
    member.goto("/applications")
    expect(member).to_have_url(f"{server.base_url}/sign-in?next=%2Fapplications")
    assert problems == []
