"""Read a catalogue file into rows ready to write, in worker processes when it has several batches.

Parsing a record (JSON, the guide and item models, their JSON, hashes and the item's group key) was
most of what `import-items` spent before linking, all in its one process. Here a 广东 JSON Lines file
is read a batch of lines at a time and each batch is parsed by a worker process, which sends back
plain rows (`document_row`, `item_row`) and its bad lines as `file:line: reason`. The workers are
forked when `CatalogueBatches` is made, which the caller does before it opens the store, so no
connection is copied into them; they never touch the store. The caller writes the batches in the
order they were read, each in one transaction, so the store ends exactly as after a read in one
process (`workers=1`, or a file of one batch). A 四川 CSV (names and codes only, a record can span
lines) is read in this process into the same batches.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from functools import partial
from itertools import chain, islice
from multiprocessing import get_context
from pathlib import Path

from indexer.catalogue.formats import GUANGDONG, Imported, detect_format, from_record, read_catalogue
from indexer.catalogue.store import item_row
from indexer.importer import ImportReport, checked, numbered_lines, parse_line
from indexer.ordered import PoolOwner, in_order
from indexer.storage.documents import document_row

BATCH = 1_000  # lines per worker task and per write transaction of the caller
AHEAD = 2  # batches in flight per worker: enough to keep them busy, little memory

Lines = list[tuple[int, str]]  # (line number, line) of one batch


class WorkerCrashed(RuntimeError):
    """A worker process died (killed, out of memory) before it had parsed its batch."""


@dataclass
class Prepared:
    """One batch, as plain data: rows to write, the guides among them, and the batch's own report."""

    documents: list[dict[str, str]] = field(default_factory=list)
    items: list[dict[str, str | None]] = field(default_factory=list)
    guide_ids: list[str] = field(default_factory=list)
    report: ImportReport = field(default_factory=ImportReport)

    def add(self, imported: Imported) -> None:
        self.items.append(item_row(imported.item))
        if imported.guide is not None:
            self.documents.append(document_row(imported.guide))
            self.guide_ids.append(imported.guide.id)


def prepare_lines(where: str, lines: Lines) -> Prepared:
    """The rows of a batch of 广东 JSON Lines (run in a worker process when there are several)."""
    batch = Prepared()
    for number, line in lines:
        for imported in checked(batch.report, f"{where}:{number}", partial(parse_line, from_record, line)):
            batch.add(imported)
    return batch


def _chunks(lines: Iterable[tuple[int, str]]) -> Iterator[Lines]:
    it = iter(lines)
    while chunk := list(islice(it, BATCH)):
        yield chunk


def _grouped(imported: Iterable[Imported]) -> Iterator[Prepared]:
    it = iter(imported)
    while chunk := list(islice(it, BATCH)):
        batch = Prepared()
        for one in chunk:
            batch.add(one)
        yield batch


class CatalogueBatches(PoolOwner):
    """The batches of a catalogue file in order (iterate once, then `close`). With `workers` > 1 and
    a 广东 file of more than one batch, that many processes are forked at once, here: make this
    before opening the store. Raises `UnknownFormat` when the file is of neither shape."""

    def __init__(self, path: Path, report: ImportReport, workers: int) -> None:
        self.path = path
        self.report = report
        self.pool: ProcessPoolExecutor | None = None
        self._chunks: Iterator[Lines] | None = None
        if detect_format(path) != GUANGDONG:
            return
        chunks = _chunks(numbered_lines(path))
        first = list(islice(chunks, 2))  # a file of one batch: forking would cost more than it saves
        self._chunks = chain(first, chunks)  # the rest is read as the batches are written
        if workers > 1 and len(first) > 1:
            self.pool = ProcessPoolExecutor(workers, mp_context=get_context("fork"))
            self.pool.submit(int).result()  # with fork, the first task starts every worker: now
        self._ahead = AHEAD * workers

    def __iter__(self) -> Iterator[Prepared]:
        if self._chunks is None:
            yield from _grouped(read_catalogue(self.path, self.report))
            return
        for batch in self._prepared(self._chunks):
            self.report.imported += batch.report.imported
            self.report.errors.extend(batch.report.errors)
            yield batch

    def _prepared(self, chunks: Iterator[Lines]) -> Iterator[Prepared]:
        where = str(self.path)
        if self.pool is None:
            yield from (prepare_lines(where, chunk) for chunk in chunks)
            return
        try:
            yield from in_order(self.pool, partial(prepare_lines, where), chunks, self._ahead)
        except BrokenProcessPool as exc:  # from a result or from the next submit
            raise WorkerCrashed(str(exc)) from exc
