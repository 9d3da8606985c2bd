"""Signing keys encrypted at rest with the operator's key encryption key (identity.keyseal)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import httpx
import jwt
import pytest
from pydantic import ValidationError
from sqlalchemy import select

from barcode_cloud_server.identity.keys import KeyRing, ensure_signing_key, rotate_signing_key
from barcode_cloud_server.identity.keyseal import ENV_NAME, SEALED_PREFIX, KeySealer, KeyStoreLocked
from barcode_cloud_server.settings import Settings, normalize_database_url
from barcode_cloud_server.storage.db import Database
from barcode_cloud_server.storage.tables import SigningKeyRow
from tests.support.servers import LiveServer, free_port

KEK = "kek-for-tests-0123456789abcdefghijklmnop"
OTHER_KEK = "another-kek-0123456789abcdefghijklmnopqrs"


def stored(db: Database) -> dict[str, str]:
    with db.session() as session:
        return {row.kid: row.private_pem for row in session.scalars(select(SigningKeyRow))}


def test_sealed_keys_open_only_with_the_same_secret_and_kid() -> None:
    sealer = KeySealer(KEK)
    pem = "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n"
    sealed = sealer.seal("kid-1", pem)
    assert sealed.startswith(SEALED_PREFIX) and "PRIVATE KEY" not in sealed
    assert sealer.open("kid-1", sealed) == pem
    assert sealer.seal("kid-1", pem) != sealed  # a fresh nonce each time
    with pytest.raises(KeyStoreLocked):
        sealer.open("kid-2", sealed)  # copied to another row
    with pytest.raises(KeyStoreLocked, match=ENV_NAME):
        KeySealer(OTHER_KEK).open("kid-1", sealed)


def test_a_short_secret_is_refused_without_echoing_it() -> None:
    with pytest.raises(ValidationError) as caught:
        Settings(key_encryption_key="too-short-a-secret")
    assert "at least 32 characters" in str(caught.value)
    assert "too-short-a-secret" not in str([e["msg"] for e in caught.value.errors()])
    assert "kek-for-tests" not in repr(Settings(key_encryption_key=KEK))


def test_plain_keys_are_encrypted_once_a_secret_is_given_and_then_need_it(tmp_path: Path) -> None:
    db = Database(f"sqlite:///{tmp_path / 'keys.db'}")
    db.migrate()
    ensure_signing_key(db)  # an installation that started without a key encryption key
    (plain,) = stored(db).values()
    assert "PRIVATE KEY" in plain
    sealer = KeySealer(KEK)
    ensure_signing_key(db, sealer)
    rotate_signing_key(db, 3600, sealer)
    assert all(value.startswith(SEALED_PREFIX) for value in stored(db).values())
    assert len(stored(db)) == 2
    ring = KeyRing(db, 3600, sealer)
    ring.reload()
    assert ring.signing_key() is not None
    with pytest.raises(KeyStoreLocked, match=f"encrypted: set {ENV_NAME}"):
        ensure_signing_key(db)
    with pytest.raises(KeyStoreLocked, match="does not decrypt"):
        ensure_signing_key(db, KeySealer(OTHER_KEK))
    with pytest.raises(KeyStoreLocked):
        rotate_signing_key(db, 3600)  # a key made without the secret would sit beside sealed ones
    db.dispose()


@pytest.mark.parametrize("backend", ["sqlite", "postgres"])
def test_a_server_with_a_key_encryption_key(start_server: Callable[..., LiveServer], backend: str) -> None:
    server = start_server(backend=backend, env={ENV_NAME: KEK})
    token = server.token()
    db = Database(normalize_database_url(server.database_url or f"sqlite:///{server.data_dir / 'barcode-cloud.db'}"))
    try:
        rows = stored(db)
        assert rows and all(value.startswith(SEALED_PREFIX) for value in rows.values())
        assert jwt.get_unverified_header(token)["kid"] in rows
        assert httpx.get(server.api_url + "/whoami", headers={"Authorization": f"Bearer {token}"}).status_code == 200
        # Administration needs the secret too, and says so without it.
        refused = server.cli("keys", "rotate", check=False, env={})
        assert refused.returncode == 2 and ENV_NAME in refused.stderr
        wrong = server.cli("keys", "rotate", check=False, env={ENV_NAME: OTHER_KEK})
        assert wrong.returncode == 2 and "does not decrypt" in wrong.stderr
        server.cli("keys", "rotate")
        assert len(stored(db)) == 2 and all(v.startswith(SEALED_PREFIX) for v in stored(db).values())
        # A server started on this database without the secret stops at once, saying what to set.
        without = server.cli("serve", "--port", str(free_port()), check=False, env={})
        assert without.returncode == 2 and ENV_NAME in without.stderr
        assert KEK not in server.logs()
    finally:
        db.dispose()
