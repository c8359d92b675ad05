"""Portals that embed the search (API keys stored hashed), and which portal a logged query or click
came from.

Revision ID: 0003_i14_portals
Revises: 0002_i15_visitors
Create Date: 2026-12-01
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003_i14_portals"
down_revision = "0002_i15_visitors"
branch_labels = None
depends_on = None


def _text(name: str, *, nullable: bool = False, default: str | None = None) -> sa.Column[str]:
    return sa.Column(name, sa.Text(), nullable=nullable, server_default=default)


def upgrade() -> None:
    op.create_table(
        "portals",
        _text("name"),
        _text("title", default=""),
        _text("key_hash"),
        _text("key_prefix"),
        _text("origins", default="[]"),
        _text("scope", default="{}"),
        _text("rate"),
        _text("colour", default=""),
        _text("logo", default=""),
        _text("created_at"),
        _text("rotated_at", nullable=True),
        _text("revoked_at", nullable=True),
        _text("last_used_at", nullable=True),
        sa.PrimaryKeyConstraint("name"),
    )
    op.create_index("portals_key_hash", "portals", ["key_hash"], unique=True)
    for table in ("query_log", "click_log"):
        op.add_column(table, _text("portal", nullable=True))
        op.create_index(f"{table}_portal", table, ["portal", "at"])


def downgrade() -> None:
    for table in ("query_log", "click_log"):
        op.drop_index(f"{table}_portal", table_name=table)
        with op.batch_alter_table(table) as batch:
            batch.drop_column("portal")
    op.drop_index("portals_key_hash", table_name="portals")
    op.drop_table("portals")
