"""Bring the search index up to date with the store: write changed documents, drop withdrawn ones."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from indexer.backends.base import SearchBackend
from indexer.fields import IndexDoc, to_index_doc
from indexer.store import Store

BATCH_SIZE = 500


@dataclass
class IndexProgress:
    done: int
    total: int


@dataclass
class IndexReport:
    written: int
    deleted: int
    total_in_index: int


def update_index(
    store: Store,
    backend: SearchBackend,
    *,
    rebuild: bool = False,
    on_progress: Callable[[IndexProgress], None] | None = None,
) -> IndexReport:
    """Write every pending document (all of them with `rebuild`) to the backend, in batches."""
    if rebuild:
        store.reset_indexed()
    total = store.count_pending()
    batch: list[IndexDoc] = []
    written = deleted = done = 0
    to_delete: list[str] = []

    def flush() -> None:
        nonlocal written, deleted
        if batch:
            written += backend.index(batch)
            store.mark_indexed(d.id for d in batch)
            batch.clear()
        if to_delete:
            backend.delete(to_delete)
            store.mark_indexed(to_delete)
            deleted += len(to_delete)
            to_delete.clear()

    for doc_id, doc in store.pending():
        if doc is None:
            to_delete.append(doc_id)
        else:
            batch.append(to_index_doc(doc))
        done += 1
        if len(batch) + len(to_delete) >= BATCH_SIZE:
            flush()
            if on_progress:
                on_progress(IndexProgress(done, total))
    flush()
    if on_progress:
        on_progress(IndexProgress(done, total))
    return IndexReport(written=written, deleted=deleted, total_in_index=backend.count())
