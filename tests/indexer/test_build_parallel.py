"""A build with worker processes (parsing the catalogue, segmenting and linking) leaves exactly what a
build in one process leaves: the same documents, items, links and link states in the store, the same
stored index fields and the same matches for searches."""

from __future__ import annotations

import argparse
import dataclasses
from pathlib import Path

import pytest
import tantivy

from govsearch.commands_catalogue import import_items
from govsearch.database import open_database
from govsearch.settings import Settings
from indexer import pipeline
from indexer.backends import open_backend
from indexer.backends.tantivy_backend import TantivyBackend
from indexer.catalogue import import_workers, link_workers, upkeep
from indexer.documents import Document
from indexer.store import Store
from search_api.engine import ranking
from search_api.engine.models import SearchRequest
from search_api.engine.query import analyse
from search_api.engine.query_builder import build_query
from tests.indexer.catalogue_excerpt import policies_naming_items, write_excerpt

QUERIES = ("居民身份证", "律师执业", "社会团体登记", "营业执照", "通知", "办理")
_TABLES = (
    "SELECT id, kind, url, title, data, content_hash, indexed_hash, withdrawn FROM documents ORDER BY id",
    "SELECT key, group_key, name, data, content_hash FROM items ORDER BY key",
    "SELECT doc_id, item_key, rule, evidence, confidence FROM item_links ORDER BY doc_id, item_key",
    "SELECT doc_id, doc_hash, catalogue_version FROM link_state ORDER BY doc_id",
)


@pytest.fixture(scope="module")
def catalogue(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """300 real 广东 items with their guides."""
    return write_excerpt(tmp_path_factory.mktemp("catalogue"))


def _policies(catalogue: Path) -> list[Document]:
    return policies_naming_items(catalogue, every=15)


def _build(data_dir: Path, catalogue: Path, workers: int) -> Settings:
    """Policies first (as a crawl stores them), then `import-items` with its index run and linking."""
    settings = Settings(data_dir=data_dir, index_workers=workers, semantic=False, log_queries=False)
    data_dir.mkdir()
    store = Store(open_database(settings))
    store.upsert(_policies(catalogue))
    store.close()
    assert import_items(settings, argparse.Namespace(file=catalogue, no_index=False)) == 0
    return settings


def _store_state(settings: Settings) -> list[list[tuple[object, ...]]]:
    store = Store(open_database(settings))
    with store.database.read() as conn:
        found = [[tuple(row) for row in conn.exec_driver_sql(sql).all()] for sql in _TABLES]
    store.close()
    return found


def _answers(settings: Settings) -> dict[str, list[str]]:
    """The documents each query matches, as the engine asks the index for them. Only which ones: two
    builds of the same store, both without workers, already score a few of them differently from
    time to time (seen with main's code; presumably tantivy's writer threads lay segments out as the
    documents come), so their order is no test of the build; the stored fields are compared exactly."""
    backend = open_backend(settings.backend, settings.data_dir)
    found = {}
    for q in QUERIES:
        query = build_query(analyse(q), [], SearchRequest(q=q), depth=ranking.RERANK_DEPTH)
        found[q] = sorted(hit.id for hit in backend.search(dataclasses.replace(query, limit=10_000)).hits)
    backend.close()
    return found


def _stored(settings: Settings) -> dict[str, object]:
    """Every document of the index as stored, field by field, by id."""
    backend = open_backend(settings.backend, settings.data_dir)
    assert isinstance(backend, TantivyBackend)
    searcher = backend._index.searcher()
    found = searcher.search(tantivy.Query.all_query(), 10_000).hits
    stored = [searcher.doc(address).to_dict() for _score, address in found]
    backend.close()
    return {str(d["id"][0]): d for d in stored}


def test_a_build_in_worker_processes_equals_one_in_a_single_process(
    tmp_path: Path, catalogue: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # small batches, so that both paths use several batches and the workers several of them each
    monkeypatch.setattr(pipeline, "BATCH_SIZE", 40)
    monkeypatch.setattr(link_workers, "BATCH", 30)
    monkeypatch.setattr(import_workers, "BATCH", 35)
    monkeypatch.setattr(upkeep, "LINKER_BATCH", 45)
    serial = _build(tmp_path / "serial", catalogue, workers=1)
    parallel = _build(tmp_path / "parallel", catalogue, workers=2)
    documents, items, links, states = _store_state(serial)
    assert len(documents) > 300 and len(items) >= 300 and len(states) == len(documents)
    assert {rule for _d, _k, rule, _e, _c in links} >= {"guide", "title_name", "alias"}
    assert _store_state(parallel) == [documents, items, links, states]
    stored = _stored(serial)
    assert len(stored) == len(documents)
    assert _stored(parallel) == stored
    answers = _answers(serial)
    assert all(len(hits) > 1 for hits in answers.values())  # so the comparison means something
    assert _answers(parallel) == answers
