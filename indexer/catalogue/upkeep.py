"""Keep the catalogue and the links current: items from guides, links for what changed.

Runs after every import or index update. Only documents whose content changed since they were last
linked, or all documents when the catalogue changed, are linked again; the search index is untouched
because links live in the store and are read at query time.
"""

from __future__ import annotations

from dataclasses import dataclass

from indexer.catalogue.store import ItemStore
from indexer.documents import CatalogueItem, DocumentKind, ServiceGuide
from indexer.linking import Linker
from indexer.store import Store

BATCH = 500


@dataclass
class LinkReport:
    items_from_guides: int
    documents_linked: int
    links: int


def items_from_guides(store: Store, items: ItemStore, doc_ids: list[str]) -> int:
    """Every guide gets an item (crawled guides have no catalogue file behind them)."""
    new: list[CatalogueItem] = []
    for start in range(0, len(doc_ids), BATCH):
        for doc in store.get_many(doc_ids[start : start + BATCH]).values():
            if not isinstance(doc, ServiceGuide):
                continue
            existing = items.for_guide(doc.id) or ([items.get(doc.item_code)] if doc.item_code else [])
            if not any(existing):
                new.append(CatalogueItem.from_guide(doc))
    return items.upsert_items(new) if new else 0


def update_links(store: Store, items: ItemStore | None = None) -> LinkReport:
    items = items or ItemStore(store)
    relink, gone = items.stale_documents()
    created = items_from_guides(store, items, relink) if store.count(DocumentKind.GUIDE) else 0
    if created:
        relink, gone = items.stale_documents()  # the catalogue changed: every document is stale
    items.drop_links(gone)
    if not relink:
        return LinkReport(created, 0, 0)
    linker = Linker(items.all())
    version = items.version()
    total = 0
    for start in range(0, len(relink), BATCH):
        batch = relink[start : start + BATCH]
        for doc_id, doc in store.get_many(batch).items():
            links = linker.link(doc)
            items.set_links(doc_id, links, items.document_hash(doc_id), version)
            total += len(links)
    return LinkReport(created, len(relink), total)
