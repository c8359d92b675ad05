"""The words whose queries are never shown to others (热搜, suggestions, 相关搜索): the file's
(`GOVSEARCH_DENYLIST_FILE`, fixed for the process) and the staff's, kept in the store so that a word
added through any server applies on every server at its next query. The store's words are re-read only
when its signature (count and largest id, one indexed read) changed."""

from __future__ import annotations

import threading

from indexer.analysis import normalize
from indexer.storage import Database
from indexer.storage.denylist import DenylistRows


class Denylist:
    def __init__(self, database: Database, fixed: frozenset[str] = frozenset()) -> None:
        self._rows = DenylistRows(database)
        self._fixed = fixed
        self._lock = threading.Lock()
        self._signature: tuple[int, int] | None = None
        self._words = fixed

    def words(self) -> frozenset[str]:
        """Every word, normalised as queries are (`query_log.denied` compares them)."""
        signature = self._rows.signature()
        if signature != self._signature:
            with self._lock:
                stored = frozenset(normalize(word) for word in self._rows.words())
                self._words, self._signature = self._fixed | stored, signature
        return self._words
