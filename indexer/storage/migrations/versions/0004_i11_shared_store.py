"""The store shared by several processes on PostgreSQL.

- The audit trail refuses TRUNCATE too (row triggers do not fire on TRUNCATE, so revision 0001's
  UPDATE/DELETE triggers left that way open). SQLite has no TRUNCATE.
- `crawl_urls.claimed_by`: which crawler run claimed a URL being fetched, so that a crawler starting
  re-queues only the claims of runs that are gone (`indexer.storage.crawl_frontier`).
- `seq` on `crawl_urls` and `crawl_reposts`: the insertion order ("oldest first") that SQLite's rowid
  gives, from a PostgreSQL sequence as the column's default (existing rows are numbered); a plain,
  unused column on SQLite.

Revision ID: 0004_i11_shared_store
Revises: 0004_i16_corrections
Create Date: 2026-11-30
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004_i11_shared_store"
down_revision = "0004_i16_corrections"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("crawl_urls", sa.Column("claimed_by", sa.Text(), nullable=True))
    if op.get_bind().dialect.name != "postgresql":
        for table in ("crawl_urls", "crawl_reposts"):
            op.add_column(table, sa.Column("seq", sa.BigInteger(), nullable=True))
        return
    for table in ("crawl_urls", "crawl_reposts"):
        op.execute(f"CREATE SEQUENCE {table}_seq")
        op.execute(f"ALTER TABLE {table} ADD COLUMN seq BIGINT DEFAULT nextval('{table}_seq')")
        op.execute(f"ALTER SEQUENCE {table}_seq OWNED BY {table}.seq")
    # The function is revision 0001's: it raises "the audit trail is append-only".
    op.execute(
        "CREATE OR REPLACE TRIGGER synonym_audit_no_truncate BEFORE TRUNCATE ON synonym_audit "
        "FOR EACH STATEMENT EXECUTE FUNCTION synonym_audit_append_only()"
    )


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER IF EXISTS synonym_audit_no_truncate ON synonym_audit")
    for table in ("crawl_reposts", "crawl_urls"):
        with op.batch_alter_table(table) as batch:
            batch.drop_column("seq")
    with op.batch_alter_table("crawl_urls") as batch:
        batch.drop_column("claimed_by")
