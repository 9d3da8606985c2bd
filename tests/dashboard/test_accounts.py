"""Accounts on the database: argon2id hashes, one-time expiring links, the first administrator made once,
server-side sessions that end."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from argon2 import PasswordHasher
from sqlalchemy import select, update

from barcode_cloud_server.dashboard import accounts as accounts_module
from barcode_cloud_server.dashboard.accounts import AccountError, Accounts
from barcode_cloud_server.storage.db import Database
from barcode_cloud_server.storage.tables import AccountLinkRow, UserRow, UserSessionRow

PASSWORD = "correct horse battery"


@pytest.fixture
def db(tmp_path: Path) -> Database:
    database = Database(f"sqlite:///{tmp_path / 'db.sqlite'}")
    database.migrate()
    return database


def test_the_first_start_link_makes_one_administrator_and_works_once(db: Database) -> None:
    accounts = Accounts(db)
    first, second = accounts.first_start_link(), accounts.first_start_link()
    assert first and second
    admin = accounts.use_link(first, PASSWORD, "Boss@Example.com")
    assert (admin.email, admin.is_admin) == ("boss@example.com", True)
    assert accounts.first_start_link() is None
    assert accounts.open_link(first) is None and accounts.open_link(second) is None
    with pytest.raises(AccountError, match="expired or was already used"):
        accounts.use_link(first, PASSWORD, "other@example.com")
    with pytest.raises(AccountError, match="already has an administrator"):
        accounts.use_link(second, PASSWORD, "other@example.com")


def test_the_hash_unknown_emails_are_checked_against_is_made_up_front_and_not_for_administration(
    db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    hashed: list[object] = []

    class Counting(PasswordHasher):
        def hash(self, password: str | bytes, **kwargs: Any) -> str:
            hashed.append(password)
            return super().hash(password, **kwargs)

    monkeypatch.setattr(accounts_module, "_hasher", Counting())
    administration = Accounts(db, signs_in=False)  # the CLI's: an argon2 hash is a good part of a second
    assert administration.first_start_link()
    assert hashed == []
    Accounts(db)  # the dashboard's: the first sign-in with an unknown email costs what the others do
    assert len(hashed) == 1
    assert administration.authenticate("nobody@example.com", PASSWORD) is None  # made when needed after all
    assert len(hashed) == 2


def test_passwords_are_stored_as_argon2id_hashes_and_checked(db: Database) -> None:
    accounts = Accounts(db)
    user, token = accounts.create_user("member@example.com")
    assert accounts.authenticate("member@example.com", PASSWORD) is None  # no password yet
    accounts.use_link(token, PASSWORD)
    with db.session() as session:
        stored = session.scalar(select(UserRow.password_hash).where(UserRow.id == user.id))
    assert stored is not None and stored.startswith("$argon2id$") and PASSWORD not in stored
    assert accounts.authenticate(" Member@Example.com ", PASSWORD) is not None
    assert accounts.authenticate("member@example.com", PASSWORD + "x") is None
    assert accounts.authenticate("nobody@example.com", PASSWORD) is None
    accounts.set_enabled(user.id, False)
    assert accounts.authenticate("member@example.com", PASSWORD) is None


def test_a_link_expires(db: Database) -> None:
    accounts = Accounts(db)
    _, token = accounts.create_user("late@example.com")
    with db.session() as session:
        session.execute(update(AccountLinkRow).values(expires_at=datetime.now(UTC) - timedelta(seconds=1)))
    assert accounts.open_link(token) is None
    with pytest.raises(AccountError):
        accounts.use_link(token, PASSWORD)


def test_short_passwords_and_odd_emails_are_refused(db: Database) -> None:
    accounts = Accounts(db)
    _, token = accounts.create_user("a@example.com")
    with pytest.raises(AccountError, match="at least"):
        accounts.use_link(token, "short")
    assert accounts.open_link(token) is not None  # a refused password does not spend the link
    for email in ("not-an-email", "a b@example.com", "@example.com"):
        with pytest.raises(AccountError):
            accounts.create_user(email)
    with pytest.raises(AccountError, match="already an account"):
        accounts.create_user("A@example.com")


def test_sessions_are_stored_as_hashes_and_end_one_by_one_or_all_at_once(db: Database) -> None:
    accounts = Accounts(db)
    _, token = accounts.create_user("s@example.com")
    user = accounts.use_link(token, PASSWORD)
    one, two = accounts.start_session(user.id), accounts.start_session(user.id)
    with db.session() as session:
        hashes = list(session.scalars(select(UserSessionRow.id_hash)))
    assert len(hashes) == 2 and all(one.encode() not in h and two.encode() not in h for h in hashes)
    assert accounts.session_user(one) == accounts.session_user(two) == user
    accounts.end_session(one)
    assert accounts.session_user(one) is None and accounts.session_user(two) is not None
    accounts.end_all_sessions(user.id)
    assert accounts.session_user(two) is None


def test_an_expired_session_or_a_disabled_account_signs_out(db: Database) -> None:
    accounts = Accounts(db)
    user, token = accounts.create_user("e@example.com")
    accounts.use_link(token, PASSWORD)
    session_id = accounts.start_session(user.id)
    with db.session() as session:
        session.execute(update(UserSessionRow).values(expires_at=datetime.now(UTC) - timedelta(seconds=1)))
    assert accounts.session_user(session_id) is None
    session_id = accounts.start_session(user.id)
    accounts.set_enabled(user.id, False)
    assert accounts.session_user(session_id) is None
