"""``barcode-cloud doctor``: a configuration checked end to end (server reachable, discovery, a token, one
generate and one recognize), each step saying in words what is wrong and how to fix it."""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated
from urllib.parse import urlsplit

import httpx
import typer
from rich.markup import escape

from barcode_cloud import ApiClient, ApiException, GenerateApi, RecognizeApi
from barcode_cloud.models import RecognizeBase64Request
from barcode_cloud_server.cli.remote_options import AccessToken, ClientId, ClientSecret, TokenUrl
from barcode_cloud_server.tools.errors import ToolError
from barcode_cloud_server.tools.remote import Remote, body_text, describe_api_error

_SAMPLE = "barcode-cloud doctor"
_SCOPE_HINT = (
    "give the client that scope: barcode-cloud clients create NAME --scope barcode.generate --scope barcode.recognize"
)


class Failed(Exception):
    """A step failed; the message says why and what to do."""


def _origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


def _get(url: str) -> httpx.Response:
    try:
        return httpx.get(url, timeout=10)
    except httpx.HTTPError as exc:
        raise Failed(
            f"cannot reach {url}: {exc or type(exc).__name__}. Is the server running (barcode-cloud serve) and is "
            "--remote its address?"
        ) from None


def check_reachable(remote: Remote) -> str:
    response = _get(_origin(remote.url) + "/healthz")
    if response.status_code != 200:
        raise Failed(f"{response.url} answered {response.status_code}: is --remote a Barcode Cloud server?")
    return f"{_origin(remote.url)} answers"


def check_discovery(remote: Remote) -> str:
    response = _get(_origin(remote.url) + "/.well-known/openid-configuration")
    try:
        endpoint = str(response.json()["token_endpoint"])
    except (ValueError, KeyError, TypeError):
        raise Failed(
            f"{response.url} answered {response.status_code} without a token_endpoint: not a Barcode Cloud server, "
            "or a proxy in front of it does not pass /.well-known/ on"
        ) from None
    wanted = remote.configuration().token_url
    if remote.access_token is None and wanted != endpoint:
        return f"token endpoint {endpoint} (this configuration uses {wanted}: check --token-url)"
    return f"token endpoint {endpoint}"


def check_token(remote: Remote) -> str:
    config = remote.configuration()
    if config.mode == "external":
        return "an access token is given (--access-token): it is sent as it is"
    try:
        token = config.access_token
    except ApiException as exc:
        raise Failed(_token_problem(exc, config.token_url)) from None
    return f"token fetched from {config.token_url} ({len(token)} characters)"


def _token_problem(exc: ApiException, url: str) -> str:
    if exc.error == "invalid_client":
        return (
            "the token endpoint refused the client id or secret (invalid_client): check --client-id and "
            "--client-secret; a server's administrator can create a client (barcode-cloud clients create NAME), "
            "rotate its secret (clients rotate-secret ID) or enable it (clients enable ID)"
        )
    if exc.status == 429:
        return "too many failed attempts: the client is locked for a while; wait and retry with the right secret"
    if exc.error == "invalid_scope":
        return f"the client may not have the scopes asked for: {exc.error_description}"
    if not exc.status:
        return f"cannot reach the token endpoint {url}: {exc.reason}; check --token-url"
    return f"the token endpoint {url} answered {exc.status}: {exc.error_description or body_text(exc)}"


def _api_problem(exc: ApiException, scope: str) -> str:
    if exc.status == 403:
        return f"the token lacks the {scope} scope: {_SCOPE_HINT}"
    if exc.status == 401:
        return "the server refused the token (401): it expired, was revoked, or was issued by another server"
    return describe_api_error(exc)


def check_generate(client: ApiClient, image: list[bytes]) -> str:
    try:
        image.append(bytes(GenerateApi(client).generate("QR", _SAMPLE)))
    except ApiException as exc:
        raise Failed(_api_problem(exc, "barcode.generate")) from None
    return f"generated a QR code ({len(image[0])} bytes)"


def check_recognize(client: ApiClient, image: list[bytes]) -> str:
    import base64

    if not image:
        raise Failed("skipped: there is no generated image to read")
    request = RecognizeBase64Request.model_validate(
        {"barcodeTypes": ["QR"], "fileBase64": base64.b64encode(image[0]).decode()}
    )
    try:
        found = RecognizeApi(client).recognize_base64(request).barcodes or []
    except ApiException as exc:
        raise Failed(_api_problem(exc, "barcode.recognize")) from None
    if [b.barcode_value for b in found] != [_SAMPLE]:
        raise Failed(f"the server read {[b.barcode_value for b in found]} from its own QR code, not [{_SAMPLE!r}]")
    return "read it back"


def doctor(
    remote_url: Annotated[
        str,
        typer.Option(
            "--remote", envvar="BARCODE_CLOUD_REMOTE", show_envvar=True, help="The server to check (its origin)."
        ),
    ] = "http://127.0.0.1:8080",
    client_id: ClientId = None,
    client_secret: ClientSecret = None,
    access_token: AccessToken = None,
    token_url: TokenUrl = None,
) -> None:
    """Check a configuration end to end: server reachable, discovery, a token, one generate and one recognize;
    each failed step says what is wrong and how to fix it (exit status 1)."""
    from barcode_cloud_server.cli.main import err, out

    remote = Remote(remote_url, client_id, client_secret, access_token, token_url)
    try:
        remote.configuration()
    except ToolError as exc:
        err.print(f"error: {exc.message}", highlight=False, markup=False, soft_wrap=True)
        raise typer.Exit(2) from None
    image: list[bytes] = []
    with remote.client() as client:
        steps: list[tuple[str, Callable[[], str]]] = [
            ("server reachable", lambda: check_reachable(remote)),
            ("discovery", lambda: check_discovery(remote)),
            ("access token", lambda: check_token(remote)),
            ("generate", lambda: check_generate(client, image)),
            ("recognize", lambda: check_recognize(client, image)),
        ]
        failed = False
        for name, step in steps:
            if failed:
                out.print(f"[dim]-[/dim] {name}: not checked", highlight=False)
                continue
            try:
                out.print(f"[green]ok[/green] {name}: {escape(step())}", highlight=False, soft_wrap=True)
            except Failed as exc:
                out.print(f"[red]FAILED[/red] {name}: {escape(str(exc))}", highlight=False, soft_wrap=True)
                failed = True
    if failed:
        raise typer.Exit(1)


def register(app: typer.Typer) -> None:
    app.command(
        "doctor",
        epilog="Example: barcode-cloud doctor --remote https://barcodes.example.com --client-id ID --client-secret S",
    )(doctor)
