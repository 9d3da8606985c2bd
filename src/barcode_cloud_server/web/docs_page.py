"""/docs: FastAPI's Swagger UI page, its script, stylesheet and favicon served from the package (swagger-ui-dist,
vendored with its licence in ``swagger_ui/``), so that the page works on a server without internet access."""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI
from fastapi.openapi.docs import get_swagger_ui_html, get_swagger_ui_oauth2_redirect_html
from starlette.requests import Request
from starlette.responses import HTMLResponse, Response
from starlette.staticfiles import StaticFiles

DOCS_URL = "/docs"
OAUTH2_REDIRECT_URL = "/docs/oauth2-redirect"
OPENAPI_URL = "/openapi.json"
ASSETS = Path(__file__).parent / "swagger_ui"
ASSETS_URL = "/static/docs"


def docs_html(title: str) -> HTMLResponse:
    return get_swagger_ui_html(
        openapi_url=OPENAPI_URL,
        title=f"{title} - API docs",
        oauth2_redirect_url=OAUTH2_REDIRECT_URL,
        swagger_js_url=f"{ASSETS_URL}/swagger-ui-bundle.js",
        swagger_css_url=f"{ASSETS_URL}/swagger-ui.css",
        swagger_favicon_url=f"{ASSETS_URL}/favicon-32x32.png",
    )


def oauth2_redirect_html() -> HTMLResponse:
    return get_swagger_ui_oauth2_redirect_html()


def install_docs(app: FastAPI) -> None:
    """/docs and its OAuth2 redirect page on ``app`` (made with ``docs_url=None``), and the assets they load."""

    async def docs(request: Request) -> Response:
        return docs_html(app.title)

    async def oauth2_redirect(request: Request) -> Response:
        return oauth2_redirect_html()

    app.add_route(DOCS_URL, docs, include_in_schema=False)
    app.add_route(OAUTH2_REDIRECT_URL, oauth2_redirect, include_in_schema=False)
    app.mount(ASSETS_URL, StaticFiles(directory=ASSETS), name="docs-static")
