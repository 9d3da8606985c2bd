"""Service settings: one object built from CLI options or ``BARCODE_CLOUD_*`` environment variables."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, Field, SecretStr, field_validator

from barcode_cloud_server.identity.keyseal import MIN_SECRET_LENGTH, KeySealer

ENV_PREFIX = "BARCODE_CLOUD_"


class Settings(BaseModel):
    """Everything a server process needs to know; every field is also ``BARCODE_CLOUD_<NAME>``."""

    model_config = {"frozen": True}

    host: str = "127.0.0.1"
    port: int = 8080
    data_dir: Path = Path("./barcode-cloud-data")
    database_url: str | None = None
    redis_url: str | None = None
    token_lifetime: int = Field(3600, ge=1, le=86400)
    workers: int = Field(1, ge=1)
    allow_private_urls: bool = False
    # The public origin used as the token issuer; defaults to http://host:port.
    issuer: str | None = None
    audience: str = "barcode-cloud-api"
    max_upload_bytes: int = Field(20 * 1024 * 1024, ge=1024)
    max_image_pixels: int = Field(40_000_000, ge=10_000)
    log_level: Literal["debug", "info", "warning", "error"] = "info"
    access_log: bool = True
    # Encrypts the signing keys at rest (identity.keyseal); environment only, never a command-line option.
    key_encryption_key: SecretStr | None = None

    @field_validator("log_level", mode="before")
    @classmethod
    def _lower_case_level(cls, value: object) -> object:
        # A bad level used to get as far as logging.setLevel and end `serve` with a traceback.
        return value.lower() if isinstance(value, str) else value

    def key_sealer(self) -> KeySealer | None:
        kek = self.key_encryption_key
        return KeySealer(kek.get_secret_value()) if kek is not None else None

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

    @classmethod
    def from_env(cls, environ: dict[str, str] | None = None, **overrides: Any) -> Settings:
        """Read ``BARCODE_CLOUD_*`` variables; explicit ``overrides`` (not None) win."""
        env = os.environ if environ is None else environ
        values: dict[str, Any] = {}
        for name in cls.model_fields:
            raw = env.get(ENV_PREFIX + name.upper())
            if raw is not None and raw != "":
                values[name] = raw
        values.update({k: v for k, v in overrides.items() if v is not None})
        return cls.model_validate(values)

    def to_env(self) -> dict[str, str]:
        """The inverse of :meth:`from_env`, used to hand settings to worker processes."""
        out: dict[str, str] = {}
        for name in type(self).model_fields:
            value = getattr(self, name)
            if isinstance(value, SecretStr):
                value = value.get_secret_value()
            if value is not None:
                out[ENV_PREFIX + name.upper()] = str(value).lower() if isinstance(value, bool) else str(value)
        return out


def normalize_database_url(url: str) -> str:
    """Accept the ``postgresql://`` URLs people write and use the psycopg 3 driver for them."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url
