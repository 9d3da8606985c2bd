"""A counter of client status changes: every server reloads the enabled clients only when it has moved.

The database bumps it (triggers), in the transaction of any statement that can change which clients are enabled or
since when their tokens count: an UPDATE naming ``enabled`` or ``tokens_valid_after``, a DELETE (and on PostgreSQL
a TRUNCATE). So no writer can forget it: neither a server of the version before this one, still running during a
rolling upgrade, nor an administrator's own SQL. Creating a client does not bump it: an id a server does not know
costs one read of its own.

Revision ID: 0007
Revises: 0006
"""

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"

# SQLite has row triggers only, and no TRUNCATE. A migration that rebuilds the clients table there (a batch
# operation that copies it) drops them: such a migration must create them again.
_SQLITE_TRIGGERS = {
    "clients_status_updated": "AFTER UPDATE OF enabled, tokens_valid_after ON clients",
    "clients_deleted": "AFTER DELETE ON clients",
}
_BUMP = "UPDATE revisions SET value = value + 1 WHERE name = 'client_status'"


def upgrade() -> None:
    revisions = op.create_table(
        "revisions",
        sa.Column("name", sa.String(64), primary_key=True),
        sa.Column("value", sa.BigInteger, nullable=False),
    )
    op.bulk_insert(revisions, [{"name": "client_status", "value": 0}])
    if op.get_bind().dialect.name == "sqlite":
        for name, when in _SQLITE_TRIGGERS.items():
            op.execute(f"CREATE TRIGGER {name} {when} BEGIN {_BUMP}; END")
        return
    op.execute(
        "CREATE FUNCTION bump_client_status() RETURNS trigger LANGUAGE plpgsql"
        f" AS $$ BEGIN {_BUMP}; RETURN NULL; END $$"
    )
    # Once per statement, before it touches a row: a transaction changing client status queues on the counter's
    # row before it locks any client's.
    op.execute(
        "CREATE TRIGGER clients_status_changed BEFORE UPDATE OF enabled, tokens_valid_after OR DELETE OR TRUNCATE"
        " ON clients FOR EACH STATEMENT EXECUTE FUNCTION bump_client_status()"
    )


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        for name in _SQLITE_TRIGGERS:
            op.execute(f"DROP TRIGGER {name}")
    else:
        op.execute("DROP TRIGGER clients_status_changed ON clients")
        op.execute("DROP FUNCTION bump_client_status()")
    op.drop_table("revisions")
