"""Administration in a real browser (Debian's Chromium through Playwright) against a real server: the signing keys
page (rotate, revoke) as an administrator and refused to a member, and /docs working with every request to
another host blocked. Saves screenshots of the keys page."""

from __future__ import annotations

import re
from collections.abc import Iterator
from urllib.parse import urlsplit

import httpx
import pytest
from playwright.sync_api import Browser, Page, Route, expect

from tests.support.chromium import needs_chromium, new_page, shoot
from tests.support.dashboard_client import setup_token
from tests.support.servers import LiveServer, running_server

pytestmark = needs_chromium
ADMIN = "root@example.com"
PASSWORD = "root password 1"


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    with running_server(tmp_path_factory.mktemp("browser-admin")) as live:
        yield live


@pytest.fixture(scope="module")
def admin_page(browser: Browser, server: LiveServer) -> Page:
    page = new_page(browser, server, [])
    page.goto(f"/setup?token={setup_token(server.logs())}")
    page.get_by_label("Email").fill(ADMIN)
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_label("Password again").fill(PASSWORD)
    page.get_by_role("button", name="Create administrator").click()
    expect(page.get_by_role("heading", name="Applications")).to_be_visible()
    return page


def published(server: LiveServer) -> set[str]:
    return {k["kid"] for k in httpx.get(server.base_url + "/.well-known/jwks.json").json()["keys"]}


def test_an_administrator_rotates_and_revokes_signing_keys(
    browser: Browser, server: LiveServer, admin_page: Page
) -> None:
    problems: list[str] = []
    page = admin_page
    page.on("console", lambda message: problems.append(message.text) if message.type == "error" else None)
    page.get_by_role("link", name="Signing keys").click()
    expect(page.get_by_role("heading", name="Signing keys", exact=True)).to_be_visible()
    first = page.locator("tr.current code").inner_text()
    expect(page.locator("tr.current")).to_contain_text("signing now")

    page.once("dialog", lambda dialog: dialog.accept())  # "Make a new signing key?"
    page.get_by_role("button", name="Rotate signing key").click()
    notice = page.get_by_role("status")
    expect(notice).to_contain_text("is published now and signs from")
    made = notice.locator("code").inner_text()
    assert made != first and {first, made} <= published(server)
    expect(page.get_by_role("row", name=re.compile(made))).to_contain_text("published, signs from")
    expect(page.locator("tr.current code")).to_have_text(first)  # the old key signs until the new one is out
    shoot(page, "keys")

    page.get_by_role("link", name=f"Revoke key {first}").click()
    expect(page.get_by_text("It is the key that signs now")).to_be_visible()
    revoke = page.get_by_role("button", name="Revoke key")
    expect(revoke).to_be_disabled()
    page.get_by_label("Type the key id").fill(first[:-1])
    expect(revoke).to_be_disabled()
    page.get_by_label("Type the key id").fill(first)
    shoot(page, "key-revoke")
    revoke.click()
    expect(page.get_by_role("status")).to_contain_text(f"Key {first} is revoked")
    expect(page.get_by_role("row", name=re.compile(first))).to_contain_text("revoked")
    expect(page.locator("tr.current code")).to_have_text(made)
    assert first not in published(server) and made in published(server)
    expect(page.get_by_role("link", name=f"Revoke key {first}")).to_have_count(0)
    page.set_viewport_size({"width": 390, "height": 860})
    expect(page.get_by_role("link", name=f"Revoke key {made}")).to_be_visible()
    shoot(page, "keys-phone")
    page.set_viewport_size({"width": 1280, "height": 860})
    assert problems == []


def test_a_member_is_refused_the_keys_page(browser: Browser, server: LiveServer, admin_page: Page) -> None:
    admin_page.goto("/members")
    admin_page.get_by_label("Email").fill("member@example.com")
    admin_page.get_by_role("button", name="Create invitation").click()
    link = admin_page.locator("#invite-link").inner_text()

    problems: list[str] = []
    member = new_page(browser, server, problems)
    member.goto(link)
    member.get_by_label("Password", exact=True).fill("member password")
    member.get_by_label("Password again").fill("member password")
    member.get_by_role("button", name="Set password and sign in").click()
    expect(member.get_by_role("heading", name="Applications")).to_be_visible()
    expect(member.get_by_role("link", name="Signing keys")).to_have_count(0)
    answer = member.goto("/keys")
    assert answer is not None and answer.status == 404
    expect(member.get_by_role("heading", name="Not found")).to_be_visible()
    # The 404 page itself loads fine; the browser logs the status as a console error.
    assert [p for p in problems if "404" not in p] == []


def test_docs_show_the_operations_with_every_other_host_blocked(browser: Browser, server: LiveServer) -> None:
    problems: list[str] = []
    page = new_page(browser, server, problems)
    blocked: list[str] = []

    def only_loopback(route: Route) -> None:
        if urlsplit(route.request.url).hostname == "127.0.0.1":
            route.continue_()
        else:
            blocked.append(route.request.url)
            route.abort()

    page.route("**/*", only_loopback)
    page.goto("/docs")
    expect(page.get_by_role("heading", name=re.compile("Barcode Cloud"))).to_be_visible()
    operations = page.locator(".opblock-summary-path")
    expect(operations.first).to_be_visible()
    expect(page.locator(".opblock-summary-path", has_text="/v4.0/barcode/generate/{barcodeType}")).to_be_visible()
    expect(page.locator(".opblock-summary-path", has_text="/connect/token")).to_be_visible()
    assert operations.count() >= 10
    shoot(page, "docs")
    assert blocked == [] and problems == []


@pytest.fixture(scope="module")
def open_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    with running_server(tmp_path_factory.mktemp("browser-signup"), args=("--self-signup",)) as live:
        yield live


def test_someone_signs_up_when_self_sign_up_is_on(browser: Browser, open_server: LiveServer) -> None:
    problems: list[str] = []
    page = new_page(browser, open_server, problems, width=390)
    page.goto("/sign-in")
    page.get_by_role("link", name="Create one").click()
    expect(page.get_by_role("heading", name="Create an account")).to_be_visible()
    page.get_by_label("Email").fill("newcomer@example.com")
    page.get_by_label("Password", exact=True).fill("newcomer password")
    page.get_by_label("Password again").fill("newcomer password")
    shoot(page, "sign-up")
    page.get_by_role("button", name="Create account").click()
    expect(page.get_by_role("status")).to_contain_text("Your account is ready")
    page.get_by_label("Email").fill("newcomer@example.com")
    page.get_by_label("Password").fill("newcomer password")
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", name="Applications")).to_be_visible()
    expect(page.get_by_role("link", name="Members")).to_have_count(0)
    expect(page.get_by_role("link", name="Signing keys")).to_have_count(0)
    assert problems == []
