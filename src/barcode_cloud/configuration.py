"""Where the API is, how to authenticate, and how patient to be: :class:`Configuration`."""

from __future__ import annotations

import copy
import logging
import os
import platform
import ssl
import sys
from typing import ClassVar
from urllib.parse import urlsplit

import httpx

from barcode_cloud._retry import RetryPolicy
from barcode_cloud._tokens import Token, TokenEndpoint, cache_for, fetch_sync
from barcode_cloud._tokens import fetch_token as _fetch_token
from barcode_cloud.version import __version__

DEFAULT_HOST = "http://127.0.0.1:8080/v4.0"
ENV_HOST = "BARCODE_CLOUD_HOST"
ENV_TOKEN_URL = "BARCODE_CLOUD_TOKEN_URL"  # noqa: S105 - a variable name
ENV_CLIENT_ID = "BARCODE_CLOUD_CLIENT_ID"
ENV_CLIENT_SECRET = "BARCODE_CLOUD_CLIENT_SECRET"  # noqa: S105 - a variable name

log = logging.getLogger("barcode_cloud")


def _mask(value: str | None) -> str | None:
    return None if value is None else "***"


class Configuration:
    """Settings of an :class:`~barcode_cloud.ApiClient`; the constructor is ``aspose_barcode_cloud``'s.

    Two modes:

    * **JWT mode** — ``Configuration(client_id=..., client_secret=...)``: the SDK fetches a token from
      ``token_url`` when first needed, caches it (one cache per process for each token URL, client and scope,
      shared by every client, thread and task), refreshes it before it expires and once after a ``401``.
    * **External mode** — ``Configuration(access_token=...)``: that token is sent as is; the SDK never fetches
      or refreshes one, and a ``401`` raises :class:`~barcode_cloud.ApiException` at once.

    Defaults from the environment when an argument is not given: ``host`` from ``BARCODE_CLOUD_HOST`` (else
    ``http://127.0.0.1:8080/v4.0``), ``token_url`` from ``BARCODE_CLOUD_TOKEN_URL`` (else the host's origin +
    ``/connect/token``), ``client_id`` / ``client_secret`` from ``BARCODE_CLOUD_CLIENT_ID`` /
    ``BARCODE_CLOUD_CLIENT_SECRET``. A given ``access_token`` wins over any client credentials.

    aspose's logging settings work as there: ``debug``, ``logger_file``, ``logger_format``.

    Keyword-only extras: ``scope`` (space-separated, asked for in the token request), ``connect_timeout`` and
    ``read_timeout`` (seconds), retries (``max_retries``, ``backoff_factor``, ``backoff_max``,
    ``retry_after_max``), ``verify_ssl``, ``ssl_ca_cert``, ``proxy``, ``connection_pool_maxsize``.
    ``repr()`` never shows the secret or a token.
    """

    _default: ClassVar[Configuration | None] = None

    def __init__(
        self,
        client_id: str | None = None,
        client_secret: str | None = None,
        access_token: str | None = None,
        host: str | None = None,
        token_url: str | None = None,
        *,
        scope: str | None = None,
        connect_timeout: float = 5.0,
        read_timeout: float = 60.0,
        max_retries: int = 3,
        backoff_factor: float = 0.25,
        backoff_max: float = 8.0,
        retry_after_max: float = 30.0,
        verify_ssl: bool = True,
        ssl_ca_cert: str | None = None,
        proxy: str | None = None,
        connection_pool_maxsize: int = 20,
    ) -> None:
        self.host = (host or os.environ.get(ENV_HOST) or DEFAULT_HOST).rstrip("/")
        # from the host when first needed: a token given as is needs no token URL, nor the host to be absolute
        self._token_url = token_url or os.environ.get(ENV_TOKEN_URL) or None
        self._client_id = client_id if client_id is not None else os.environ.get(ENV_CLIENT_ID)
        self._client_secret = client_secret if client_secret is not None else os.environ.get(ENV_CLIENT_SECRET)
        self._access_token = access_token or None
        self.scope = scope
        self.connect_timeout = connect_timeout
        self.read_timeout = read_timeout
        self.retry = RetryPolicy(max_retries, backoff_factor, backoff_max, retry_after_max)
        self.verify_ssl = verify_ssl
        self.ssl_ca_cert = ssl_ca_cert
        self.proxy = proxy
        self.connection_pool_maxsize = connection_pool_maxsize
        self.temp_folder_path: str | None = None
        self._debug = False
        self._logger_format = "%(asctime)s %(levelname)s %(message)s"
        self._logger_file: str | None = None
        self.logger_file_handler: logging.FileHandler | None = None

    # --- identity
    @property
    def client_id(self) -> str | None:
        return self._client_id

    @property
    def client_secret(self) -> str | None:
        return self._client_secret

    @property
    def token_url(self) -> str:
        if self._token_url is None:
            self._token_url = _origin(self.host) + "/connect/token"
        return self._token_url

    @property
    def mode(self) -> str:
        """``"external"`` (a given access token), ``"jwt"`` (client credentials) or ``"none"``."""
        if self._access_token:
            return "external"
        if self._client_id and self._client_secret:
            return "jwt"
        return "none"

    @property
    def access_token(self) -> str:
        """A valid access token: the given one (external mode), or the cached one, fetched or refreshed when
        needed (JWT mode). Raises ``ValueError`` when neither is configured, ``ApiException`` when the token
        endpoint refuses."""
        if self._access_token:
            return self._access_token
        endpoint = self.token_endpoint()

        def fetch() -> Token:  # a one-off client: the configuration has no connection pool of its own
            with httpx.Client(verify=verify_for(self), proxy=self.proxy) as client:
                return fetch_sync(client, endpoint)

        return cache_for(endpoint).get_sync(fetch, patience=endpoint.patience).value

    @access_token.setter
    def access_token(self, value: str | None) -> None:
        self._access_token = value or None

    def token_endpoint(self) -> TokenEndpoint:
        """Where JWT mode fetches its tokens, with which credentials, how patiently. Raises ``ValueError``
        without client credentials."""
        if not (self._client_id and self._client_secret):
            raise MissingCredentials(
                "No access_token or client_id and client_secret specified",
                f"give them as arguments, or set {ENV_CLIENT_ID} and {ENV_CLIENT_SECRET}",
            )
        timeout = httpx.Timeout(self.read_timeout, connect=self.connect_timeout)
        return TokenEndpoint(self.token_url, self._client_id, self._client_secret, self.scope, self.retry, timeout)

    def cache_key(self) -> tuple[str, str, str, str]:
        """Token cache key: token URL, client id, scope and a digest of the secret (see
        :meth:`TokenEndpoint.cache_key`)."""
        return self.token_endpoint().cache_key()

    # --- aspose_barcode_cloud compatibility
    @classmethod
    def set_default(cls, default: Configuration | None) -> None:
        """Make ``default`` the configuration of clients created without one."""
        cls._default = copy.copy(default)

    @classmethod
    def get_default_copy(cls) -> Configuration:
        return copy.copy(cls._default) if cls._default is not None else cls()

    @property
    def debug(self) -> bool:
        """``True`` sets the ``barcode_cloud`` logger to DEBUG (it never logs secrets or tokens)."""
        return self._debug

    @debug.setter
    def debug(self, value: bool) -> None:
        self._debug = value
        log.setLevel(logging.DEBUG if value else logging.NOTSET)

    @property
    def logger(self) -> dict[str, logging.Logger]:
        """The SDK's loggers, by aspose's key (``barcode_cloud``'s, no urllib3 here)."""
        return {"package_logger": log}

    @property
    def logger_file(self) -> str | None:
        """A file that receives the ``barcode_cloud`` log records (``None``: none); with ``debug = True``, the
        DEBUG ones too. Unlike aspose, no stream handler is added when there is no file."""
        return self._logger_file

    @logger_file.setter
    def logger_file(self, value: str | None) -> None:
        if self.logger_file_handler is not None:
            log.removeHandler(self.logger_file_handler)
            self.logger_file_handler.close()
            self.logger_file_handler = None
        self._logger_file = value
        if value:
            self.logger_file_handler = logging.FileHandler(value)
            self.logger_file_handler.setFormatter(logging.Formatter(self._logger_format))
            log.addHandler(self.logger_file_handler)

    @property
    def logger_format(self) -> str:
        """The ``logging`` format of :attr:`logger_file`'s records."""
        return self._logger_format

    @logger_format.setter
    def logger_format(self, value: str) -> None:
        self._logger_format = value
        if self.logger_file_handler is not None:
            self.logger_file_handler.setFormatter(logging.Formatter(value))

    def auth_settings(self) -> dict[str, dict[str, str]]:
        """The ``Authorization`` header value (fetches a token in JWT mode)."""
        return {
            "JWT": {
                "type": "oauth2",
                "in": "header",
                "key": "Authorization",
                "value": "Bearer " + self.access_token,
            }
        }

    def to_debug_report(self) -> str:
        return (
            "Python SDK Debug Report:\n"
            f"OS: {sys.platform}\n"
            f"Python Version: {platform.python_version()}\n"
            "Version of the API: 4.0\n"
            f"SDK Package Version: barcode-cloud {__version__}"
        )

    @staticmethod
    def fetch_token(client_id: str, client_secret: str, token_url: str) -> str:
        """Fetch a new access token (no cache); same as :func:`barcode_cloud.fetch_token`."""
        return _fetch_token(client_id, client_secret, token_url)

    def __repr__(self) -> str:
        return (
            f"Configuration(host={self.host!r}, token_url={self._token_url!r}, mode={self.mode!r}, "
            f"client_id={self._client_id!r}, client_secret={_mask(self._client_secret)!r}, "
            f"access_token={_mask(self._access_token)!r}, scope={self.scope!r})"
        )


class MissingCredentials(ValueError):
    """No token and no client credentials: ``args[0]`` is aspose's message word for word (code compares it),
    ``args[1]`` says where they come from."""

    def __str__(self) -> str:
        return "; ".join(str(a) for a in self.args)


def _origin(url: str) -> str:
    parts = urlsplit(url)
    if not parts.scheme or not parts.netloc:
        raise ValueError(f"host must be an absolute URL such as {DEFAULT_HOST!r}, not {url!r}")
    return f"{parts.scheme}://{parts.netloc}"


def verify_for(config: Configuration) -> bool | ssl.SSLContext:
    """httpx's ``verify`` for a configuration: ``False``, the system store (``True``) or a context with
    ``ssl_ca_cert``."""
    if not config.verify_ssl:
        return False
    if config.ssl_ca_cert:
        return ssl.create_default_context(cafile=config.ssl_ca_cert)
    return True
