"""Usage pages, the recent-calls log and /applications' layout in a real browser (Debian's Chromium through
Playwright) against a real server: calls made with the SDK and plain HTTP show on the charts, in the tables and the
CSV with the numbers ``barcode-cloud usage --json`` prints; the log shows them with their request ids; a member sees
neither another member's usage nor log, also by crafted URLs; /applications fits 1280 px without a horizontal
scroll."""

from __future__ import annotations

import csv
import io
import json
import time
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import httpx
import pytest
from playwright.sync_api import Browser, Page, expect

from barcode_cloud import ApiClient, Configuration, EncodeBarcodeType, GenerateApi
from barcode_cloud_server.dashboard.accounts import Accounts
from barcode_cloud_server.identity import playground
from barcode_cloud_server.identity.usage import write
from barcode_cloud_server.settings import normalize_database_url
from barcode_cloud_server.storage.db import Database
from tests.support.chromium import needs_chromium, new_page, shoot
from tests.support.dashboard_client import Browser as Client
from tests.support.dashboard_client import invited_member, setup_token
from tests.support.servers import FLUSH_WAIT, QUICK_FLUSH, LiveServer, running_server
from tests.support.utc_day import clear_of_the_day_end

pytestmark = needs_chromium

PASSWORD = "a long password 1"
# What the calls of ``calls`` add up to for one application: operation -> status class -> requests.
EXPECTED = {"generate": {"2xx": 5, "4xx": 1}, "token": {"2xx": 2}}


@dataclass(frozen=True)
class Member:
    email: str
    client: Client
    client_id: str
    secret: str


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    clear_of_the_day_end()  # the calls made here are "today" in the last test
    with running_server(tmp_path_factory.mktemp("usage-browser"), args=QUICK_FLUSH) as live:
        yield live


@pytest.fixture(scope="module")
def admin(server: LiveServer) -> Client:
    client = Client(server)
    assert client.set_up(setup_token(server.logs()), PASSWORD, "admin@example.com").status_code == 303
    return client


@pytest.fixture(scope="module")
def members(server: LiveServer, admin: Client) -> dict[str, Member]:
    """Two members with an application each; the first one's application made the calls of ``calls``."""
    out = {}
    for who, app in (("ana", "warehouse-scanner"), ("ben", "billing-service")):
        client = invited_member(admin, f"{who}@example.com", PASSWORD)
        client_id, secret = client.create_application(app)
        out[who] = Member(f"{who}@example.com", client, client_id, secret)
    calls(server, out["ana"])
    time.sleep(FLUSH_WAIT)
    return out


def calls(server: LiveServer, member: Member) -> None:
    """Three QR codes through the SDK (one token grant), then one grant and three calls with plain HTTP, each with
    its own request id: 2 grants, 5 generations served and 1 refused as bad input."""
    config = Configuration(client_id=member.client_id, client_secret=member.secret, host=server.api_url)
    with ApiClient(config) as api:
        for _ in range(3):
            assert bytes(GenerateApi(api).generate(EncodeBarcodeType.QR, "counted")).startswith(b"\x89PNG")
    form = {"grant_type": "client_credentials", "client_id": member.client_id, "client_secret": member.secret}
    token = httpx.post(server.token_url, data=form, timeout=10).json()["access_token"]
    for request_id, barcode_type in (("usage-call-1", "QR"), ("usage-call-2", "Code128"), ("bad-call-1", "NoSuch")):
        answer = httpx.get(
            f"{server.api_url}/barcode/generate/{barcode_type}",
            params={"data": "12345"},
            headers={"Authorization": f"Bearer {token}", "X-Request-Id": request_id},
            timeout=10,
        )
        assert answer.headers["x-request-id"] == request_id
        assert answer.status_code == (400 if barcode_type == "NoSuch" else 200)


def signed_in(browser: Browser, server: LiveServer, email: str, problems: list[str], width: int = 1280) -> Page:
    page = new_page(browser, server, problems, width)
    page.goto("/sign-in")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", name="Applications")).to_be_visible()
    return page


def column_sums(page: Page, table: str) -> dict[str, int]:
    """Each column of a figures table added up, by its heading."""
    sums: dict[str, int] = page.evaluate(
        """(selector) => {
            const table = document.querySelector(selector);
            const heads = [...table.tHead.rows[0].cells].map((cell) => cell.textContent.trim());
            const sums = {};
            for (const row of table.tBodies[0].rows) {
                [...row.cells].forEach((cell, i) => {
                    if (i > 0) sums[heads[i]] = (sums[heads[i]] || 0) + Number(cell.textContent.replace(/,/g, ""));
                });
            }
            return sums;
        }""",
        table,
    )
    return sums


def csv_counts(text: str) -> dict[str, dict[str, int]]:
    out: dict[str, dict[str, int]] = {}
    for row in csv.DictReader(io.StringIO(text)):
        by_status = out.setdefault(row["operation"], {})
        by_status[row["status_class"]] = by_status.get(row["status_class"], 0) + int(row["requests"])
    return out


def cli_counts(server: LiveServer, *args: str) -> dict[str, dict[str, int]]:
    report: dict[str, Any] = json.loads(server.cli("usage", *args, "--json").stdout)
    out: dict[str, dict[str, int]] = {}
    for app in report["applications"]:
        for operation, counted in app["operations"].items():
            by_status = out.setdefault(operation, {})
            for status_class, n in counted["by_status"].items():
                by_status[status_class] = by_status.get(status_class, 0) + n
    return out


def test_calls_show_on_the_usage_charts_tables_csv_and_log(
    browser: Browser, server: LiveServer, members: dict[str, Member]
) -> None:
    ana = members["ana"]
    problems: list[str] = []
    page = signed_in(browser, server, ana.email, problems)
    page.goto(f"/applications/{ana.client_id}/usage")
    expect(page.get_by_role("heading", name="Usage of warehouse-scanner")).to_be_visible()
    expect(page.locator("#total-hour")).to_have_text("8 requests")
    expect(page.locator("#total-day")).to_have_text("8 requests")
    expect(page.locator(".uplot canvas")).to_have_count(4)  # by operation and by status, for each window
    expect(page.locator(".uplot .u-legend").first).to_contain_text("generate")
    expect(page.locator(".uplot .u-legend").nth(1)).to_contain_text("4xx")
    for details in page.locator("details.figures").all():
        details.locator("summary").click()
    for period in ("hour", "day"):
        assert column_sums(page, f"#table-{period}") == {
            "Requests": 8,
            "generate": 6,
            "token": 2,
            "2xx": 7,
            "4xx": 1,
            "429": 0,
            "5xx": 0,
        }
    shoot(page, "usage-application")

    cli = cli_counts(server, ana.client_id)
    assert cli == EXPECTED
    for period in ("day", "hour"):
        answer = page.request.get(f"/applications/{ana.client_id}/usage.csv?period={period}")
        assert answer.status == 200 and answer.headers["content-type"] == "text/csv; charset=utf-8"
        assert csv_counts(answer.text()) == cli
    assert page.request.get(f"/applications/{ana.client_id}/usage.csv?period=week").status == 400

    page.goto(f"/applications/{ana.client_id}")
    log = page.locator("#recent-calls tbody tr")
    expect(log).to_have_count(8)
    expect(log.filter(has_text="bad-call-1")).to_contain_text("generate")
    expect(log.filter(has_text="bad-call-1")).to_contain_text("400")
    for request_id in ("usage-call-1", "usage-call-2"):
        expect(log.filter(has_text=request_id)).to_contain_text("200")
    expect(log.filter(has_text="token")).to_have_count(2)
    assert ana.secret not in page.content()
    shoot(page, "application-log")

    page.goto("/usage")
    expect(page.locator("#total-day")).to_have_text("8 requests")
    expect(page.locator("#by-application")).to_contain_text("warehouse-scanner")
    assert csv_counts(page.request.get("/usage.csv").text()) == cli
    assert problems == []


def test_a_member_sees_neither_another_members_usage_nor_log(
    browser: Browser, server: LiveServer, members: dict[str, Member]
) -> None:
    ana, ben = members["ana"], members["ben"]
    for path in (
        f"/applications/{ana.client_id}",
        f"/applications/{ana.client_id}/usage",
        f"/applications/{ana.client_id}/usage.csv",
        f"/applications/{ana.client_id}/usage.csv?period=hour",
    ):
        answer = ben.client.get(path)
        assert answer.status_code == 404, path
        assert "usage-call-1" not in answer.text and ana.client_id not in answer.text
    assert csv_counts(ben.client.get("/usage.csv").text) == {}
    for path in ("/usage", "/usage.csv", f"/applications/{ana.client_id}/usage.csv"):  # signed out
        answer = httpx.get(server.base_url + path, timeout=10)
        assert answer.status_code == 303 and answer.headers["location"].startswith("/sign-in?next="), path
    problems: list[str] = []
    page = signed_in(browser, server, ben.email, problems, width=390)
    page.goto("/usage")
    expect(page.locator("#total-day")).to_have_text("0 requests")
    expect(page.get_by_text("No requests in the last 30 days.")).to_be_visible()
    # No empty axes: each period says it has nothing instead of drawing a chart or a table of zeros.
    expect(page.get_by_text("Nothing counted in the last 24 hours.")).to_be_visible()
    expect(page.get_by_text("Nothing counted in the last 30 days.")).to_be_visible()
    expect(page.locator(".chart")).to_have_count(0)
    expect(page.locator("#table-day")).to_have_count(0)
    assert "warehouse-scanner" not in page.content() and ana.client_id not in page.content()
    assert no_horizontal_overflow(page)
    shoot(page, "usage-phone")
    assert problems == []
    page.goto(f"/applications/{ana.client_id}/usage")  # the browser logs the 404 as a console error
    expect(page.get_by_role("heading", name="Not found")).to_be_visible()


def test_the_total_shows_every_counted_key_to_an_administrator(
    browser: Browser, server: LiveServer, members: dict[str, Member]
) -> None:
    # Keys that are no application: ana's playground (named by its user) and one of a deleted application.
    db = Database(normalize_database_url(f"sqlite:///{server.data_dir / 'barcode-cloud.db'}"))
    ana = next(user for user in Accounts(db).users() if user.email == "ana@example.com")
    hour = int(time.time()) // 3600
    write(
        db, {(playground.usage_key(ana.id), hour, "generate-multipart", "2xx"): 4, ("gone-app", hour, "scan", "4xx"): 1}
    )
    # ana's own total holds her playground, not the deleted application's calls
    assert csv_counts(members["ana"].client.get("/usage.csv").text) == EXPECTED | {"generate-multipart": {"2xx": 4}}
    problems: list[str] = []
    page = signed_in(browser, server, "admin@example.com", problems)
    page.goto("/usage")
    expect(page.locator("#total-day")).to_have_text("13 requests")
    by_app = page.locator("#by-application tbody tr")
    expect(by_app.filter(has_text="warehouse-scanner")).to_contain_text("8")
    expect(by_app.filter(has_text="playground of ana@example.com")).to_contain_text("4")
    expect(by_app.filter(has_text="gone-app")).to_contain_text("no application (deleted)")
    shoot(page, "usage")
    assert problems == []


def no_horizontal_overflow(page: Page) -> bool:
    widths: dict[str, list[int]] = page.evaluate(
        """() => {
            const sizes = (el) => [el.scrollWidth, el.clientWidth];
            const out = { document: sizes(document.documentElement) };
            document.querySelectorAll("table.apps").forEach((t, i) => {
                out["table" + i] = sizes(t);
                out["frame" + i] = sizes(t.parentElement);
            });
            return out;
        }"""
    )
    return all(scroll <= client for scroll, client in widths.values())


def test_applications_fit_1280_pixels_without_a_horizontal_scroll(
    browser: Browser, server: LiveServer, members: dict[str, Member]
) -> None:
    ana = members["ana"]
    server.cli("clients", "quota", ana.client_id, "--daily", "1000", "--monthly", "20000")
    server.cli("clients", "create", "a-command-line-application-with-a-rather-long-name")
    problems: list[str] = []
    page = signed_in(browser, server, "admin@example.com", problems)
    page.goto("/applications")
    row = page.get_by_role("row").filter(has_text="warehouse-scanner")
    for text in ("ana@example.com", "6 today", "6 this month", "994 today", "19,994 this month", "last used"):
        expect(row).to_contain_text(text)
    assert no_horizontal_overflow(page)
    shoot(page, "applications-1280")
    page.set_viewport_size({"width": 390, "height": 860})
    assert no_horizontal_overflow(page)
    assert problems == []
