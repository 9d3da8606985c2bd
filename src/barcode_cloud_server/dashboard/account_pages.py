"""Sign-in and out, first-start setup and invitation links, the account page, and members (administrators)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Annotated

import anyio.to_thread
from fastapi import APIRouter, Depends, Form
from starlette.requests import Request
from starlette.responses import Response

from barcode_cloud_server.dashboard.accounts import AccountError, User
from barcode_cloud_server.dashboard.guard import SESSION_COOKIE, Guard, NotFound, safe_next
from barcode_cloud_server.dashboard.pages import Pages
from barcode_cloud_server.identity.ratelimit import FailureLimiter

FormText = Annotated[str, Form()]


def account_router(pages: Pages, limiter: FailureLimiter) -> APIRouter:
    guard: Guard = pages.guard
    accounts = guard.accounts
    router = APIRouter(include_in_schema=False, dependencies=[Depends(csrf_on_post(guard))])

    @router.get("/")
    def home(request: Request) -> Response:
        return pages.redirect(request, "/applications" if guard.user(request) else "/sign-in")

    @router.get("/sign-in")
    def sign_in_page(request: Request, next: str = "", signed_up: str = "") -> Response:
        if guard.user(request):
            return pages.redirect(request, safe_next(next))
        return pages.render(
            request, "sign_in.html", next=safe_next(next), email="", error=None, signed_up=bool(signed_up)
        )

    @router.post("/sign-in")
    async def sign_in(
        request: Request,
        email: FormText = "",
        password: FormText = "",
        next: FormText = "",
    ) -> Response:
        who, address = limiter_key(request, email)
        wait = await anyio.to_thread.run_sync(limiter.retry_after, who, password, address)
        if wait is not None:
            error = f"Too many failed attempts. Try again in {wait} seconds."
            response = pages.render(request, "sign_in.html", 429, next=safe_next(next), email=email, error=error)
            response.headers["retry-after"] = str(wait)
            return response
        user = await anyio.to_thread.run_sync(accounts.authenticate, email, password)
        if user is None:
            await anyio.to_thread.run_sync(limiter.failed, who, password, address)
            error = "That email and password do not match an active account."
            return pages.render(request, "sign_in.html", 401, next=safe_next(next), email=email, error=error)
        await anyio.to_thread.run_sync(limiter.succeeded, who, password, address)
        return await _signed_in(request, user, safe_next(next))

    async def _signed_in(request: Request, user: User, target: str) -> Response:
        session_id = await anyio.to_thread.run_sync(accounts.start_session, user.id)
        response = pages.redirect(request, target)
        guard.set_session(request, response, session_id)
        return response

    @router.post("/sign-out")
    def sign_out(request: Request) -> Response:
        session_id = request.cookies.get(SESSION_COOKIE)
        if session_id:
            accounts.end_session(session_id)
        response = pages.redirect(request, "/sign-in")
        guard.clear_session(response)
        return response

    # The link's token travels in the query string, never in the path: the access log writes paths.
    @router.get("/setup")
    def setup_page(request: Request, token: str = "") -> Response:
        link = accounts.open_link(token)
        if link is None:
            return pages.render(request, "link_spent.html", 404)
        return pages.render(request, "setup.html", token=token, target=link.user, error=None, email="")

    @router.post("/setup")
    async def setup(
        request: Request, token: FormText = "", password: FormText = "", confirm: FormText = "", email: FormText = ""
    ) -> Response:
        link = await anyio.to_thread.run_sync(accounts.open_link, token)
        if link is None:
            return pages.render(request, "link_spent.html", 404)
        try:
            if password != confirm:
                raise AccountError("The two passwords differ.")
            user = await anyio.to_thread.run_sync(accounts.use_link, token, password, email or None)
        except AccountError as exc:
            return pages.render(request, "setup.html", 400, token=token, target=link.user, error=str(exc), email=email)
        return await _signed_in(request, user, "/applications")

    @router.get("/account")
    def account_page(request: Request) -> Response:
        guard.require_user(request)
        return pages.render(request, "account.html", error=None, done=None)

    @router.post("/account/password")
    async def change_password(
        request: Request, current: FormText = "", new: FormText = "", confirm: FormText = ""
    ) -> Response:
        user = guard.require_user(request)
        try:
            if new != confirm:
                raise AccountError("The two new passwords differ.")
            await anyio.to_thread.run_sync(accounts.change_password, user.id, current, new)
        except AccountError as exc:
            return pages.render(request, "account.html", 400, error=str(exc), done=None)
        # A changed password ends every other session: whoever knew the old one is signed out.
        await anyio.to_thread.run_sync(accounts.end_all_sessions, user.id)
        return await _signed_in(request, user, "/account?changed=1")

    @router.post("/account/sign-out-everywhere")
    def sign_out_everywhere(request: Request) -> Response:
        user = guard.require_user(request)
        accounts.end_all_sessions(user.id)
        response = pages.redirect(request, "/sign-in")
        guard.clear_session(response)
        return response

    @router.get("/members")
    def members_page(request: Request) -> Response:
        guard.require_admin(request)
        return pages.render(request, "members.html", members=accounts.users(), invited=None, error=None)

    def members_with(request: Request, member: User, token: str, resent: bool) -> Response:
        invited = {"email": member.email, "link": f"{pages.origin}/setup?token={token}", "resent": resent}
        return pages.render(request, "members.html", members=accounts.users(), invited=invited, error=None)

    def members_error(request: Request, error: str) -> Response:
        return pages.render(request, "members.html", 400, members=accounts.users(), invited=None, error=error)

    @router.post("/members/invite")
    def invite(request: Request, email: FormText = "", role: FormText = "member") -> Response:
        guard.require_admin(request)
        try:
            member, token = accounts.create_user(email, admin=role == "administrator")
        except AccountError as exc:
            return members_error(request, str(exc))
        return members_with(request, member, token, resent=False)

    # Before the route below, which would take "resend" for an action it does not know.
    @router.post("/members/{member_id}/resend")
    def resend_invitation(request: Request, member_id: int) -> Response:
        guard.require_admin(request)
        try:
            member, token = accounts.reissue_link(member_id)
        except LookupError:
            raise NotFound() from None
        except AccountError as exc:
            return members_error(request, str(exc))
        return members_with(request, member, token, resent=True)

    @router.post("/members/{member_id}/{action}")
    def change_member(request: Request, member_id: int, action: str) -> Response:
        admin = guard.require_admin(request)
        if member_id == admin.id or action not in ("disable", "enable", "delete"):
            raise NotFound()  # administrators cannot lock themselves out
        if action == "delete":
            found = accounts.delete_user(member_id)
        else:
            found = accounts.set_enabled(member_id, action == "enable")
        if not found:
            raise NotFound()
        return pages.redirect(request, "/members")

    return router


def limiter_key(request: Request, email: str) -> tuple[str, str]:
    """Who a sign-in or sign-up attempt counts for in the token endpoint's failure limiter, and from where: the
    email stands for the client id, in its own namespace."""
    address = request.client.host if request.client else "unknown"
    return "user:" + email.strip().lower(), address


def csrf_on_post(guard: Guard) -> Callable[[Request], Awaitable[None]]:
    """A dependency: every request but GET and HEAD must pass the CSRF check."""

    async def check(request: Request) -> None:
        if request.method not in ("GET", "HEAD"):
            await guard.check_csrf(request)

    return check
