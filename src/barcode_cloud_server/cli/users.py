"""``barcode-cloud users``: dashboard accounts, made from the command line (same database as the server)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from barcode_cloud_server.cli.options import setting_option
from barcode_cloud_server.settings import Settings

if TYPE_CHECKING:
    from barcode_cloud_server.storage.db import Database

users_app = typer.Typer(help="Dashboard accounts.", no_args_is_help=True)


def setup_url(settings: Settings, token: str) -> str:
    return f"{settings.resolved_issuer}/setup?token={token}"


def first_start_link(db: Database, settings: Settings) -> str | None:
    """The one-time link that makes the first administrator, when the database has none."""
    from barcode_cloud_server.dashboard.accounts import Accounts

    token = Accounts(db, signs_in=False).first_start_link()
    return setup_url(settings, token) if token else None


@users_app.command("create")
def users_create(
    email: str,
    admin: Annotated[bool, typer.Option("--admin", help="An administrator (default: a member).")] = False,
    data_dir: Annotated[Path | None, setting_option("data_dir")] = None,
    database_url: Annotated[str | None, setting_option("database_url")] = None,
    issuer: Annotated[
        str | None, setting_option("issuer", lead="The server's public origin, the start of the printed link.")
    ] = None,
) -> None:
    """Create a dashboard account; prints its one-time link (valid 3 days) to choose a password."""
    from barcode_cloud_server.cli.main import _open_db, _settings, err, out
    from barcode_cloud_server.dashboard.accounts import AccountError, Accounts

    settings = _settings(data_dir, database_url, issuer=issuer)
    try:
        user, token = Accounts(_open_db(settings), signs_in=False).create_user(email, admin=admin)
    except AccountError as exc:
        err.print(f"error: {exc}", highlight=False)
        raise typer.Exit(1) from None
    err.print(f"Created {user.role} {user.email}. Send them this link (works once, for 3 days):", highlight=False)
    out.print(setup_url(settings, token), highlight=False, soft_wrap=True)


@users_app.command("purge")
def users_purge(
    data_dir: Annotated[Path | None, setting_option("data_dir")] = None,
    database_url: Annotated[str | None, setting_option("database_url")] = None,
) -> None:
    """Delete expired sign-in sessions and expired or used account links now (every server also does it at start
    and every 10 minutes)."""
    from barcode_cloud_server.cli.main import _open_db, _settings, err
    from barcode_cloud_server.dashboard.accounts import Accounts
    from barcode_cloud_server.dashboard.purge import PURGE_BATCH

    accounts = Accounts(_open_db(_settings(data_dir, database_url)), signs_in=False)
    sessions = links = 0
    while True:  # batch after batch, each its own short transaction, as the servers do
        purged = accounts.purge_expired(PURGE_BATCH)
        sessions, links = sessions + purged.sessions, links + purged.links
        if max(purged.sessions, purged.links) < PURGE_BATCH:
            break
    err.print(f"purged {sessions} expired sessions and {links} expired or used account links")
