"""What every dashboard request is checked for: its session, its CSRF token, where ``next=`` may lead; and the
headers of every dashboard response."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from urllib.parse import urlsplit

from starlette.requests import Request
from starlette.responses import Response

from barcode_cloud_server.dashboard.accounts import Accounts, User, session_digest

SESSION_COOKIE = "bc_session"
# Before sign-in, forms are bound to this random cookie instead of a session (login CSRF).
PRE_SESSION_COOKIE = "bc_pre"
CSRF_FIELD = "csrf_token"
CSRF_HEADER = "x-csrf-token"
HOME = "/applications"
# No inline script or style anywhere: everything comes from this origin's /static/dashboard/.
CSP = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:; connect-src 'self'; "
    "media-src 'self' blob:; form-action 'self'; frame-ancestors 'none'; base-uri 'none'"
)
HEADERS = {"content-security-policy": CSP, "cache-control": "no-store"}


class SignInRequired(Exception):
    def __init__(self, next_path: str) -> None:
        self.next_path = next_path


class Forbidden(Exception):
    """A state-changing request without a valid CSRF token, or from another site."""


class NotFound(Exception):
    """No such page, or one that is not the signed-in user's to see: both answer 404 alike."""


def safe_next(target: str | None) -> str:
    """``target`` when it is a path on this site, else the home page: never a redirect off-site."""
    if not target or not target.startswith("/") or target.startswith(("//", "/\\")):
        return HOME
    if any(ord(c) < 0x21 or c == "\\" for c in target):
        return HOME  # browsers drop tabs and newlines and read backslashes as slashes
    parts = urlsplit(target)
    if parts.scheme or parts.netloc:
        return HOME
    return target


def is_https(request: Request) -> bool:
    # uvicorn's proxy_headers has already applied X-Forwarded-Proto from trusted proxies.
    return request.url.scheme == "https"


class Guard:
    def __init__(self, accounts: Accounts, csrf_key: bytes) -> None:
        self.accounts = accounts
        self._csrf_key = csrf_key

    def user(self, request: Request) -> User | None:
        """The signed-in user, remembered on the request."""
        if not hasattr(request.state, "user"):
            session_id = request.cookies.get(SESSION_COOKIE)
            request.state.user = self.accounts.session_user(session_id) if session_id else None
        user: User | None = request.state.user
        return user

    def require_user(self, request: Request) -> User:
        user = self.user(request)
        if user is None:
            path = request.url.path + (f"?{request.url.query}" if request.url.query else "")
            raise SignInRequired(path)
        return user

    def require_admin(self, request: Request) -> User:
        user = self.require_user(request)
        if not user.is_admin:
            raise NotFound()
        return user

    def csrf_token(self, request: Request) -> str:
        """The token this request's forms carry: bound to the session, or before sign-in to the pre-session
        cookie (set by ``finish``)."""
        session_id = request.cookies.get(SESSION_COOKIE)
        if session_id and self.user(request) is not None:
            bound = b"session:" + session_digest(session_id)
        else:
            pre = request.cookies.get(PRE_SESSION_COOKIE) or getattr(request.state, "pre_session", None)
            if not pre:
                pre = request.state.pre_session = secrets.token_urlsafe(24)
            bound = b"pre:" + pre.encode("utf-8", "replace")
        return hmac.new(self._csrf_key, bound, hashlib.sha256).hexdigest()

    async def check_csrf(self, request: Request) -> None:
        """Refuse a state-changing request from another site or without this session's token."""
        if request.headers.get("sec-fetch-site") == "cross-site":
            raise Forbidden()
        sent = request.headers.get(CSRF_HEADER)
        if sent is None:
            form = await request.form()
            value = form.get(CSRF_FIELD)
            sent = value if isinstance(value, str) else ""
        if not (request.cookies.get(SESSION_COOKIE) or request.cookies.get(PRE_SESSION_COOKIE)):
            raise Forbidden()
        if not hmac.compare_digest(sent.encode("utf-8", "replace"), self.csrf_token(request).encode()):
            raise Forbidden()

    def finish(self, request: Request, response: Response) -> Response:
        """The dashboard's headers, and the pre-session cookie when a form was bound to a new one."""
        response.headers.update(HEADERS)
        pre = getattr(request.state, "pre_session", None)
        if pre and not request.cookies.get(PRE_SESSION_COOKIE):
            response.set_cookie(
                PRE_SESSION_COOKIE, pre, httponly=True, samesite="lax", secure=is_https(request), path="/"
            )
        return response

    @staticmethod
    def set_session(request: Request, response: Response, session_id: str) -> None:
        response.set_cookie(
            SESSION_COOKIE,
            session_id,
            max_age=14 * 24 * 3600,
            httponly=True,
            samesite="lax",
            secure=is_https(request),
            path="/",
        )

    @staticmethod
    def clear_session(response: Response) -> None:
        response.delete_cookie(SESSION_COOKIE, path="/")
