"""The client status counter on SQLite and PostgreSQL: every change of a client's status made through another
process moves it, its owner's account disabled, enabled or deleted included, so a reload that finds it unchanged
reads one row, not the clients table."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from alembic import command
from sqlalchemy import event, text

from barcode_cloud_server.dashboard.accounts import Accounts
from barcode_cloud_server.identity.clients import ClientStore
from barcode_cloud_server.identity.status import ClientStatus
from barcode_cloud_server.storage.db import Database, _alembic_config
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
def other_db(db: Database) -> Iterator[Database]:
    """The same database through an engine of its own, as another server or an administration command has."""
    other = Database(db.url)
    try:
        yield other
    finally:
        other.dispose()


@pytest.fixture
def other_host(other_db: Database) -> ClientStore:
    return ClientStore(other_db)


@pytest.fixture
def other_accounts(other_db: Database) -> Accounts:
    """The dashboard's accounts on another host (an administrator on another server)."""
    return Accounts(other_db, signs_in=False)


def _member(db: Database, email: str = "member@example.com") -> int:
    return Accounts(db, signs_in=False).create_user(email)[0].id


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


def test_writes_that_leave_the_status_alone_do_not_move_the_counter(
    db: Database, other_host: ClientStore, other_accounts: Accounts
) -> None:
    store = ClientStore(db)
    before = store.status_revision()
    creds = other_host.create("app")
    assert other_host.authenticate(creds.client_id, creds.client_secret) is not None  # writes last_used_at
    assert other_host.set_quota(creds.client_id, 10, 100)
    rotated = other_host.rotate_secret(creds.client_id, overlap_seconds=60)
    assert rotated is not None
    # An account's writes that leave ``enabled`` alone: made, password chosen and changed, signed in and out.
    user, link = other_accounts.create_user("member@example.com")
    other_accounts.use_link(link, "first password")
    other_accounts.change_password(user.id, "first password", "second password")
    other_accounts.end_session(other_accounts.start_session(user.id))
    assert store.status_revision() == before


async def test_an_owners_account_disabled_and_enabled_through_another_host_is_seen_at_the_next_reload(
    db: Database, other_host: ClientStore, other_accounts: Accounts
) -> None:
    store = ClientStore(db)
    owner = _member(db)
    app = store.create("app", owner_id=owner).client_id
    paused = store.create("paused by its owner", owner_id=owner).client_id
    store.set_enabled(paused, False)
    cli_made = store.create("cli").client_id
    status = ClientStatus(store)
    status.reload()
    issued = _issued_before_now()
    assert await status.accepts(app, issued) and await status.accepts(cli_made, issued)
    before = store.status_revision()
    assert other_accounts.set_enabled(owner, False)
    assert store.status_revision() != before
    status.reload()
    assert not await status.accepts(app, issued) and not await status.accepts(app, _issued_after_now())
    assert await status.accepts(cli_made, issued)
    assert store.valid_after(app) is None
    moved = store.status_revision()
    assert other_accounts.set_enabled(owner, True)
    assert store.status_revision() != moved
    status.reload()
    assert await status.accepts(app, _issued_after_now())
    assert not await status.accepts(app, issued)  # tokens from before the account was disabled stay void
    assert not await status.accepts(paused, _issued_after_now())  # its own disabling stands


@pytest.mark.parametrize("account_enabled", [True, False])
async def test_deleting_an_account_keeps_its_applications_as_they_work(
    db: Database, other_accounts: Accounts, account_enabled: bool
) -> None:
    store = ClientStore(db)
    owner = _member(db)
    app = store.create("app", owner_id=owner).client_id
    if not account_enabled:
        other_accounts.set_enabled(owner, False)
    status = ClientStatus(store)
    status.reload()
    before = store.status_revision()
    assert other_accounts.delete_user(owner)
    assert not other_accounts.delete_user(owner)
    assert store.status_revision() != before
    info = store.get(app)
    assert info is not None and info.owner_id is None and info.owner_enabled
    assert info.enabled is account_enabled  # a disabled account's applications stay out of work, now for good
    status.reload()
    assert await status.accepts(app, _issued_after_now()) is account_enabled


async def test_an_account_disabled_in_sql_moves_the_counter(db: Database) -> None:
    # As a server of the version before 0008 does when it disables an account, or an administrator by hand.
    store = ClientStore(db)
    owner = _member(db)
    app = store.create("app", owner_id=owner).client_id
    status = ClientStatus(store)
    status.reload()
    before = store.status_revision()
    with db.engine.begin() as conn:
        conn.execute(text("UPDATE users SET enabled = false WHERE id = :id"), {"id": owner})
    assert store.status_revision() != before
    status.reload()
    assert not await status.accepts(app, _issued_after_now())


def test_the_account_triggers_go_with_a_downgrade_and_come_back(db: Database) -> None:
    store = ClientStore(db)
    owner = _member(db)
    config = _alembic_config()

    def changing_enabled_moves_the_counter(enabled: bool) -> bool:
        before = store.status_revision()
        with db.engine.begin() as conn:
            conn.execute(text("UPDATE users SET enabled = :on WHERE id = :id"), {"on": enabled, "id": owner})
        return store.status_revision() != before

    with db.engine.begin() as conn:
        config.attributes["connection"] = conn
        command.downgrade(config, "0007")
    assert not changing_enabled_moves_the_counter(False)
    db.migrate()
    assert changing_enabled_moves_the_counter(True)


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
