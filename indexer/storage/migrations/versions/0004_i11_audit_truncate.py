"""PostgreSQL: the audit trail refuses TRUNCATE too (row triggers do not fire on TRUNCATE, so
revision 0001's UPDATE/DELETE triggers left that way open). SQLite has no TRUNCATE: nothing to do.

Revision ID: 0004_i11_audit_truncate
Revises: 0003_i14_portals
Create Date: 2026-11-30
"""

from __future__ import annotations

from alembic import op

revision = "0004_i11_audit_truncate"
down_revision = "0003_i14_portals"
branch_labels = None
depends_on = None


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    # The function is revision 0001's: it raises "the audit trail is append-only".
    op.execute(
        "CREATE OR REPLACE TRIGGER synonym_audit_no_truncate BEFORE TRUNCATE ON synonym_audit "
        "FOR EACH STATEMENT EXECUTE FUNCTION synonym_audit_append_only()"
    )


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER IF EXISTS synonym_audit_no_truncate ON synonym_audit")
