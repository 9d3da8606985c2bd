"""The client status counter on SQLite and PostgreSQL: every change of a client's status made through another
process moves it, so a reload that finds it unchanged reads one row, not the clients table."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import event, text

from barcode_cloud_server.identity.clients import ClientStore
from barcode_cloud_server.identity.status import ClientStatus
from barcode_cloud_server.storage.db import Database
from tests.support.servers import database_on


def _issued_before_now() -> int:
    """A token's iat earlier than any mark made from now on."""
    return int(time.time()) - 10


def _issued_after_now() -> int:
    """A token's iat later than any mark made until now (a mark is the start of the next second)."""
    return int(time.time()) + 2


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def db(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Database]:
    with database_on(request.param, tmp_path) as database:
        yield database


@pytest.fixture
def other_host(db: Database) -> Iterator[ClientStore]:
    """The same database through an engine of its own, as another server or an administration command has."""
    other = Database(db.url)
    try:
        yield ClientStore(other)
    finally:
        other.dispose()


def _statements(db: Database) -> list[str]:
    seen: list[str] = []
    event.listen(db.engine, "before_cursor_execute", lambda _c, _cur, statement, *_a: seen.append(statement))
    return seen


def test_a_reload_with_nothing_changed_does_not_read_the_clients_table(db: Database) -> None:
    store = ClientStore(db)
    for n in range(3):
        store.create(f"app{n}")
    status = ClientStatus(store)
    status.reload()
    statements = _statements(db)
    status.reload()
    status.reload()
    assert statements, "the reload read nothing at all"
    assert not [s for s in statements if "clients" in s.lower()]


@pytest.mark.parametrize("change", ["disable", "delete", "revoke_tokens", "rotate_without_overlap"])
async def test_a_change_through_another_host_is_seen_at_the_next_reload(
    db: Database, other_host: ClientStore, change: str
) -> None:
    store = ClientStore(db)
    client_id = store.create("app").client_id
    bystander = store.create("bystander").client_id
    status = ClientStatus(store)
    status.reload()
    issued = _issued_before_now()
    assert await status.accepts(client_id, issued)
    if change == "disable":
        assert other_host.set_enabled(client_id, False)
    elif change == "delete":
        assert other_host.delete(client_id)
    elif change == "revoke_tokens":
        assert other_host.revoke_tokens(client_id)
    else:
        assert other_host.rotate_secret(client_id, overlap_seconds=0) is not None
    status.reload()
    assert not await status.accepts(client_id, issued)
    assert await status.accepts(bystander, issued)


async def test_enabling_through_another_host_is_seen_at_the_next_reload(db: Database, other_host: ClientStore) -> None:
    store = ClientStore(db)
    client_id = store.create("app").client_id
    store.set_enabled(client_id, False)
    status = ClientStatus(store)
    status.reload()
    issued = _issued_after_now()
    assert not await status.accepts(client_id, issued)  # remembered as disabled until a whole read
    assert other_host.set_enabled(client_id, True)
    status.reload()
    assert status.known(client_id)
    assert await status.accepts(client_id, issued)


def test_writes_that_leave_the_status_alone_do_not_move_the_counter(db: Database, other_host: ClientStore) -> None:
    store = ClientStore(db)
    before = store.status_revision()
    creds = other_host.create("app")
    assert other_host.authenticate(creds.client_id, creds.client_secret) is not None  # writes last_used_at
    assert other_host.set_quota(creds.client_id, 10, 100)
    rotated = other_host.rotate_secret(creds.client_id, overlap_seconds=60)
    assert rotated is not None
    assert store.status_revision() == before


async def test_a_status_change_made_in_sql_moves_the_counter(db: Database) -> None:
    # As a server of the version before the counter writes it during a rolling upgrade, or an administrator by hand.
    store = ClientStore(db)
    client_id = store.create("app").client_id
    status = ClientStatus(store)
    status.reload()
    before = store.status_revision()
    with db.engine.begin() as conn:
        conn.execute(text("UPDATE clients SET enabled = false WHERE id = :id"), {"id": client_id})
    assert store.status_revision() != before
    status.reload()
    assert not await status.accepts(client_id, _issued_after_now())
