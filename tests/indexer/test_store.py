from __future__ import annotations

import sqlite3
from functools import partial
from pathlib import Path

import pytest

from indexer import pipeline
from indexer.backends.tantivy_backend import TantivyBackend
from indexer.pipeline import FieldWorkers, IndexProgress, update_index
from indexer.storage import Database
from indexer.store import Store
from search_api.engine.models import SearchRequest
from search_api.engine.query import analyse
from search_api.engine.query_builder import build_query
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


def _note(into: list[int], progress: IndexProgress) -> None:
    into.append(progress.done)


def test_worker_processes_index_the_same_as_one_process(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(pipeline, "BATCH_SIZE", 2)  # several batches in flight from a few documents
    results = []
    for workers in (1, 2):
        store = Store(Database.for_path(tmp_path / f"s{workers}.sqlite3"))
        fields = FieldWorkers(workers)  # forked before the index is opened, as `run_index` does
        backend = TantivyBackend(tmp_path / f"index{workers}", writable=True)
        store.upsert(SAMPLE_DOCUMENTS)
        store.withdraw([SAMPLE_DOCUMENTS[1].id])
        seen: list[int] = []
        with fields:
            report = update_index(store, backend, workers=fields, on_progress=partial(_note, seen))
        query = build_query(analyse("身份证"), [], SearchRequest(q="身份证"))
        results.append((report, [h.id for h in backend.search(query).hits], seen[-1]))
        assert seen == sorted(seen) and store.count_pending() == 0
        backend.close()
    assert results[0] == results[1]
    assert results[0][0].written == len(SAMPLE_DOCUMENTS) - 1 and results[0][1]


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
