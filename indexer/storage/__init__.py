"""All persistence of govsearch: one `Database` (SQLAlchemy Core, Alembic migrations) and one module
per owner of tables, each with its `Table` definitions and a repository of the operations callers
need. No SQL exists outside this package (`tests/storage/test_no_sql_outside.py` checks).

    documents   the store of record (policies, guides) and what change detection needs
    catalogue   service items, document→item links, link state, catalogue version
    synonyms    staff rule versions, proposals, the append-only audit trail
    accounts    staff users, sessions, login failures
    logs        query log and click log: writes, popular queries, the staff work list
    best_bets   pins of a document to a query
    portals     sites embedding the search: hashed API keys, origins, scope, rate
    corrections metadata staff corrected on a document, re-applied after every crawl
    crawl_*     crawl frontier, per-page state, near-duplicate fingerprints and reposts
"""

from indexer.storage import (
    accounts,
    best_bets,
    catalogue,
    corrections,
    crawl_dedup,
    crawl_frontier,
    crawl_pages,
    documents,
    item_link_state,
    logs,
    portals,
    synonyms,
)
from indexer.storage.database import (
    Database,
    DatabaseUnreachable,
    SchemaMismatch,
    SchemaStatus,
    StorageError,
    make_sqlite_folder,
    shown_url,
    sqlite_url,
)
from indexer.storage.sql import Record, metadata

__all__ = [
    "Database",
    "DatabaseUnreachable",
    "Record",
    "SchemaMismatch",
    "SchemaStatus",
    "StorageError",
    "accounts",
    "best_bets",
    "catalogue",
    "corrections",
    "crawl_dedup",
    "crawl_frontier",
    "crawl_pages",
    "documents",
    "item_link_state",
    "logs",
    "make_sqlite_folder",
    "metadata",
    "portals",
    "shown_url",
    "sqlite_url",
    "synonyms",
]
