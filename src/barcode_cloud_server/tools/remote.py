"""A server to work through: the SDK's configuration from ``--remote URL`` and the credentials (options, else the
``BARCODE_CLOUD_*`` variables the SDK reads itself)."""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlsplit

from barcode_cloud import ApiClient, ApiException, Configuration
from barcode_cloud_server.tools.errors import ToolError

API_PATH = "/v4.0"


@dataclass(frozen=True)
class Remote:
    url: str  # the server's origin, or its API root (…/v4.0)
    client_id: str | None = None
    client_secret: str | None = None
    access_token: str | None = None
    token_url: str | None = None

    @property
    def host(self) -> str:
        url = self.url.rstrip("/")
        return url if url.endswith(API_PATH) else url + API_PATH

    def configuration(self) -> Configuration:
        parts = urlsplit(self.url)
        if parts.scheme not in ("http", "https") or not parts.netloc:
            raise ToolError(f"--remote must be an http(s) URL such as http://127.0.0.1:8080, got {self.url!r}")
        if self.access_token:
            return Configuration(access_token=self.access_token, host=self.host)
        config = Configuration(
            client_id=self.client_id, client_secret=self.client_secret, host=self.host, token_url=self.token_url
        )
        if not config.client_id or not config.client_secret:
            raise ToolError(
                "a server needs credentials: give --client-id and --client-secret (or BARCODE_CLOUD_CLIENT_ID and "
                "BARCODE_CLOUD_CLIENT_SECRET), or --access-token (BARCODE_CLOUD_ACCESS_TOKEN)"
            )
        return config

    def client(self) -> ApiClient:
        return ApiClient(self.configuration())


def body_text(exc: ApiException) -> str:
    """The error's body as text (the SDK keeps generate's error bodies as bytes, as aspose does)."""
    body = exc.body
    return body.decode("utf-8", "replace") if isinstance(body, bytes) else body or ""


def describe_api_error(exc: ApiException) -> str:
    """An SDK ``ApiException`` in one line: the server's message when it sent one."""
    if not exc.status:
        return f"the server could not be reached: {exc.reason}"
    detail = exc.error_description or (exc.api_error.error.message if exc.api_error and exc.api_error.error else "")
    return f"the server answered {exc.status} {exc.reason or ''}: {detail or body_text(exc)}".strip()
