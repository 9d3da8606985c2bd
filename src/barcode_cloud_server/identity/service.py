"""The identity service of one process: its clients, keys, tokens, status cache and failure limits."""

from __future__ import annotations

from dataclasses import dataclass

from barcode_cloud_server.identity.clients import ClientStore
from barcode_cloud_server.identity.keys import KeyRing, ensure_signing_key
from barcode_cloud_server.identity.keyseal import key_sealer
from barcode_cloud_server.identity.ratelimit import FailureLimiter
from barcode_cloud_server.identity.shared_quota import SharedQuota
from barcode_cloud_server.identity.status import ClientStatus
from barcode_cloud_server.identity.tokens import TokenService
from barcode_cloud_server.identity.usage import Usage
from barcode_cloud_server.settings import Settings
from barcode_cloud_server.storage.db import Database


@dataclass
class Identity:
    clients: ClientStore
    keys: KeyRing
    tokens: TokenService
    status: ClientStatus
    limiter: FailureLimiter
    usage: Usage

    @classmethod
    def open(cls, db: Database, settings: Settings) -> Identity:
        sealer = key_sealer(settings.key_encryption_key)
        ensure_signing_key(db, sealer)
        keys = KeyRing(db, settings.token_lifetime, sealer)
        keys.reload()
        clients = ClientStore(db)
        status = ClientStatus(clients)
        status.reload()
        tokens = TokenService(keys, settings.resolved_issuer, settings.audience, settings.token_lifetime)
        limiter = FailureLimiter(settings.redis_url, secret_key=clients.derived_key("failure limiter"))
        usage = Usage(db, shared=SharedQuota(settings.redis_url) if settings.redis_url else None)
        usage.load()
        return cls(clients, keys, tokens, status, limiter, usage)
