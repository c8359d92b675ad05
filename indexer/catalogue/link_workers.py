"""Link batches of documents, in worker processes when there are several.

Linking is pure Python (an Aho–Corasick walk, then the rules) over every document, so on its own it
held the build to one core. The workers are forked after the `Linker` is built, so they share it
instead of each building (or unpickling) one over the whole catalogue — a minute at a million items.
Each worker only parses stored JSON and runs `Linker.link`: it never touches the store or the index
writer, whose connections and threads the fork copies but does not use. The caller writes the links,
in the order the batches were read, so the store ends exactly as after linking in one process.
The linker's entries (each item parsed, its names compacted) are made in forked workers too
(`built_linker`); this process only fills the automaton with them, in key order.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from multiprocessing import get_context

from indexer.documents import CatalogueItem, ItemLink
from indexer.linking import Entry, Known, Linker, item_entry
from indexer.ordered import in_order
from indexer.storage.documents import DOCUMENT_ADAPTER
from indexer.store import Store

BATCH = 500
AHEAD = 2  # batches in flight per worker: enough to keep them busy, little memory

Linked = list[tuple[str, list[ItemLink]]]  # (document id, its links) in the order read
# (document id, its links, the content hash read before the document, as `set_links_many` takes them)
Found = list[tuple[str, list[ItemLink], str]]
Hashes = Callable[[list[str]], dict[str, str]]

_linker: Linker | None = None  # the forked workers' linker, set before the fork
_known: Known = {}  # names a worker building a linker's entries has compacted (only in that worker)


def link_json(rows: dict[str, str]) -> Linked:
    """The links of each stored document (id → JSON), with the linker the workers were forked with."""
    assert _linker is not None, "link_json runs in a worker forked by linked_batches"
    return [(doc_id, _linker.link(DOCUMENT_ADAPTER.validate_json(data))) for doc_id, data in rows.items()]


def item_entries(rows: list[str]) -> list[Entry]:
    """The linker's entries of items given by their stored JSON (in a worker of `built_linker`)."""
    return [item_entry(CatalogueItem.model_validate_json(data), _known) for data in rows]


def built_linker(batches: Iterable[list[str]], workers: int) -> Linker:
    """The linker over every item, from their stored JSON `batches` in key order. With `workers` > 1
    the items are parsed and their names compacted in that many forked processes (a third of the
    linking step of an import, in the one process that also writes the store); this process only
    fills the automaton, with the entries in the order read, so the linker is the same."""
    if workers <= 1:
        known: Known = {}
        return Linker.from_entries(
            item_entry(CatalogueItem.model_validate_json(data), known) for rows in batches for data in rows
        )
    pool = ProcessPoolExecutor(workers, mp_context=get_context("fork"))
    try:
        entries = in_order(pool, item_entries, batches, AHEAD * workers)
        return Linker.from_entries(entry for found in entries for entry in found)
    finally:
        pool.shutdown(cancel_futures=True)


def linked_batches(
    store: Store, linker: Linker, ids: list[str], hashes: Hashes, workers: int
) -> Iterator[tuple[int, Found]]:
    """(documents done so far, the next batch's links with each document's hash) for `ids`, `BATCH`
    at a time in order; with `workers` > 1 and more than one batch, linked in that many forked
    processes. The hashes are read before the documents, as a one-process link did."""
    batches = [ids[start : start + BATCH] for start in range(0, len(ids), BATCH)]
    if workers <= 1 or len(batches) <= 1:  # starting processes costs more than one batch
        done = 0
        for batch in batches:
            done += len(batch)
            known = hashes(batch)
            yield done, [(d, linker.link(doc), known.get(d, "")) for d, doc in store.get_many(batch).items()]
        return
    yield from _in_workers(store, linker, batches, hashes, workers)


def _with_hashes(linked: Linked, known: dict[str, str]) -> Found:
    return [(d, links, known.get(d, "")) for d, links in linked]


def _in_workers(
    store: Store, linker: Linker, batches: list[list[str]], hashes: Hashes, workers: int
) -> Iterator[tuple[int, Found]]:
    global _linker
    _linker = linker
    pool = ProcessPoolExecutor(workers, mp_context=get_context("fork"))
    in_flight: deque[tuple[int, Future[Linked], dict[str, str]]] = deque()
    done = 0
    try:
        for batch in batches:
            done += len(batch)
            known = hashes(batch)
            in_flight.append((done, pool.submit(link_json, store.get_many_json(batch)), known))
            while len(in_flight) > AHEAD * workers:
                count, future, known = in_flight.popleft()
                yield count, _with_hashes(future.result(), known)
        while in_flight:
            count, future, known = in_flight.popleft()
            yield count, _with_hashes(future.result(), known)
    finally:
        pool.shutdown(cancel_futures=True)
        _linker = None
