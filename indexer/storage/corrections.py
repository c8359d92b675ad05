"""The `document_corrections` table: metadata staff corrected on a document, kept across re-crawls.

A correction sets one metadata field of one document (有效性, 主题分类, 发文机关 of a policy) to the
value staff approved. It is applied to the stored document at once, and again by `documents.upsert`
whenever a crawl brings the document back (`apply`), so a re-crawl cannot undo it. ``original`` is the
crawled value, updated by every crawl, so that withdrawing the correction restores what the site says.
Which corrections are live is decided by the staff tool's versions (`web.admin`);
`documents.Documents.sync_corrections` keeps this table and the stored documents in step with them.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy import Column, Connection, PrimaryKeyConstraint, Table, Text, delete, insert, select, update

from indexer.storage.database import Database
from indexer.storage.sql import metadata

# Field name in the document JSON → the kinds of document it may be corrected on.
CORRECTABLE = {"validity": ("policy",), "subject": ("policy",), "issuer": ("policy",)}

document_corrections = Table(
    "document_corrections",
    metadata,
    Column("doc_id", Text, nullable=False),
    Column("field", Text, nullable=False),
    Column("value", Text, nullable=False),
    Column("original", Text, nullable=False),
    PrimaryKeyConstraint("doc_id", "field"),
)

Key = tuple[str, str]  # (document id, field)


def apply(data: dict[str, Any], corrections: Mapping[str, str]) -> dict[str, str]:
    """Set the corrected fields in a document's JSON dict; returns the crawled values they replaced."""
    originals = {field: str(data.get(field, "")) for field in corrections}
    data.update(corrections)
    return originals


class CorrectionRows:
    def __init__(self, database: Database) -> None:
        self.database = database

    def all(self) -> dict[Key, tuple[str, str]]:
        """(document id, field) → (corrected value, crawled value)."""
        with self.database.read() as conn:
            rows = conn.execute(select(*document_corrections.c))
            return {(str(d), str(f)): (str(v), str(o)) for d, f, v, o in rows}

    def for_documents(self, doc_ids: list[str]) -> dict[str, dict[str, str]]:
        """Document id → {field: corrected value}, for the documents a crawl is writing."""
        query = select(
            document_corrections.c.doc_id, document_corrections.c.field, document_corrections.c.value
        )
        found: dict[str, dict[str, str]] = {}
        with self.database.read() as conn:
            for doc_id, field, value in conn.execute(query.where(document_corrections.c.doc_id.in_(doc_ids))):
                found.setdefault(str(doc_id), {})[str(field)] = str(value)
        return found

    def remember_originals(self, originals: Mapping[str, Mapping[str, str]]) -> None:
        """The crawled values a crawl brought for corrected fields (document id → {field: value})."""
        if not originals:
            return
        with self.database.write() as conn:
            for doc_id, fields in originals.items():
                for field, value in fields.items():
                    conn.execute(
                        update(document_corrections)
                        .where(document_corrections.c.doc_id == doc_id, document_corrections.c.field == field)
                        .values(original=value)
                    )

    def put(self, conn: Connection, key: Key, value: str, original: str | None) -> None:
        """Set a correction inside the caller's transaction (``original`` None: keep the known one)."""
        doc_id, field = key
        where = (document_corrections.c.doc_id == doc_id, document_corrections.c.field == field)
        if original is None:
            conn.execute(update(document_corrections).where(*where).values(value=value))
        else:
            row = {"doc_id": doc_id, "field": field, "value": value, "original": original}
            conn.execute(insert(document_corrections), row)

    def drop(self, conn: Connection, key: Key) -> None:
        doc_id, field = key
        where = (document_corrections.c.doc_id == doc_id, document_corrections.c.field == field)
        conn.execute(delete(document_corrections).where(*where))
