"""A portal's scope applied to what is not a search: documents, item pages, scenario cards, clicks.

A search applies the scope in the index (`filters.scope_filters`); here the same rule is checked on
stored documents (`filters.within`), so a key sees nothing outside its scope by any route.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable

from indexer.catalogue.store import ItemStore
from indexer.store import Store
from search_api.engine.catalogue_search import ItemPage
from search_api.engine.filters import Scope, within
from search_api.engine.models import ScenarioCard


def visible(store: Store, doc_ids: Iterable[str], scope: Scope) -> set[str]:
    """The documents among `doc_ids` that exist and lie within `scope`."""
    return {doc_id for doc_id, doc in store.get_many(list(doc_ids)).items() if within(doc, scope)}


def item_page_within(store: Store, page: ItemPage, scope: Scope) -> ItemPage | None:
    """The item page as a scoped key sees it: only an item whose guide lies in the scope, with the
    linked documents that do."""
    if not scope:
        return page
    if page.guide is None or not within(page.guide, scope):
        return None
    shown = visible(store, [d.id for d in [*page.policies, *page.guides]], scope)
    return dataclasses.replace(
        page,
        policies=[d for d in page.policies if d.id in shown],
        guides=[d for d in page.guides if d.id in shown],
    )


def card_within(store: Store, items: ItemStore, card: ScenarioCard, scope: Scope) -> ScenarioCard:
    """A scenario card with only the policies, and the items whose guides, lie in the scope."""
    if not scope:
        return card
    found = items.get_many([i.key for i in card.items])
    guides = {key: item.guide_id for key, item in found.items() if item.guide_id}
    shown = visible(store, [*guides.values(), *(p.id for p in card.policies)], scope)
    return card.model_copy(
        update={
            "items": [i for i in card.items if guides.get(i.key) in shown],
            "policies": [p for p in card.policies if p.id in shown],
        }
    )
