"""One SQLite file opened per thread (WAL), for every module that keeps tables in the data directory."""

from __future__ import annotations

import sqlite3
import threading
from pathlib import Path


class SQLiteDatabase:
    """Thread-safe access to one SQLite file: one connection per thread, `schema` applied on open.

    WAL lets serving processes read while the indexer or the staff tool writes."""

    schema = ""

    def __init__(self, path: Path) -> None:
        self.path = path
        path.parent.mkdir(parents=True, exist_ok=True)
        self._local = threading.local()
        if self.schema:
            with self._connect() as conn:
                conn.executescript(self.schema)

    def _connect(self) -> sqlite3.Connection:
        conn: sqlite3.Connection | None = getattr(self._local, "conn", None)
        if conn is None:
            conn = sqlite3.connect(self.path, timeout=30)
            conn.execute("PRAGMA journal_mode=WAL")
            conn.execute("PRAGMA synchronous=NORMAL")
            self._local.conn = conn
        return conn

    def close(self) -> None:
        conn: sqlite3.Connection | None = getattr(self._local, "conn", None)
        if conn is not None:
            conn.close()
            self._local.conn = None
