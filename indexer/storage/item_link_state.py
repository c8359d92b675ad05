"""What the links were last computed against, per catalogue item (`item_link_state`), and the reads that
find the documents a catalogue change can affect.

An item's `targets` is a fingerprint of what the linker reads of it (names, aliases, codes): an item
re-imported with other materials or hours changes no link, one with another name changes the links of
the documents linked to it and of those that mention its new name.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from sqlalchemy import Column, Table, Text, bindparam, delete, select

from indexer.documents import DocumentKind
from indexer.storage.catalogue import item_links, items
from indexer.storage.database import Database
from indexer.storage.documents import documents
from indexer.storage.sql import json_field, metadata, upsert

item_link_state = Table(
    "item_link_state",
    metadata,
    Column("key", Text, primary_key=True),
    Column("content_hash", Text, nullable=False),
    Column("targets", Text, nullable=False),
)

# Items whose row changed since links were last computed (or that are new): key, data, hash, targets
_CHANGED = (
    select(items.c.key, items.c.data, items.c.content_hash, item_link_state.c.targets)
    .select_from(items.outerjoin(item_link_state, item_link_state.c.key == items.c.key))
    .where((item_link_state.c.key.is_(None)) | (item_link_state.c.content_hash != items.c.content_hash))
    .order_by(items.c.key)
)
_GONE = (
    select(item_link_state.c.key)
    .select_from(item_link_state.outerjoin(items, items.c.key == item_link_state.c.key))
    .where(items.c.key.is_(None))
)
_LINKED_TO = select(item_links.c.doc_id).where(item_links.c.item_key.in_(bindparam("keys", expanding=True)))
_LIVE = select(documents.c.id, documents.c.kind).where(documents.c.withdrawn == 0).order_by(documents.c.id)
_GUIDE_CODES = select(
    documents.c.id, json_field(documents.c.data, "item_code"), json_field(documents.c.data, "conditions")
).where(documents.c.withdrawn == 0, documents.c.kind == DocumentKind.GUIDE.value)


class ItemLinkState:
    """Reads and writes of `item_link_state`, and the document reads a catalogue change needs."""

    def __init__(self, database: Database) -> None:
        self.database = database
        self._live: list[tuple[str, str]] | None = None
        ins = upsert(database.dialect, item_link_state)
        self._upsert = ins.on_conflict_do_update(
            index_elements=[item_link_state.c.key],
            set_={"content_hash": ins.excluded.content_hash, "targets": ins.excluded.targets},
        )

    def changed(self) -> list[tuple[str, str, str, str | None]]:
        """(key, data, content hash, targets last linked against or None) of every item changed or new
        since its links were last computed."""
        return [(str(k), str(d), str(h), t) for k, d, h, t in self.database.rows(_CHANGED)]

    def gone(self) -> list[str]:
        """Items links were computed against that no longer exist."""
        return [str(k) for (k,) in self.database.rows(_GONE)]

    def remember(self, rows: Iterable[tuple[str, str, str]], gone: Iterable[str]) -> None:
        """(key, content hash, targets) as the links now stand; `gone`: items to forget."""
        found = [{"key": k, "content_hash": h, "targets": t} for k, h, t in rows]
        dropped = [{"key": k} for k in gone]
        with self.database.write():
            if found:
                self.database.run_many(self._upsert, found)
            if dropped:
                self.database.run_many(delete(item_link_state).where(
                    item_link_state.c.key == bindparam("key")), dropped)  # fmt: skip

    def linked_to(self, keys: list[str]) -> set[str]:
        """Documents that have a link to one of these items."""
        found: set[str] = set()
        for start in range(0, len(keys), 500):
            found.update(
                str(d) for (d,) in self.database.rows(_LINKED_TO, {"keys": keys[start : start + 500]})
            )
        return found

    def live_documents(self) -> list[tuple[str, str]]:
        """(id, kind) of every live document, in id order: read once per state (one linking run asks
        for it to find the kinds of the documents to relink and the documents a change can reach)."""
        if self._live is None:
            self._live = [(str(i), str(k)) for i, k in self.database.rows(_LIVE)]
        return self._live

    def guide_codes(self) -> Iterator[tuple[str, str, str]]:
        """(id, 实施编码, 受理条件) of every live guide: all the linker reads of a guide, without parsing
        its whole record (streamed)."""
        with self.database.read() as conn:
            for doc_id, code, conditions in conn.execution_options(yield_per=2_000).execute(_GUIDE_CODES):
                yield str(doc_id), str(code or ""), str(conditions or "")
