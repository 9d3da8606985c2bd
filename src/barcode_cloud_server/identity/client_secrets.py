"""Client ids and secrets: generated at random, stored only as keyed hashes, compared in constant time.

Why HMAC-SHA256 and not Argon2: a client secret is 32 random bytes (256 bits), so no dictionary or brute-force
attack on its hash can succeed, and a slow password hash would only cap token grants at a few dozen per second.
The key (a random server secret kept apart from the client rows) means a leaked ``clients`` table alone does not
even let an attacker test a guessed secret offline.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets

SECRET_BYTES = 32


def new_client_id() -> str:
    return secrets.token_hex(16)


def new_client_secret() -> str:
    return secrets.token_urlsafe(SECRET_BYTES)


def hash_secret(key: bytes, secret: str) -> bytes:
    return hmac.new(key, secret.encode("utf-8"), hashlib.sha256).digest()


def secret_matches(key: bytes, secret: str, stored: bytes | None) -> bool:
    if stored is None:
        return False
    return hmac.compare_digest(hash_secret(key, secret), stored)
