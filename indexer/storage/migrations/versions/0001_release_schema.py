"""The schema of release 0.1: create it from nothing, or adopt a store that release made.

A store of release 0.1 has every table below (made by hand-written CREATE TABLE IF NOT EXISTS) but no
`alembic_version`; every step here is idempotent, so on such a store it only fills what an older
store may lack (two columns that release added by ALTER TABLE, an index or trigger) and the store
is then stamped. Written out in full, not from the live models: a migration must not change when
the models do.

Revision ID: 0001
Revises:
Create Date: 2026-11-24
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

_APPEND_ONLY = "the audit trail is append-only"


def _id() -> sa.Column[int]:
    return sa.Column("id", sa.Integer(), primary_key=True)


def _text(name: str, *, nullable: bool = False, default: str | None = None) -> sa.Column[str]:
    return sa.Column(name, sa.Text(), nullable=nullable, server_default=default)


def _int(name: str, *, nullable: bool = False, default: int | None = None) -> sa.Column[int]:
    server_default = None if default is None else sa.text(str(default))
    return sa.Column(
        name, sa.Integer(), nullable=nullable, server_default=server_default, autoincrement=False
    )


def _table(name: str, *parts: sa.schema.SchemaItem, autoincrement: bool = False) -> None:
    kwargs = {"sqlite_autoincrement": True} if autoincrement else {}
    op.create_table(name, *parts, if_not_exists=True, **kwargs)


def _index(name: str, table: str, *columns: str) -> None:
    op.create_index(name, table, list(columns), if_not_exists=True)


def _add_missing_column(table: str, column: sa.Column[str]) -> None:
    """Stores older than release 0.1's own ALTER TABLE patches lack these columns."""
    present = {c["name"] for c in sa.inspect(op.get_bind()).get_columns(table)}
    if column.name not in present:
        op.add_column(table, column)


def _documents() -> None:
    _table(
        "documents",
        _text("id"),
        _text("kind"),
        _text("url"),
        _text("title"),
        _text("data"),
        _text("content_hash"),
        _text("indexed_hash", nullable=True),
        _int("withdrawn", default=0),
        _text("updated_at"),
        sa.PrimaryKeyConstraint("id"),
    )
    _index("documents_pending", "documents", "indexed_hash", "content_hash")
    _index("documents_kind", "documents", "kind", "withdrawn")


def _logs() -> None:
    _table(
        "query_log",
        _id(),
        _text("at"),
        _text("query"),
        _text("type", nullable=True),
        _int("page"),
        _int("total"),
        _text("filters", default=""),
        autoincrement=True,
    )
    _add_missing_column("query_log", _text("filters", default=""))
    _index("query_log_query", "query_log", "query")
    _table(
        "click_log",
        _id(),
        _text("at"),
        _text("query"),
        _text("doc_id"),
        _int("position"),
        autoincrement=True,
    )
    _index("click_log_query", "click_log", "query")


def _catalogue() -> None:
    _table(
        "items",
        _text("key"),
        _text("group_key"),
        _text("name"),
        _text("level"),
        _text("region_code"),
        _text("guide_id", nullable=True),
        _text("data"),
        _text("content_hash"),
        sa.PrimaryKeyConstraint("key"),
    )
    _index("items_group", "items", "group_key")
    _index("items_guide", "items", "guide_id")
    _table(
        "item_links",
        _text("doc_id"),
        _text("item_key"),
        _text("rule"),
        _text("evidence"),
        sa.Column("confidence", sa.Double().with_variant(sa.REAL(), "sqlite"), nullable=False),
        sa.PrimaryKeyConstraint("doc_id", "item_key"),
    )
    _index("item_links_item", "item_links", "item_key")
    _table(
        "link_state",
        _text("doc_id"),
        _text("doc_hash"),
        _text("catalogue_version"),
        sa.PrimaryKeyConstraint("doc_id"),
    )
    _table("catalogue_meta", _text("key"), _text("value"), sa.PrimaryKeyConstraint("key"))


def _synonyms() -> None:
    _table("synonym_versions", _id(), _text("at"), _text("author"), _text("rules"), autoincrement=True)
    _table(
        "synonym_proposals",
        _id(),
        _text("at"),
        _text("author"),
        _text("change"),
        _text("reason"),
        _text("status", default="pending"),
        _text("reviewer", nullable=True),
        _text("decided_at", nullable=True),
        _text("note", default=""),
        autoincrement=True,
    )
    _table(
        "synonym_audit",
        _id(),
        *(_text(name) for name in ("at", "actor", "action", "before", "after", "reason", "approval")),
        _int("version", nullable=True),
        autoincrement=True,
    )
    _audit_triggers()


def _audit_triggers() -> None:
    """The database itself refuses to rewrite the audit trail."""
    if op.get_bind().dialect.name == "postgresql":
        op.execute(
            "CREATE OR REPLACE FUNCTION synonym_audit_append_only() RETURNS trigger LANGUAGE plpgsql AS "
            f"$$ BEGIN RAISE EXCEPTION '{_APPEND_ONLY}'; END $$"
        )
        for event in ("update", "delete"):
            op.execute(
                f"CREATE OR REPLACE TRIGGER synonym_audit_no_{event} BEFORE {event.upper()} ON synonym_audit "
                "FOR EACH ROW EXECUTE FUNCTION synonym_audit_append_only()"
            )
        return
    for event in ("update", "delete"):
        op.execute(
            f"CREATE TRIGGER IF NOT EXISTS synonym_audit_no_{event} BEFORE {event.upper()} ON synonym_audit "
            f"BEGIN SELECT RAISE(ABORT, '{_APPEND_ONLY}'); END"
        )


def _accounts() -> None:
    _table(
        "staff_users",
        _text("name"),
        _text("role"),
        _text("password_hash"),
        _text("created_at"),
        sa.PrimaryKeyConstraint("name"),
    )
    _table(
        "staff_sessions",
        _text("token_hash"),
        _text("name"),
        _text("csrf"),
        _text("expires_at"),
        sa.PrimaryKeyConstraint("token_hash"),
    )
    _table("staff_login_failures", _text("name"), _text("at"))
    _index("staff_login_failures_name", "staff_login_failures", "name", "at")


def _best_bets() -> None:
    _table(
        "best_bets",
        _id(),
        _text("query"),
        _text("query_key"),
        _text("doc_id"),
        _text("author"),
        _text("comment", default=""),
        _text("expires", nullable=True),
        _text("created"),
        sa.UniqueConstraint("query_key", "doc_id"),
        autoincrement=True,
    )
    _index("best_bets_key", "best_bets", "query_key")


def _crawl() -> None:
    _table(
        "crawl_urls",
        _text("profile"),
        _text("url"),
        _text("status", default="queued"),
        _text("kind", nullable=True),
        _int("depth", default=0),
        _int("attempts", default=0),
        _text("last_error", nullable=True),
        _text("fetched_at", nullable=True),
        _text("host", default=""),
        sa.PrimaryKeyConstraint("profile", "url"),
    )
    _add_missing_column("crawl_urls", _text("host", default=""))
    _index("crawl_urls_status", "crawl_urls", "profile", "status", "depth")
    _table(
        "crawl_pages",
        _text("profile"),
        _text("url"),
        _text("etag", default=""),
        _text("last_modified", default=""),
        _text("doc_id", nullable=True),
        _text("doc_hash", nullable=True),
        _int("withdrawn", default=0),
        _text("fetched_at"),
        sa.PrimaryKeyConstraint("profile", "url"),
    )
    _crawl_dedup()


def _crawl_dedup() -> None:
    _table(
        "crawl_fingerprints",
        _text("doc_id"),
        _text("url"),
        _text("doc_number"),
        _text("title_key"),
        # Signed 64-bit on both: SQLite INTEGER, PostgreSQL BIGINT.
        sa.Column("simhash", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.PrimaryKeyConstraint("doc_id"),
    )
    _index("crawl_fp_number", "crawl_fingerprints", "doc_number")
    _table("crawl_fp_bands", _int("band"), _text("doc_id"), sa.PrimaryKeyConstraint("band", "doc_id"))
    _table(
        "crawl_reposts",
        _text("canonical_id"),
        _text("url"),
        _text("site"),
        sa.PrimaryKeyConstraint("url"),
    )
    _index("crawl_reposts_canonical", "crawl_reposts", "canonical_id")


def upgrade() -> None:
    _documents()
    _logs()
    _catalogue()
    _synonyms()
    _accounts()
    _best_bets()
    _crawl()


def downgrade() -> None:
    raise NotImplementedError("release 0.1's schema is the oldest there is")
