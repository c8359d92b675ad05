"""Catalogue items, document→item links, per-document link state and the catalogue version.

`link_state` remembers which document content and which catalogue version each document was last
linked against, so links are recomputed for what changed without touching the search index.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

from sqlalchemy import (
    Column,
    ColumnElement,
    Connection,
    Double,
    Executable,
    Index,
    Integer,
    PrimaryKeyConstraint,
    Table,
    Text,
    bindparam,
    cast,
    delete,
    func,
    insert,
    or_,
    select,
    true,
)
from sqlalchemy.dialects.sqlite import REAL

from indexer.documents import CatalogueItem, ItemLink
from indexer.storage.database import Database
from indexer.storage.documents import documents
from indexer.storage.sql import json_field, metadata, upsert

items = Table(
    "items",
    metadata,
    Column("key", Text, primary_key=True),  # 实施编码
    Column("group_key", Text, nullable=False),  # the normalised name: one item at several levels/regions
    Column("name", Text, nullable=False),
    Column("level", Text, nullable=False),
    Column("region_code", Text, nullable=False),
    Column("guide_id", Text),
    Column("data", Text, nullable=False),
    Column("content_hash", Text, nullable=False),
    Index("items_group", "group_key"),
    Index("items_guide", "guide_id"),
)

item_links = Table(
    "item_links",
    metadata,
    Column("doc_id", Text, nullable=False),
    Column("item_key", Text, nullable=False),
    Column("rule", Text, nullable=False),
    Column("evidence", Text, nullable=False),
    # REAL is SQLite's 8-byte float (and what the first release declared); DOUBLE PRECISION elsewhere.
    Column("confidence", Double().with_variant(REAL(), "sqlite"), nullable=False),
    PrimaryKeyConstraint("doc_id", "item_key"),
    Index("item_links_item", "item_key"),
)

link_state = Table(
    "link_state",
    metadata,
    Column("doc_id", Text, primary_key=True),
    Column("doc_hash", Text, nullable=False),
    Column("catalogue_version", Text, nullable=False),
)

catalogue_meta = Table(
    "catalogue_meta",
    metadata,
    Column("key", Text, primary_key=True),
    Column("value", Text, nullable=False),
)

_VERSION = select(catalogue_meta.c.value).where(catalogue_meta.c.key == "version")
_LINK_COLUMNS = (
    item_links.c.doc_id,
    item_links.c.item_key,
    item_links.c.rule,
    item_links.c.evidence,
    item_links.c.confidence,
)


class Catalogue:
    """Items and links; thread-safe (every call takes a pooled connection)."""

    def __init__(self, database: Database) -> None:
        self.database = database
        ins = upsert(database.dialect, items)
        self._upsert_item = ins.on_conflict_do_update(
            index_elements=[items.c.key],
            set_={c.name: ins.excluded[c.name] for c in items.c if c.name != "key"},
            where=items.c.content_hash != ins.excluded.content_hash,
        )
        self._delete_links = delete(item_links).where(item_links.c.doc_id == bindparam("doc_id"))
        self._insert_link = insert(item_links)
        state = upsert(database.dialect, link_state)
        self._upsert_state = state.on_conflict_do_update(
            index_elements=[link_state.c.doc_id],
            set_={"doc_hash": state.excluded.doc_hash, "catalogue_version": state.excluded.catalogue_version},
        )

    # -- items ---------------------------------------------------------------------------------
    def upsert_rows(self, rows: Iterable[dict[str, Any]]) -> int:
        """Insert or update item rows (every column of `items`); returns how many changed, and bumps
        the catalogue version in the same transaction if any did.

        Rows are written in key order: two imports running at once then lock the rows they share in
        the same order and one waits for the other instead of deadlocking (PostgreSQL)."""
        with self.database.write() as conn:
            ordered = sorted(rows, key=lambda row: str(row["key"]))
            # one executemany on SQLite's driver path: SQLAlchemy's execute per row cost more than the
            # write itself (a fifth of an import)
            changed = self.database.run_many(self._upsert_item, ordered)
            if changed:
                self._bump_version(conn)
        return changed

    def _bump_version(self, conn: Connection) -> None:
        # One statement that adds one to the stored value: a read-then-write would let two imports
        # committing at once both write the same next version, and one bump would be lost.
        ins = upsert(self.database.dialect, catalogue_meta).values(key="version", value="1")
        following = cast(cast(catalogue_meta.c.value, Integer) + 1, Text)
        key = [catalogue_meta.c.key]
        conn.execute(ins.on_conflict_do_update(index_elements=key, set_={"value": following}))

    def version(self) -> str:
        found = self.database.rows(_VERSION)  # every search asks (the item matcher follows it)
        return str(found[0][0]) if found and found[0][0] is not None else "0"

    def _items(self, *where: ColumnElement[bool]) -> list[CatalogueItem]:
        with self.database.read() as conn:
            rows = conn.execute(select(items.c.data).where(*where).order_by(items.c.key)).scalars().all()
        return _parsed(rows)

    # The reads of a search (item card, 可办理 lines) run on the hot path: statements built once.
    def get(self, key: str) -> CatalogueItem | None:
        found = _parsed(data for (data,) in self.database.rows(_BY_KEY, {"key": key}))
        return found[0] if found else None

    def get_many(self, keys: list[str]) -> dict[str, CatalogueItem]:
        if not keys:
            return {}
        found = _parsed(data for (data,) in self.database.rows(_BY_KEYS, {"keys": keys}))
        return {item.key: item for item in found}

    def in_group(self, key: str) -> list[CatalogueItem]:
        return _parsed(data for (data,) in self.database.rows(_IN_GROUP, {"group": key}))

    def with_parent(
        self, parent_code: str = "", parent_name: str = "", region_code: str = ""
    ) -> list[CatalogueItem]:
        """Items whose 主项 has this code, or (without a code) this name in this region."""
        if parent_code:
            return self._items(json_field(items.c.data, "parent_code") == parent_code)
        return self._items(
            json_field(items.c.data, "parent_name") == parent_name, items.c.region_code == region_code
        )

    def for_guides(self, guide_ids: list[str]) -> dict[str, list[CatalogueItem]]:
        """The items of each of these guides, by guide id (one query; key order within a guide)."""
        found: dict[str, list[CatalogueItem]] = {}
        if guide_ids:
            for item in self._items(items.c.guide_id.in_(guide_ids)):
                found.setdefault(item.guide_id or "", []).append(item)
        return found

    def all(self, batch: int = 2_000) -> Iterator[CatalogueItem]:
        """Every item in key order, read and parsed `batch` at a time (keyset paging, no connection held
        across a `yield`): a linker over a million items never holds them all parsed at once."""
        for rows in self.all_json(batch):
            yield from _parsed(rows)

    def all_json(self, batch: int = 2_000) -> Iterator[list[str]]:
        """Every item's stored JSON in key order, `batch` at a time, unparsed (for worker processes)."""
        after: str | None = None
        while True:
            query = select(items.c.key, items.c.data).order_by(items.c.key).limit(batch)
            with self.database.read() as conn:
                rows = conn.execute(query if after is None else query.where(items.c.key > after)).all()
            yield [str(data) for _key, data in rows]
            if len(rows) < batch:
                return
            after = rows[-1][0]

    def names(self) -> Iterator[tuple[str, str, str | None, str | None]]:
        """(key, name, 简称/日常用语 as JSON text, guide id) of every item in key order, streamed: what the
        item matcher reads, without parsing each item's whole record (at 100k items the whole records
        held at once cost a serving worker ~300 MB it did not give back)."""
        with self.database.read() as conn:
            rows = conn.execution_options(yield_per=5_000).execute(_NAMES)
            yield from ((str(key), str(name), aliases, guide_id) for key, name, aliases, guide_id in rows)

    def count(self) -> int:
        with self.database.read() as conn:
            return int(conn.execute(select(func.count()).select_from(items)).scalar_one())

    def codes(self) -> Iterator[tuple[str, str, str]]:
        """(key, 实施编码, 基本编码) of every item in key order, streamed without parsing the records."""
        with self.database.read() as conn:
            rows = conn.execution_options(yield_per=5_000).execute(_CODES)
            yield from ((str(key), str(code or ""), str(basic or "")) for key, code, basic in rows)

    # -- links ---------------------------------------------------------------------------------
    def set_links_many(self, found: list[tuple[str, list[ItemLink], str]], version: str) -> None:
        """Replace the links of each (document id, links, document hash) and remember what they were
        computed against: one transaction and one statement per kind for the whole batch."""
        if not found:
            return
        rows = [
            {"doc_id": d, "item_key": ln.item_key, "rule": ln.rule, "evidence": ln.evidence,
             "confidence": ln.confidence}
            for d, links, _hash in found
            for ln in links
        ]  # fmt: skip
        ids = [{"doc_id": doc_id} for doc_id, _links, _hash in found]
        states = [{"doc_id": d, "doc_hash": h, "catalogue_version": version} for d, _links, h in found]
        with self.database.write() as conn:
            for statement, values in ((self._delete_links, ids), (self._insert_link, rows)):
                self._many(conn, statement, values)
            self._many(conn, self._upsert_state, states)

    def _many(self, conn: Connection, statement: Executable, rows: list[dict[str, Any]]) -> None:
        """`statement` for each row in the open transaction: on SQLite one executemany of the driver
        (SQLAlchemy's work per row was most of writing a build's links), elsewhere SQLAlchemy's."""
        if not rows:
            return
        if self.database.dialect == "sqlite":
            self.database.run_many(statement, rows)
        else:
            conn.execute(statement, rows)

    def drop_links(self, doc_ids: Iterable[str]) -> None:
        ids = [{"doc_id": doc_id} for doc_id in doc_ids]
        if not ids:
            return
        with self.database.write() as conn:
            conn.execute(delete(item_links).where(item_links.c.doc_id == bindparam("doc_id")), ids)
            conn.execute(delete(link_state).where(link_state.c.doc_id == bindparam("doc_id")), ids)

    def _links(self, where: ColumnElement[bool], min_confidence: float) -> list[ItemLink]:
        query = (
            select(*_LINK_COLUMNS)
            .where(where, item_links.c.confidence >= min_confidence)
            .order_by(item_links.c.confidence.desc(), item_links.c.item_key)
        )
        with self.database.read() as conn:
            rows = conn.execute(query).all()
        return [ItemLink(doc_id=d, item_key=k, rule=r, evidence=e, confidence=c) for d, k, r, e, c in rows]

    def links_of_docs(self, doc_ids: list[str], min_confidence: float) -> dict[str, list[ItemLink]]:
        found: dict[str, list[ItemLink]] = {doc_id: [] for doc_id in doc_ids}
        if doc_ids:
            rows = self.database.rows(_LINKS_OF_DOCS, {"ids": doc_ids, "least": min_confidence})
            for d, k, r, e, c in rows:
                found[d].append(ItemLink(doc_id=d, item_key=k, rule=r, evidence=e, confidence=c))
        return found

    def links_of_items(self, keys: list[str], min_confidence: float) -> list[ItemLink]:
        if not keys:
            return []
        return self._links(item_links.c.item_key.in_(keys), min_confidence)

    def stale_documents(self, version: str, kind: str | None = None) -> tuple[list[str], list[str]]:
        """(ids to link again, ids whose links must go): content or `version` changed, or withdrawn;
        the first only of documents of `kind` when given."""
        relink = (
            select(documents.c.id)
            .select_from(documents.outerjoin(link_state, link_state.c.doc_id == documents.c.id))
            .where(
                documents.c.withdrawn == 0,
                documents.c.kind == kind if kind is not None else true(),
                or_(
                    link_state.c.doc_id.is_(None),
                    link_state.c.doc_hash != documents.c.content_hash,
                    link_state.c.catalogue_version != version,
                ),
            )
        )
        gone = (
            select(link_state.c.doc_id)
            .select_from(link_state.outerjoin(documents, documents.c.id == link_state.c.doc_id))
            .where(or_(documents.c.id.is_(None), documents.c.withdrawn == 1))
        )
        with self.database.read() as conn:
            return list(conn.execute(relink).scalars()), list(conn.execute(gone).scalars())

    def document_hashes(self, doc_ids: list[str]) -> dict[str, str]:
        """The content hash of each of these documents (one query)."""
        if not doc_ids:
            return {}
        return {str(d): str(h) for d, h in self.database.rows(_HASHES, {"ids": doc_ids})}


def _parsed(rows: Iterable[str]) -> list[CatalogueItem]:
    return [CatalogueItem.model_validate_json(data) for data in rows]


_ITEM_DATA = select(items.c.data).order_by(items.c.key)
_NAMES = select(items.c.key, items.c.name, json_field(items.c.data, "aliases"), items.c.guide_id).order_by(
    items.c.key
)
_CODES = select(
    items.c.key, json_field(items.c.data, "code"), json_field(items.c.data, "basic_code")
).order_by(items.c.key)
_BY_KEY = _ITEM_DATA.where(items.c.key == bindparam("key"))
_BY_KEYS = _ITEM_DATA.where(items.c.key.in_(bindparam("keys", expanding=True)))
_HASHES = select(documents.c.id, documents.c.content_hash).where(
    documents.c.id.in_(bindparam("ids", expanding=True))
)
_IN_GROUP = _ITEM_DATA.where(items.c.group_key == bindparam("group"))
_LINKS_OF_DOCS = (
    select(*_LINK_COLUMNS)
    .where(
        item_links.c.doc_id.in_(bindparam("ids", expanding=True)),
        item_links.c.confidence >= bindparam("least"),
    )
    .order_by(item_links.c.confidence.desc(), item_links.c.item_key)
)
