"""Token signing keys: created on first start, kept in the database, rotated without breaking live tokens.

RS256 (RSA 2048) rather than ES256: verification runs on every API request and signing once per token, and RSA
verifies faster than ECDSA while it signs slower (figures in bench/FIGURES.md); RS256 is also what every verifier
expects.
"""

from __future__ import annotations

import base64
import hashlib
import json
import threading
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from jwt.algorithms import RSAAlgorithm
from sqlalchemy import select
from sqlalchemy.orm import Session

from barcode_cloud_server.identity.keyseal import KeySealer, is_sealed, readable_pem, stored_pem
from barcode_cloud_server.storage.db import Database
from barcode_cloud_server.storage.tables import SigningKeyRow, as_utc

ALGORITHM = "RS256"
# How long a JWKS answer may be cached (its Cache-Control).
JWKS_MAX_AGE_SECONDS = 60
# A new key is published this long before any server signs with it. Every server process reloads keys every
# 2 seconds on its own: a token signed with a key that another process (another worker behind the same port,
# another machine) has not loaded yet was refused there as "not signed by a key of this server". Waiting out
# the JWKS cache time too spares outside verifiers the same surprise.
ACTIVATION_SECONDS = JWKS_MAX_AGE_SECONDS
# How much longer than the token lifetime a retired key stays: it keeps signing until its successor activates,
# servers notice that at their next reload, and verifiers accept tokens a little after they expire.
RETIRED_KEY_MARGIN_SECONDS = ACTIVATION_SECONDS + 60


@dataclass(frozen=True)
class SigningKey:
    kid: str
    private_key: rsa.RSAPrivateKey
    public_jwk: dict[str, Any]
    retired: bool

    @property
    def public_key(self) -> rsa.RSAPublicKey:
        return self.private_key.public_key()


def _new_row(now: datetime, sealer: KeySealer | None) -> SigningKeyRow:
    private = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    pem = private.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    ).decode("ascii")
    der = private.public_key().public_bytes(serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo)
    # The kid is a digest of the public key: stable, unique, and reveals nothing.
    kid = base64.urlsafe_b64encode(hashlib.sha256(der).digest()[:12]).decode("ascii")
    return SigningKeyRow(kid=kid, alg=ALGORITHM, private_pem=stored_pem(kid, pem, sealer), created_at=now)


def _check_store(session: Session, sealer: KeySealer | None) -> None:
    """Raise KeyStoreLocked unless ``sealer`` opens every encrypted key (none needed when none is encrypted);
    with a sealer, encrypt the keys still stored in plain PEM."""
    for row in session.scalars(select(SigningKeyRow)):
        if is_sealed(row.private_pem):
            readable_pem(row.kid, row.private_pem, sealer)
        elif sealer is not None:
            row.private_pem = sealer.seal(row.kid, row.private_pem)


def ensure_signing_key(db: Database, sealer: KeySealer | None = None) -> None:
    """Check that the stored keys can be read with ``sealer`` (encrypting plain ones with it), and create the
    first signing key when there is none that may sign."""
    with db.session() as session:
        _check_store(session, sealer)
        active = session.scalars(select(SigningKeyRow).where(SigningKeyRow.retired_at.is_(None))).first()
        if active is None:
            session.add(_new_row(datetime.now(UTC), sealer))


def rotate_signing_key(db: Database, token_lifetime: int, sealer: KeySealer | None = None) -> str:
    """Make a new signing key, published at once and signing after ACTIVATION_SECONDS; older keys stay
    published until the last token they signed has expired."""
    now = datetime.now(UTC)
    # A token signed just before rotation lives one lifetime more. Servers with a longer lifetime than the one
    # given here keep the key longer on their own (KeyRing.reload).
    keep_until = now + timedelta(seconds=token_lifetime + RETIRED_KEY_MARGIN_SECONDS)
    with db.session() as session:
        _check_store(session, sealer)
        for row in session.scalars(select(SigningKeyRow).where(SigningKeyRow.retired_at.is_(None))):
            row.retired_at = now
            row.expires_at = keep_until
        row = _new_row(now, sealer)
        session.add(row)
        return row.kid


@dataclass(frozen=True)
class Revocation:
    kid: str
    new_signing_kid: str | None
    """The key made to sign from now on, when the revoked key was the only one that could."""


class UnknownKey(Exception):
    pass


def revoke_signing_key(db: Database, kid: str, sealer: KeySealer | None = None) -> Revocation:
    """Revoke a key that may have leaked: it leaves the JWKS and stops signing and verifying at every server's next
    reload (within seconds), so tokens it signed fail from then on. When no other key may sign, a new one is made
    that signs at once (the usual publish-then-sign wait would keep the leaked key signing)."""
    now = datetime.now(UTC)
    with db.session() as session:
        row = session.get(SigningKeyRow, kid)
        if row is None:
            raise UnknownKey(kid)
        _check_store(session, sealer)
        if row.revoked_at is None:
            row.revoked_at = now
        if row.retired_at is None:
            row.retired_at = now
        usable = select(SigningKeyRow).where(SigningKeyRow.retired_at.is_(None), SigningKeyRow.revoked_at.is_(None))
        if session.scalars(usable).first() is not None:
            return Revocation(kid, None)
        replacement = _new_row(now, sealer)
        session.add(replacement)
        return Revocation(kid, replacement.kid)


@dataclass(frozen=True)
class KeyState:
    kid: str
    created_at: datetime
    retired_at: datetime | None
    revoked_at: datetime | None


def list_signing_keys(db: Database) -> list[KeyState]:
    with db.session() as session:
        rows = session.scalars(select(SigningKeyRow).order_by(SigningKeyRow.created_at))
        return [
            KeyState(
                row.kid,
                as_utc(row.created_at),
                as_utc(row.retired_at) if row.retired_at else None,
                as_utc(row.revoked_at) if row.revoked_at else None,
            )
            for row in rows
        ]


class KeyRing:
    """The keys of this process: the one that signs and every key whose tokens may still be live."""

    def __init__(self, db: Database, token_lifetime: int, sealer: KeySealer | None = None) -> None:
        self._db = db
        self._sealer = sealer
        self._token_lifetime = token_lifetime
        self._lock = threading.Lock()
        self._keys: dict[str, SigningKey] = {}
        self._signing: SigningKey | None = None
        self._pem_cache: dict[str, rsa.RSAPrivateKey] = {}

    def reload(self) -> None:
        now = datetime.now(UTC)
        with self._db.session() as session:
            rows = list(session.scalars(select(SigningKeyRow).order_by(SigningKeyRow.created_at)))
        keys: dict[str, SigningKey] = {}
        ready: SigningKey | None = None  # the newest unretired key that has been published long enough
        pending: tuple[datetime, SigningKey] | None = None  # the newest unretired key, by creation time
        predecessor: tuple[datetime, SigningKey] | None = None  # the most recently retired key, by retirement time
        for row in rows:
            if row.revoked_at is not None:
                continue
            if row.retired_at is not None:
                # ``keys rotate`` set expires_at from the lifetime it was told (3600 s unless given): a server
                # whose tokens live longer keeps the key until the last token it signed with it has expired.
                own = as_utc(row.retired_at) + timedelta(seconds=self._token_lifetime + RETIRED_KEY_MARGIN_SECONDS)
                if max(own, as_utc(row.expires_at) if row.expires_at else own) <= now:
                    continue
            private = self._pem_cache.get(row.kid)
            if private is None:
                pem = readable_pem(row.kid, row.private_pem, self._sealer)
                loaded = serialization.load_pem_private_key(pem.encode("ascii"), password=None)
                assert isinstance(loaded, rsa.RSAPrivateKey)
                private = self._pem_cache[row.kid] = loaded
            jwk = json.loads(RSAAlgorithm.to_jwk(private.public_key()))
            jwk.update({"kid": row.kid, "alg": ALGORITHM, "use": "sig"})
            key = SigningKey(row.kid, private, jwk, retired=row.retired_at is not None)
            keys[row.kid] = key
            if row.retired_at is None:
                pending = (as_utc(row.created_at), key)
                if as_utc(row.created_at) <= now - timedelta(seconds=ACTIVATION_SECONDS):
                    ready = key
            elif predecessor is None or as_utc(row.retired_at) >= predecessor[0]:
                predecessor = (as_utc(row.retired_at), key)
        # Until a rotation's new key is ready, the key it retired (at the moment the new key was made) goes on
        # signing. A new installation's first key signs at once: no process can have tokens from another key; so
        # does a key made because the signing key was revoked (no key was retired for it: the revoked one is gone).
        if predecessor is not None and pending is not None and predecessor[0] < pending[0]:
            predecessor = None
        signing = ready or (predecessor[1] if predecessor else None) or (pending[1] if pending else None)
        with self._lock:
            self._keys = keys
            self._signing = signing

    @property
    def loaded(self) -> bool:
        return self._signing is not None

    def signing_key(self) -> SigningKey:
        if self._signing is None:
            raise RuntimeError("no signing key loaded")
        return self._signing

    def get(self, kid: str) -> SigningKey | None:
        return self._keys.get(kid)

    def jwks(self) -> dict[str, Any]:
        return {"keys": [key.public_jwk for key in self._keys.values()]}
