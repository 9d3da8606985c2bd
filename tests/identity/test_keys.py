"""The key ring's view of rotated keys (no server needed: the database is all it reads)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

from barcode_cloud_server.identity.keys import (
    ACTIVATION_SECONDS,
    KeyRing,
    UnknownKey,
    ensure_signing_key,
    list_signing_keys,
    revoke_signing_key,
    rotate_signing_key,
)
from barcode_cloud_server.storage.db import Database
from barcode_cloud_server.storage.tables import SigningKeyRow


@pytest.fixture
def ring_db(tmp_path: Path) -> Iterator[tuple[KeyRing, Database]]:
    """A migrated SQLite database with its first key, and a key ring (3,600 s tokens) that has loaded it."""
    db = Database(f"sqlite:///{tmp_path / 'keys.db'}")
    db.migrate()
    ensure_signing_key(db)
    ring = KeyRing(db, token_lifetime=3600)
    ring.reload()
    yield ring, db
    db.dispose()


def test_a_retired_key_stays_as_long_as_this_servers_tokens_live(tmp_path: Path) -> None:
    db = Database(f"sqlite:///{tmp_path / 'keys.db'}")
    db.migrate()
    ensure_signing_key(db)
    day_long = KeyRing(db, token_lifetime=86400)
    day_long.reload()
    old_kid = day_long.signing_key().kid
    new_kid = rotate_signing_key(db, token_lifetime=3600)  # `keys rotate` run without --token-lifetime
    # Two hours on: the rotation's guess (an hour and a minute) has run out, a day-long token has not.
    with db.session() as session:
        for row in session.scalars(select(SigningKeyRow)):
            row.created_at -= timedelta(hours=2)
            if row.retired_at is not None and row.expires_at is not None:
                row.retired_at -= timedelta(hours=2)
                row.expires_at -= timedelta(hours=2)
    day_long.reload()
    assert day_long.signing_key().kid == new_kid
    assert day_long.get(old_kid) is not None
    assert {k["kid"] for k in day_long.jwks()["keys"]} == {old_kid, new_kid}
    hour_long = KeyRing(db, token_lifetime=3600)  # a server whose tokens are all gone by now drops it
    hour_long.reload()
    assert hour_long.get(old_kid) is None
    assert {k["kid"] for k in hour_long.jwks()["keys"]} == {new_kid}
    db.dispose()


def test_a_new_key_is_published_before_it_signs(ring_db: tuple[KeyRing, Database]) -> None:
    # Every process reloads keys on its own: one signing with a key the others had not loaded yet made its
    # tokens fail there (another worker, another machine) for up to a reload interval.
    ring, db = ring_db
    first = ring.signing_key().kid  # a new installation's first key signs at once
    second = rotate_signing_key(db, token_lifetime=3600)
    ring.reload()
    assert {k["kid"] for k in ring.jwks()["keys"]} == {first, second}  # published...
    assert ring.signing_key().kid == first  # ...but not signing yet
    with db.session() as session:
        row = session.get(SigningKeyRow, second)
        assert row is not None
        row.created_at -= timedelta(seconds=ACTIVATION_SECONDS + 1)
    ring.reload()
    assert ring.signing_key().kid == second


def test_revoking_the_signing_key_makes_a_new_one_that_signs_at_once(ring_db: tuple[KeyRing, Database]) -> None:
    ring, db = ring_db
    leaked = ring.signing_key().kid
    revocation = revoke_signing_key(db, leaked)
    assert revocation.new_signing_kid is not None
    ring.reload()
    assert ring.get(leaked) is None
    assert ring.signing_key().kid == revocation.new_signing_kid  # no publish-then-sign wait for a leaked key
    assert {k["kid"] for k in ring.jwks()["keys"]} == {revocation.new_signing_kid}
    with pytest.raises(UnknownKey):
        revoke_signing_key(db, "no-such-kid")


def test_revoking_during_a_rotation_never_hands_signing_back_to_an_older_key(ring_db: tuple[KeyRing, Database]) -> None:
    ring, db = ring_db
    first = ring.signing_key().kid
    second = rotate_signing_key(db, token_lifetime=3600)
    ring.reload()
    assert ring.signing_key().kid == first  # the rotation's new key waits to be published everywhere
    # The old key leaks in the meantime: the new one takes over at once, published or not.
    assert revoke_signing_key(db, first).new_signing_kid is None
    ring.reload()
    assert ring.signing_key().kid == second
    assert {k["kid"] for k in ring.jwks()["keys"]} == {second}
    # Then the new one leaks too: a third key signs, not the first (revoked) nor any older retired key.
    third = revoke_signing_key(db, second).new_signing_kid
    ring.reload()
    assert third is not None and ring.signing_key().kid == third
    assert [k.kid for k in list_signing_keys(db)] == [first, second, third]
    assert [k.revoked_at is not None for k in list_signing_keys(db)] == [True, True, False]


def test_revoking_a_retired_key_leaves_the_signer_alone(ring_db: tuple[KeyRing, Database]) -> None:
    ring, db = ring_db
    old = ring.signing_key().kid
    new = rotate_signing_key(db, token_lifetime=3600)
    with db.session() as session:
        row = session.get(SigningKeyRow, new)
        assert row is not None
        row.created_at -= timedelta(seconds=ACTIVATION_SECONDS + 1)
    ring.reload()
    assert ring.signing_key().kid == new and ring.get(old) is not None
    assert revoke_signing_key(db, old).new_signing_kid is None
    ring.reload()
    assert ring.signing_key().kid == new and ring.get(old) is None
