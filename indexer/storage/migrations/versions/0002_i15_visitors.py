"""Distinct visitors for 热搜: a salted visitor hash on each logged query, and the day's salt.

A query is popular when enough different people searched it, not when one person searched it often.
The hash is of the visitor's address and browser with a salt that changes every day and is deleted
after the day, so it cannot be traced back to a person or linked across days.

Revision ID: 0002_i15_visitors
Revises: 0001
Create Date: 2026-12-01
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002_i15_visitors"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("query_log", sa.Column("visitor", sa.Text(), nullable=True))
    op.create_index("query_log_at", "query_log", ["at"])
    op.create_table(
        "visitor_salts",
        sa.Column("day", sa.Text(), primary_key=True),
        sa.Column("salt", sa.Text(), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("visitor_salts")
    op.drop_index("query_log_at", table_name="query_log")
    with op.batch_alter_table("query_log") as batch:
        batch.drop_column("visitor")
