"""Bring the search index up to date with the store: write changed documents, drop withdrawn ones.

With several workers, documents are turned into index fields (normalising and segmenting, most of a
build's time and pure Python) in worker processes, a few batches ahead of the writer in this process,
which alone holds the index writer; batches are written in the order they were read.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
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
    store: Store,
    backend: Rebuildable,
    on_progress: Callable[[IndexProgress], None] | None = None,
    workers: int = 1,
) -> IndexReport:
    """Build a complete new generation from the store beside the live index, check its count against
    the store and switch to it atomically. Searches use the live index until the switch; the store's
    indexed marks change only after it, so an interruption at any point leaves the old index live and
    the store agreeing with it. Fields are made as in `update_index` (worker processes, commits of
    `COMMIT_EVERY`)."""
    generation = backend.new_generation()
    total = store.count()
    seen: list[str] = []  # marked indexed only once the generation is live
    waiting: list[IndexDoc] = []
    written = made = 0
    for fields, gone, _done in _fields_in_order(_batches(store, everything=True), _workers(workers, total)):
        seen.extend(gone)  # withdrawn: simply not in the new generation
        waiting.extend(fields)
        made += len(fields)
        if len(waiting) >= COMMIT_EVERY:
            written += generation.index(waiting)
            seen.extend(d.id for d in waiting)
            waiting.clear()
        if on_progress:
            on_progress(IndexProgress(made, total))
    if waiting:
        written += generation.index(waiting)
        seen.extend(d.id for d in waiting)
    backend.activate(generation, store.count())
    store.mark_indexed(seen)
    if on_progress:
        on_progress(IndexProgress(written, total))
    return IndexReport(written=written, deleted=0, total_in_index=generation.count())


def index_fields(docs: list[Document]) -> list[IndexDoc]:
    """One batch's index fields (run in a worker process when there are several)."""
    return [to_index_doc(doc) for doc in docs]


Batch = tuple[list[Document], list[str], int]  # documents to write, ids to delete, documents read so far


def _batches(store: Store, *, everything: bool = False) -> Iterator[Batch]:
    docs: list[Document] = []
    deleted: list[str] = []
    done = 0
    for doc_id, doc in store.pending(everything=everything):
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


def _workers(workers: int, total: int) -> int:
    return workers if total > BATCH_SIZE else 1  # starting processes costs more than one batch


def _fields_in_order(
    batches: Iterable[Batch], workers: int
) -> Iterator[tuple[list[IndexDoc], list[str], int]]:
    """Each batch's index fields with its deletions and read count, in the order read; with `workers`
    > 1 the fields are made in that many processes, `AHEAD` batches each ahead of the caller."""
    # spawn, not fork: the index writer's threads live in this process
    pool = ProcessPoolExecutor(workers, mp_context=get_context("spawn")) if workers > 1 else None
    in_flight: deque[tuple[Future[list[IndexDoc]] | list[IndexDoc], list[str], int]] = deque()
    try:
        for docs, gone, done in batches:
            in_flight.append((pool.submit(index_fields, docs) if pool else index_fields(docs), gone, done))
            while len(in_flight) > (AHEAD * workers if pool else 0):
                fields, gone, done = in_flight.popleft()
                yield (fields.result() if isinstance(fields, Future) else fields), gone, done
        while in_flight:
            fields, gone, done = in_flight.popleft()
            yield (fields.result() if isinstance(fields, Future) else fields), gone, done
    finally:
        if pool:
            pool.shutdown(cancel_futures=True)


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
        return rebuild_beside(store, backend, on_progress, workers)
    if rebuild:
        store.reset_indexed()
    total = store.count_pending()
    written = deleted = 0
    waiting: list[IndexDoc] = []  # written with the next commit

    def commit() -> None:
        nonlocal written
        if waiting:
            written += backend.index(waiting)
            store.mark_indexed(d.id for d in waiting)
            waiting.clear()

    for fields, gone, done in _fields_in_order(_batches(store), _workers(workers, total)):
        waiting.extend(fields)
        if gone or len(waiting) >= COMMIT_EVERY:
            commit()
        if gone:
            backend.delete(gone)
            store.mark_indexed(gone)
            deleted += len(gone)
        if on_progress:
            on_progress(IndexProgress(done, total))
    commit()
    if on_progress and total == 0:
        on_progress(IndexProgress(0, 0))
    return IndexReport(written=written, deleted=deleted, total_in_index=backend.count())
