"""Who searched, as far as counting distinct people needs and no further: a hash of the address and the
browser with the day's salt. The salt lives in the store (every serving process uses the same one) and
is deleted when the day changes, so a hash cannot be recomputed later or matched across days."""

from __future__ import annotations

import datetime as dt
import hashlib
import threading

from indexer.storage.logs import QueryLog


class Visitors:
    def __init__(self, log: QueryLog) -> None:
        self._log = log
        self._lock = threading.Lock()
        self._day = ""
        self._salt = ""

    def _salt_of(self, day: str) -> str:
        with self._lock:
            if day != self._day:
                self._salt = self._log.salt_of(day)
                self._day = day
            return self._salt

    def key(self, address: str, agent: str, today: dt.date | None = None) -> str:
        """The visitor's hash for today (UTC)."""
        day = (today or dt.datetime.now(dt.UTC).date()).isoformat()
        text = f"{self._salt_of(day)}\n{address}\n{agent}"
        return hashlib.sha256(text.encode("utf-8")).hexdigest()[:24]
