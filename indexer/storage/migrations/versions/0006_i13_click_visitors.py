"""Distinct visitors for the documents citizens open: the day's salted visitor hash on each logged click.

Letters typed as initials (hz, sbk) are read as the words citizens most likely mean; a document many
different people opened lately makes the words of its title likelier (issue 13: item popularity). One
person or script clicking the same result again and again is one visitor, as for popular queries.

Revision ID: 0006_i13_click_visitors
Revises: 0005_i18_item_link_state
Create Date: 2026-12-01
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006_i13_click_visitors"
down_revision = "0005_i18_item_link_state"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("click_log", sa.Column("visitor", sa.Text(), nullable=True))
    op.create_index("click_log_at", "click_log", ["at"])


def downgrade() -> None:
    op.drop_index("click_log_at", table_name="click_log")
    with op.batch_alter_table("click_log") as batch:
        batch.drop_column("visitor")
