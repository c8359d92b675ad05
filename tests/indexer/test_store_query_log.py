"""The query log keeps the filters of a search, also in a store created before they were logged."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from indexer.storage import Database
from indexer.store import Store

OLD_QUERY_LOG = """CREATE TABLE query_log (id INTEGER PRIMARY KEY AUTOINCREMENT, at TEXT NOT NULL,
query TEXT NOT NULL, type TEXT, page INTEGER NOT NULL, total INTEGER NOT NULL);
INSERT INTO query_log (at, query, type, page, total) VALUES ('2026-01-01T00:00:00', '社保卡', NULL, 1, 3);"""


def test_an_old_query_log_gains_the_filters_column_and_keeps_its_rows(tmp_path: Path) -> None:
    path = tmp_path / "store.sqlite3"
    with sqlite3.connect(path) as conn:
        conn.executescript(OLD_QUERY_LOG)
    store = Store(Database.for_path(path))
    store.log_query("公积金", "guide", 2, 7, "year=2024")
    with sqlite3.connect(path) as conn:
        rows = conn.execute("SELECT query, type, page, total, filters FROM query_log ORDER BY id").fetchall()
    assert rows == [("社保卡", None, 1, 3, ""), ("公积金", "guide", 2, 7, "year=2024")]
    store.close()
