"""Bring the search index up to date with the store: write changed documents, drop withdrawn ones.

With several workers, documents are turned into index fields (normalising and segmenting, most of a
build's time and pure Python) in worker processes, a few batches ahead of the writer in this process,
which alone holds the index writer; batches are written in the order they were read.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Iterator
from concurrent.futures import Executor, Future, ProcessPoolExecutor
from dataclasses import dataclass
from multiprocessing import get_context

from indexer.backends.base import Rebuildable, SearchBackend
from indexer.documents import Document
from indexer.fields import IndexDoc, to_index_doc
from indexer.store import Store

BATCH_SIZE = 500
AHEAD = 2  # batches in flight per worker: enough to keep them busy, little memory
# Documents per index commit (and per store transaction marking them indexed) in a large update: a
# tantivy commit writes a new segment and each one has to be merged later; 500 a commit made the
# commits and marks most of the writer's time. Small updates still commit at once.
COMMIT_EVERY = 5_000


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


@dataclass
class _Batch:
    fields: Future[list[IndexDoc]] | list[IndexDoc]
    deleted: list[str]
    done: int  # documents read up to and including this batch


def index_fields(docs: list[Document]) -> list[IndexDoc]:
    """One batch's index fields (run in a worker process when there are several)."""
    return [to_index_doc(doc) for doc in docs]


def _batches(store: Store) -> Iterator[tuple[list[Document], list[str], int]]:
    docs: list[Document] = []
    deleted: list[str] = []
    done = 0
    for doc_id, doc in store.pending():
        if doc is None:
            deleted.append(doc_id)
        else:
            docs.append(doc)
        done += 1
        if len(docs) + len(deleted) >= BATCH_SIZE:
            yield docs, deleted, done
            docs, deleted = [], []
    if docs or deleted:
        yield docs, deleted, done


def update_index(
    store: Store,
    backend: SearchBackend,
    *,
    rebuild: bool = False,
    on_progress: Callable[[IndexProgress], None] | None = None,
    workers: int = 1,
) -> IndexReport:
    """Write every pending document to the backend, in batches; `workers` > 1 segments in that many
    processes. `rebuild` rewrites all of them: beside the live index when the backend can
    (`rebuild_beside`), else in place."""
    if rebuild and isinstance(backend, Rebuildable):
        return rebuild_beside(store, backend, on_progress)
    if rebuild:
        store.reset_indexed()
    total = store.count_pending()
    written = deleted = 0
    pool: Executor | None = None
    if workers > 1 and total > BATCH_SIZE:
        # spawn, not fork: the index writer's threads live in this process
        pool = ProcessPoolExecutor(workers, mp_context=get_context("spawn"))
    in_flight: deque[_Batch] = deque()
    waiting: list[IndexDoc] = []  # written with the next commit

    def commit() -> None:
        nonlocal written
        if waiting:
            written += backend.index(waiting)
            store.mark_indexed(d.id for d in waiting)
            waiting.clear()

    def write(batch: _Batch) -> None:
        nonlocal deleted
        waiting.extend(batch.fields.result() if isinstance(batch.fields, Future) else batch.fields)
        if batch.deleted or len(waiting) >= COMMIT_EVERY:
            commit()
        if batch.deleted:
            backend.delete(batch.deleted)
            store.mark_indexed(batch.deleted)
            deleted += len(batch.deleted)
        if on_progress:
            on_progress(IndexProgress(batch.done, total))

    try:
        for docs, gone, done in _batches(store):
            fields = pool.submit(index_fields, docs) if pool else index_fields(docs)
            in_flight.append(_Batch(fields, gone, done))
            while len(in_flight) > (AHEAD * workers if pool else 0):
                write(in_flight.popleft())
        while in_flight:
            write(in_flight.popleft())
        commit()
    finally:
        if pool:
            pool.shutdown(cancel_futures=True)
    if on_progress and total == 0:
        on_progress(IndexProgress(0, 0))
    return IndexReport(written=written, deleted=deleted, total_in_index=backend.count())
