"""An application works only while its owner's account is enabled too: changing a user's ``enabled``, or deleting
users, moves the client status counter of migration 0007, so that every server reloads the enabled clients.

The same triggers as 0007's, on ``users``: an UPDATE naming ``enabled``, a DELETE (and on PostgreSQL a TRUNCATE).
Creating a user does not move it: a new account owns no application yet.

Revision ID: 0008
Revises: 0007
"""

from alembic import op

revision = "0008"
down_revision = "0007"

# SQLite has row triggers only, and no TRUNCATE. A migration that rebuilds the users table there (a batch
# operation that copies it) drops them: such a migration must create them again.
_SQLITE_TRIGGERS = {
    "users_status_updated": "AFTER UPDATE OF enabled ON users",
    "users_deleted": "AFTER DELETE ON users",
}
_BUMP = "UPDATE revisions SET value = value + 1 WHERE name = 'client_status'"


def upgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        for name, when in _SQLITE_TRIGGERS.items():
            op.execute(f"CREATE TRIGGER {name} {when} BEGIN {_BUMP}; END")
        return
    # Once per statement, before it touches a row, as on clients: every transaction that changes a status takes
    # the counter's row first, so two of them cannot wait for each other's rows.
    op.execute(
        "CREATE TRIGGER users_status_changed BEFORE UPDATE OF enabled OR DELETE OR TRUNCATE"
        " ON users FOR EACH STATEMENT EXECUTE FUNCTION bump_client_status()"
    )


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        for name in _SQLITE_TRIGGERS:
            op.execute(f"DROP TRIGGER {name}")
    else:
        op.execute("DROP TRIGGER users_status_changed ON users")
