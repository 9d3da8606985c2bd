"""The ASGI application: identity, the Barcode API v4, health and metrics in one process."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import anyio.to_thread
from fastapi import FastAPI
from fastapi.responses import JSONResponse
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest
from starlette.responses import Response
from starlette.routing import Route
from starlette.types import ASGIApp, Receive, Scope, Send

from barcode_cloud_server import __version__
from barcode_cloud_server.api import generate as generate_api
from barcode_cloud_server.api import recognize as recognize_api
from barcode_cloud_server.api.errors import install_error_handlers, problem_response
from barcode_cloud_server.api.generate import router as generate_router
from barcode_cloud_server.api.generate_params import PARAMS
from barcode_cloud_server.api.hotpath import GenerateHotPath
from barcode_cloud_server.api.problems import ApiProblem
from barcode_cloud_server.api.recognize import router as recognize_router
from barcode_cloud_server.api.whoami import router as whoami_router
from barcode_cloud_server.dashboard.playground_pages import PlaygroundCalls
from barcode_cloud_server.dashboard.site import install_dashboard
from barcode_cloud_server.identity.routes import router as identity_router
from barcode_cloud_server.identity.scopes import GENERATE, RECOGNIZE
from barcode_cloud_server.identity.service import Identity
from barcode_cloud_server.observability import configure_logging, metrics_registry
from barcode_cloud_server.settings import Settings
from barcode_cloud_server.storage.db import Database
from barcode_cloud_server.storage.private import make_private_dir, sqlite_files, warn_if_shared
from barcode_cloud_server.tools.mcp_http import PATH as MCP_PATH
from barcode_cloud_server.tools.mcp_http import McpEndpoint
from barcode_cloud_server.web.docs_page import install_docs
from barcode_cloud_server.web.protocols import HeadLimits, set_head_limits
from barcode_cloud_server.web.request_context import RequestContextMiddleware
from barcode_cloud_server.web.trailing_slash import StripTrailingSlash


class BarcodeCloudApp(FastAPI):
    """FastAPI with three ASGI layers in front of all of its own: the request context (id, metrics, access log),
    one trailing slash dropped, and the generate hot path. FastAPI's error, telemetry and body-limit middleware
    and its router cost more than the rest of the hottest GET's handling, which does without them; every other
    request passes through to FastAPI as usual."""

    front: ASGIApp

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            scope["app"] = self
            await self.front(scope, receive, send)
        else:
            await super().__call__(scope, receive, send)

    async def behind_front(self, scope: Scope, receive: Receive, send: Send) -> None:
        await super().__call__(scope, receive, send)


def create_app(settings: Settings, *, migrate: bool = True) -> BarcodeCloudApp:
    make_private_dir(settings.data_dir)
    db = Database(settings.resolved_database_url)
    warn_if_shared(settings.data_dir, *(sqlite_files(db.sqlite_path) if db.sqlite_path else []))
    if migrate:
        db.migrate()
    identity = Identity.open(db, settings)

    mcp = McpEndpoint(
        identity,
        allow_private_urls=settings.allow_private_urls,
        max_bytes=settings.max_upload_bytes,
        upload_seconds=settings.upload_seconds,
    )

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        identity.status.start(also=[identity.keys.reload])
        identity.usage.start(every=settings.usage_flush_seconds)
        if purger is not None:  # the dashboard's, made below with the app
            purger.start()
        try:
            async with mcp.running():
                yield
        finally:
            # After uvicorn has answered every request it accepted (SIGTERM included): their counts are in.
            if purger is not None:
                await purger.stop()
            await identity.usage.stop()
            await identity.status.stop()
            db.dispose()

    app = BarcodeCloudApp(
        title="Barcode Cloud",
        version=__version__,
        summary="Barcode generation and recognition, wire-compatible with Aspose.BarCode Cloud v4",
        lifespan=lifespan,
        # /docs is web.docs_page's, its assets served from the package; no ReDoc page (one is enough).
        docs_url=None,
        redoc_url=None,
        # FastAPI's OpenTelemetry layer checks its providers on every request; /metrics is ours.
        telemetry={"tracing": False, "metrics": False, "logs": False},
        # No 307 to the other spelling of a path (its Location comes from the Host header); StripTrailingSlash
        # drops one trailing slash instead.
        redirect_slashes=False,
    )
    app.state.settings = settings
    app.state.db = db
    app.state.identity = identity
    app.front = RequestContextMiddleware(
        StripTrailingSlash(GenerateHotPath(app.behind_front, identity)),
        record=identity.usage.record if settings.count_usage else None,
    )
    install_error_handlers(app)
    install_docs(app)
    app.include_router(generate_router)
    app.include_router(identity_router)
    app.include_router(whoami_router)
    app.include_router(recognize_router)
    app.router.routes.append(Route(MCP_PATH, mcp, methods=["GET", "POST", "DELETE"], include_in_schema=False))
    purger = install_dashboard(app, db, identity, settings, _PLAYGROUND) if settings.dashboard else None

    app.openapi = lambda: _openapi_with_security(app)  # type: ignore[method-assign]

    @app.get("/healthz", tags=["operations"], summary="Liveness")
    async def healthz() -> dict[str, str]:
        return {"status": "ok"}

    @app.get("/readyz", tags=["operations"], summary="Readiness: database reachable, keys loaded")
    async def readyz() -> JSONResponse:
        database = await anyio.to_thread.run_sync(db.ping)
        keys = identity.keys.loaded
        ready = database and keys
        return JSONResponse(
            {"status": "ok" if ready else "unavailable", "database": database, "keys": keys}, 200 if ready else 503
        )

    @app.get("/metrics", tags=["operations"], summary="Prometheus metrics", include_in_schema=False)
    async def metrics() -> Response:
        return Response(generate_latest(metrics_registry()), media_type=CONTENT_TYPE_LATEST)

    return app


# The dashboard's playground runs the API's own answers (the dashboard does not import the API).
_PLAYGROUND = PlaygroundCalls(
    generate=generate_api.answer_form,
    recognize=recognize_api.answer_form,
    problem=lambda request, status, message: problem_response(request, ApiProblem(status, message)),
    options=PARAMS,
)


def _openapi_with_security(app: FastAPI) -> dict[str, Any]:
    """FastAPI's document, plus what the spec declares and FastAPI cannot see (the routes check tokens
    themselves): the JWT oauth2 client-credentials scheme, and which scope each Barcode API operation needs.
    /docs then offers to fetch a token."""
    if app.openapi_schema is None:
        schema = FastAPI.openapi(app)
        schema.setdefault("components", {})["securitySchemes"] = {
            "JWT": {
                "type": "oauth2",
                "description": "A bearer token from /connect/token (client_credentials); "
                "send it as 'Authorization: Bearer <token>'.",
                "flows": {
                    "clientCredentials": {
                        "tokenUrl": "/connect/token",
                        "scopes": {GENERATE: "generate barcodes", RECOGNIZE: "recognize and scan barcodes"},
                    }
                },
            }
        }
        for path, operations in schema.get("paths", {}).items():
            if path.startswith("/v4.0/"):
                scope = RECOGNIZE if path.startswith(("/v4.0/barcode/recognize", "/v4.0/barcode/scan")) else GENERATE
                for operation in operations.values():
                    operation["security"] = [{"JWT": [scope]}]
        app.openapi_schema = schema
    return app.openapi_schema


def create_app_from_env() -> BarcodeCloudApp:
    """Factory for ``uvicorn --factory`` and worker processes: settings from ``BARCODE_CLOUD_*``."""
    settings = Settings.from_env()
    configure_logging(settings.log_level, settings.access_log, settings.log_format, settings.debug_logger_names)
    set_head_limits(HeadLimits(settings.max_header_bytes, settings.header_timeout))
    # The parent process (``barcode-cloud serve``) has already migrated the schema and made the first key.
    return create_app(settings, migrate=False)
