"""The options every everyday command shares to work through a server instead of in process."""

from __future__ import annotations

from typing import Annotated

import typer

from barcode_cloud_server.tools.remote import Remote

_PANEL = "Remote mode"

RemoteUrl = Annotated[
    str | None,
    typer.Option(
        "--remote",
        envvar="BARCODE_CLOUD_REMOTE",
        show_envvar=True,
        help="Work through this server (e.g. http://127.0.0.1:8080) with the SDK instead of in process.",
        rich_help_panel=_PANEL,
    ),
]
ClientId = Annotated[
    str | None,
    typer.Option(envvar="BARCODE_CLOUD_CLIENT_ID", show_envvar=True, help="Client id.", rich_help_panel=_PANEL),
]
ClientSecret = Annotated[
    str | None,
    typer.Option(envvar="BARCODE_CLOUD_CLIENT_SECRET", show_envvar=True, help="Client secret.", rich_help_panel=_PANEL),
]
AccessToken = Annotated[
    str | None,
    typer.Option(
        envvar="BARCODE_CLOUD_ACCESS_TOKEN",
        show_envvar=True,
        help="A bearer token to send as it is (instead of a client id and secret).",
        rich_help_panel=_PANEL,
    ),
]
TokenUrl = Annotated[
    str | None,
    typer.Option(
        envvar="BARCODE_CLOUD_TOKEN_URL",
        show_envvar=True,
        help="Token endpoint (default: the server's /connect/token).",
        rich_help_panel=_PANEL,
    ),
]
Jobs = Annotated[
    int | None,
    typer.Option(
        "--jobs", "-j", min=1, help="Files (or rows) at once (default: one per core in process, 8 through a server)."
    ),
]
REMOTE_JOBS = 8


def remote_from(
    url: str | None, client_id: str | None, client_secret: str | None, access_token: str | None, token_url: str | None
) -> Remote | None:
    return Remote(url, client_id, client_secret, access_token, token_url) if url else None
