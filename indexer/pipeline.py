"""Bring the search index up to date with the store: write changed documents, drop withdrawn ones."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from indexer.backends.base import Rebuildable, SearchBackend
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


def rebuild_beside(
    store: Store, backend: Rebuildable, on_progress: Callable[[IndexProgress], None] | None = None
) -> IndexReport:
    """Build a complete new generation from the store beside the live index, check its count against
    the store and switch to it atomically. Searches use the live index until the switch; the store's
    indexed marks change only after it, so an interruption at any point leaves the old index live and
    the store agreeing with it."""
    generation = backend.new_generation()
    total = store.count()
    done, seen, batch = 0, [], []
    for doc_id, doc in store.pending(everything=True):
        seen.append(doc_id)
        if doc is not None:
            batch.append(to_index_doc(doc))
        if len(batch) >= BATCH_SIZE:
            done += generation.index(batch)
            batch.clear()
            if on_progress:
                on_progress(IndexProgress(done, total))
    done += generation.index(batch) if batch else 0
    backend.activate(generation, store.count())
    store.mark_indexed(seen)
    if on_progress:
        on_progress(IndexProgress(done, total))
    return IndexReport(written=done, deleted=0, total_in_index=generation.count())


def update_index(
    store: Store,
    backend: SearchBackend,
    *,
    rebuild: bool = False,
    on_progress: Callable[[IndexProgress], None] | None = None,
) -> IndexReport:
    """Write every pending document to the backend, in batches. `rebuild` rewrites all of them: beside
    the live index when the backend can (`rebuild_beside`), else in place."""
    if rebuild and isinstance(backend, Rebuildable):
        return rebuild_beside(store, backend, on_progress)
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
