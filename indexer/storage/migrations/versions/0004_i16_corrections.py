"""Metadata corrections staff made in /admin (有效性, 主题分类, 发文机关), kept across re-crawls.

Revision ID: 0004_i16_corrections
Revises: 0003_i14_portals
Create Date: 2026-11-30
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004_i16_corrections"
down_revision = "0003_i14_portals"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "document_corrections",
        sa.Column("doc_id", sa.Text(), nullable=False),
        sa.Column("field", sa.Text(), nullable=False),
        sa.Column("value", sa.Text(), nullable=False),
        sa.Column("original", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("doc_id", "field"),
    )


def downgrade() -> None:
    op.drop_table("document_corrections")
