"""Does the index hold what the store says it should (`govsearch check`)? Counts, ids, and a sample of
contents; a repair makes the store's missing and stale documents pending again, drops what the index
holds beyond the store, and indexes.

The check speaks only the backend contract, so it works for every backend: ids come from a match-all
listing, and a sampled document counts as current when a search for its exact normalised title finds it.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field

from indexer.backends.base import BackendQuery, SearchBackend
from indexer.fields import to_index_doc
from indexer.pipeline import IndexReport, update_index
from indexer.store import Store

SAMPLE = 50
EXAMPLES = 5  # ids named per problem in the report


@dataclass
class CheckReport:
    in_store: int
    in_index: int
    missing: list[str] = field(default_factory=list)  # in the store, not in the index
    extra: list[str] = field(default_factory=list)  # in the index, not in the store (or withdrawn)
    stale: list[str] = field(default_factory=list)  # sampled, and the index holds another version
    sampled: int = 0

    @property
    def ok(self) -> bool:
        return not (self.missing or self.extra or self.stale) and self.in_store == self.in_index

    def lines(self) -> list[str]:
        out = [f"存储中 {self.in_store} 篇，索引中 {self.in_index} 篇；抽查内容 {self.sampled} 篇"]
        for label, ids in (
            ("索引缺少", self.missing),
            ("索引多出", self.extra),
            ("索引内容过旧", self.stale),
        ):
            if ids:
                out.append(f"{label} {len(ids)} 篇，例如：{'、'.join(ids[:EXAMPLES])}")
        out.append("索引与存储一致" if self.ok else "索引与存储不一致")
        return out


def index_ids(backend: SearchBackend) -> set[str]:
    everything = BackendQuery(groups=(), field_weights={}, match_all=True, limit=max(1, backend.count()))
    return {hit.id for hit in backend.search(everything).hits}


def _current(store: Store, backend: SearchBackend, doc_id: str) -> bool:
    doc = store.get(doc_id)
    if doc is None:
        return True
    key = to_index_doc(doc).title_key
    query = BackendQuery(groups=(), field_weights={}, title_key=key, limit=1000)
    return doc_id in {hit.id for hit in backend.search(query).hits}


def check_index(store: Store, backend: SearchBackend, sample: int = SAMPLE, seed: int = 0) -> CheckReport:
    expected, held = store.live_ids(), index_ids(backend)
    report = CheckReport(in_store=len(expected), in_index=backend.count())
    report.missing = sorted(expected - held)
    report.extra = sorted(held - expected)
    chosen = random.Random(seed).sample(sorted(expected & held), min(sample, len(expected & held)))
    report.sampled = len(chosen)
    report.stale = [doc_id for doc_id in chosen if not _current(store, backend, doc_id)]
    return report


def repair_index(store: Store, backend: SearchBackend, report: CheckReport) -> IndexReport:
    """Fix what `report` found: index the missing and stale documents, delete the extra ones."""
    store.mark_unindexed([*report.missing, *report.stale])
    if report.extra:
        backend.delete(report.extra)
    return update_index(store, backend)
