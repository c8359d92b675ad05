"""The `documents` table: every policy and guide as JSON, with what change detection needs.

`content_hash` is the SHA-1 of the JSON; `indexed_hash` is the hash last written to the search index,
so a document whose two hashes differ (or whose indexed hash is NULL) is pending for the indexer.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass

from pydantic import TypeAdapter
from sqlalchemy import (
    BindParameter,
    Column,
    ColumnElement,
    Executable,
    Index,
    Integer,
    Table,
    Text,
    bindparam,
    func,
    or_,
    select,
    text,
    update,
)

from indexer.documents import Document, DocumentKind
from indexer.storage.corrections import CorrectionRows, Key, apply
from indexer.storage.database import Database
from indexer.storage.sql import change_stamp, json_field, metadata, upsert

documents = Table(
    "documents",
    metadata,
    Column("id", Text, primary_key=True),
    Column("kind", Text, nullable=False),
    Column("url", Text, nullable=False),
    Column("title", Text, nullable=False),
    Column("data", Text, nullable=False),
    Column("content_hash", Text, nullable=False),
    Column("indexed_hash", Text),
    Column("withdrawn", Integer, nullable=False, server_default=text("0")),
    Column("updated_at", Text, nullable=False),
    Index("documents_pending", "indexed_hash", "content_hash"),
    Index("documents_kind", "kind", "withdrawn"),
    Index("documents_updated", "updated_at"),
)

DOCUMENT_ADAPTER: TypeAdapter[Document] = TypeAdapter(Document)
_DOCUMENT_ADAPTER = DOCUMENT_ADAPTER
_READ_BATCH = 500
_HEAD_CHARS = 300  # the opening of a body, where 已废止/已失效 notices are printed
_IDS: BindParameter[list[str]] = bindparam("ids", expanding=True)


def _stale() -> ColumnElement[bool]:
    return or_(documents.c.indexed_hash.is_(None), documents.c.indexed_hash != documents.c.content_hash)


def _text(*keys: str) -> ColumnElement[str]:
    """The first of `keys` present in the document's JSON, else ''."""
    return func.coalesce(*(json_field(documents.c.data, key) for key in keys), "")


@dataclass(frozen=True)
class CorpusRow:
    """What query understanding and reranking read of one live document (never the whole body)."""

    id: str
    kind: str
    title: str
    date: str  # publish date, else written date, else ""
    publisher: str  # issuer, else authority
    level: str
    head: str  # the first 300 characters of the body
    numbers: tuple[str, str, str]  # 发文字号, 事项编码, 目录编码 ("" when absent)
    validity: str  # the document's own validity label, "" when it has none
    region: str = ""  # 地区
    region_code: str = ""  # 区划代码
    service_objects: str = ""  # a guide's 服务对象 as JSON text ("" for a policy)
    subjects: str = ""  # a guide's 主题分类 as JSON text, a policy's as it is
    phone: str = ""  # a guide's 咨询电话


_CORPUS = select(
    documents.c.id,
    documents.c.kind,
    documents.c.title,
    _text("publish_date", "written_date"),
    _text("issuer", "authority"),
    _text("level"),
    func.substr(_text("body"), 1, _HEAD_CHARS),
    _text("doc_number"),
    _text("item_code"),
    _text("catalogue_code"),
    _text("validity"),
    _text("region"),
    _text("region_code"),
    _text("service_objects"),
    _text("subjects", "subject"),
    _text("phone"),
).where(documents.c.withdrawn == 0)
_GET = select(documents.c.data).where(documents.c.id == bindparam("id"), documents.c.withdrawn == 0)
_GET_MANY = select(documents.c.id, documents.c.data).where(
    documents.c.id.in_(_IDS), documents.c.withdrawn == 0
)


def document_json(doc: Document) -> str:
    return doc.model_dump_json()


def document_row(doc: Document) -> dict[str, str]:
    """A document as `Documents.upsert_rows` writes it (its change stamp aside): plain strings, so a
    worker process can make it and send it back."""
    data = document_json(doc)
    return {
        "id": doc.id,
        "kind": doc.kind.value,
        "url": doc.url,
        "title": doc.title,
        "data": data,
        "content_hash": hashlib.sha1(data.encode("utf-8")).hexdigest(),
    }


class Documents:
    """The documents table; thread-safe (every call takes a pooled connection)."""

    def __init__(self, database: Database) -> None:
        self.database = database
        self._upsert = self._upsert_statement()

    def upsert(self, docs: Iterable[Document]) -> int:
        """Insert or update documents; unchanged ones keep their indexed state. Returns rows changed."""
        return self.upsert_rows([document_row(doc) for doc in docs])

    def upsert_rows(self, rows: Iterable[dict[str, str]]) -> int:
        """`upsert` of documents already serialised by `document_row` (in worker processes, by an
        import): the same rows, the same statement.

        One statement for the whole batch (`Database.run_many`: an executemany on SQLite, no Python
        call per row), in one transaction (or the caller's); a crawl writes one document at a time. A
        batch is written in id order, so two imports sharing documents lock them in the same order
        (PostgreSQL: one waits for the other instead of deadlocking)."""
        ordered = sorted(rows, key=lambda row: row["id"])  # an id is a hash: once
        fixes = CorrectionRows(self.database).for_documents([row["id"] for row in ordered])
        crawled: dict[str, dict[str, str]] = {}
        stamped: list[dict[str, str]] = []
        for row in ordered:
            if row["id"] in fixes:  # staff corrected this document's metadata: keep the correction
                fields = _DOCUMENT_ADAPTER.validate_json(row["data"]).model_dump(mode="json")
                crawled[row["id"]] = apply(fields, fixes[row["id"]])
                row = {**document_row(DOCUMENT_ADAPTER.validate_python(fields)), "id": row["id"]}
            stamped.append({**row, "updated_at": change_stamp()})
        changed = self.database.run_many(self._upsert, stamped)  # one executemany on SQLite
        CorrectionRows(self.database).remember_originals(crawled)
        return changed

    def sync_corrections(self, wanted: Mapping[Key, str]) -> list[str]:
        """Make the live metadata corrections exactly ``wanted`` ((document id, field) → value) and
        rewrite the affected documents; a withdrawn correction gives the field its crawled value back.
        Returns the documents changed (pending for the indexer like any changed document)."""
        rows = CorrectionRows(self.database)
        current = rows.all()
        touched = sorted({doc for doc, _f in current} | {doc for doc, _f in wanted})
        changed: list[str] = []
        with self.database.write() as conn:
            found = conn.execute(select(documents.c.id, documents.c.data).where(documents.c.id.in_(touched)))
            for doc_id, text in list(found):
                data = json.loads(text)
                for key, (_value, original) in current.items():
                    if key[0] == doc_id and key not in wanted:
                        data[key[1]] = original
                        rows.drop(conn, key)
                for key, value in wanted.items():
                    if key[0] == doc_id:
                        known = key in current
                        rows.put(conn, key, value, None if known else str(data.get(key[1], "")))
                        data[key[1]] = value
                fresh = document_json(DOCUMENT_ADAPTER.validate_python(data))
                if fresh != text:
                    digest = hashlib.sha1(fresh.encode("utf-8")).hexdigest()
                    values = {"data": fresh, "content_hash": digest, "updated_at": change_stamp()}
                    conn.execute(update(documents).where(documents.c.id == doc_id).values(**values))
                    changed.append(doc_id)
        return changed

    def _upsert_statement(self) -> Executable:
        ins = upsert(self.database.dialect, documents)
        changed = {k: ins.excluded[k] for k in ("kind", "url", "title", "data", "content_hash", "updated_at")}
        return ins.on_conflict_do_update(
            index_elements=[documents.c.id],
            set_={**changed, "withdrawn": 0},
            where=or_(documents.c.content_hash != ins.excluded.content_hash, documents.c.withdrawn == 1),
        )

    def get(self, doc_id: str) -> Document | None:
        rows = self.database.rows(_GET, {"id": doc_id})
        return _DOCUMENT_ADAPTER.validate_json(rows[0][0]) if rows else None

    def get_many(self, ids: list[str]) -> dict[str, Document]:
        """Live documents by id; on the hot path of every search (`Database.rows`)."""
        if not ids:
            return {}
        rows = self.database.rows(_GET_MANY, {"ids": ids})
        return {row[0]: _DOCUMENT_ADAPTER.validate_json(row[1]) for row in rows}

    def get_many_json(self, ids: list[str]) -> dict[str, str]:
        """Live documents' stored JSON by id, unparsed: for worker processes that parse it themselves."""
        return (
            {str(row[0]): str(row[1]) for row in self.database.rows(_GET_MANY, {"ids": ids})} if ids else {}
        )

    def count(self, kind: DocumentKind | None = None) -> int:
        query = select(func.count()).select_from(documents).where(documents.c.withdrawn == 0)
        if kind is not None:
            query = query.where(documents.c.kind == kind.value)
        with self.database.read() as conn:
            return int(conn.execute(query).scalar_one())

    def withdraw(self, doc_ids: Iterable[str]) -> None:
        rows = [{"doc_id": doc_id, "at": change_stamp()} for doc_id in doc_ids]
        if not rows:
            return
        query = (
            update(documents)
            .where(documents.c.id == bindparam("doc_id"))
            .values(withdrawn=1, indexed_hash=None, updated_at=bindparam("at"))
        )
        with self.database.write() as conn:
            conn.execute(query, rows)

    def pending(self, *, everything: bool = False) -> Iterator[tuple[str, Document | None]]:
        """Documents whose indexed state is stale (every document with `everything`, for a rebuild):
        (id, document) to write, (id, None) to delete (`pending_json`, parsed)."""
        for doc_id, data in self.pending_json(everything=everything):
            yield doc_id, None if data is None else _DOCUMENT_ADAPTER.validate_json(data)

    def pending_json(self, *, everything: bool = False) -> Iterator[tuple[str, str | None]]:
        """As `pending`, each document's stored JSON unparsed: for worker processes that parse it.

        Ids are read first and bodies a batch at a time, so a rebuild of a large store does not hold
        every document in memory, and the caller may mark rows indexed while iterating (no
        connection is held across a `yield`)."""
        with self.database.read() as conn:
            which = select(documents.c.id) if everything else select(documents.c.id).where(_stale())
            ids = list(conn.execute(which).scalars())
        query = select(documents.c.id, documents.c.data, documents.c.withdrawn).where(
            documents.c.id.in_(_IDS)
        )
        for start in range(0, len(ids), _READ_BATCH):
            with self.database.read() as conn:
                rows = conn.execute(query, {"ids": ids[start : start + _READ_BATCH]}).all()
            for doc_id, data, withdrawn in rows:
                yield str(doc_id), None if withdrawn else str(data)

    def count_pending(self) -> int:
        with self.database.read() as conn:
            return int(conn.execute(select(func.count()).select_from(documents).where(_stale())).scalar_one())

    def mark_indexed(self, doc_ids: Iterable[str]) -> None:
        """One UPDATE … WHERE id IN (…) per 500 ids, in one transaction: a statement per id was a
        quarter of the indexer's own time at 100k documents."""
        ids = list(doc_ids)
        if not ids:
            return
        query = (
            update(documents).where(documents.c.id.in_(_IDS)).values(indexed_hash=documents.c.content_hash)
        )
        with self.database.write() as conn:
            for start in range(0, len(ids), _READ_BATCH):
                conn.execute(query, {"ids": ids[start : start + _READ_BATCH]})

    def live_ids(self) -> set[str]:
        """Ids of every document that is not withdrawn: what a complete index holds."""
        with self.database.read() as conn:
            return set(conn.execute(select(documents.c.id).where(documents.c.withdrawn == 0)).scalars())

    def mark_unindexed(self, doc_ids: Iterable[str]) -> None:
        """Make these documents pending again (the index lacks them or holds an old copy)."""
        ids = list(doc_ids)
        for start in range(0, len(ids), _READ_BATCH):
            query = update(documents).where(documents.c.id.in_(ids[start : start + _READ_BATCH]))
            with self.database.write() as conn:
                conn.execute(query.values(indexed_hash=None))

    def reset_indexed(self) -> None:
        with self.database.write() as conn:
            conn.execute(update(documents).values(indexed_hash=None))

    def signature(self) -> tuple[int, str]:
        """Changes whenever a document is added, changed or withdrawn."""
        # Every change stamps `updated_at` (nothing deletes rows), to the microsecond (`change_stamp`):
        # the latest stamp and how many rows carry it tell changes apart. Both read a few entries of
        # the `documents_updated` index, where counting every row took 0.1 s at 100k documents.
        with self.database.read() as conn:
            latest = conn.execute(_LATEST).scalar() or ""
            count = conn.execute(_COUNT_AT, {"at": latest}).scalar()
        return int(count or 0), str(latest)

    def corpus_rows(self) -> list[CorpusRow]:
        """Titles and a few metadata fields of every live document, in one pass."""
        with self.database.read() as conn:
            rows = conn.execute(_CORPUS).all()
        return [
            CorpusRow(i, k, t, d, p, lv, h, (n1, n2, n3), v, *more)
            for i, k, t, d, p, lv, h, n1, n2, n3, v, *more in rows
        ]

    def changed_since(self, stamp: str) -> set[str]:
        """Ids of the documents added, changed or withdrawn at or after `stamp` (the second part of a
        `signature()`): what an incremental step reads again, through the `documents_updated` index."""
        return {str(doc_id) for (doc_id,) in self.database.rows(_CHANGED_SINCE, {"at": stamp})}

    def policy_id(self, title: str) -> str | None:
        """The id of the live policy with exactly this title, if any (a scenario card asks per search)."""
        found = self.database.rows(_POLICY_BY_TITLE, {"title": title})
        return str(found[0][0]) if found else None


_LATEST = select(func.max(documents.c.updated_at))
_CHANGED_SINCE = select(documents.c.id).where(documents.c.updated_at >= bindparam("at"))
_COUNT_AT = select(func.count()).select_from(documents).where(documents.c.updated_at == bindparam("at"))
_POLICY_BY_TITLE = (
    select(documents.c.id)
    .where(
        documents.c.title == bindparam("title"),
        documents.c.kind == DocumentKind.POLICY.value,
        documents.c.withdrawn == 0,
    )
    .limit(1)
)
