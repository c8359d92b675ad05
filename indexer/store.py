"""The store of record: every document as JSON in SQLite (WAL), plus the query log.

The search index is rebuildable from here; `indexed_hash` tells which documents changed since
they were last written to the index.
"""

from __future__ import annotations

import contextlib
import hashlib
import sqlite3
from collections.abc import Iterable, Iterator
from datetime import UTC, datetime
from pathlib import Path

from pydantic import TypeAdapter

from indexer.documents import Document, DocumentKind
from indexer.sqlite_db import SQLiteDatabase

_DOCUMENT_ADAPTER: TypeAdapter[Document] = TypeAdapter(Document)

_STALE = "indexed_hash IS NULL OR indexed_hash != content_hash"
_READ_BATCH = 500

_SCHEMA = """
CREATE TABLE IF NOT EXISTS documents (
    id TEXT PRIMARY KEY,
    kind TEXT NOT NULL,
    url TEXT NOT NULL,
    title TEXT NOT NULL,
    data TEXT NOT NULL,
    content_hash TEXT NOT NULL,
    indexed_hash TEXT,
    withdrawn INTEGER NOT NULL DEFAULT 0,
    updated_at TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS documents_pending ON documents (indexed_hash, content_hash);
CREATE INDEX IF NOT EXISTS documents_kind ON documents (kind, withdrawn);
CREATE TABLE IF NOT EXISTS query_log (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    at TEXT NOT NULL,
    query TEXT NOT NULL,
    type TEXT,
    page INTEGER NOT NULL,
    total INTEGER NOT NULL,
    filters TEXT NOT NULL DEFAULT ''
);
CREATE INDEX IF NOT EXISTS query_log_query ON query_log (query);
-- A click on a result: which query, which document, at which 1-based position. Nothing personal.
CREATE TABLE IF NOT EXISTS click_log (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    at TEXT NOT NULL,
    query TEXT NOT NULL,
    doc_id TEXT NOT NULL,
    position INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS click_log_query ON click_log (query);
"""


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def document_json(doc: Document) -> str:
    return doc.model_dump_json()


class Store(SQLiteDatabase):
    """Thread-safe access to the SQLite store; one connection per thread."""

    schema = _SCHEMA

    def __init__(self, path: Path) -> None:
        super().__init__(path)
        with self._connect() as conn:
            columns = {row[1] for row in conn.execute("PRAGMA table_info(query_log)")}
            if "filters" not in columns:  # a store from before filters were logged
                with contextlib.suppress(sqlite3.OperationalError):  # another process added it just now
                    conn.execute("ALTER TABLE query_log ADD COLUMN filters TEXT NOT NULL DEFAULT ''")

    def connection(self) -> sqlite3.Connection:
        """This thread's connection, for modules that keep their own tables in the same file."""
        return self._connect()

    # -- documents -----------------------------------------------------------------------------
    def upsert(self, docs: Iterable[Document]) -> int:
        """Insert or update documents; unchanged ones keep their indexed state. Returns rows changed."""
        changed = 0
        conn = self._connect()
        with conn:
            for doc in docs:
                data = document_json(doc)
                digest = hashlib.sha1(data.encode("utf-8")).hexdigest()
                cur = conn.execute(
                    """INSERT INTO documents (id, kind, url, title, data, content_hash, updated_at)
                       VALUES (?, ?, ?, ?, ?, ?, ?)
                       ON CONFLICT(id) DO UPDATE SET kind=excluded.kind, url=excluded.url,
                         title=excluded.title, data=excluded.data, content_hash=excluded.content_hash,
                         withdrawn=0, updated_at=excluded.updated_at
                       WHERE documents.content_hash != excluded.content_hash OR documents.withdrawn=1""",
                    (doc.id, doc.kind.value, doc.url, doc.title, data, digest, _now()),
                )
                changed += cur.rowcount
        return changed

    def get(self, doc_id: str) -> Document | None:
        row = (
            self._connect()
            .execute("SELECT data FROM documents WHERE id = ? AND withdrawn = 0", (doc_id,))
            .fetchone()
        )
        return _DOCUMENT_ADAPTER.validate_json(row[0]) if row else None

    def get_many(self, ids: list[str]) -> dict[str, Document]:
        if not ids:
            return {}
        marks = ",".join("?" * len(ids))
        rows = (
            self._connect()
            .execute(f"SELECT id, data FROM documents WHERE id IN ({marks}) AND withdrawn = 0", ids)
            .fetchall()
        )
        return {row[0]: _DOCUMENT_ADAPTER.validate_json(row[1]) for row in rows}

    def count(self, kind: DocumentKind | None = None) -> int:
        sql, args = "SELECT COUNT(*) FROM documents WHERE withdrawn = 0", tuple[str, ...]()
        if kind is not None:
            sql, args = sql + " AND kind = ?", (kind.value,)
        return int(self._connect().execute(sql, args).fetchone()[0])

    def withdraw(self, doc_ids: Iterable[str]) -> None:
        conn = self._connect()
        with conn:
            conn.executemany(
                "UPDATE documents SET withdrawn = 1, indexed_hash = NULL, updated_at = ? WHERE id = ?",
                [(_now(), doc_id) for doc_id in doc_ids],
            )

    def pending(self) -> Iterator[tuple[str, Document | None]]:
        """Documents whose indexed state is stale: (id, document) to write, (id, None) to delete.

        Ids are read first and bodies a batch at a time, so a rebuild of a large store does not hold
        every document in memory, and the caller may mark rows indexed while iterating.
        """
        conn = self._connect()
        ids = [row[0] for row in conn.execute(f"SELECT id FROM documents WHERE {_STALE}").fetchall()]
        for start in range(0, len(ids), _READ_BATCH):
            batch = ids[start : start + _READ_BATCH]
            marks = ",".join("?" * len(batch))
            rows = conn.execute(f"SELECT id, data, withdrawn FROM documents WHERE id IN ({marks})", batch)
            for doc_id, data, withdrawn in rows.fetchall():
                yield doc_id, None if withdrawn else _DOCUMENT_ADAPTER.validate_json(data)

    def count_pending(self) -> int:
        row = self._connect().execute(f"SELECT COUNT(*) FROM documents WHERE {_STALE}").fetchone()
        return int(row[0])

    def mark_indexed(self, doc_ids: Iterable[str]) -> None:
        conn = self._connect()
        with conn:
            conn.executemany(
                "UPDATE documents SET indexed_hash = content_hash WHERE id = ?", [(i,) for i in doc_ids]
            )

    def reset_indexed(self) -> None:
        conn = self._connect()
        with conn:
            conn.execute("UPDATE documents SET indexed_hash = NULL")

    # -- query log -----------------------------------------------------------------------------
    def log_query(self, query: str, kind: str | None, page: int, total: int, filters: str = "") -> None:
        """`filters`: the other filters as URL parameters (publisher=…&year=…), never anything personal."""
        conn = self._connect()
        with conn:
            conn.execute(
                "INSERT INTO query_log (at, query, type, page, total, filters) VALUES (?, ?, ?, ?, ?, ?)",
                (_now(), query, kind, page, total, filters),
            )

    def log_click(self, query: str, doc_id: str, position: int) -> None:
        conn = self._connect()
        with conn:
            conn.execute(
                "INSERT INTO click_log (at, query, doc_id, position) VALUES (?, ?, ?, ?)",
                (_now(), query, doc_id, position),
            )
