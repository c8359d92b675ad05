"""Keep the catalogue and the links current: items from guides, links for what changed.

Runs after every import or index update. Only documents whose content changed since they were last
linked, the documents a changed item's names can concern (`affected`), or all documents when the
linking rules changed, are linked again; the search index is untouched because links live in the store
and are read at query time.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Collection
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from indexer import linking
from indexer.catalogue.affected import affected_documents, catalogue_change
from indexer.catalogue.link_workers import built_linker, linked_batches
from indexer.catalogue.store import ItemStore
from indexer.documents import CatalogueItem, DocumentKind, ServiceGuide
from indexer.linking import Linker
from indexer.storage.item_link_state import ItemLinkState
from indexer.store import Store

BATCH = 500
LINKER_BATCH = 2_000  # items read (and sent to a worker) at a time to build the linker


@dataclass
class LinkReport:
    items_from_guides: int
    documents_linked: int
    links: int


# What only a catalogue file knows; a guide's new version must not erase it.
_CATALOGUE_ONLY = ("parent_code", "parent_name", "sub_item", "authority_code", "aliases")


def item_of_guide(guide: ServiceGuide, existing: CatalogueItem | None) -> CatalogueItem:
    """The item a guide describes: its fields from the guide, the catalogue's extras kept."""
    extras = {name: getattr(existing, name) for name in _CATALOGUE_ONLY} if existing else {}
    return CatalogueItem.from_guide(guide, **extras)


def items_from_guides(store: Store, items: ItemStore, doc_ids: list[str]) -> int:
    """Every guide has an item (crawled guides have no catalogue file behind them), kept up to date."""
    found: list[CatalogueItem] = []
    for start in range(0, len(doc_ids), BATCH):  # a few queries per batch, not two per guide
        guides = [
            d for d in store.get_many(doc_ids[start : start + BATCH]).values() if isinstance(d, ServiceGuide)
        ]
        of_guide = items.for_guides([g.id for g in guides])
        by_code = items.get_many([g.item_code for g in guides if g.item_code and g.id not in of_guide])
        for doc in guides:
            known = of_guide.get(doc.id) or ([by_code[doc.item_code]] if doc.item_code in by_code else [])
            found.append(item_of_guide(doc, known[0] if known else None))
    return items.upsert_items(found) if found else 0  # unchanged items do not count


def _linker(items: ItemStore, state: ItemLinkState, ids: list[str], live: int, workers: int) -> Linker:
    """The linker over every item (built in `workers` processes when there are many items); when only
    guides are to be linked (one changed guide, one re-imported item), the one over their codes
    (`Linker.for_guides`), which reads no names."""
    if len(ids) < live // 2:  # a few documents: worth a look at their kinds
        wanted = set(ids)
        kinds = {kind for doc_id, kind in state.live_documents() if doc_id in wanted}
        if kinds <= {DocumentKind.GUIDE.value}:
            return Linker.for_guides(items.codes())
    many = items.count() > LINKER_BATCH  # else starting processes costs more than it saves
    return built_linker(items.all_json(LINKER_BATCH), workers if many else 1)


@lru_cache(maxsize=1)
def rules_fingerprint() -> str:
    """Changes whenever the linking rules change, so that a new version relinks everything once."""
    return hashlib.sha1(Path(linking.__file__).read_bytes()).hexdigest()[:12]


LINK_STATE_FORMAT = 2  # 1: the catalogue version was part of every document's link state


def link_version() -> str:
    """What every document's links were computed with, besides its content and the items' targets
    (`item_link_state`): the linking rules."""
    return f"r{LINK_STATE_FORMAT}:{rules_fingerprint()}"


def update_links(
    store: Store,
    items: ItemStore | None = None,
    *,
    derived: Collection[str] = frozenset(),
    on_progress: Callable[[int, int], None] | None = None,
    workers: int = 1,
) -> LinkReport:
    """Items from changed guides, then links for every stale document, each read once. `derived`: ids
    of guides whose items the caller has just written from the same parsed guides (`import-items`),
    so they are not read back to derive them again (that was a second pass over every document).
    `on_progress(linked, total)` after each batch; `workers` > 1 links in that many processes."""
    items = items or ItemStore(store)
    version = link_version()
    stale_guides, _gone = items.stale_documents(version, DocumentKind.GUIDE.value)
    to_derive = [d for d in stale_guides if d not in derived]
    created = items_from_guides(store, items, to_derive) if to_derive else 0
    relink, gone = items.stale_documents(version)
    items.drop_links(gone)
    state = ItemLinkState(store.database)
    change = catalogue_change(state)
    todo, documents = set(relink), store.count()
    if change.keys and len(todo) < documents:  # else every document is relinked anyway
        todo |= affected_documents(store, state, change, todo, workers)
    total = 0
    if todo:
        ordered = sorted(todo)
        linker = _linker(items, state, ordered, documents, workers)
        for done, found in linked_batches(store, linker, ordered, items.document_hashes, workers):
            # one transaction and a few statements per batch: a commit per document was 30% of a build
            items.set_links_many(found, version)
            total += sum(len(links) for _d, links, _h in found)
            if on_progress:
                on_progress(done, len(ordered))
    state.remember(change.state, change.gone)  # only now: an interrupted run finds the change again
    return LinkReport(created, len(todo), total)
