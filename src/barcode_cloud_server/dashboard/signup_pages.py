"""Self sign-up at /sign-up (``--self-signup``): anyone who reaches the dashboard makes a member account.

The answer is the same whether or not the email already had an account (which is left as it is), so that the
form tells no one who has an account here; the person then signs in. Every attempt counts in the sign-in
limiter, under the email as sign-in counts it: one address can make only so many accounts a minute, and the
limit's lock comes alike for emails with and without an account.
"""

from __future__ import annotations

from typing import Annotated

import anyio.to_thread
from fastapi import APIRouter, Depends, Form
from starlette.requests import Request
from starlette.responses import Response

from barcode_cloud_server.dashboard.account_pages import csrf_on_post, limiter_key
from barcode_cloud_server.dashboard.accounts import AccountError
from barcode_cloud_server.dashboard.guard import NotFound
from barcode_cloud_server.dashboard.pages import Pages
from barcode_cloud_server.identity.ratelimit import FailureLimiter

FormText = Annotated[str, Form()]


def signup_router(pages: Pages, limiter: FailureLimiter, enabled: bool) -> APIRouter:
    guard = pages.guard
    accounts = guard.accounts
    router = APIRouter(include_in_schema=False, dependencies=[Depends(csrf_on_post(guard))])

    @router.get("/sign-up")
    def sign_up_page(request: Request) -> Response:
        if not enabled:
            raise NotFound()
        if guard.user(request):
            return pages.redirect(request, "/applications")
        return pages.render(request, "sign_up.html", email="", error=None)

    @router.post("/sign-up")
    async def sign_up(
        request: Request, email: FormText = "", password: FormText = "", confirm: FormText = ""
    ) -> Response:
        if not enabled:
            raise NotFound()
        who, address = limiter_key(request, email)
        wait = await anyio.to_thread.run_sync(limiter.retry_after, who, password, address)
        if wait is not None:
            error = f"Too many attempts. Try again in {wait} seconds."
            response = pages.render(request, "sign_up.html", 429, email=email, error=error)
            response.headers["retry-after"] = str(wait)
            return response
        await anyio.to_thread.run_sync(limiter.failed, who, password, address)
        try:
            if password != confirm:
                raise AccountError("The two passwords differ.")
            await anyio.to_thread.run_sync(accounts.sign_up, email, password)
        except AccountError as exc:
            return pages.render(request, "sign_up.html", 400, email=email, error=str(exc))
        return pages.redirect(request, "/sign-in?signed_up=1")

    return router
