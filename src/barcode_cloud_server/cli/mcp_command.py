"""``barcode-cloud mcp``: the MCP tools over stdio, for an agent host that starts the command itself."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from barcode_cloud_server.cli.remote_options import (
    AccessToken,
    ClientId,
    ClientSecret,
    RemoteUrl,
    TokenUrl,
    remote_from,
)
from barcode_cloud_server.tools.errors import ToolError

_EPILOG = """Example, in an agent host's configuration (e.g. Claude Desktop's claude_desktop_config.json):

  {"mcpServers": {"barcode-cloud": {"command": "barcode-cloud", "args": ["mcp", "--root", "/home/me/scans"]}}}
"""


def mcp(
    root: Annotated[
        Path,
        typer.Option(
            file_okay=False,
            exists=True,
            help="The folder whose files the tools may read and write (symbolic links out of it are refused).",
        ),
    ] = Path(),
    allow_private_urls: Annotated[
        bool, typer.Option(help="Let image URLs reach loopback, private and link-local addresses.")
    ] = False,
    remote_url: RemoteUrl = None,
    client_id: ClientId = None,
    client_secret: ClientSecret = None,
    access_token: AccessToken = None,
    token_url: TokenUrl = None,
) -> None:
    """Serve the MCP tools generate_barcode, recognize_barcode, scan_barcode and list_barcode_types over stdio,
    on the engine in process or on a server (--remote)."""
    from barcode_cloud_server.cli.main import err
    from barcode_cloud_server.tools.mcp_server import Backend, build_server

    remote = remote_from(remote_url, client_id, client_secret, access_token, token_url)
    try:
        if remote is not None:
            remote.configuration()
    except ToolError as exc:
        err.print(f"error: {exc.message}", highlight=False, markup=False, soft_wrap=True)
        raise typer.Exit(2) from None
    build_server(Backend(remote, root.resolve(), allow_private_urls)).run("stdio")


def register(app: typer.Typer) -> None:
    app.command("mcp", epilog=_EPILOG)(mcp)
