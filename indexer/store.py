"""The store of record: every document as JSON (`indexer.storage.documents`), plus the query log.

The search index is rebuildable from here; `indexed_hash` tells which documents changed since
they were last written to the index.
"""

from __future__ import annotations

from indexer.storage import Database
from indexer.storage.documents import Documents, document_json
from indexer.storage.logs import QueryLog

__all__ = ["Store", "document_json"]


class Store(Documents):
    """Documents (upsert, get, pending, …) and the query and click log, over one `Database`."""

    def __init__(self, database: Database) -> None:
        super().__init__(database)
        self.log = QueryLog(database)

    def log_query(
        self,
        query: str,
        kind: str | None,
        page: int,
        total: int,
        filters: str = "",
        visitor: str = "",
        *,
        portal: str | None = None,
    ) -> None:
        """`filters`: the other filters as URL parameters (publisher=…&year=…), never anything personal;
        `visitor`: the day's salted visitor hash (`search_api.engine.visitors`); `portal`: the embedding
        portal whose key asked."""
        self.log.log_query(query, kind, page, total, filters, visitor, portal=portal)

    def log_click(
        self, query: str, doc_id: str, position: int, *, portal: str | None = None, visitor: str = ""
    ) -> None:
        self.log.log_click(query, doc_id, position, portal=portal, visitor=visitor)

    def close(self) -> None:
        self.database.close()
