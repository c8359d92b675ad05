from __future__ import annotations

import sqlite3
from pathlib import Path

from indexer.backends.tantivy_backend import TantivyBackend
from indexer.pipeline import update_index
from indexer.storage import Database
from indexer.store import Store
from tests.factories import SAMPLE_DOCUMENTS, guide


def test_upsert_only_counts_changes_and_round_trips(store_db: Database) -> None:
    store = Store(store_db)
    assert store.upsert(SAMPLE_DOCUMENTS) == len(SAMPLE_DOCUMENTS)
    assert store.upsert(SAMPLE_DOCUMENTS) == 0
    doc = SAMPLE_DOCUMENTS[0]
    assert store.get(doc.id) == doc
    assert store.count() == len(SAMPLE_DOCUMENTS)


def test_index_update_is_incremental_and_drops_withdrawn(tmp_path: Path) -> None:
    store = Store(Database.for_path(tmp_path / "s.sqlite3"))
    backend = TantivyBackend(tmp_path / "index", writable=True)
    store.upsert(SAMPLE_DOCUMENTS)
    first = update_index(store, backend)
    assert first.written == len(SAMPLE_DOCUMENTS)
    assert update_index(store, backend).written == 0

    changed = guide("居民身份证换领", "G001", conditions="新的受理条件")
    store.upsert([changed])
    store.withdraw([SAMPLE_DOCUMENTS[1].id])
    report = update_index(store, backend)
    assert (report.written, report.deleted) == (1, 1)
    assert report.total_in_index == len(SAMPLE_DOCUMENTS) - 1
    assert store.get(SAMPLE_DOCUMENTS[1].id) is None
    backend.close()


def test_data_survives_reopen(tmp_path: Path) -> None:
    store = Store(Database.for_path(tmp_path / "s.sqlite3"))
    store.upsert(SAMPLE_DOCUMENTS)
    store.close()
    assert Store(Database.for_path(tmp_path / "s.sqlite3")).count() == len(SAMPLE_DOCUMENTS)


def test_query_and_click_logs_are_kept(tmp_path: Path) -> None:
    store = Store(Database.for_path(tmp_path / "store.sqlite3"))
    store.log_query("社保卡挂失", None, 1, 3)
    store.log_click("社保卡挂失", "g-123", 2)
    conn = sqlite3.connect(tmp_path / "store.sqlite3")
    assert conn.execute("SELECT query, total FROM query_log").fetchall() == [("社保卡挂失", 3)]
    assert conn.execute("SELECT query, doc_id, position FROM click_log").fetchall() == [
        ("社保卡挂失", "g-123", 2)
    ]
