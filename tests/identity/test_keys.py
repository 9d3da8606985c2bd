"""The key ring's view of rotated keys (no server needed: the database is all it reads)."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from sqlalchemy import select

from barcode_cloud_server.identity.keys import ACTIVATION_SECONDS, KeyRing, ensure_signing_key, rotate_signing_key
from barcode_cloud_server.storage.db import Database
from barcode_cloud_server.storage.tables import SigningKeyRow


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


def test_a_new_key_is_published_before_it_signs(tmp_path: Path) -> None:
    # Every process reloads keys on its own: one signing with a key the others had not loaded yet made its
    # tokens fail there (another worker, another machine) for up to a reload interval.
    db = Database(f"sqlite:///{tmp_path / 'keys.db'}")
    db.migrate()
    ensure_signing_key(db)
    ring = KeyRing(db, token_lifetime=3600)
    ring.reload()
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
    db.dispose()
