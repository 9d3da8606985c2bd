"""Puts the dashboard on an app: its pages, its static files, and the answers to its own exceptions."""

from __future__ import annotations

from urllib.parse import urlencode

from fastapi import FastAPI
from starlette.requests import Request
from starlette.responses import Response
from starlette.staticfiles import StaticFiles

from barcode_cloud_server.dashboard.account_pages import account_router
from barcode_cloud_server.dashboard.accounts import Accounts
from barcode_cloud_server.dashboard.application_pages import application_router
from barcode_cloud_server.dashboard.guard import Forbidden, Guard, NotFound, SignInRequired
from barcode_cloud_server.dashboard.key_pages import key_router
from barcode_cloud_server.dashboard.pages import HERE, STATIC_URL, Pages
from barcode_cloud_server.dashboard.playground_pages import PlaygroundCalls, playground_router
from barcode_cloud_server.dashboard.purge import Purger
from barcode_cloud_server.dashboard.signup_pages import signup_router
from barcode_cloud_server.dashboard.usage_pages import BadPeriod, usage_router
from barcode_cloud_server.identity.keyseal import key_sealer
from barcode_cloud_server.identity.service import Identity
from barcode_cloud_server.settings import Settings
from barcode_cloud_server.storage.db import Database
from barcode_cloud_server.web.request_body import BodyLimit


def install_dashboard(
    app: FastAPI, db: Database, identity: Identity, settings: Settings, playground: PlaygroundCalls
) -> Purger:
    """The dashboard on ``app``; the purger that the app's lifespan runs."""
    accounts = Accounts(db)
    guard = Guard(accounts, identity.clients.derived_key("dashboard csrf"))
    pages = Pages(guard, settings.resolved_issuer)
    pages.templates.env.globals["self_signup"] = settings.self_signup
    app.include_router(account_router(pages, identity.limiter))
    app.include_router(signup_router(pages, identity.limiter, settings.self_signup))
    app.include_router(application_router(pages, identity.clients, db))
    app.include_router(usage_router(pages, identity.clients, db))
    app.include_router(playground_router(pages, playground, db))
    sealer = key_sealer(settings.key_encryption_key)
    app.include_router(key_router(pages, db, identity.keys, settings.token_lifetime, sealer))
    app.mount(STATIC_URL, StaticFiles(directory=HERE / "static"), name="dashboard-static")
    # The pages' forms are small; the API's bodies and /mcp have limits of their own.
    app.add_middleware(BodyLimit, limit=FORM_MAX_BYTES, applies=lambda path: not path.startswith(_OWN_LIMITS))

    async def sign_in_required(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, SignInRequired)
        return pages.redirect(request, "/sign-in?" + urlencode({"next": exc.next_path}))

    async def forbidden(request: Request, exc: Exception) -> Response:
        return pages.render(request, "error.html", 403, title="This form has expired", message=_EXPIRED)

    async def not_found(request: Request, exc: Exception) -> Response:
        return pages.render(request, "error.html", 404, title="Not found", message=_NOT_FOUND)

    async def bad_period(request: Request, exc: Exception) -> Response:
        return pages.render(request, "error.html", 400, title="No such period", message=BadPeriod.message)

    app.add_exception_handler(SignInRequired, sign_in_required)
    app.add_exception_handler(BadPeriod, bad_period)
    app.add_exception_handler(Forbidden, forbidden)
    app.add_exception_handler(NotFound, not_found)
    return Purger(accounts)


FORM_MAX_BYTES = 64 * 1024
# The playground's calls read their bodies with the API's limits.
_OWN_LIMITS = ("/v4.0/", "/mcp", "/connect/token", "/playground/")
_EXPIRED = "The page was open too long or came from another site. Go back, reload it and try again."
_NOT_FOUND = "There is nothing here, or it is not yours to see."
