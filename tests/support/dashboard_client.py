"""A browser-like HTTP client for the dashboard's pages: cookies, and the CSRF token read from each form."""

from __future__ import annotations

import re
from urllib.parse import parse_qs, urlsplit

import httpx

from tests.support.servers import LiveServer

_CSRF = re.compile(r'name="csrf_token" value="([0-9a-f]+)"')
_SETUP_LINK = re.compile(r"(http://\S+/setup\?token=[\w-]+)")


def setup_token(text: str) -> str:
    """The token of the last setup link in ``text`` (a server log, a command's output, a page)."""
    links = _SETUP_LINK.findall(text)
    assert links, text[-2000:]
    return parse_qs(urlsplit(links[-1]).query)["token"][0]


class Browser:
    def __init__(self, server: LiveServer) -> None:
        self.server = server
        self.http = httpx.Client(base_url=server.base_url, timeout=30)
        self.csrf = ""

    def get(self, path: str) -> httpx.Response:
        response = self.http.get(path)
        found = _CSRF.search(response.text)
        if found:
            self.csrf = found.group(1)
        return response

    def post(self, path: str, data: dict[str, str | list[str]] | None = None, **kwargs: object) -> httpx.Response:
        response = self.http.post(path, data={"csrf_token": self.csrf, **(data or {})}, **kwargs)  # type: ignore[arg-type]
        found = _CSRF.search(response.text)
        if found:
            self.csrf = found.group(1)
        return response

    def sign_in(self, email: str, password: str) -> httpx.Response:
        self.get("/sign-in")
        return self.post("/sign-in", {"email": email, "password": password})

    def set_up(self, token: str, password: str, email: str = "") -> httpx.Response:
        self.get(f"/setup?token={token}")
        return self.post("/setup", {"token": token, "password": password, "confirm": password, "email": email})

    def create_application(self, name: str, scopes: tuple[str, ...] = ("barcode.generate",)) -> tuple[str, str]:
        """The new application's client id and secret, read from the page that shows them once."""
        self.get("/applications")
        page = self.post("/applications", {"name": name, "scope": list(scopes)})
        assert page.status_code == 200, page.text
        client_id = re.search(r'id="client-id">([^<]+)<', page.text)
        secret = re.search(r'id="client-secret">([^<]+)<', page.text)
        assert client_id and secret
        return client_id.group(1), secret.group(1)

    def invite(self, email: str, role: str = "member") -> str:
        """As an administrator: the one-time link of a new invitation for ``email``."""
        self.get("/members")
        page = self.post("/members/invite", {"email": email, "role": role})
        assert page.status_code == 200, page.text
        return setup_token(page.text)


def invited_member(admin: Browser, email: str, password: str) -> Browser:
    """A new member, invited by ``admin`` and signed in with ``password``."""
    member = Browser(admin.server)
    assert member.set_up(admin.invite(email), password).status_code == 303
    return member


def member_id(admin: Browser, email: str) -> int:
    """As an administrator: the id of the account with ``email``, read from the members page."""
    page = admin.get("/members").text
    found = re.search(rf"<td data-label=\"Email\">{re.escape(email)}</td>.*?/members/(\d+)/", page, re.DOTALL)
    assert found, page
    return int(found.group(1))
