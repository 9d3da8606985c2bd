"""Debian's Chromium driven by Playwright for the dashboard's browser tests: how it is launched, a page that
records console errors, and where screenshots go."""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, sync_playwright

from tests.support.servers import LiveServer

CHROMIUM = "/usr/bin/chromium"
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
# Screenshots of the main pages go where BARCODE_CLOUD_SCREENSHOTS says (docs/screenshots to refresh the
# repository's); else to a temporary folder, so that a test run leaves the work tree as it was.
SCREENSHOTS = Path(os.environ.get("BARCODE_CLOUD_SCREENSHOTS") or tempfile.mkdtemp(prefix="bc-screenshots-"))
needs_chromium = pytest.mark.skipif(
    shutil.which(CHROMIUM) is None, reason="needs Debian's chromium (.ci/run installs it)"
)


@contextmanager
def chromium() -> Iterator[Browser]:
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        try:
            yield browser
        finally:
            browser.close()


def new_page(browser: Browser, server: LiveServer, problems: list[str], width: int = 1280) -> Page:
    page = browser.new_context(base_url=server.base_url, viewport={"width": width, "height": 860}).new_page()
    page.set_default_timeout(10_000)
    # A policy violation or a script error would show here: the pages must work under their own CSP.
    page.on("console", lambda message: problems.append(message.text) if message.type == "error" else None)
    page.on("pageerror", lambda error: problems.append(str(error)))
    return page


def shoot(page: Page, name: str) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)
