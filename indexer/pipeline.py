"""Bring the search index up to date with the store: write changed documents, drop withdrawn ones.

With several workers, documents are turned into index fields (parsing, normalising and segmenting,
most of a build's time and pure Python) in worker processes, a few batches ahead of the writer in this
process, which alone holds the index writer; batches are written in the order they were read.

The workers (`FieldWorkers`) are forked, not spawned: a spawned worker imported the command line's
modules and built the segmenter's dictionary again, seconds of CPU each. They are forked when made, so
the caller makes them before it opens the index (tantivy starts threads, which a fork would copy in
whatever state they are in); they inherit the loaded dictionary and only run `index_json`, never
touching the store or the index. The writer process sends them each document's stored JSON, not parsed
documents, so parsing is theirs too.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass
from multiprocessing import get_context

from indexer.analysis import load_user_dictionary
from indexer.backends.base import Rebuildable, SearchBackend
from indexer.fields import IndexDoc, to_index_doc
from indexer.ordered import PoolOwner
from indexer.storage.documents import DOCUMENT_ADAPTER
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


class FieldWorkers(PoolOwner):
    """`count` processes that make index fields, forked at once; `None` of them (count 1) makes them
    in this process. Make them before opening an index, use them with `with`."""

    def __init__(self, count: int) -> None:
        self.count = max(1, count)
        self.pool: ProcessPoolExecutor | None = None
        if self.count > 1:
            load_user_dictionary()  # before the fork: every worker inherits the loaded dictionary
            self.pool = ProcessPoolExecutor(self.count, mp_context=get_context("fork"))
            self.pool.submit(int).result()  # with fork, the first task starts every worker: now


IN_PROCESS = FieldWorkers(1)


def field_workers(store: Store, count: int, *, rebuild: bool = False) -> FieldWorkers:
    """`count` workers when the update has more than one batch to make, else none (forking them would
    cost more than one batch)."""
    pending = store.count() if rebuild else store.count_pending()
    return FieldWorkers(count if pending > BATCH_SIZE else 1)


def rebuild_beside(
    store: Store,
    backend: Rebuildable,
    on_progress: Callable[[IndexProgress], None] | None = None,
    workers: FieldWorkers = IN_PROCESS,
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
    for fields, gone, _done in _fields_in_order(_batches(store, everything=True), workers, total):
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


def index_json(rows: list[str]) -> list[IndexDoc]:
    """One batch's index fields from the documents' stored JSON (run in a worker process when there
    are several)."""
    return [to_index_doc(DOCUMENT_ADAPTER.validate_json(data)) for data in rows]


Batch = tuple[list[str], list[str], int]  # stored JSON to write, ids to delete, documents read so far


def _batches(store: Store, *, everything: bool = False) -> Iterator[Batch]:
    docs: list[str] = []
    deleted: list[str] = []
    done = 0
    for doc_id, data in store.pending_json(everything=everything):
        if data is None:
            deleted.append(doc_id)
        else:
            docs.append(data)
        done += 1
        if len(docs) + len(deleted) >= BATCH_SIZE:
            yield docs, deleted, done
            docs, deleted = [], []
    if docs or deleted:
        yield docs, deleted, done


def _fields_in_order(
    batches: Iterable[Batch], workers: FieldWorkers, total: int
) -> Iterator[tuple[list[IndexDoc], list[str], int]]:
    """Each batch's index fields with its deletions and read count, in the order read; made in the
    worker processes, `AHEAD` batches each ahead of the caller, when there are more than one batch."""
    pool = workers.pool if total > BATCH_SIZE else None  # one batch: no round trip through a worker
    in_flight: deque[tuple[Future[list[IndexDoc]] | list[IndexDoc], list[str], int]] = deque()
    try:
        for docs, gone, done in batches:
            in_flight.append((pool.submit(index_json, docs) if pool else index_json(docs), gone, done))
            while len(in_flight) > (AHEAD * workers.count if pool else 0):
                fields, gone, done = in_flight.popleft()
                yield (fields.result() if isinstance(fields, Future) else fields), gone, done
        while in_flight:
            fields, gone, done = in_flight.popleft()
            yield (fields.result() if isinstance(fields, Future) else fields), gone, done
    finally:
        for future, _gone, _done in in_flight:  # the caller stopped early: drop what is still queued
            if isinstance(future, Future):
                future.cancel()


def update_index(
    store: Store,
    backend: SearchBackend,
    *,
    rebuild: bool = False,
    on_progress: Callable[[IndexProgress], None] | None = None,
    workers: FieldWorkers = IN_PROCESS,
) -> IndexReport:
    """Write every pending document to the backend, in batches, the index fields made by `workers`.
    `rebuild` rewrites all of them: beside the live index when the backend can (`rebuild_beside`),
    else in place."""
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

    for fields, gone, done in _fields_in_order(_batches(store), workers, total):
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
