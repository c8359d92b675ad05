"""Per catalogue item, what the links were last computed against: the item's content hash and a
fingerprint of what the linker reads of it (names, aliases, codes). A changed item whose fingerprint is
the same changes no document's links; one whose fingerprint changed relinks only the documents linked
to it or able to link to it, instead of every document (issue 18: one re-imported item relinked all
100,000 documents).

Revision ID: 0005_i18_item_link_state
Revises: 0004_i18_documents_updated
Create Date: 2026-12-01
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005_i18_item_link_state"
down_revision = "0004_i18_documents_updated"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "item_link_state",
        sa.Column("key", sa.Text, primary_key=True),
        sa.Column("content_hash", sa.Text, nullable=False),
        sa.Column("targets", sa.Text, nullable=False),
    )


def downgrade() -> None:
    op.drop_table("item_link_state")
