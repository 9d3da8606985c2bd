"""``barcode-cloud usage`` and ``barcode-cloud clients quota``: usage counts and quotas from the command line."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

from barcode_cloud_server.cli.options import setting_option

DataDir = Annotated[Path | None, setting_option("data_dir")]
DatabaseUrl = Annotated[str | None, setting_option("database_url")]


def usage(
    client_id: Annotated[
        str | None, typer.Argument(help="One application, or a user's playground:ID (default: all).")
    ] = None,
    days: Annotated[int, typer.Option("--days", min=1, max=3660, help="The last N days.")] = 30,
    data_dir: DataDir = None,
    database_url: DatabaseUrl = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON on stdout.")] = False,
) -> None:
    """Requests per application and operation over the last N days, by status class (2xx, 4xx, 429, 5xx).

    Servers add their counts to the database every few seconds, so the last seconds may not be in yet."""
    from rich.table import Table

    from barcode_cloud_server.cli.main import _open_db, _settings, err, out
    from barcode_cloud_server.identity import playground
    from barcode_cloud_server.identity.clients import ClientStore
    from barcode_cloud_server.identity.usage_report import STATUS_CLASSES, by_operation, since_days

    db = _open_db(_settings(data_dir, database_url))
    names = {info.id: info.name for info in ClientStore(db).list()} | playground.names(db)
    if client_id is not None and client_id not in names:
        err.print(f"error: no client {client_id}", highlight=False)
        raise typer.Exit(1)
    since = since_days(days)
    counts = by_operation(db, since, None if client_id is None else [client_id])
    ids = [client_id] if client_id is not None else sorted(counts, key=lambda i: (names.get(i, ""), i))
    if as_json:
        applications = [
            {
                "client_id": cid,
                "name": names.get(cid),
                "requests": sum(c.requests for c in counts.get(cid, {}).values()),
                "operations": {op: c.as_dict() for op, c in sorted(counts.get(cid, {}).items())},
            }
            for cid in ids
        ]
        print(json.dumps({"since": since.isoformat(), "days": days, "applications": applications}, indent=2))
        return
    table = Table(title=f"Requests since {since:%Y-%m-%d %H:00} UTC")
    for column in ("application", "client id", "operation", "requests", *STATUS_CLASSES):
        table.add_column(column, justify="right" if column in ("requests", *STATUS_CLASSES) else "left")
    for cid in ids:
        for operation, c in sorted(counts.get(cid, {}).items()):
            statuses = [str(c.by_status.get(s, 0)) for s in STATUS_CLASSES]
            table.add_row(names.get(cid, "(deleted)"), cid, operation, str(c.requests), *statuses)
    out.print(table)


def quota(
    client_id: str,
    daily: Annotated[int | None, typer.Option("--daily", min=0, help="Requests a UTC day; 0 clears it.")] = None,
    monthly: Annotated[
        int | None, typer.Option("--monthly", min=0, help="Requests a UTC calendar month; 0 clears it.")
    ] = None,
    data_dir: DataDir = None,
    database_url: DatabaseUrl = None,
) -> None:
    """Set or clear an application's request quotas (without options: print them). Past a quota the API answers
    429 with Retry-After until the day or month resets; servers apply a change within a few seconds."""
    from barcode_cloud_server.cli.main import _clients, err, out

    clients = _clients(data_dir, database_url)
    info = clients.get(client_id)
    if info is None:
        err.print(f"error: no client {client_id}", highlight=False)
        raise typer.Exit(1)
    new_daily = info.daily_quota if daily is None else daily or None
    new_monthly = info.monthly_quota if monthly is None else monthly or None
    if daily is not None or monthly is not None:
        clients.set_quota(client_id, new_daily, new_monthly)
    out.print(f"daily: {new_daily or 'none'}, monthly: {new_monthly or 'none'}", highlight=False)
