"""Catalogue items and document→item links, in the same database as the documents
(tables in `indexer.storage.catalogue`).

Items are grouped by `group_key` (the normalised name), so the 省级 and 广州市 variants of
律师执业证书注销审核 come together. Links carry their evidence and confidence; the link state remembers
which document content and which catalogue version each document was last linked against, so links
are recomputed for what changed without touching the search index.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable

from indexer.analysis import compact
from indexer.documents import CatalogueItem
from indexer.storage.catalogue import Catalogue
from indexer.store import Store


def group_key(name: str) -> str:
    """Items with the same name, however spaced or bracketed, are one item at several levels/regions."""
    key = compact(name)
    return key.replace("(", "（").replace(")", "）")


class ItemStore(Catalogue):
    """Items, groups and links (get, get_many, for_guides, all, count, links … from `Catalogue`)."""

    def __init__(self, store: Store) -> None:
        super().__init__(store.database)
        self.store = store

    def upsert_items(self, items: Iterable[CatalogueItem]) -> int:
        """Insert or update items; returns how many changed (and bumps the catalogue version if any)."""
        return self.upsert_rows(item_row(item) for item in items)

    def group(self, name: str) -> list[CatalogueItem]:
        """Every level/region variant of the item called `name`, 国家 → 区县 order."""
        items = self.in_group(group_key(name))
        order = {"国家": 0, "省": 1, "市": 2, "区县": 3}
        return sorted(items, key=lambda i: (order.get(i.level, 9), i.region_code, i.key))

    def siblings(self, item: CatalogueItem) -> list[CatalogueItem]:
        """The other sub-items of the same parent item (主项) in the same region."""
        if item.parent_code:
            found = self.with_parent(parent_code=item.parent_code)
        elif item.parent_name:
            found = self.with_parent(parent_name=item.parent_name, region_code=item.region_code)
        else:
            return []
        return [i for i in found if i.key != item.key and i.region_code == item.region_code]

    def by_names(self, names: Iterable[str]) -> dict[str, list[CatalogueItem]]:
        return {name: self.group(name) for name in names}


def item_row(item: CatalogueItem) -> dict[str, str | None]:
    """An item as `upsert_rows` writes it: plain strings, so a worker process can make it."""
    data = item.model_dump_json()
    return {
        "key": item.key,
        "group_key": group_key(item.name),
        "name": item.name,
        "level": item.level,
        "region_code": item.region_code,
        "guide_id": item.guide_id,
        "data": data,
        "content_hash": hashlib.sha1(data.encode("utf-8")).hexdigest(),
    }
