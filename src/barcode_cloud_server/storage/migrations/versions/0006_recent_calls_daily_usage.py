"""The recent-calls log (the last calls of each application: time, operation, status, duration, request id); usage
counts per UTC day beside the hourly ones (filled from them), and covering indexes for adding them up.

Revision ID: 0006
Revises: 0005
"""

from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"


def upgrade() -> None:
    op.create_table(
        "recent_calls",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer, "sqlite"), primary_key=True, autoincrement=True),
        sa.Column("client_id", sa.String(64), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("operation", sa.String(40), nullable=False),
        sa.Column("status", sa.Integer, nullable=False),
        sa.Column("ms", sa.Float, nullable=False),
        sa.Column("request_id", sa.String(64), nullable=False),
    )
    op.create_index("ix_recent_calls_client_at", "recent_calls", ["client_id", "at"])
    daily = op.create_table(
        "usage_daily",
        sa.Column("client_id", sa.String(64), primary_key=True),
        sa.Column("day", sa.DateTime(timezone=True), primary_key=True),
        sa.Column("operation", sa.String(40), primary_key=True),
        sa.Column("status_class", sa.String(3), primary_key=True),
        sa.Column("count", sa.Integer, nullable=False),
    )
    op.create_index("ix_usage_daily_day_counts", "usage_daily", ["day", "operation", "status_class", "count"])
    op.create_index("ix_usage_daily_clients", "usage_daily", ["client_id", "operation", "status_class", "day", "count"])
    op.drop_index("ix_usage_counts_hour", "usage_counts")
    op.create_index("ix_usage_counts_hour_counts", "usage_counts", ["hour", "operation", "status_class", "count"])
    _fill_daily(daily)


def _fill_daily(daily: sa.Table) -> None:
    # In Python, the same on SQLite and PostgreSQL: the hourly counts of a deployment that ran 0005 are few.
    hourly = sa.table(
        "usage_counts",
        sa.column("client_id", sa.String),
        sa.column("hour", sa.DateTime(timezone=True)),
        sa.column("operation", sa.String),
        sa.column("status_class", sa.String),
        sa.column("count", sa.Integer),
    )
    bind = op.get_bind()
    days: dict[tuple[str, datetime, str, str], int] = {}
    for client_id, hour, operation, status_class, count in bind.execute(sa.select(hourly)):
        hour = hour if hour.tzinfo else hour.replace(tzinfo=UTC)
        key = (
            client_id,
            hour.astimezone(UTC).replace(hour=0, minute=0, second=0, microsecond=0),
            operation,
            status_class,
        )
        days[key] = days.get(key, 0) + count
    if days:
        rows = [
            {"client_id": c, "day": d, "operation": o, "status_class": s, "count": n}
            for (c, d, o, s), n in days.items()
        ]
        bind.execute(daily.insert(), rows)


def downgrade() -> None:
    op.drop_index("ix_usage_counts_hour_counts", "usage_counts")
    op.create_index("ix_usage_counts_hour", "usage_counts", ["hour"])
    op.drop_index("ix_usage_daily_clients", "usage_daily")
    op.drop_index("ix_usage_daily_day_counts", "usage_daily")
    op.drop_table("usage_daily")
    op.drop_index("ix_recent_calls_client_at", "recent_calls")
    op.drop_table("recent_calls")
