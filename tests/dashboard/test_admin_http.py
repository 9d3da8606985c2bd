"""The dashboard's administration over HTTP against a real server: the signing keys page (the same changes as
the ``keys`` commands, administrators only, CSRF), self sign-up, resent invitations and purging."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator

import httpx
import pytest

from tests.support.dashboard_client import Browser, invited_member, setup_token
from tests.support.servers import LiveServer, running_server

ADMIN = "keys-admin@example.com"
PASSWORD = "admin password 1"


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    with running_server(tmp_path_factory.mktemp("admin")) as live:
        yield live


@pytest.fixture(scope="module")
def admin(server: LiveServer) -> Browser:
    browser = Browser(server)
    assert browser.set_up(setup_token(server.logs()), PASSWORD, ADMIN).status_code == 303
    return browser


def cli_keys(server: LiveServer) -> dict[str, dict[str, str | None]]:
    return {k["kid"]: k for k in json.loads(server.cli("keys", "list", "--json").stdout)}


def published(server: LiveServer) -> set[str]:
    return {k["kid"] for k in httpx.get(server.base_url + "/.well-known/jwks.json").json()["keys"]}


def signing_row(page: str) -> str:
    rows = re.findall(r'<tr class="current">.*?<code>([^<]+)</code>', page, re.DOTALL)
    assert len(rows) == 1, page
    return str(rows[0])


def test_the_keys_page_lists_what_keys_list_shows_and_marks_the_signing_key(server: LiveServer, admin: Browser) -> None:
    page = admin.get("/keys")
    assert page.status_code == 200
    stored = cli_keys(server)
    for kid in stored:
        assert f"<code>{kid}</code>" in page.text
    signing = signing_row(page.text)
    assert signing in stored and "signing now" in page.text
    assert 'href="/keys"' in page.text  # the nav link, for administrators


def test_rotate_makes_a_published_key_that_signs_after_the_activation_wait(server: LiveServer, admin: Browser) -> None:
    before = set(cli_keys(server))
    old_signing = signing_row(admin.get("/keys").text)
    answer = admin.post("/keys/rotate")
    assert answer.status_code == 303
    made = set(cli_keys(server)) - before
    assert len(made) == 1
    (kid,) = made
    assert answer.headers["location"] == f"/keys?rotated={kid}"
    page = admin.get(answer.headers["location"]).text
    assert f"New key <code>{kid}</code> is published now" in page
    assert signing_row(page) == old_signing  # the new key signs a minute later, as `keys rotate` makes it
    assert kid in published(server)
    assert cli_keys(server)[old_signing]["retired_at"] is not None
    # A crafted notice about a key that does not exist shows nothing.
    assert "is published now" not in admin.get("/keys?rotated=made-up").text


def test_revoke_needs_the_typed_key_id_and_does_what_keys_revoke_does(server: LiveServer, admin: Browser) -> None:
    signing = signing_row(admin.get("/keys").text)
    confirm = admin.get(f"/keys/revoke?kid={signing}")
    assert confirm.status_code == 200 and "It is the key that signs now" in confirm.text
    wrong = admin.post("/keys/revoke", {"kid": signing, "confirm_kid": signing[:-1]})
    assert wrong.status_code == 400 and "Type the key id exactly" in wrong.text
    assert cli_keys(server)[signing]["revoked_at"] is None
    answer = admin.post("/keys/revoke", {"kid": signing, "confirm_kid": signing})
    assert (answer.status_code, answer.headers["location"]) == (303, f"/keys?revoked={signing}")
    assert cli_keys(server)[signing]["revoked_at"] is not None
    assert signing not in published(server)
    page = admin.get(answer.headers["location"]).text
    assert f"Key <code>{signing}</code> is revoked" in page
    assert signing_row(page) != signing
    assert admin.get(f"/keys/revoke?kid={signing}").status_code == 404  # already revoked
    admin.get("/keys")
    assert admin.post("/keys/revoke", {"kid": "no-such-kid", "confirm_kid": "no-such-kid"}).status_code == 404


def test_tokens_signed_with_a_key_revoked_in_the_dashboard_stop_working(server: LiveServer, admin: Browser) -> None:
    creds = server.create_client("keys-victim")
    token = server.token(creds)
    headers = {"Authorization": f"Bearer {token}"}
    assert httpx.get(server.base_url + "/v4.0/whoami", headers=headers).status_code == 200
    signing = signing_row(admin.get("/keys").text)
    assert admin.post("/keys/revoke", {"kid": signing, "confirm_kid": signing}).status_code == 303
    assert httpx.get(server.base_url + "/v4.0/whoami", headers=headers).status_code == 401
    fresh = {"Authorization": f"Bearer {server.token(creds)}"}  # signed by the key that took over
    assert httpx.get(server.base_url + "/v4.0/whoami", headers=fresh).status_code == 200


def test_members_and_strangers_cannot_see_or_change_keys(server: LiveServer, admin: Browser) -> None:
    member = invited_member(admin, "keys-member@example.com", "member password")
    page = member.get("/applications")
    assert page.status_code == 200 and 'href="/keys"' not in page.text
    keys_before = cli_keys(server)
    kid = next(k for k, v in keys_before.items() if v["revoked_at"] is None)
    assert member.get("/keys").status_code == 404
    assert member.get(f"/keys/revoke?kid={kid}").status_code == 404
    member.get("/applications")  # a valid CSRF token of the member's own session
    assert member.post("/keys/rotate").status_code == 404
    assert member.post("/keys/revoke", {"kid": kid, "confirm_kid": kid}).status_code == 404
    assert cli_keys(server) == keys_before
    stranger = httpx.get(server.base_url + "/keys")
    assert (stranger.status_code, stranger.headers["location"]) == (303, "/sign-in?next=%2Fkeys")
    # An administrator's session without the form's CSRF token, or from another site, changes nothing either.
    assert admin.http.post("/keys/rotate", data={"csrf_token": ""}).status_code == 403
    admin.get("/keys")
    cross = admin.http.post("/keys/rotate", data={"csrf_token": admin.csrf}, headers={"sec-fetch-site": "cross-site"})
    assert cross.status_code == 403
    assert cli_keys(server) == keys_before
