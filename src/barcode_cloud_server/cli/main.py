"""The ``barcode-cloud`` command: run the service and administer it (same database as the server)."""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from barcode_cloud_server.cli.lazy import lazy_group
from barcode_cloud_server.cli.options import setting_option
from barcode_cloud_server.cli.usage import quota, usage
from barcode_cloud_server.cli.users import first_start_link, users_app
from barcode_cloud_server.settings import Settings

# Every command pays for what this module and the modules of the commands it registers import, so commands import
# the rest (the database, identity, uvicorn, the app) in their bodies; bench/bench_cli_start.py measures it.


def _register_everyday(app: typer.Typer) -> None:
    """The commands on the SDK, the tools and the engine: registered when one of them runs (cli.lazy)."""
    from barcode_cloud_server.cli import doctor, generate, mcp_command, recognize

    generate.register(app)
    recognize.register(app)
    doctor.register(app)
    mcp_command.register(app)


# The first paragraphs of their help, line breaks included, for the list of commands (a test checks them).
_EVERYDAY = {
    "generate": "Generate a barcode image, or one per row of a CSV file (--batch), in process or through a server.",
    "recognize": "Read the barcodes of the given types in images and PDFs (every page).",
    "scan": "Read every barcode of every type in images and PDFs (every page), as the API's scan does.",
    "doctor": "Check a configuration end to end: server reachable, discovery, a token, one generate and one recognize;"
    "\neach failed step says what is wrong and how to fix it (exit status 1).",
    "mcp": "Serve the MCP tools generate_barcode, recognize_barcode, scan_barcode and list_barcode_types over stdio,"
    "\non the engine in process or on a server (--remote).",
}

app = typer.Typer(
    cls=lazy_group(_register_everyday, _EVERYDAY),
    help="Barcode Cloud: barcode generation and recognition service.",
    no_args_is_help=True,
)
clients_app = typer.Typer(help="Applications (OAuth clients) and their secrets.", no_args_is_help=True)
keys_app = typer.Typer(help="Token signing keys.", no_args_is_help=True)
app.add_typer(clients_app, name="clients")
app.add_typer(keys_app, name="keys")
app.add_typer(users_app, name="users")
app.command("usage")(usage)
clients_app.command("quota")(quota)

out = Console(width=None if sys.stdout.isatty() else 200)
err = Console(stderr=True)

DataDir = Annotated[Path | None, setting_option("data_dir")]
DatabaseUrl = Annotated[str | None, setting_option("database_url")]
JsonFlag = Annotated[bool, typer.Option("--json", help="Print JSON on stdout.")]


def _settings(data_dir: Path | None, database_url: str | None, **more: object) -> Settings:
    from pydantic import ValidationError

    try:
        return Settings.from_env(data_dir=data_dir, database_url=database_url, **more)
    except ValidationError as exc:  # a bad option or BARCODE_CLOUD_* value: say which, without a traceback
        for problem in exc.errors():
            name = ".".join(str(part) for part in problem["loc"])
            err.print(f"error: {name}: {problem['msg']}", highlight=False)
        raise typer.Exit(2) from None


@contextmanager
def _key_store_errors() -> Iterator[None]:
    """Signing keys that cannot be read with the key encryption key given: say why and exit 2."""
    from barcode_cloud_server.identity.keyseal import KeyStoreLocked

    try:
        yield
    except KeyStoreLocked as exc:
        err.print(f"error: {exc}", highlight=False)
        raise typer.Exit(2) from None


@contextmanager
def _database_errors(url: str) -> Iterator[None]:
    """A database out of reach (not up yet, refused, wrong password): say which and why in one line, exit 1."""
    from sqlalchemy.exc import OperationalError

    try:
        yield
    except OperationalError as exc:
        reason = " ".join(str(exc.orig or exc).split())  # the driver's words, never the statement or the password
        err.print(f"error: database {_safe_url(url)}: {reason}", highlight=False, soft_wrap=True)
        raise typer.Exit(1) from None


def _database(settings: Settings):  # type: ignore[no-untyped-def]
    """The data folder made and the database opened (no connection yet), or exit 1 saying which file and why."""
    from barcode_cloud_server.storage.db import Database
    from barcode_cloud_server.storage.private import make_private_dir

    try:
        make_private_dir(settings.data_dir)
        return Database(settings.resolved_database_url)
    except OSError as exc:  # e.g. a volume on the image's /data that its user may not write
        where = Path(exc.filename).absolute() if exc.filename else settings.data_dir
        err.print(f"error: {where}: {exc.strerror or exc}", highlight=False, soft_wrap=True)
        raise typer.Exit(1) from None


def _open_db(settings: Settings):  # type: ignore[no-untyped-def]
    db = _database(settings)
    with _database_errors(settings.resolved_database_url):
        db.migrate()
    return db


def _checked_db(settings: Settings):  # type: ignore[no-untyped-def]
    """The database as it is, or exit 2 when its schema is older than this code (``serve --no-migrate``)."""
    from barcode_cloud_server.storage.db import SchemaTooOld

    db = _database(settings)
    try:
        with _database_errors(settings.resolved_database_url):
            unknown = db.check_schema()
    except SchemaTooOld as exc:
        err.print(f"error: {exc}; run `{_command_name()} migrate` first (or serve without --no-migrate)")
        raise typer.Exit(2) from None
    if unknown is not None:
        err.print(f"note: the database schema is at revision {unknown}, unknown to this version (a newer one?)")
    return db


@app.command()
def migrate(data_dir: DataDir = None, database_url: DatabaseUrl = None) -> None:
    """Apply the database schema and exit: the job a deployment runs once before starting its servers with
    `serve --no-migrate`."""
    settings = _settings(data_dir, database_url)
    _open_db(settings).dispose()
    err.print(f"database {_safe_url(settings.resolved_database_url)}: schema up to date")


def _clients(data_dir: Path | None, database_url: str | None):  # type: ignore[no-untyped-def]
    from barcode_cloud_server.identity.clients import ClientStore

    return ClientStore(_open_db(_settings(data_dir, database_url)))


@app.command()
def serve(
    host: Annotated[str | None, setting_option("host")] = None,
    port: Annotated[int | None, setting_option("port")] = None,
    data_dir: DataDir = None,
    database_url: DatabaseUrl = None,
    redis_url: Annotated[str | None, setting_option("redis_url")] = None,
    token_lifetime: Annotated[int | None, setting_option("token_lifetime")] = None,
    workers: Annotated[int | None, setting_option("workers")] = None,
    migrate: Annotated[bool | None, setting_option("migrate", "--migrate/--no-migrate")] = None,
    allow_private_urls: Annotated[bool | None, setting_option("allow_private_urls", "--allow-private-urls")] = None,
    issuer: Annotated[str | None, setting_option("issuer")] = None,
    max_upload_bytes: Annotated[int | None, setting_option("max_upload_bytes")] = None,
    max_image_pixels: Annotated[int | None, setting_option("max_image_pixels")] = None,
    upload_seconds: Annotated[float | None, setting_option("upload_seconds")] = None,
    log_level: Annotated[str | None, setting_option("log_level")] = None,
    log_format: Annotated[str | None, setting_option("log_format")] = None,
    debug_loggers: Annotated[str | None, setting_option("debug_loggers")] = None,
    access_log: Annotated[bool | None, setting_option("access_log", "--access-log/--no-access-log")] = None,
    http: Annotated[str | None, setting_option("http")] = None,
    max_header_bytes: Annotated[int | None, setting_option("max_header_bytes")] = None,
    header_timeout: Annotated[float | None, setting_option("header_timeout")] = None,
    keep_alive_timeout: Annotated[int | None, setting_option("keep_alive_timeout")] = None,
    max_connections: Annotated[int | None, setting_option("max_connections")] = None,
    count_usage: Annotated[bool | None, setting_option("count_usage", "--count-usage/--no-count-usage")] = None,
    usage_flush_seconds: Annotated[float | None, setting_option("usage_flush_seconds")] = None,
    dashboard: Annotated[bool | None, setting_option("dashboard", "--dashboard/--no-dashboard")] = None,
    self_signup: Annotated[bool | None, setting_option("self_signup", "--self-signup/--no-self-signup")] = None,
) -> None:
    """Run the service: identity, Barcode API v4, health and metrics.

    Set BARCODE_CLOUD_KEY_ENCRYPTION_KEY (32+ characters, environment only) to keep the token signing keys
    encrypted in the database."""
    import uvicorn

    from barcode_cloud_server.identity.keys import ensure_signing_key
    from barcode_cloud_server.identity.keyseal import key_sealer
    from barcode_cloud_server.observability import configure_logging
    from barcode_cloud_server.web.protocols import protocol_class

    settings = _settings(
        data_dir,
        database_url,
        host=host,
        port=port,
        redis_url=redis_url,
        token_lifetime=token_lifetime,
        workers=workers,
        migrate=migrate,
        allow_private_urls=allow_private_urls,
        issuer=issuer,
        log_level=log_level,
        log_format=log_format,
        debug_loggers=debug_loggers,
        max_upload_bytes=max_upload_bytes,
        max_image_pixels=max_image_pixels,
        upload_seconds=upload_seconds,
        access_log=access_log,
        http=http,
        max_header_bytes=max_header_bytes,
        header_timeout=header_timeout,
        keep_alive_timeout=keep_alive_timeout,
        max_connections=max_connections,
        count_usage=count_usage,
        usage_flush_seconds=usage_flush_seconds,
        dashboard=dashboard,
        self_signup=self_signup,
    )
    configure_logging(settings.log_level, settings.access_log, settings.log_format, settings.debug_logger_names)
    db = _open_db(settings) if settings.migrate else _checked_db(settings)
    with _key_store_errors():
        ensure_signing_key(db, key_sealer(settings.key_encryption_key))
    setup_link = first_start_link(db, settings) if settings.dashboard else None
    db.dispose()
    os.environ.update(settings.to_env())
    if settings.workers > 1:
        _prepare_multiprocess_metrics(settings.data_dir / "metrics")
    err.print(
        f"Barcode Cloud on http://{settings.host}:{settings.port} (API /v4.0, docs /docs); "
        f"database {_safe_url(settings.resolved_database_url)}\n"
        f"Create a client: {_command_name()} clients create my-app {_same_database(settings)}",
        soft_wrap=True,  # not cut at 80 columns where stderr is no terminal: the command is to be pasted
        highlight=False,
    )
    if setup_link:
        err.print(
            f"No administrator yet: set one up at {setup_link} (works once, for 3 days)",
            soft_wrap=True,
            highlight=False,
        )
    uvicorn.run(
        "barcode_cloud_server.app:create_app_from_env",
        factory=True,
        host=settings.host,
        port=settings.port,
        workers=settings.workers,
        log_config=None,
        access_log=False,
        timeout_graceful_shutdown=20,
        proxy_headers=True,
        http=protocol_class(settings.http),
        ws="none",  # no WebSocket routes: an Upgrade request is a plain HTTP request
        timeout_keep_alive=settings.keep_alive_timeout,
        limit_concurrency=settings.max_connections,
    )


def _prepare_multiprocess_metrics(folder: Path) -> None:
    """Workers write their metrics to files there, and /metrics sums them; stale files would add old counts."""
    import shutil

    from barcode_cloud_server.observability import MULTIPROCESS_DIR_ENV

    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    os.environ[MULTIPROCESS_DIR_ENV] = str(folder.resolve())


def _same_database(settings: Settings) -> str:
    """The options of the client-creation hint that reach this server's database (a password is not printed)."""
    if settings.database_url:
        return "with this server's --database-url (or BARCODE_CLOUD_DATABASE_URL)"
    return f"--data-dir {settings.data_dir}"


def _command_name() -> str:
    """How the user ran us, so that the hint can be pasted as is (e.g. .venv/bin/barcode-cloud)."""
    argv0 = sys.argv[0]
    return argv0 if argv0.endswith("barcode-cloud") else "barcode-cloud"


def _safe_url(url: str) -> str:
    from sqlalchemy.engine import make_url

    return make_url(url).render_as_string(hide_password=True)


@clients_app.command("create")
def clients_create(
    name: str,
    scope: Annotated[
        list[str] | None,
        typer.Option("--scope", help="barcode.generate or barcode.recognize; repeat for both (default: both)."),
    ] = None,
    data_dir: DataDir = None,
    database_url: DatabaseUrl = None,
    as_json: JsonFlag = False,
) -> None:
    """Create an application; prints its client id and secret (the secret is shown only this once)."""
    from barcode_cloud_server.identity.clients import UnknownScope

    try:
        creds = _clients(data_dir, database_url).create(name, scope)
    except UnknownScope as exc:
        err.print(f"error: {exc}")
        raise typer.Exit(2) from None
    _print_credentials(creds.as_dict(), as_json)


def _print_credentials(creds: dict[str, object], as_json: bool) -> None:
    if as_json:
        sys.stdout.write(json.dumps(creds) + "\n")
        return
    out.print(f"client_id:     {creds['client_id']}", highlight=False)
    out.print(f"client_secret: {creds['client_secret']}", highlight=False)
    out.print(f"scopes:        {' '.join(creds['scopes'])}", highlight=False)  # type: ignore[arg-type]
    err.print("Store the secret now: it is not kept and cannot be shown again.")


@clients_app.command("rotate-secret")
def clients_rotate(
    client_id: str,
    overlap: Annotated[
        int,
        typer.Option(
            help="Seconds the old secret keeps working (0: stops at once, and every token issued until now stops "
            "working within seconds: use it when the old secret has leaked)."
        ),
    ] = 86400,
    data_dir: DataDir = None,
    database_url: DatabaseUrl = None,
    as_json: JsonFlag = False,
) -> None:
    """Give a client a new secret; prints it once."""
    creds = _clients(data_dir, database_url).rotate_secret(client_id, overlap)
    if creds is None:
        err.print(f"error: no client {client_id}")
        raise typer.Exit(1)
    _print_credentials(creds.as_dict(), as_json)


@clients_app.command("list")
def clients_list(data_dir: DataDir = None, database_url: DatabaseUrl = None, as_json: JsonFlag = False) -> None:
    """List applications."""
    rows = [c.as_dict() for c in _clients(data_dir, database_url).list()]
    if as_json:
        sys.stdout.write(json.dumps(rows) + "\n")
        return
    table = Table("client_id", "name", "scopes", "enabled", "created", "last used")
    for r in rows:
        table.add_row(
            str(r["client_id"]),
            str(r["name"]),
            " ".join(r["scopes"]),
            str(r["enabled"]) + ("" if r["owner_enabled"] else " (owner disabled)"),
            str(r["created_at"])[:19],
            str(r["last_used_at"] or "-")[:19],
        )
    out.print(table)


@clients_app.command("show")
def clients_show(
    client_id: str, data_dir: DataDir = None, database_url: DatabaseUrl = None, as_json: JsonFlag = False
) -> None:
    """Show one application (never its secret)."""
    client = _clients(data_dir, database_url).get(client_id)
    if client is None:
        err.print(f"error: no client {client_id}")
        raise typer.Exit(1)
    info = client.as_dict()
    if as_json:
        sys.stdout.write(json.dumps(info) + "\n")
    else:
        for key, value in info.items():
            out.print(f"{key + ':':19} {' '.join(value) if isinstance(value, list) else value}", highlight=False)


def _set_enabled(client_id: str, enabled: bool, data_dir: Path | None, database_url: str | None) -> None:
    clients = _clients(data_dir, database_url)
    if not clients.set_enabled(client_id, enabled):
        err.print(f"error: no client {client_id}")
        raise typer.Exit(1)
    err.print(f"client {client_id} {'enabled' if enabled else 'disabled'}")
    info = clients.get(client_id) if enabled else None
    if info is not None and not info.owner_enabled:
        err.print("its owner's dashboard account is disabled: it works once an administrator enables the account")


@clients_app.command("disable")
def clients_disable(client_id: str, data_dir: DataDir = None, database_url: DatabaseUrl = None) -> None:
    """Disable an application: no new tokens, and its live tokens stop working within seconds (for good: enabling
    it again does not bring them back)."""
    _set_enabled(client_id, False, data_dir, database_url)


@clients_app.command("enable")
def clients_enable(client_id: str, data_dir: DataDir = None, database_url: DatabaseUrl = None) -> None:
    """Enable a disabled application again (one made in the dashboard works only while its owner's account is
    enabled too)."""
    _set_enabled(client_id, True, data_dir, database_url)


@clients_app.command("revoke-tokens")
def clients_revoke_tokens(client_id: str, data_dir: DataDir = None, database_url: DatabaseUrl = None) -> None:
    """Void every token issued to an application until now: they stop working within seconds on every server.
    Its secret still works, and gets new tokens at once."""
    if not _clients(data_dir, database_url).revoke_tokens(client_id):
        err.print(f"error: no client {client_id}")
        raise typer.Exit(1)
    err.print(f"tokens issued to client {client_id} until now are revoked: they fail within seconds")


@clients_app.command("delete")
def clients_delete(client_id: str, data_dir: DataDir = None, database_url: DatabaseUrl = None) -> None:
    """Delete an application; its live tokens stop working within seconds."""
    if not _clients(data_dir, database_url).delete(client_id):
        err.print(f"error: no client {client_id}")
        raise typer.Exit(1)
    err.print(f"client {client_id} deleted")


@keys_app.command("rotate")
def keys_rotate(
    data_dir: DataDir = None,
    database_url: DatabaseUrl = None,
    token_lifetime: Annotated[
        int | None,
        setting_option(
            "token_lifetime", lead="The servers' token lifetime, seconds: how long the old key stays published."
        ),
    ] = None,
) -> None:
    """Make a new signing key: published at once, signing a minute later; the old one stays in JWKS until its
    last token has expired."""
    from barcode_cloud_server.identity.keys import ACTIVATION_SECONDS, rotate_signing_key
    from barcode_cloud_server.identity.keyseal import key_sealer

    settings = _settings(data_dir, database_url, token_lifetime=token_lifetime)
    with _key_store_errors():
        kid = rotate_signing_key(_open_db(settings), settings.token_lifetime, key_sealer(settings.key_encryption_key))
    err.print(
        f"new signing key {kid}: published within seconds, signing in {ACTIVATION_SECONDS} s "
        "(once every server and JWKS cache has it)"
    )


# A kid is URL-safe base64 and may begin with "-": taken as the argument, not as an unknown option.
@keys_app.command("revoke", context_settings={"ignore_unknown_options": True})
def keys_revoke(
    kid: Annotated[str, typer.Argument(help="The key id (a token header's kid; `keys list` shows them).")],
    data_dir: DataDir = None,
    database_url: DatabaseUrl = None,
) -> None:
    """Revoke a signing key that may have leaked: it leaves the JWKS and its tokens fail on every server within
    seconds. When it was the key that signs, a new key signs at once."""
    from barcode_cloud_server.identity.keys import UnknownKey, revoke_signing_key
    from barcode_cloud_server.identity.keyseal import key_sealer

    settings = _settings(data_dir, database_url)
    try:
        with _key_store_errors():
            revocation = revoke_signing_key(_open_db(settings), kid, key_sealer(settings.key_encryption_key))
    except UnknownKey:
        err.print(f"error: no signing key {kid}")
        raise typer.Exit(1) from None
    err.print(f"signing key {kid} revoked: its tokens fail within seconds on every server")
    if revocation.new_signing_kid:
        err.print(f"new signing key {revocation.new_signing_kid} signs from now on")


@keys_app.command("list")
def keys_list(
    data_dir: DataDir = None,
    database_url: DatabaseUrl = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """Every signing key in the database, oldest first, with when it was made, retired and revoked."""
    from barcode_cloud_server.identity.keys import list_signing_keys

    settings = _settings(data_dir, database_url)
    keys = list_signing_keys(_open_db(settings))
    rows = [
        {
            "kid": k.kid,
            "created_at": k.created_at.isoformat(timespec="seconds"),
            "retired_at": k.retired_at.isoformat(timespec="seconds") if k.retired_at else None,
            "revoked_at": k.revoked_at.isoformat(timespec="seconds") if k.revoked_at else None,
        }
        for k in keys
    ]
    if as_json:
        sys.stdout.write(json.dumps(rows, indent=2) + "\n")
        return
    table = Table("kid", "created", "retired", "revoked")
    for r in rows:
        table.add_row(r["kid"], r["created_at"], r["retired_at"] or "", r["revoked_at"] or "")
    out.print(table)


@app.command()
def token(
    client_id: Annotated[
        str | None, typer.Option(envvar="BARCODE_CLOUD_CLIENT_ID", show_envvar=True, help="The client id.")
    ] = None,
    client_secret: Annotated[
        str | None, typer.Option(envvar="BARCODE_CLOUD_CLIENT_SECRET", show_envvar=True, help="The client secret.")
    ] = None,
    token_url: Annotated[
        str,
        typer.Option(envvar="BARCODE_CLOUD_TOKEN_URL", show_envvar=True, help="The token endpoint."),
    ] = "http://127.0.0.1:8080/connect/token",  # noqa: S107 (a URL, not a password)
    scope: Annotated[
        str | None, typer.Option(help="Space-separated scopes to ask for (default: all of the client's).")
    ] = None,
) -> None:
    """Fetch an access token (client_credentials) and print the token response as JSON."""
    import httpx

    if not client_id or not client_secret:
        err.print("error: give --client-id and --client-secret (or BARCODE_CLOUD_CLIENT_ID/_SECRET)")
        raise typer.Exit(2)
    form = {"grant_type": "client_credentials", "client_id": client_id, "client_secret": client_secret}
    if scope:
        form["scope"] = scope
    try:
        response = httpx.post(token_url, data=form, timeout=30)
    except httpx.HTTPError as exc:
        err.print(f"error: could not reach {token_url}: {exc}")
        raise typer.Exit(1) from None
    sys.stdout.write(response.text.rstrip() + "\n")
    if response.status_code != 200:
        raise typer.Exit(1)
