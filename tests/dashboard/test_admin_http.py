"""The dashboard's administration over HTTP against a real server: the signing keys page (the same changes as
the ``keys`` commands, administrators only, CSRF), self sign-up and resent invitations."""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator

import httpx
import jwt
import pytest

from barcode_cloud_server.identity.keys import KeyState, list_signing_keys
from barcode_cloud_server.identity.keyseal import is_sealed
from barcode_cloud_server.storage.db import Database
from barcode_cloud_server.storage.tables import SigningKeyRow
from tests.support.dashboard_client import Browser, invited_member, member_id, setup_token
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


def stored_keys(server: LiveServer) -> dict[str, KeyState]:
    """The keys in the server's database, as `keys list` reads them."""
    db = Database(f"sqlite:///{server.data_dir / 'barcode-cloud.db'}")
    try:
        return {k.kid: k for k in list_signing_keys(db)}
    finally:
        db.dispose()


def published(server: LiveServer) -> set[str]:
    return {k["kid"] for k in httpx.get(server.base_url + "/.well-known/jwks.json").json()["keys"]}


def signing_row(page: str) -> str:
    rows = re.findall(r'<tr class="current">.*?<code>([^<]+)</code>', page, re.DOTALL)
    assert len(rows) == 1, page
    return str(rows[0])


def test_the_keys_page_lists_what_keys_list_shows_and_marks_the_signing_key(server: LiveServer, admin: Browser) -> None:
    page = admin.get("/keys")
    assert page.status_code == 200
    stored = {k["kid"]: k for k in json.loads(server.cli("keys", "list", "--json").stdout)}
    for kid in stored:
        assert f"<code>{kid}</code>" in page.text
    signing = signing_row(page.text)
    assert signing in stored and "signing now" in page.text
    assert jwt.get_unverified_header(server.token())["kid"] == signing  # the key tokens come signed with
    assert 'href="/keys"' in page.text  # the nav link, for administrators


def test_rotate_makes_a_published_key_that_signs_after_the_activation_wait(server: LiveServer, admin: Browser) -> None:
    before = set(stored_keys(server))
    old_signing = signing_row(admin.get("/keys").text)
    answer = admin.post("/keys/rotate")
    assert answer.status_code == 303
    made = set(stored_keys(server)) - before
    assert len(made) == 1
    (kid,) = made
    assert answer.headers["location"] == f"/keys?rotated={kid}"
    page = admin.get(answer.headers["location"]).text
    assert f"New key <code>{kid}</code> is published now" in page
    assert signing_row(page) == old_signing  # the new key signs a minute later, as `keys rotate` makes it
    assert kid in published(server)
    assert stored_keys(server)[old_signing].retired_at is not None
    # A crafted notice about a key that does not exist shows nothing.
    assert "is published now" not in admin.get("/keys?rotated=made-up").text


def test_revoke_needs_the_typed_key_id_and_does_what_keys_revoke_does(server: LiveServer, admin: Browser) -> None:
    signing = signing_row(admin.get("/keys").text)
    confirm = admin.get(f"/keys/revoke?kid={signing}")
    assert confirm.status_code == 200 and "It is the key that signs now" in confirm.text
    wrong = admin.post("/keys/revoke", {"kid": signing, "confirm_kid": signing[:-1]})
    assert wrong.status_code == 400 and "Type the key id exactly" in wrong.text
    assert stored_keys(server)[signing].revoked_at is None
    answer = admin.post("/keys/revoke", {"kid": signing, "confirm_kid": signing})
    assert (answer.status_code, answer.headers["location"]) == (303, f"/keys?revoked={signing}")
    assert stored_keys(server)[signing].revoked_at is not None
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
    keys_before = stored_keys(server)
    kid = next(k for k, v in keys_before.items() if v.revoked_at is None)
    assert member.get("/keys").status_code == 404
    assert member.get(f"/keys/revoke?kid={kid}").status_code == 404
    member.get("/applications")  # a valid CSRF token of the member's own session
    assert member.post("/keys/rotate").status_code == 404
    assert member.post("/keys/revoke", {"kid": kid, "confirm_kid": kid}).status_code == 404
    assert stored_keys(server) == keys_before
    stranger = httpx.get(server.base_url + "/keys")
    assert (stranger.status_code, stranger.headers["location"]) == (303, "/sign-in?next=%2Fkeys")
    # An administrator's session without the form's CSRF token, or from another site, changes nothing either.
    assert admin.http.post("/keys/rotate", data={"csrf_token": ""}).status_code == 403
    admin.get("/keys")
    cross = admin.http.post("/keys/rotate", data={"csrf_token": admin.csrf}, headers={"sec-fetch-site": "cross-site"})
    assert cross.status_code == 403
    assert stored_keys(server) == keys_before


def test_keys_made_in_the_dashboard_are_encrypted_with_the_servers_key(
    start_server: Callable[..., LiveServer],
) -> None:
    live = start_server(env={"BARCODE_CLOUD_KEY_ENCRYPTION_KEY": "dashboard-test-key-encryption-key-0123456789"})
    admin = Browser(live)
    assert admin.set_up(setup_token(live.logs()), PASSWORD, ADMIN).status_code == 303
    admin.get("/keys")
    made = admin.post("/keys/rotate").headers["location"].removeprefix("/keys?rotated=")
    db = Database(f"sqlite:///{live.data_dir / 'barcode-cloud.db'}")
    with db.session() as session:
        row = session.get(SigningKeyRow, made)
        assert row is not None and is_sealed(row.private_pem)
    db.dispose()
    assert made in published(live)


@pytest.fixture(scope="module")
def open_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    with running_server(tmp_path_factory.mktemp("signup"), args=("--self-signup",)) as live:
        yield live


def sign_up(server: LiveServer, email: str, password: str, confirm: str | None = None) -> httpx.Response:
    browser = Browser(server)
    browser.get("/sign-up")
    return browser.post("/sign-up", {"email": email, "password": password, "confirm": confirm or password})


def test_self_sign_up_is_off_by_default(server: LiveServer, admin: Browser) -> None:
    stranger = Browser(server)
    page = stranger.get("/sign-in")
    assert "/sign-up" not in page.text and "Ask an administrator" in page.text
    assert stranger.get("/sign-up").status_code == 404
    answer = stranger.post(
        "/sign-up", {"email": "eve@example.com", "password": "eve password", "confirm": "eve password"}
    )
    assert answer.status_code == 404
    assert Browser(server).sign_in("eve@example.com", "eve password").status_code == 401


def test_self_sign_up_makes_a_member_who_then_signs_in(open_server: LiveServer) -> None:
    assert 'href="/sign-up"' in Browser(open_server).get("/sign-in").text
    answer = sign_up(open_server, "new@example.com", "new password 1")
    assert (answer.status_code, answer.headers["location"]) == (303, "/sign-in?signed_up=1")
    assert "bc_session" not in answer.headers.get("set-cookie", "")  # signed in only by signing in
    member = Browser(open_server)
    assert member.sign_in("new@example.com", "new password 1").status_code == 303
    page = member.get("/applications")
    assert page.status_code == 200 and 'href="/members"' not in page.text and 'href="/keys"' not in page.text
    assert member.get("/members").status_code == 404
    client_id, _ = member.create_application("self-made")
    info = open_server.clients.get(client_id)
    assert info is not None and info.owner_id is not None


def test_self_sign_up_answers_alike_for_a_taken_email_and_leaves_its_account_alone(open_server: LiveServer) -> None:
    first = sign_up(open_server, "taken@example.com", "first password")
    again = sign_up(open_server, "Taken@Example.com", "other password")
    assert (again.status_code, again.headers["location"]) == (first.status_code, first.headers["location"])
    assert again.text == first.text
    assert Browser(open_server).sign_in("taken@example.com", "first password").status_code == 303
    assert Browser(open_server).sign_in("taken@example.com", "other password").status_code == 401


def test_self_sign_up_says_what_is_wrong_with_its_form(open_server: LiveServer) -> None:
    for email, password, confirm, message in (
        ("not-an-email", "long enough 1", None, "Enter an email address"),
        ("short@example.com", "short", None, "at least 10 characters"),
        ("differ@example.com", "long enough 1", "long enough 2", "The two passwords differ"),
    ):
        answer = sign_up(open_server, email, password, confirm)
        assert answer.status_code == 400 and message in answer.text, email
    assert Browser(open_server).sign_in("differ@example.com", "long enough 1").status_code == 401


def test_self_sign_up_needs_csrf_and_is_limited_like_sign_in(open_server: LiveServer) -> None:
    forged = httpx.post(
        open_server.base_url + "/sign-up",
        data={"email": "forged@example.com", "password": "forged password", "confirm": "forged password"},
    )
    assert forged.status_code == 403
    assert Browser(open_server).sign_in("forged@example.com", "forged password").status_code == 401
    answers = [sign_up(open_server, "flood@example.com", "flood password").status_code for _ in range(11)]
    assert answers == [303] * 10 + [429]
    locked = sign_up(open_server, "flood@example.com", "flood password")
    assert locked.status_code == 429 and int(locked.headers["retry-after"]) > 0


def test_a_resent_invitation_works_and_voids_the_one_before(server: LiveServer, admin: Browser) -> None:
    old_token = admin.invite("late@example.com")
    who = member_id(admin, "late@example.com")
    assert 'Resend invitation<span class="sr-only"> to late@example.com' in admin.get("/members").text
    page = admin.post(f"/members/{who}/resend")
    assert page.status_code == 200 and "the links sent before no longer work" in page.text
    new_token = setup_token(page.text)
    assert new_token != old_token
    late = Browser(server)
    assert late.get(f"/setup?token={old_token}").status_code == 404
    late.get("/sign-in")  # a form's CSRF token: the spent link's page has no form
    form = {"token": old_token, "password": "late password", "confirm": "late password"}
    assert late.post("/setup", form).status_code == 404
    assert late.set_up(new_token, "late password").status_code == 303
    assert late.get("/applications").status_code == 200
    # Once the password is chosen there is no invitation left to resend.
    assert 'Resend invitation<span class="sr-only"> to late@example.com' not in admin.get("/members").text
    again = admin.post(f"/members/{who}/resend")
    assert again.status_code == 400 and "has already chosen a password" in again.text
    admin.get("/members")
    assert admin.post("/members/999999/resend").status_code == 404


def test_a_disabled_account_gets_no_new_invitation_and_members_resend_nothing(
    server: LiveServer, admin: Browser
) -> None:
    token = admin.invite("paused@example.com")
    who = member_id(admin, "paused@example.com")
    assert admin.post(f"/members/{who}/disable").status_code == 303
    admin.get("/members")
    refused = admin.post(f"/members/{who}/resend")
    assert refused.status_code == 400 and "enable the account" in refused.text
    member = invited_member(admin, "resender@example.com", "member password")
    member.get("/applications")
    admin.get("/members")
    assert admin.post(f"/members/{who}/enable").status_code == 303
    assert member.post(f"/members/{who}/resend").status_code == 404
    assert Browser(server).get(f"/setup?token={token}").status_code == 200  # the link it had still works
