"""Usage counts per application, hour, operation and status class; per-application daily and monthly quotas.

Revision ID: 0005
Revises: 0004
"""

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"


def upgrade() -> None:
    op.create_table(
        "usage_counts",
        sa.Column("client_id", sa.String(64), primary_key=True),
        sa.Column("hour", sa.DateTime(timezone=True), primary_key=True, index=True),
        sa.Column("operation", sa.String(40), primary_key=True),
        sa.Column("status_class", sa.String(3), primary_key=True),
        sa.Column("count", sa.Integer, nullable=False),
    )
    with op.batch_alter_table("clients") as batch:
        batch.add_column(sa.Column("daily_quota", sa.Integer, nullable=True))
        batch.add_column(sa.Column("monthly_quota", sa.Integer, nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("clients") as batch:
        batch.drop_column("monthly_quota")
        batch.drop_column("daily_quota")
    op.drop_table("usage_counts")
