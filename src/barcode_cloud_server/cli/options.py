"""Command-line options made from ``Settings`` fields: the help text, variable name and default shown are the
field's, so that they are written once. The option's own default stays None: ``Settings.from_env`` then takes the
environment variable, or else the field's default."""

from __future__ import annotations

from typing import Any

import typer
from rich.markup import escape

from barcode_cloud_server.settings import env_name, field_info, shown_default


def setting_option(field: str, *declarations: str, lead: str | None = None) -> Any:
    """``typer.Option`` for ``Settings.<field>``; ``lead`` replaces the field's description where a command uses
    the setting for something narrower."""
    text = lead or field_info(field).description or ""
    # Typer renders help as Rich markup, where "[env: ...]" would be taken for a style and vanish; it would also
    # show a text default in parentheses.
    shown = escape(f"[env: {env_name(field)}] [default: {shown_default(field)}]")
    return typer.Option(*declarations, help=f"{text} {shown}", show_default=False)
