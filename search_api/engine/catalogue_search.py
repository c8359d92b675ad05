"""The search side of the catalogue: linked items on each hit, the item card, the scenario card."""

from __future__ import annotations

import json
import logging
import threading
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from indexer.catalogue.store import ItemStore
from indexer.documents import CatalogueItem, DocumentKind, ServiceGuide
from indexer.linking import MIN_CODE_LENGTH
from indexer.store import Store
from search_api.engine import knowledge_file
from search_api.engine.item_card import ItemMatcher, ItemName
from search_api.engine.models import ItemCard, LinkedDocument, LinkedItem
from search_api.engine.query import AnalyzedQuery
from search_api.engine.regional import regional_variant
from search_api.engine.scenarios import ScenarioBook
from synonyms.expansion import SynonymMatch

SHOW_CONFIDENCE = 0.6  # links below this are kept in the store but not shown
MAX_ITEMS_PER_HIT = 3
MATCHER_FILE = "matcher.bin"  # beside the knowledge file in the data directory
log = logging.getLogger(__name__)


@dataclass(frozen=True)
class ItemPage:
    item: CatalogueItem
    guide: ServiceGuide | None
    variants: list[LinkedItem]
    siblings: list[LinkedItem]  # other sub-items of the same 主项
    policies: list[LinkedDocument]  # 相关政策
    guides: list[LinkedDocument]  # other guides that cite this item


def linked_item(item: CatalogueItem) -> LinkedItem:
    return LinkedItem(key=item.key, name=item.name, region=item.region)


def _names(items: ItemStore) -> Iterator[ItemName]:
    for key, name, aliases, guide_id in items.names():
        found = json.loads(aliases) if aliases else []
        yield ItemName(key, name, [str(a) for a in found] if isinstance(found, list) else [], guide_id)


class CatalogueSearch:
    def __init__(self, store: Store, path: Path | None = None) -> None:
        """`path`: where the item matcher is kept between runs (`knowledge_file`); None: not kept."""
        self.store = store
        self.items = ItemStore(store)
        self.scenarios = ScenarioBook(self.items, store)
        self._matcher: ItemMatcher | None = None
        self._version = ""
        self._lock = threading.Lock()
        self._path = path

    def matcher(self) -> ItemMatcher:
        """Built once per catalogue version: an import while serving shows up without a restart. Opened
        from its file when one was kept for this version, else built from the items and kept."""
        version = self.items.version()
        with self._lock:
            if self._matcher is None or version != self._version:
                self._matcher = self._opened_or_built(version)
                self._version = version
            return self._matcher

    def _opened_or_built(self, version: str) -> ItemMatcher:
        """By one worker at a time: the others open what it kept (`knowledge_file.exclusive`)."""
        if self._path is None:
            return ItemMatcher(_names(self.items))
        with knowledge_file.exclusive(self._path):
            return self._saved(version) or self._build(self._path, version)

    def _saved(self, version: str) -> ItemMatcher | None:
        found = knowledge_file.load(self._path, ("matcher", version)) if self._path else None
        return found if isinstance(found, ItemMatcher) else None

    def _build(self, path: Path, version: str) -> ItemMatcher:
        started = time.perf_counter()
        built = ItemMatcher(_names(self.items))
        log.info("item matcher built from the store in %.1f s", time.perf_counter() - started)
        knowledge_file.save(path, ("matcher", version), built)
        return built

    def linked_items(self, doc_ids: list[str]) -> dict[str, list[LinkedItem]]:
        links = self.items.links_of_docs(doc_ids, SHOW_CONFIDENCE)
        items = self.items.get_many(sorted({ln.item_key for found in links.values() for ln in found}))
        return {
            doc_id: [linked_item(items[ln.item_key]) for ln in found if ln.item_key in items][
                :MAX_ITEMS_PER_HIT
            ]
            for doc_id, found in links.items()
        }

    def items_of_document(self, doc_id: str) -> list[LinkedItem]:
        return self.linked_items([doc_id]).get(doc_id, [])

    def item_page(self, key: str) -> ItemPage | None:
        """An item with its guide, its other regional variants and every document linked to it."""
        item = self.items.get(key)
        if item is None:
            return None
        guide = self.store.get(item.guide_id) if item.guide_id else None
        links = self.items.links_of_items([key], SHOW_CONFIDENCE)
        docs = self.store.get_many([ln.doc_id for ln in links])
        related = [
            LinkedDocument(
                id=ln.doc_id,
                title=docs[ln.doc_id].title,
                kind=docs[ln.doc_id].kind,
                confidence=ln.confidence,
                evidence=ln.evidence,
            )
            for ln in links
            if ln.doc_id in docs and ln.rule != "guide"
        ]
        variants = [linked_item(v) for v in self.items.group(item.name) if v.key != key]
        return ItemPage(
            item=item,
            guide=guide if isinstance(guide, ServiceGuide) else None,
            variants=variants,
            siblings=[linked_item(s) for s in self.items.siblings(item)],
            policies=[d for d in related if d.kind == DocumentKind.POLICY],
            guides=[d for d in related if d.kind == DocumentKind.GUIDE],
        )

    def item_card(
        self, query: AnalyzedQuery, matches: Sequence[SynonymMatch], region: str | None = None
    ) -> ItemCard | None:
        """The item the query names (or whose 实施编码 it is), in the variant for the chosen region (a
        filter or the citizen's preference)."""
        code = "".join(query.text.split())
        item = self.items.get(code) if len(code) >= MIN_CODE_LENGTH else None  # a 实施编码 typed in
        if item is None:
            key = self.matcher().best(query.tokens, matches)
            item = self.items.get(key) if key else None
        if item is None:
            return None
        variants = self.items.group(item.name) or [item]
        chosen = regional_variant(variants, region or "")
        if chosen is None:  # the item exists only elsewhere: no card rather than another region's
            return None
        item = chosen
        guide = self.store.get(item.guide_id) if item.guide_id else None
        return ItemCard(
            item=item,
            guide=guide if isinstance(guide, ServiceGuide) else None,
            variants=[linked_item(v) for v in variants] if len(variants) > 1 else [],
        )
