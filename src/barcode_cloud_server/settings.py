"""Service settings (pydantic-settings): one object from CLI options and ``BARCODE_CLOUD_*`` environment variables.

Each field's default and description live here only: the command-line help (``cli.options``) and the README's
options table (``cli.readme``) are made from them.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Literal
from urllib.parse import SplitResult, urlsplit

from pydantic import Field, SecretStr, field_validator, model_validator
from pydantic.config import JsonDict
from pydantic.fields import FieldInfo
from pydantic_settings import BaseSettings, SettingsConfigDict

ENV_PREFIX = "BARCODE_CLOUD_"
# The key encryption key is a secret made for HKDF, not a password: short ones are refused.
MIN_SECRET_LENGTH = 32


def _field(default: Any, description: str, *, shown: str | None = None, **constraints: Any) -> Any:
    """A field with its description; ``shown`` is how the default reads in help and docs when the value alone
    would not say it (a None that means "derived from other settings")."""
    extra: JsonDict | None = {"shown": shown} if shown is not None else None
    return Field(default, description=description, json_schema_extra=extra, **constraints)


def _listen_url(value: str) -> SplitResult | None:
    """``value`` as an http(s) URL with a host and a valid port, or None."""
    if "://" not in value:
        return None
    url = urlsplit(value)
    try:
        url.port  # noqa: B018 (raises ValueError for a port out of range)
    except ValueError:
        return None
    return url if url.scheme in ("http", "https") and url.hostname else None


class Settings(BaseSettings):
    """Everything a server process needs to know: what is given to the constructor, else the ``BARCODE_CLOUD_<NAME>``
    environment variable (an empty one counts as unset), else the field's default."""

    model_config = SettingsConfigDict(env_prefix=ENV_PREFIX, env_ignore_empty=True, frozen=True)

    host: str = _field(
        "127.0.0.1",
        "Address to listen on. A URL (what the SDK reads from BARCODE_CLOUD_HOST, e.g. http://127.0.0.1:8080/v4.0) "
        "means its host, and its port unless --port is given: one variable points the server and its clients at "
        "the same place.",
    )
    port: int = _field(8080, "Port to listen on.")
    data_dir: Path = _field(
        Path("./barcode-cloud-data"), "Folder for the SQLite database and local data.", shown="./barcode-cloud-data"
    )
    database_url: str | None = _field(
        None, "Database URL, e.g. postgresql://user:pass@db/barcode.", shown="SQLite in the data dir"
    )
    redis_url: str | None = _field(
        None,
        "Redis URL for failure limits and quota counters shared by every process (kept in process memory without it).",
    )
    token_lifetime: int = _field(3600, "Access token lifetime, seconds (at most 86400).", ge=1, le=86400)
    workers: int = _field(1, "Server processes.", ge=1)
    migrate: bool = _field(
        True,
        "Apply the database schema at start. Off: leave it alone and refuse to start on one older than this "
        "version (run `barcode-cloud migrate` first), as servers behind a load balancer do.",
    )
    allow_private_urls: bool = _field(False, "Let fileUrl reach loopback, private and link-local addresses.")
    issuer: str | None = _field(
        None,
        "Public origin of this service, the tokens' issuer; set the same value on every process behind a load "
        "balancer.",
        shown="http://HOST:PORT",
    )
    audience: str = _field(
        "barcode-cloud-api", "The tokens' audience (aud): set in the tokens made here and required of those accepted."
    )
    max_upload_bytes: int = _field(20 * 1024 * 1024, "Largest image upload or fetched fileUrl file, bytes.", ge=1024)
    max_image_pixels: int = _field(40_000_000, "Largest image to decode for recognition, pixels.", ge=10_000)
    upload_seconds: float = _field(
        30.0,
        "How long a recognition request's body may take to arrive once its headers are in, seconds (408 after).",
        gt=0,
        le=3600,
    )
    log_level: Literal["debug", "info", "warning", "error"] = _field(
        "info",
        "debug, info, warning or error; debug is for Barcode Cloud's own loggers, other libraries' stay at info "
        "unless named in --debug-loggers.",
    )
    log_format: Literal["auto", "json", "text"] = _field(
        "auto", "json (JSON lines), text (readable lines) or auto: text when stderr is a terminal, json otherwise."
    )
    debug_loggers: str = _field(
        "",
        "Other libraries' loggers to log at debug level whatever the log level, comma-separated (a name includes "
        "its children), e.g. PIL,sqlalchemy.engine.",
        shown="none",
    )
    access_log: bool = _field(
        True,
        "One info line per request (request id, method, path, status, ms, client id); the largest cost of a small "
        "request after its own work, so behind a load balancer that logs requests it can go.",
    )
    key_encryption_key: SecretStr | None = _field(
        None,
        f"Encrypts the token signing keys in the database ({MIN_SECRET_LENGTH}+ characters; see Identity); "
        "environment only, so that it stays out of process listings.",
    )
    # HTTP connections (web.protocols): the parser, a request head's size and time, idle keep-alive, how many.
    http: Literal["auto", "httptools", "h11"] = _field(
        "auto", "HTTP/1.1 parser: httptools, h11 or auto (httptools when installed); the same limits hold for both."
    )
    max_header_bytes: int = _field(
        32 * 1024, "Largest request head (request line and headers), bytes; a longer one is a 431.", ge=1024, le=2**20
    )
    header_timeout: float = _field(
        10.0,
        "Seconds a request head may take, from the connection's opening (or the head's first byte on a kept-alive "
        "connection); later is a 408, and a connection that sent nothing is closed.",
        gt=0,
        le=300,
    )
    keep_alive_timeout: int = _field(5, "Seconds an idle kept-alive connection stays open.", ge=1, le=300)
    max_connections: int = _field(1000, "Open connections per process before requests get 503.", ge=2)
    count_usage: bool = _field(
        True,
        "Count every API request by application (the dashboard's usage pages, recent-calls log, quotas); off only to "
        "measure what counting costs (requests then count toward no quota and are not logged).",
    )
    usage_flush_seconds: float = _field(
        5.0,
        "Seconds between adding this process's usage counts to the database. Without Redis, quotas shared by several "
        "processes are as exact as this; the dashboard's usage pages and recent-calls log lag by up to this.",
        ge=0.1,
        le=300,
    )
    dashboard: bool = _field(True, "Serve the dashboard at / (accounts, applications); off for API-only servers.")
    self_signup: bool = _field(
        False,
        "Let anyone who reaches the dashboard create a member account at /sign-up; off: accounts come from "
        "administrators' invitations and `users create` only.",
    )

    @field_validator("log_level", "log_format", mode="before")
    @classmethod
    def _lower_case(cls, value: object) -> object:
        # DEBUG or Json work too; anything else fails the Literal check with the values it takes.
        return value.lower() if isinstance(value, str) else value

    @model_validator(mode="before")
    @classmethod
    def _host_from_url(cls, data: Any) -> Any:
        # The contract gives BARCODE_CLOUD_HOST to both the SDK (a URL) and serve (an address).
        if not isinstance(data, dict) or not isinstance(data.get("host"), str):
            return data
        url = _listen_url(data["host"])
        if url is None:
            return data
        given = {**data, "host": url.hostname}
        if url.port is not None and given.get("port") is None:
            given["port"] = url.port
        return given

    @field_validator("host")
    @classmethod
    def _an_address(cls, value: str) -> str:
        if "://" in value:  # a URL _host_from_url could not use
            raise ValueError(
                f"{value!r} is neither an address to listen on (e.g. 127.0.0.1 or 0.0.0.0) nor an http(s) URL with a "
                "host name and an optional port"
            )
        return value

    @field_validator("key_encryption_key")
    @classmethod
    def _long_enough(cls, value: SecretStr | None) -> SecretStr | None:
        if value is not None and len(value.get_secret_value()) < MIN_SECRET_LENGTH:
            raise ValueError(f"must be at least {MIN_SECRET_LENGTH} characters (a random string)")
        return value

    @property
    def resolved_database_url(self) -> str:
        if self.database_url:
            return normalize_database_url(self.database_url)
        return f"sqlite:///{(self.data_dir / 'barcode-cloud.db').resolve()}"

    @property
    def resolved_issuer(self) -> str:
        if self.issuer:
            return self.issuer.rstrip("/")
        host = "127.0.0.1" if self.host in ("0.0.0.0", "::") else self.host  # noqa: S104
        if ":" in host:
            host = f"[{host}]"  # an IPv6 address: bracketed in a URL (RFC 3986 §3.2.2)
        return f"http://{host}:{self.port}"

    @property
    def debug_logger_names(self) -> list[str]:
        return [name.strip() for name in self.debug_loggers.split(",") if name.strip()]

    @classmethod
    def from_env(cls, **options: Any) -> Settings:
        """Settings from the environment, with the command-line ``options`` that were given (not None) on top."""
        return cls(**{name: value for name, value in options.items() if value is not None})

    def to_env(self) -> dict[str, str]:
        """The environment that makes the same settings, used to hand them to worker processes."""
        out: dict[str, str] = {}
        for name in type(self).model_fields:
            value = getattr(self, name)
            if isinstance(value, SecretStr):
                value = value.get_secret_value()
            if value is not None:
                out[env_name(name)] = str(value).lower() if isinstance(value, bool) else str(value)
        return out


def env_name(field: str) -> str:
    return ENV_PREFIX + field.upper()


def field_info(field: str) -> FieldInfo:
    return Settings.model_fields[field]


def shown_default(field: str) -> str:
    """The default as help and docs show it: on/off, none, or the value."""
    info = field_info(field)
    extra = info.json_schema_extra
    if isinstance(extra, dict) and isinstance(extra.get("shown"), str):
        return str(extra["shown"])
    if isinstance(info.default, bool):
        return "on" if info.default else "off"
    return "none" if info.default is None else str(info.default)


def normalize_database_url(url: str) -> str:
    """Accept the ``postgresql://`` URLs people write and use the psycopg 3 driver for them."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url
