"""Expired sessions and expired or used account links leave the database (a bounded batch at a time), live ones
stay: the function, the `users purge` command, and the server's timer."""

from __future__ import annotations

import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select, update

from barcode_cloud_server.dashboard.accounts import Accounts, Purged, session_digest
from barcode_cloud_server.settings import normalize_database_url
from barcode_cloud_server.storage.db import Database
from barcode_cloud_server.storage.tables import AccountLinkRow, UserSessionRow
from tests.support.servers import postgres_database, run_cli, running_server

PASSWORD = "correct horse battery"
PAST = datetime.now(UTC) - timedelta(minutes=1)


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def db(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Database]:
    if request.param == "postgres":
        with postgres_database() as url:
            database = Database(normalize_database_url(url))
            database.migrate()
            yield database
            database.dispose()
    else:
        database = Database(f"sqlite:///{tmp_path / 'db.sqlite'}")
        database.migrate()
        yield database
        database.dispose()


@pytest.fixture
def accounts(db: Database) -> Accounts:
    return Accounts(db)


def count(db: Database, table: type[UserSessionRow] | type[AccountLinkRow]) -> int:
    with db.session() as session:
        return int(session.scalar(select(func.count()).select_from(table)) or 0)


def expire_sessions(db: Database, session_ids: list[str]) -> None:
    digests = [session_digest(session_id) for session_id in session_ids]
    with db.session() as session:
        session.execute(update(UserSessionRow).where(UserSessionRow.id_hash.in_(digests)).values(expires_at=PAST))


def expire_link(db: Database, user_id: int) -> None:
    with db.session() as session:
        session.execute(update(AccountLinkRow).where(AccountLinkRow.user_id == user_id).values(expires_at=PAST))


def test_expired_sessions_and_spent_links_go_and_live_ones_stay(db: Database, accounts: Accounts) -> None:
    admin, admin_link = accounts.create_user("admin@example.com", admin=True)
    accounts.use_link(admin_link, PASSWORD)  # used: goes
    pending, pending_link = accounts.create_user("pending@example.com")  # live: stays
    late, late_link = accounts.create_user("late@example.com")
    expire_link(db, late.id)  # expired: goes
    live, stale = accounts.start_session(admin.id), accounts.start_session(admin.id)
    expire_sessions(db, [stale])
    assert (count(db, UserSessionRow), count(db, AccountLinkRow)) == (2, 3)

    purged = accounts.purge_expired(batch=100)
    assert (purged.sessions, purged.links) == (1, 2)
    assert (count(db, UserSessionRow), count(db, AccountLinkRow)) == (1, 1)
    assert accounts.session_user(live) is not None
    link = accounts.open_link(pending_link)
    assert link is not None and link.user == pending
    assert accounts.open_link(late_link) is None
    assert accounts.purge_expired(batch=100) == Purged(0, 0)


def test_one_run_deletes_at_most_a_batch_of_each(db: Database, accounts: Accounts) -> None:
    user, _ = accounts.create_user("many@example.com")
    stale = [accounts.start_session(user.id) for _ in range(5)]
    expire_sessions(db, stale)
    runs = [accounts.purge_expired(batch=2).sessions for _ in range(4)]
    assert runs == [2, 2, 1, 0]


def test_users_purge_and_a_starting_server_purge(tmp_path: Path) -> None:
    data_dir = tmp_path / "data"
    run_cli("migrate", "--data-dir", str(data_dir))
    db = Database(f"sqlite:///{data_dir / 'barcode-cloud.db'}")
    accounts = Accounts(db)
    # An administrator, so that the server makes no first-start link.
    user, token = accounts.create_user("someone@example.com", admin=True)
    live = accounts.start_session(user.id)
    expire_sessions(db, [accounts.start_session(user.id) for _ in range(3)])
    made = run_cli("users", "purge", "--data-dir", str(data_dir))
    assert "purged 3 expired sessions and 0 expired or used account links" in made.stderr
    assert accounts.session_user(live) is not None and accounts.open_link(token) is not None

    expire_sessions(db, [accounts.start_session(user.id) for _ in range(2)])
    expire_link(db, user.id)
    with running_server(data_dir):  # its first purge runs as it starts
        deadline = time.monotonic() + 10
        while (count(db, UserSessionRow), count(db, AccountLinkRow)) != (1, 0) and time.monotonic() < deadline:
            time.sleep(0.1)
        assert (count(db, UserSessionRow), count(db, AccountLinkRow)) == (1, 0)
    assert accounts.session_user(live) is not None
    db.dispose()
