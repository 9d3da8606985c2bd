"""Signing keys encrypted at rest, when the operator gives a key encryption key (``BARCODE_CLOUD_KEY_ENCRYPTION_KEY``,
environment only: a command-line option would show in process listings).

Without it, private keys are stored as plain PEM: whoever can read the database (or a backup of it) can sign
tokens. With it, each key is stored as AES-256-GCM ciphertext under a key derived from the operator's secret with
HKDF-SHA256, the key's id as associated data (a ciphertext copied to another row does not open). The secret itself
is never stored; every server process and every administration command that makes keys needs it.
"""

from __future__ import annotations

import base64
import os

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from pydantic import SecretStr

from barcode_cloud_server.settings import MIN_SECRET_LENGTH, env_name

SEALED_PREFIX = "aesgcm1:"
ENV_NAME = env_name("key_encryption_key")


class KeyStoreLocked(Exception):
    """The stored signing keys cannot be used with the key encryption key given (or not given); says why."""


class KeySealer:
    def __init__(self, secret: str) -> None:
        if len(secret) < MIN_SECRET_LENGTH:
            raise ValueError(f"the key encryption key must be at least {MIN_SECRET_LENGTH} characters")
        hkdf = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=b"barcode-cloud signing keys v1")
        self._aead = AESGCM(hkdf.derive(secret.encode("utf-8")))

    def seal(self, kid: str, pem: str) -> str:
        nonce = os.urandom(12)
        sealed = self._aead.encrypt(nonce, pem.encode("ascii"), kid.encode("utf-8"))
        return SEALED_PREFIX + base64.urlsafe_b64encode(nonce + sealed).decode("ascii")

    def open(self, kid: str, stored: str) -> str:
        raw = base64.urlsafe_b64decode(stored.removeprefix(SEALED_PREFIX))
        try:
            return self._aead.decrypt(raw[:12], raw[12:], kid.encode("utf-8")).decode("ascii")
        except InvalidTag:
            raise KeyStoreLocked(
                f"{ENV_NAME} does not decrypt the signing keys in this database (another key, or a changed value)"
            ) from None


def key_sealer(secret: SecretStr | None) -> KeySealer | None:
    """The sealer for ``Settings.key_encryption_key``, or None when none is given."""
    return KeySealer(secret.get_secret_value()) if secret is not None else None


def is_sealed(stored: str) -> bool:
    return stored.startswith(SEALED_PREFIX)


def stored_pem(kid: str, pem: str, sealer: KeySealer | None) -> str:
    """What to store for a new key: the PEM, sealed when there is a sealer."""
    return sealer.seal(kid, pem) if sealer else pem


def readable_pem(kid: str, stored: str, sealer: KeySealer | None) -> str:
    """The PEM of a stored key; a sealed key without a sealer is an error that says what to set."""
    if not is_sealed(stored):
        return stored
    if sealer is None:
        raise KeyStoreLocked(f"the signing keys in this database are encrypted: set {ENV_NAME}")
    return sealer.open(kid, stored)
