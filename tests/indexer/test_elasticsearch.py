"""What only the Elasticsearch backend has: bulk failures reported, deep paging with `search_after`,
generations behind an alias (rebuild, swap under load, rollback), the startup check. Runs on the
session's real node (tests/es_nodes.py)."""

from __future__ import annotations

import dataclasses
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from indexer.backends import BackendError, open_backend
from indexer.backends.elasticsearch import ElasticsearchBackend
from indexer.fields import KEYWORD_FIELDS
from tests.es_nodes import BackendOpener, isolated_config
from tests.indexer.test_backend_contract import DOCS, make_doc, words


@pytest.fixture
def es(tmp_path: Path, open_index: BackendOpener) -> Iterator[ElasticsearchBackend]:
    backend = open_index("elasticsearch", tmp_path, writable=True)
    assert isinstance(backend, ElasticsearchBackend)
    backend.index(DOCS)
    yield backend
    backend.close()


def test_a_mapping_conflict_is_reported_with_the_document(es: ElasticsearchBackend) -> None:
    bad = dataclasses.replace(make_doc("bad", "超出范围的日期"), date_ordinal=2**40)  # not an integer
    with pytest.raises(BackendError, match=r"1/2 篇.*bad") as raised:
        es.index([make_doc("good", "居民户口簿补领"), bad])
    assert "mapper_parsing_exception" in str(raised.value) or "failed to parse" in str(raised.value)
    assert es.count() == 5  # the good one is in, the bad one named


def test_a_rejected_batch_is_reported(es: ElasticsearchBackend) -> None:
    es.client.indices.put_settings(index=es.prefix, settings={"index.blocks.write": True})
    try:
        with pytest.raises(BackendError, match=r"0/2 篇"):
            es.index([make_doc("x", "户口迁移"), make_doc("y", "户口登记")])
        with pytest.raises(BackendError, match="删除失败"):
            es.delete(["a"])
    finally:
        es.client.indices.put_settings(index=es.prefix, settings={"index.blocks.write": False})
    assert es.count() == 4


def test_deep_pages_walk_with_search_after(es: ElasticsearchBackend) -> None:
    query = words("居民")
    expected = [h.id for h in es.search(dataclasses.replace(query, limit=10)).hits]
    es.client.indices.put_settings(index=es.prefix, settings={"index.max_result_window": 1})
    fresh = ElasticsearchBackend(es.config, client=es.client)  # reads the window anew
    pages = [fresh.search(dataclasses.replace(query, offset=i, limit=1)) for i in range(4)]
    assert [h.id for p in pages for h in p.hits] == expected
    assert all(p.total == 3 for p in pages[:3])


def test_rebuild_swaps_the_alias_under_searches_and_rolls_back(es: ElasticsearchBackend) -> None:
    failures: list[Exception] = []
    seen: set[int] = set()
    stop = threading.Event()

    def search_continuously() -> None:
        while not stop.is_set():
            try:
                seen.add(es.search(words("身份证")).total)
            except Exception as exc:  # any failure of a search is what this test counts
                failures.append(exc)

    searcher = threading.Thread(target=search_continuously)
    searcher.start()
    try:
        for round_ in range(3):
            generation = es.new_generation()
            generation.index([*DOCS[:3], make_doc(f"n{round_}", "居民身份证挂失")])
            es.activate(generation, expected=4)
    finally:
        stop.set()
        searcher.join()
    assert failures == []
    assert seen == {2, 3}
    assert es.client.indices.get_alias(name=es.prefix).keys() == {f"{es.prefix}-v4"}
    assert set(es.client.indices.get(index=f"{es.prefix}-v*")) == {f"{es.prefix}-v3", f"{es.prefix}-v4"}
    es.rollback()
    assert es.client.indices.get_alias(name=es.prefix).keys() == {f"{es.prefix}-v3"}
    assert "n1" in {h.id for h in es.search(words("挂失")).hits}


def test_a_generation_with_the_wrong_count_never_goes_live(es: ElasticsearchBackend) -> None:
    generation = es.new_generation()
    generation.index(DOCS[:2])
    with pytest.raises(BackendError, match="别名未切换"):
        es.activate(generation, expected=4)
    assert es.count() == 4
    assert es.client.indices.get_alias(name=es.prefix).keys() == {f"{es.prefix}-v1"}


def test_no_rollback_without_a_previous_generation(es: ElasticsearchBackend) -> None:
    with pytest.raises(BackendError, match="没有可回滚"):
        es.rollback()


def test_an_unreachable_cluster_is_a_clear_error() -> None:
    config = dataclasses.replace(isolated_config(("http://127.0.0.1:9",)), retries=0, timeout=2.0)
    with pytest.raises(BackendError, match="无法连接 Elasticsearch"):
        open_backend("elasticsearch", Path("."), elasticsearch=config)


def test_the_template_follows_the_field_definitions(es: ElasticsearchBackend) -> None:
    live = next(iter(es.client.indices.get_mapping(index=es.prefix).values()))["mappings"]["properties"]
    for name in KEYWORD_FIELDS:
        assert live[name] == {"type": "keyword"}
    assert live["title"]["analyzer"] == "govsearch_tokens"
    tokens = es.client.indices.analyze(index=es.prefix, analyzer="govsearch_tokens", text="社保卡 SBK 补办")
    assert [t["token"] for t in tokens["tokens"]] == ["社保卡", "sbk", "补办"]
