"""Catalogue items and document→item links, in the same SQLite file as the documents.

Items are grouped by `group_key` (the normalised name), so the 省级 and 广州市 variants of
律师执业证书注销审核 come together. Links carry their evidence and confidence; `link_state` remembers
which document content and which catalogue version each document was last linked against, so links
are recomputed for what changed without touching the search index.
"""

from __future__ import annotations

import hashlib
import sqlite3
from collections.abc import Iterable, Iterator

from indexer.analysis import compact
from indexer.documents import CatalogueItem, ItemLink
from indexer.store import Store

_SCHEMA = """
CREATE TABLE IF NOT EXISTS items (
    key TEXT PRIMARY KEY,
    group_key TEXT NOT NULL,
    name TEXT NOT NULL,
    level TEXT NOT NULL,
    region_code TEXT NOT NULL,
    guide_id TEXT,
    data TEXT NOT NULL,
    content_hash TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS items_group ON items (group_key);
CREATE INDEX IF NOT EXISTS items_guide ON items (guide_id);
CREATE TABLE IF NOT EXISTS item_links (
    doc_id TEXT NOT NULL,
    item_key TEXT NOT NULL,
    rule TEXT NOT NULL,
    evidence TEXT NOT NULL,
    confidence REAL NOT NULL,
    PRIMARY KEY (doc_id, item_key)
);
CREATE INDEX IF NOT EXISTS item_links_item ON item_links (item_key);
CREATE TABLE IF NOT EXISTS link_state (
    doc_id TEXT PRIMARY KEY,
    doc_hash TEXT NOT NULL,
    catalogue_version TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS catalogue_meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
"""


def group_key(name: str) -> str:
    """Items with the same name, however spaced or bracketed, are one item at several levels/regions."""
    key = compact(name)
    return key.replace("(", "（").replace(")", "）")


class ItemStore:
    def __init__(self, store: Store) -> None:
        self.store = store
        with self._conn() as conn:
            conn.executescript(_SCHEMA)

    def _conn(self) -> sqlite3.Connection:
        return self.store.connection()

    # -- items ---------------------------------------------------------------------------------
    def upsert_items(self, items: Iterable[CatalogueItem]) -> int:
        """Insert or update items; returns how many changed (and bumps the catalogue version if any)."""
        conn = self._conn()
        changed = 0
        with conn:
            for item in items:
                data = item.model_dump_json()
                digest = hashlib.sha1(data.encode("utf-8")).hexdigest()
                cur = conn.execute(
                    """INSERT INTO items (key, group_key, name, level, region_code, guide_id, data,
                         content_hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                       ON CONFLICT(key) DO UPDATE SET group_key=excluded.group_key, name=excluded.name,
                         level=excluded.level, region_code=excluded.region_code, guide_id=excluded.guide_id,
                         data=excluded.data, content_hash=excluded.content_hash
                       WHERE items.content_hash != excluded.content_hash""",
                    (
                        item.key,
                        group_key(item.name),
                        item.name,
                        item.level,
                        item.region_code,
                        item.guide_id,
                        data,
                        digest,
                    ),
                )
                changed += cur.rowcount
            if changed:
                self._bump_version(conn)
        return changed

    def _bump_version(self, conn: sqlite3.Connection) -> None:
        row = conn.execute("SELECT value FROM catalogue_meta WHERE key = 'version'").fetchone()
        version = str(int(row[0]) + 1 if row else 1)
        conn.execute(
            "INSERT INTO catalogue_meta (key, value) VALUES ('version', ?) "
            "ON CONFLICT(key) DO UPDATE SET value=excluded.value",
            (version,),
        )

    def version(self) -> str:
        row = self._conn().execute("SELECT value FROM catalogue_meta WHERE key = 'version'").fetchone()
        return str(row[0]) if row else "0"

    def _items(self, sql: str, args: Iterable[object] = ()) -> list[CatalogueItem]:
        rows = self._conn().execute(f"SELECT data FROM items {sql}", tuple(args)).fetchall()
        return [CatalogueItem.model_validate_json(r[0]) for r in rows]

    def get(self, key: str) -> CatalogueItem | None:
        found = self._items("WHERE key = ?", (key,))
        return found[0] if found else None

    def get_many(self, keys: list[str]) -> dict[str, CatalogueItem]:
        if not keys:
            return {}
        found = self._items(f"WHERE key IN ({','.join('?' * len(keys))})", keys)
        return {item.key: item for item in found}

    def group(self, name: str) -> list[CatalogueItem]:
        """Every level/region variant of the item called `name`, 国家 → 区县 order."""
        items = self._items("WHERE group_key = ?", (group_key(name),))
        order = {"国家": 0, "省": 1, "市": 2, "区县": 3}
        return sorted(items, key=lambda i: (order.get(i.level, 9), i.region_code, i.key))

    def siblings(self, item: CatalogueItem) -> list[CatalogueItem]:
        """The other sub-items of the same parent item (主项) in the same region."""
        if item.parent_code:
            found = self._items("WHERE json_extract(data, '$.parent_code') = ?", (item.parent_code,))
        elif item.parent_name:
            found = self._items(
                "WHERE json_extract(data, '$.parent_name') = ? AND region_code = ?",
                (item.parent_name, item.region_code),
            )
        else:
            return []
        return [i for i in found if i.key != item.key and i.region_code == item.region_code]

    def by_names(self, names: Iterable[str]) -> dict[str, list[CatalogueItem]]:
        return {name: self.group(name) for name in names}

    def for_guide(self, guide_id: str) -> list[CatalogueItem]:
        return self._items("WHERE guide_id = ?", (guide_id,))

    def all(self) -> Iterator[CatalogueItem]:
        for (data,) in self._conn().execute("SELECT data FROM items ORDER BY key").fetchall():
            yield CatalogueItem.model_validate_json(data)

    def count(self) -> int:
        return int(self._conn().execute("SELECT COUNT(*) FROM items").fetchone()[0])

    # -- links ---------------------------------------------------------------------------------
    def set_links(self, doc_id: str, links: list[ItemLink], doc_hash: str, version: str) -> None:
        conn = self._conn()
        with conn:
            conn.execute("DELETE FROM item_links WHERE doc_id = ?", (doc_id,))
            conn.executemany(
                "INSERT INTO item_links (doc_id, item_key, rule, evidence, confidence) "
                "VALUES (?, ?, ?, ?, ?)",
                [(doc_id, ln.item_key, ln.rule, ln.evidence, ln.confidence) for ln in links],
            )
            conn.execute(
                "INSERT INTO link_state (doc_id, doc_hash, catalogue_version) VALUES (?, ?, ?) "
                "ON CONFLICT(doc_id) DO UPDATE SET doc_hash=excluded.doc_hash, "
                "catalogue_version=excluded.catalogue_version",
                (doc_id, doc_hash, version),
            )

    def drop_links(self, doc_ids: Iterable[str]) -> None:
        conn = self._conn()
        with conn:
            for doc_id in doc_ids:
                conn.execute("DELETE FROM item_links WHERE doc_id = ?", (doc_id,))
                conn.execute("DELETE FROM link_state WHERE doc_id = ?", (doc_id,))

    def _links(self, where: str, args: Iterable[object], min_confidence: float) -> list[ItemLink]:
        rows = self._conn().execute(
            "SELECT doc_id, item_key, rule, evidence, confidence FROM item_links "
            f"WHERE {where} AND confidence >= ? ORDER BY confidence DESC, item_key",
            (*args, min_confidence),
        )
        return [
            ItemLink(doc_id=d, item_key=k, rule=r, evidence=e, confidence=c)
            for d, k, r, e, c in rows.fetchall()
        ]

    def links_of_docs(self, doc_ids: list[str], min_confidence: float) -> dict[str, list[ItemLink]]:
        found: dict[str, list[ItemLink]] = {doc_id: [] for doc_id in doc_ids}
        if doc_ids:
            where = f"doc_id IN ({','.join('?' * len(doc_ids))})"
            for link in self._links(where, doc_ids, min_confidence):
                found[link.doc_id].append(link)
        return found

    def links_of_items(self, keys: list[str], min_confidence: float) -> list[ItemLink]:
        if not keys:
            return []
        return self._links(f"item_key IN ({','.join('?' * len(keys))})", keys, min_confidence)

    def stale_documents(self, version: str) -> tuple[list[str], list[str]]:
        """(ids to link again, ids whose links must go): content or `version` changed, or withdrawn."""
        conn = self._conn()
        relink = conn.execute(
            """SELECT d.id FROM documents d LEFT JOIN link_state s ON s.doc_id = d.id
               WHERE d.withdrawn = 0 AND (s.doc_id IS NULL OR s.doc_hash != d.content_hash
                 OR s.catalogue_version != ?)""",
            (version,),
        ).fetchall()
        gone = conn.execute(
            """SELECT s.doc_id FROM link_state s LEFT JOIN documents d ON d.id = s.doc_id
               WHERE d.id IS NULL OR d.withdrawn = 1"""
        ).fetchall()
        return [r[0] for r in relink], [r[0] for r in gone]

    def document_hash(self, doc_id: str) -> str:
        row = self._conn().execute("SELECT content_hash FROM documents WHERE id = ?", (doc_id,)).fetchone()
        return str(row[0]) if row else ""
