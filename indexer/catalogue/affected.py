"""Which documents a catalogue change can relink (issue 18): before, any changed item — one re-imported
record, or the item a changed guide describes — relinked every document of the store (minutes at a
million documents).

A document's links are worked out item by item (`Linker.link` keeps the best link per item, and no
item's targets depend on another's), so when the targets of some items change (`link_targets`: their
names, aliases and codes), only two kinds of document can gain, lose or change a link: those linked to
one of them now, and those the new targets match. The second kind is found by running a linker over
the changed items alone: over each other document, and, for the items whose codes changed (or that are
new), over each guide's 实施编码 and 受理条件 (all a guide is linked by). An item re-imported with the
same names changes no document's links at all; a renamed one with its old codes reads no guide.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field

from indexer.catalogue.link_workers import linked_batches
from indexer.documents import CatalogueItem, DocumentKind
from indexer.linking import Linker
from indexer.storage.item_link_state import ItemLinkState
from indexer.store import Store


def link_targets(item: CatalogueItem) -> str:
    """Fingerprints of everything the linker reads of an item: its names and aliases, then its codes
    (all a guide is linked by)."""
    names = [item.key, item.name, item.parent_name, item.aliases]
    return f"{_digest(names)}:{_digest([item.key, item.code, item.basic_code])}"


def _digest(values: Sequence[object]) -> str:
    return hashlib.sha1(json.dumps(values, ensure_ascii=False).encode("utf-8")).hexdigest()[:20]


def _codes_part(targets: str | None) -> str:
    return (targets or "").rpartition(":")[2]


@dataclass
class CatalogueChange:
    """Items changed since links were last computed: those whose targets changed (or are new), those
    removed, and the state to remember once the documents are relinked."""

    retargeted: list[CatalogueItem] = field(default_factory=list)
    recoded: list[CatalogueItem] = field(default_factory=list)  # of those, the ones with other codes
    gone: list[str] = field(default_factory=list)
    state: list[tuple[str, str, str]] = field(default_factory=list)  # (key, content hash, targets)

    @property
    def keys(self) -> list[str]:
        return [item.key for item in self.retargeted] + self.gone


def catalogue_change(state: ItemLinkState) -> CatalogueChange:
    change = CatalogueChange(gone=state.gone())
    for key, data, content_hash, targets_before in state.changed():
        item = CatalogueItem.model_validate_json(data)
        targets = link_targets(item)
        change.state.append((key, content_hash, targets))
        if targets != targets_before:
            change.retargeted.append(item)
            if _codes_part(targets) != _codes_part(targets_before):
                change.recoded.append(item)
    return change


def affected_documents(
    store: Store, state: ItemLinkState, change: CatalogueChange, skip: set[str], workers: int = 1
) -> set[str]:
    """Documents outside `skip` (those relinked anyway) whose links `change` can alter."""
    found = state.linked_to(change.keys) - skip
    if change.recoded:  # guides are linked by codes alone: only new codes can link one anew
        found.update(_guides_matched(state, _for_guides(change.recoded), skip | found))
    if change.retargeted:
        found.update(_matched(store, state, Linker(change.retargeted), skip | found, workers))
    return found


def _for_guides(items: list[CatalogueItem]) -> Linker:
    return Linker.for_guides((i.key, i.code, i.basic_code) for i in sorted(items, key=lambda i: i.key))


def _guides_matched(state: ItemLinkState, linker: Linker, skip: set[str]) -> Iterator[str]:
    """Guides outside `skip` that `linker` (over the items with new codes) links to something."""
    for doc_id, code, conditions in state.guide_codes():
        if doc_id not in skip and linker.may_link_guide(code, conditions):
            yield doc_id


def _matched(
    store: Store, state: ItemLinkState, linker: Linker, skip: set[str], workers: int
) -> Iterator[str]:
    """Documents other than guides outside `skip` that `linker` (over the changed items) links to."""
    others = [d for d, kind in state.live_documents() if kind != DocumentKind.GUIDE.value and d not in skip]
    for _done, batch in linked_batches(store, linker, others, lambda _ids: {}, workers):
        yield from (doc_id for doc_id, links, _hash in batch if links)
