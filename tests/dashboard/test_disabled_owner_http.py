"""A disabled account's applications stop working, on SQLite and PostgreSQL, against a real server: no token
grants, live tokens refused within the reload time, back (without the old tokens) when the account is enabled
again; deleting a disabled account leaves its applications disabled. The administrator's pages show it."""

from __future__ import annotations

import json
import re
import time
from collections.abc import Iterator

import httpx
import pytest

from barcode_cloud_server.identity.status import REFRESH_SECONDS
from tests.support.bearer import call, wait_for_status
from tests.support.dashboard_client import Browser, invited_member, member_id, setup_token
from tests.support.servers import LiveServer

ADMIN = "owner-admin@example.com"
PASSWORD = "admin password 1"


@pytest.fixture(scope="module")
def admin(backend_server: LiveServer) -> Iterator[Browser]:
    browser = Browser(backend_server)
    assert browser.set_up(setup_token(backend_server.logs()), PASSWORD, ADMIN).status_code == 303
    yield browser


def grant(server: LiveServer, client_id: str, secret: str) -> httpx.Response:
    form = {"grant_type": "client_credentials", "client_id": client_id, "client_secret": secret}
    return httpx.post(server.token_url, data=form, timeout=10)


def access_cell(admin: Browser, client_id: str) -> str:
    """The Access column of the application's row on the administrator's list."""
    page = admin.get("/applications").text
    row = re.search(rf'href="/applications/{client_id}".*?<td data-label="Access">(.*?)</td>', page, re.DOTALL)
    assert row, page
    return row.group(1)


def change_account(admin: Browser, email: str, action: str) -> None:
    who = member_id(admin, email)  # also the page whose CSRF token the form sends
    assert admin.post(f"/members/{who}/{action}").status_code == 303


def test_a_disabled_accounts_applications_stop_and_come_back_without_their_old_tokens(
    backend_server: LiveServer, admin: Browser
) -> None:
    email = "leaver@example.com"
    member = invited_member(admin, email, "member password")
    app_id, app_secret = member.create_application("leaver-app")
    paused_id, paused_secret = member.create_application("leaver-paused")
    member.get(f"/applications/{paused_id}")
    assert member.post(f"/applications/{paused_id}/disable").status_code == 303
    cli_made = backend_server.create_client("cli-made")
    old_token = grant(backend_server, app_id, app_secret).json()["access_token"]
    cli_token = backend_server.token(cli_made)
    assert call(backend_server, old_token).status_code == 200  # now in the server's caches

    change_account(admin, email, "disable")
    refused = grant(backend_server, app_id, app_secret)
    unknown = grant(backend_server, "no-such-client", "x")
    assert refused.status_code == 401 and refused.json() == unknown.json()
    assert refused.json()["error"] == "invalid_client"
    assert refused.headers["www-authenticate"] == unknown.headers["www-authenticate"]
    wait_for_status(backend_server, old_token, 401)
    assert call(backend_server, cli_token).status_code == 200
    assert grant(backend_server, cli_made.client_id, cli_made.client_secret).status_code == 200
    listed = access_cell(admin, app_id)
    assert "owner disabled" in listed and ">enabled<" not in listed
    assert "owner disabled" in access_cell(admin, paused_id) and ">disabled<" in access_cell(admin, paused_id)
    detail = admin.get(f"/applications/{app_id}")
    assert detail.status_code == 200 and "The account that owns this application is disabled" in detail.text
    assert admin.get(f"/applications/{app_id}/usage").status_code == 200
    shown = json.loads(backend_server.cli("clients", "show", app_id, "--json").stdout)
    assert (shown["enabled"], shown["owner_enabled"]) == (True, False)
    assert "owner disabled" in backend_server.cli("clients", "list").stdout
    assert "owner's dashboard account is disabled" in backend_server.cli("clients", "enable", app_id).stderr
    assert "and disabled." in admin.get("/members").text  # the delete confirmation of the disabled account

    change_account(admin, email, "enable")
    fresh = grant(backend_server, app_id, app_secret)
    assert fresh.status_code == 200
    wait_for_status(backend_server, fresh.json()["access_token"], 200)
    assert grant(backend_server, paused_id, paused_secret).status_code == 401  # its own disabling stands
    assert ">enabled<" in access_cell(admin, app_id) and "owner disabled" not in access_cell(admin, app_id)
    time.sleep(REFRESH_SECONDS + 0.5)  # enabling the account does not bring back the tokens from before
    assert call(backend_server, old_token).status_code == 401


@pytest.mark.parametrize("disabled_first", [False, True])
def test_deleting_an_account_leaves_its_applications_working_only_if_it_was_enabled(
    backend_server: LiveServer, admin: Browser, disabled_first: bool
) -> None:
    email = f"deleted-{disabled_first}@example.com".lower()
    member = invited_member(admin, email, "member password")
    app_id, app_secret = member.create_application("left-behind")
    token = grant(backend_server, app_id, app_secret).json()["access_token"]
    if disabled_first:
        change_account(admin, email, "disable")
    change_account(admin, email, "delete")
    info = backend_server.clients.get(app_id)
    assert info is not None and info.owner_id is None and info.enabled is not disabled_first
    assert grant(backend_server, app_id, app_secret).status_code == (401 if disabled_first else 200)
    if disabled_first:
        wait_for_status(backend_server, token, 401)  # at the next reload, however late it runs on a loaded machine
    else:
        time.sleep(REFRESH_SECONDS + 0.5)  # a reload has run since: the token still works
        assert call(backend_server, token).status_code == 200
    assert (">disabled<" in access_cell(admin, app_id)) is disabled_first
