"""An index on documents.updated_at: a serving process asks every few seconds whether the store
changed (the latest `updated_at` and the number of documents); without the index that read the whole
table, 0.1 s at 100k documents and over 1 s at 1M.

Revision ID: 0004_i18_documents_updated
Revises: 0004_i16_corrections
Create Date: 2026-11-30
"""

from __future__ import annotations

from alembic import op

revision = "0004_i18_documents_updated"
down_revision = "0004_i11_shared_store"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("documents_updated", "documents", ["updated_at"])


def downgrade() -> None:
    op.drop_index("documents_updated", table_name="documents")
