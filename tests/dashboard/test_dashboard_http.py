"""The dashboard over HTTP against a real server: first-start setup, sign-in and its limits, sessions, CSRF,
``next=``, headers, and ownership of applications tried with crafted requests."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import httpx
import pytest

from barcode_cloud_server.dashboard.accounts import Accounts
from barcode_cloud_server.dashboard.guard import safe_next
from barcode_cloud_server.storage.db import Database
from tests.support.dashboard_client import Browser, setup_token
from tests.support.servers import LiveServer, running_server

ADMIN = "admin@example.com"
PASSWORD = "admin password 1"


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    with running_server(tmp_path_factory.mktemp("dash")) as live:
        yield live


@pytest.fixture(scope="module")
def admin(server: LiveServer) -> Browser:
    browser = Browser(server)
    answer = browser.set_up(setup_token(server.logs()), PASSWORD, ADMIN)
    assert (answer.status_code, answer.headers["location"]) == (303, "/applications")
    return browser


def invite(admin: Browser, email: str, password: str) -> Browser:
    admin.get("/members")
    page = admin.post("/members/invite", {"email": email, "role": "member"})
    assert page.status_code == 200
    member = Browser(admin.server)
    assert member.set_up(setup_token(page.text), password).status_code == 303
    return member


def token_status(server: LiveServer, client_id: str, secret: str) -> int:
    form = {"grant_type": "client_credentials", "client_id": client_id, "client_secret": secret}
    return httpx.post(server.token_url, data=form, timeout=10).status_code


def test_first_start_prints_a_setup_link_that_makes_the_administrator_once(server: LiveServer, admin: Browser) -> None:
    assert "No administrator yet: set one up at" in server.logs()
    assert admin.get("/applications").status_code == 200
    again = Browser(server).get(f"/setup?token={setup_token(server.logs())}")
    assert again.status_code == 404 and "not valid" in again.text
    anonymous = httpx.get(server.base_url + "/applications?x=1")
    assert (anonymous.status_code, anonymous.headers["location"]) == (303, "/sign-in?next=%2Fapplications%3Fx%3D1")


def test_pages_carry_a_strict_policy_and_the_session_cookie_is_http_only(server: LiveServer) -> None:
    browser = Browser(server)
    page = browser.get("/sign-in")
    policy = page.headers.get_list("content-security-policy")
    assert len(policy) == 1
    directives = dict(d.split(" ", 1) for d in policy[0].split("; "))
    assert directives["script-src"] == "'self'" and directives["frame-ancestors"] == "'none'"
    assert "unsafe-inline" not in policy[0] and "<script>" not in page.text
    assert page.headers["referrer-policy"] == "no-referrer" and page.headers["x-frame-options"] == "DENY"
    signed_in = browser.post("/sign-in", {"email": ADMIN, "password": PASSWORD})
    cookie = signed_in.headers["set-cookie"].lower()
    assert cookie.startswith("bc_session=") and "httponly" in cookie and "samesite=lax" in cookie
    assert "secure" not in cookie  # plain http here; https gets Secure
    assert (
        httpx.get(server.base_url + "/v4.0/barcode/generate/QR?data=1")
        .headers["content-security-policy"]
        .startswith("default-src 'none'")
    )


@pytest.mark.parametrize(
    ("target", "expected"),
    [
        ("/members", "/members"),
        ("/applications?x=1", "/applications?x=1"),
        ("//evil.example", "/applications"),
        ("/\\evil.example", "/applications"),
        ("https://evil.example/", "/applications"),
        ("/\t/evil.example", "/applications"),
        ("javascript:alert(1)", "/applications"),
        ("", "/applications"),
    ],
)
def test_next_never_leads_off_site(target: str, expected: str) -> None:
    assert safe_next(target) == expected


def test_sign_in_follows_next_only_on_site(server: LiveServer, admin: Browser) -> None:
    for target, expected in (("/account", "/account"), ("//evil.example/x", "/applications")):
        browser = Browser(server)
        browser.get("/sign-in")
        answer = browser.post("/sign-in", {"email": ADMIN, "password": PASSWORD, "next": target})
        assert answer.headers["location"] == expected


def test_state_changing_requests_need_the_sessions_csrf_token(server: LiveServer, admin: Browser) -> None:
    other = Browser(server)
    other.sign_in(ADMIN, PASSWORD)
    other.get("/applications")
    before = len(server.clients.list())
    for token, headers in (("", {}), (other.csrf, {}), (admin.csrf, {"sec-fetch-site": "cross-site"})):
        answer = admin.http.post(
            "/applications", data={"csrf_token": token, "name": "forged", "scope": "barcode.generate"}, headers=headers
        )
        assert answer.status_code == 403, token
    assert len(server.clients.list()) == before
    # Without a token, sign-out is refused too: a foreign page cannot sign anyone out.
    assert admin.http.post("/sign-out").status_code == 403
    assert admin.get("/applications").status_code == 200
    # The header works in place of the form field (the playground's fetch calls).
    header = admin.http.post(
        "/applications",
        data={"name": "by-header", "scope": "barcode.generate"},
        headers={"x-csrf-token": admin.get("/applications").text.split('name="csrf-token" content="')[1][:64]},
    )
    assert header.status_code == 200 and "by-header" in header.text


def test_sign_in_failures_are_limited_without_locking_out_the_right_password(
    server: LiveServer, admin: Browser
) -> None:
    browser = Browser(server)
    answers = [browser.sign_in(ADMIN, "wrong password!").status_code for _ in range(11)]
    assert answers == [401] * 10 + [429]
    locked = browser.sign_in(ADMIN, "wrong password!")
    assert locked.status_code == 429 and int(locked.headers["retry-after"]) > 0
    assert "Too many failed attempts" in locked.text
    assert Browser(server).sign_in(ADMIN, PASSWORD).status_code == 303


def test_sign_out_everywhere_and_a_new_password_end_the_other_sessions(server: LiveServer, admin: Browser) -> None:
    member = invite(admin, "sessions@example.com", "first password")
    laptop = Browser(server)
    laptop.sign_in("sessions@example.com", "first password")
    member.get("/account")
    changed = member.post(
        "/account/password", {"current": "first password", "new": "second password", "confirm": "second password"}
    )
    assert changed.status_code == 303
    assert member.get("/account").status_code == 200  # this browser got a new session
    assert laptop.get("/account").status_code == 303  # the other one is signed out
    assert Browser(server).sign_in("sessions@example.com", "first password").status_code == 401
    member.get("/account")
    member.post("/account/sign-out-everywhere")
    assert member.get("/account").status_code == 303


def test_a_member_cannot_see_or_change_another_members_application(server: LiveServer, admin: Browser) -> None:
    alice = invite(admin, "alice@example.com", "alice password")
    bob = invite(admin, "bob@example.com", "bob password")
    client_id, secret = alice.create_application("alice-app")
    cli_made = server.create_client("cli-app")
    assert "alice-app" in alice.get("/applications").text
    listing = bob.get("/applications").text
    assert "alice-app" not in listing and client_id not in listing and "cli-app" not in listing
    assert bob.get(f"/applications/{client_id}").status_code == 404
    assert bob.get(f"/applications/{cli_made.client_id}").status_code == 404
    bob.get("/applications")  # a valid CSRF token of Bob's own session
    crafted: list[tuple[str, dict[str, str]]] = [
        ("rotate", {"overlap": "0"}),
        ("disable", {}),
        ("delete", {"confirm_name": "alice-app"}),
        ("quota", {"daily": "1"}),
    ]
    for action, form in crafted:
        assert bob.post(f"/applications/{client_id}/{action}", form).status_code == 404, action
    info = server.clients.get(client_id)
    assert info is not None and info.enabled and info.daily_quota is None
    assert token_status(server, client_id, secret) == 200
    everything = admin.get("/applications").text
    assert "alice-app" in everything and "cli-app" in everything and "alice@example.com" in everything
    assert admin.get(f"/applications/{client_id}").status_code == 200


def test_members_cannot_reach_administrator_pages(server: LiveServer, admin: Browser) -> None:
    carol = invite(admin, "carol@example.com", "carol password")
    assert carol.get("/members").status_code == 404
    assert carol.post("/members/invite", {"email": "mallory@example.com"}).status_code == 404
    assert "mallory" not in admin.get("/members").text


def test_an_administrator_disables_and_deletes_members(server: LiveServer, admin: Browser) -> None:
    dave = invite(admin, "dave@example.com", "dave password")
    client_id, secret = dave.create_application("dave-app")
    member_id = next(u.id for u in accounts_of(server).users() if u.email == "dave@example.com")
    admin.get("/members")
    assert admin.post(f"/members/{member_id}/disable").status_code == 303
    assert dave.get("/applications").status_code == 303
    assert Browser(server).sign_in("dave@example.com", "dave password").status_code == 401
    admin.get("/members")
    assert admin.post(f"/members/{member_id}/delete").status_code == 303
    assert "dave@example.com" not in admin.get("/members").text
    info = server.clients.get(client_id)
    # A disabled account's applications stay disabled without it: deleting it does not bring them back.
    assert info is not None and info.owner_id is None and not info.enabled
    assert token_status(server, client_id, secret) == 401


def accounts_of(server: LiveServer) -> Accounts:
    return Accounts(Database(f"sqlite:///{server.data_dir / 'barcode-cloud.db'}"))


def test_users_create_prints_a_link_that_sets_the_password(server: LiveServer) -> None:
    made = server.cli("users", "create", "cli-admin@example.com", "--admin")
    assert "Created administrator cli-admin@example.com" in made.stderr
    browser = Browser(server)
    assert browser.set_up(setup_token(made.stdout), "cli password 1").status_code == 303
    assert "Members" in browser.get("/applications").text
    twice = server.cli("users", "create", "cli-admin@example.com", check=False)
    assert twice.returncode == 1 and "already an account" in twice.stderr


def test_no_dashboard_answers_404_at_its_paths(start_server: Callable[..., LiveServer]) -> None:
    live = start_server("--no-dashboard")
    for path in ("/", "/sign-in", "/applications", "/static/dashboard/dashboard.css"):
        assert httpx.get(live.base_url + path).status_code == 404, path
    assert "No administrator yet" not in live.logs()
    assert httpx.get(live.base_url + "/readyz").status_code == 200


def test_passwords_session_ids_and_link_tokens_never_reach_the_log(server: LiveServer, admin: Browser) -> None:
    admin.get("/members")
    invitation = admin.post("/members/invite", {"email": "quiet@example.com", "role": "member"})
    token = setup_token(invitation.text)
    member = Browser(server)
    member.set_up(token, "quiet password")
    logs = server.logs_once('"path": "/setup"')
    for secret in (
        PASSWORD,
        "quiet password",
        token,
        admin.http.cookies["bc_session"],
        member.http.cookies["bc_session"],
    ):
        assert secret not in logs


def test_form_bodies_past_64_kb_are_refused_before_they_are_parsed(server: LiveServer) -> None:
    big = {"email": "a@example.com", "password": "x" * 70_000}
    declared = httpx.post(server.base_url + "/sign-in", data=big, timeout=10)
    assert declared.status_code == 413 and "65536" in declared.text

    def chunks() -> Iterator[bytes]:  # no Content-Length: the limit must hold while the body arrives
        yield b"email=a%40example.com&password="
        for _ in range(20):
            yield b"x" * 8192

    streamed = httpx.post(
        server.base_url + "/sign-in",
        content=chunks(),
        headers={"Content-Type": "application/x-www-form-urlencoded"},
        timeout=10,
    )
    assert streamed.status_code == 413 and "65536" in streamed.text
    assert httpx.get(server.base_url + "/healthz", timeout=5).status_code == 200
