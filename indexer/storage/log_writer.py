"""Query-log and click-log rows written off the request path, in batches.

On a database server every statement is a network round trip and every commit a flush of the
server's log: a search that wrote its own log row would wait for both. Instead a search hands its row
to the process's `LogWriter` (a list append) and returns; a background thread writes what has
gathered once a second, or sooner when `MAX_ROWS` are waiting, as one multi-row INSERT per table in one
transaction. A process that is killed loses at most the rows of the last second; a process that stops
normally writes them on `Database.close()` and at interpreter exit.

When the database cannot be reached the rows are kept and retried, up to `MAX_KEPT` (then the oldest
are dropped with a warning): logging never blocks or fails a search.
"""

from __future__ import annotations

import atexit
import logging
import threading
import weakref
from collections.abc import Mapping
from typing import Any

from sqlalchemy import Insert

from indexer.storage.database import Database

FLUSH_SECONDS = 1.0  # the most a crash can lose, and the delay before a row is visible elsewhere
MAX_ROWS = 500  # write sooner when this many wait (bursts)
MAX_KEPT = 100_000  # rows kept while the database is unreachable

log = logging.getLogger(__name__)
_writers: weakref.WeakKeyDictionary[Database, LogWriter] = weakref.WeakKeyDictionary()
_writers_lock = threading.Lock()


def writer_for(database: Database) -> LogWriter | None:
    """The database's batch writer; None for SQLite, where a log row is a local write of a few
    microseconds (made straight away, `Database.run`) and a second writer thread would only contend
    for the file's one write lock."""
    if database.dialect == "sqlite":
        return None
    with _writers_lock:
        writer = _writers.get(database)
        if writer is None:
            writer = _writers[database] = LogWriter(database)
        return writer


class LogWriter:
    def __init__(self, database: Database, interval: float = FLUSH_SECONDS) -> None:
        self._database = weakref.ref(database)
        self._interval = interval
        self._pending: list[tuple[Insert, dict[str, Any]]] = []
        self._lock = threading.Lock()  # guards _pending
        self._flushing = threading.Lock()  # one flush at a time keeps rows in order
        self._wake = threading.Event()
        self._thread: threading.Thread | None = None
        database.before_close(self.flush)
        atexit.register(self.flush)

    def add(self, statement: Insert, row: Mapping[str, Any]) -> None:
        """Queue one row; returns at once."""
        with self._lock:
            self._pending.append((statement, dict(row)))
            if len(self._pending) > MAX_KEPT:
                del self._pending[: len(self._pending) - MAX_KEPT]
                log.warning("query log: database unreachable, oldest rows dropped")
            if self._thread is None:
                self._thread = threading.Thread(target=self._run, name="log-writer", daemon=True)
                self._thread.start()
            if len(self._pending) >= MAX_ROWS:
                self._wake.set()

    def flush(self) -> None:
        """Write every queued row now (one transaction); on failure they stay queued."""
        database = self._database()
        if database is None:
            return
        with self._flushing:
            with self._lock:
                batch, self._pending = self._pending, []
            if not batch:
                return
            try:
                with database.write() as conn:
                    for statement, rows in _grouped(batch).items():
                        conn.execute(statement, rows)
            except Exception:
                with self._lock:
                    self._pending[:0] = batch
                raise

    def _run(self) -> None:
        while self._database() is not None:
            self._wake.wait(self._interval)
            self._wake.clear()
            try:
                self.flush()
            except Exception as exc:  # the database is down: keep the rows, try again next time
                log.warning("query log: batch not written, will retry: %s", exc)


def _grouped(batch: list[tuple[Insert, dict[str, Any]]]) -> dict[Insert, list[dict[str, Any]]]:
    grouped: dict[Insert, list[dict[str, Any]]] = {}
    for statement, row in batch:
        grouped.setdefault(statement, []).append(row)
    return grouped
