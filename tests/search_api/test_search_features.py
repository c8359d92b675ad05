"""The search experience through the real API: ranking, 文号, pinyin, did-you-mean, facets, filters,
sort, suggestions, best bets and clicks."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import parse_qs

import pytest
from fastapi.testclient import TestClient

from indexer.storage import Database
from search_api.engine import ranking
from search_api.engine.best_bets import BestBets
from tests.search_corpus import SOCIAL_CARD_ITEMS, feature_app


@pytest.fixture(scope="module")
def api(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    with TestClient(feature_app(tmp_path_factory.mktemp("features"))) as client:
        yield client


def search(api: TestClient, **params: str) -> dict:  # type: ignore[type-arg]
    response = api.get("/api/v1/search", params=params)
    assert response.status_code == 200, response.text
    body: dict = response.json()  # type: ignore[type-arg]
    return body


@pytest.mark.parametrize(
    "query",
    [
        "国办发〔2018〕104号",
        "国办发2018年104号",
        "国办发[2018]104号",
        "國辦發(2018)104號",
        "关于国办发2018年第104号的解读",
    ],
)
def test_doc_number_in_any_form_goes_straight_to_the_document(api: TestClient, query: str) -> None:
    body = search(api, q=query)
    assert body["hits"][0]["doc_number"] == "国办发〔2018〕104号" and body["hits"][0]["exact_code"]
    assert not any(h["exact_code"] for h in body["hits"][1:])
    assert body["correction"] is None  # a 文号 is never "corrected"


def test_short_title_that_says_it_all_beats_long_ones(api: TestClient) -> None:
    assert search(api, q="社保卡申领")["hits"][0]["title"] == "社会保障卡申领"


def test_repealed_policy_is_labelled_and_sinks(api: TestClient) -> None:
    hits = search(api, q="社会保障卡 办法 规定", type="policy")["hits"]
    titles = [h["title"] for h in hits]
    assert titles.index("示例市社会保障卡服务规定") < titles.index("示例市社会保障卡管理办法")
    repealed = next(h for h in hits if h["title"] == "示例市社会保障卡管理办法")
    assert repealed["status_label"] == "已废止"


@pytest.mark.parametrize(
    ("query", "reading"), [("shebaoka", "社保卡"), ("gongjijin", "公积金"), ("hzjz", "护照加注")]
)
def test_pinyin_queries_are_read_and_searched(api: TestClient, query: str, reading: str) -> None:
    body = search(api, q=query)
    correction = body["correction"]
    assert (correction["text"], correction["reason"]) == (reading, "pinyin")
    as_typed = search(api, q=query, nc="1")["total"]
    # The reading's results replace the query's own when those are fewer than FEW_RESULTS.
    assert correction["applied"] == (as_typed < ranking.FEW_RESULTS and body["total"] > as_typed)
    assert body["hits"] and body["query"] == query


@pytest.mark.parametrize(("typo", "fixed"), [("社报卡", "社保卡"), ("公积今", "公积金")])
def test_homophone_typos_get_did_you_mean(api: TestClient, typo: str, fixed: str) -> None:
    body = search(api, q=typo)
    assert body["correction"]["text"] == fixed and body["correction"]["reason"] == "typo"
    assert body["hits"]


def test_no_correction_when_asked_not_to_or_for_quoted_phrases(api: TestClient) -> None:
    assert search(api, q="社报卡", nc="1")["correction"] is None
    assert search(api, q="“社报卡”")["correction"] is None


def test_quoted_phrase_must_appear(api: TestClient) -> None:
    loose = search(api, q="社会保障卡密码")["total"]
    quoted = search(api, q="“社会保障卡密码”")
    assert 0 < quoted["total"] < loose
    assert quoted["hits"][0]["title"] == "社会保障卡密码重置"
    assert search(api, q="社会保障卡 密码 挂失")["total"] > 0
    assert search(api, q='"密码挂失"')["total"] == 0  # no document has these words together


def test_facet_counts_and_filters(api: TestClient) -> None:
    body = search(api, q="社会保障卡")
    kinds = {f["value"]: f["count"] for f in body["facets"]["kind"]}
    assert kinds["guide"] == len(SOCIAL_CARD_ITEMS) + 1 and kinds["policy"] == 2
    publishers = {f["value"]: f["count"] for f in body["facets"]["publisher"]}
    chosen = search(api, q="社会保障卡", publisher="示例市社会保险事业管理中心")
    assert chosen["total"] == publishers["示例市社会保险事业管理中心"]
    assert {h["publisher"] for h in chosen["hits"]} == {"示例市社会保险事业管理中心"}
    years = {f["value"]: f["count"] for f in body["facets"]["year"]}
    in_2023 = search(api, q="社会保障卡", year="2023")
    assert in_2023["total"] == years["2023"] and all(h["date"].startswith("2023") for h in in_2023["hits"])
    ranged = search(api, q="社会保障卡", date_from="2022-01-01", date_to="2022-12-31")
    assert ranged["total"] == years["2022"]


def test_sort_by_date_is_newest_first(api: TestClient) -> None:
    dates = [h["date"] for h in search(api, q="社会保障卡", sort="date", size="30")["hits"] if h["date"]]
    assert dates == sorted(dates, reverse=True) and len(dates) > 5


def test_bad_refinements_are_clear_422s(api: TestClient) -> None:
    for params, field in (
        ({"year": "19"}, "year"),
        ({"date_from": "yesterday"}, "date_from"),
        ({"sort": "random"}, "sort"),
        ({"date_from": "2024-02-01", "date_to": "2024-01-01"}, "date_from"),
    ):
        response = api.get("/api/v1/search", params={"q": "社保卡", **params})
        assert response.status_code == 422 and response.json()["error"]["field"] == field


def test_paging_after_reranking_has_no_gaps_or_repeats(api: TestClient) -> None:
    ids = [
        h["id"] for page in ("1", "2", "3") for h in search(api, q="社会保障卡", page=page, size="6")["hits"]
    ]
    assert len(ids) == len(set(ids)) == min(18, search(api, q="社会保障卡")["total"])


def test_pages_of_any_size_agree_across_the_rerank_window(
    api: TestClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(ranking, "RERANK_DEPTH", 5)  # a window smaller than the results

    def sequence(size: int) -> list[str]:
        pages = [search(api, q="社会保障卡", page=str(p), size=str(size), nc="1") for p in (1, 2, 3)]
        return [h["id"] for page in pages for h in page["hits"]]

    assert sequence(4)[:12] == sequence(5)[:12] == sequence(6)[:12]
    assert len(set(sequence(4))) == 12


@pytest.mark.parametrize(
    ("typed", "expected"),
    [("sbk", "社保卡"), ("shebao", "社保卡"), ("gjj", "公积金"), ("社会保障卡补", "社会保障卡补领")],
)
def test_suggestions_by_prefix_pinyin_and_initials(api: TestClient, typed: str, expected: str) -> None:
    body = api.get("/api/v1/suggest", params={"q": typed}).json()
    assert expected in body["suggestions"], body


def test_denylisted_words_are_never_suggested(api: TestClient) -> None:
    service = api.app.state.search_engine  # type: ignore[attr-defined]
    assert "社会保障卡注销" in api.get("/api/v1/suggest", params={"q": "社会保障卡"}).json()["suggestions"]
    service.knowledge.denylist = frozenset({"注销"})
    service.knowledge.forget()
    try:
        found = api.get("/api/v1/suggest", params={"q": "社会保障卡"}).json()["suggestions"]
        assert found and not any("注销" in s for s in found)
        assert api.get("/api/v1/suggest", params={"q": "注销"}).json()["suggestions"] == []
    finally:
        service.knowledge.denylist = frozenset()
        service.knowledge.forget()


def test_opensearch_suggestions(api: TestClient) -> None:
    response = api.get("/api/v1/suggest", params={"q": "sbk", "format": "opensearch"})
    assert response.headers["content-type"].startswith("application/x-suggestions+json")
    typed, words, _descriptions, urls = response.json()
    assert (
        typed == "sbk"
        and "社保卡" in words
        and urls[words.index("社保卡")].endswith("/s?wd=%E7%A4%BE%E4%BF%9D%E5%8D%A1")
    )
    assert api.get("/api/v1/suggest", params={"q": "sbk", "format": "xml"}).status_code == 422


def test_best_bets_pin_at_most_two_labelled(api: TestClient, tmp_path: Path) -> None:
    store_path = api.app.state.settings.store_path  # type: ignore[attr-defined]
    target = search(api, q="社会保障卡制卡进度查询")["hits"][0]["id"]
    bets = BestBets(Database.for_path(store_path))
    bet = bets.add("社保卡 怎么办", target, "张工", "群众常问")
    try:
        hits = search(api, q="社保卡怎么办")["hits"]  # normalised match: spaces ignored
        assert hits[0]["id"] == target and hits[0]["best_bet"]
        assert [h["id"] for h in hits].count(target) == 1
        assert not search(api, q="社保卡怎么办", page="1", nc="1")["hits"][1]["best_bet"]
    finally:
        bets.remove(bet)


def test_queries_are_logged_with_their_filters(api: TestClient) -> None:
    publisher = "示例市社会保险事业管理中心"
    search(api, q="社会保障卡", type="guide", publisher=publisher, year="2020", sort="date")
    store_path = api.app.state.settings.store_path  # type: ignore[attr-defined]
    with sqlite3.connect(store_path) as conn:
        sql = "SELECT query, type, page, total, filters FROM query_log ORDER BY id DESC"
        query, kind, page, total, filters = conn.execute(sql).fetchone()
    assert (query, kind, page) == ("社会保障卡", "guide", 1) and total >= 1
    assert parse_qs(filters) == {"publisher": [publisher], "year": ["2020"], "sort": ["date"]}


def test_clicks_are_logged_without_personal_data(api: TestClient) -> None:
    ok = api.post("/api/v1/clicks", json={"query": "社保卡", "doc_id": "g-0123456789abcdef", "position": 3})
    assert ok.status_code == 204
    store_path = api.app.state.settings.store_path  # type: ignore[attr-defined]
    with sqlite3.connect(store_path) as conn:
        sql = "SELECT query, doc_id, position, visitor FROM click_log ORDER BY id DESC"
        *row, visitor = conn.execute(sql).fetchone()
        columns = [c[1] for c in conn.execute("PRAGMA table_info(click_log)")]
    assert row == ["社保卡", "g-0123456789abcdef", 3]
    assert columns == [
        "id",
        "at",
        "query",
        "doc_id",
        "position",
        "portal",  # the embedding site, not a person
        "visitor",  # the day's salted hash, as for searches: distinct people, nobody identified
    ]
    assert visitor and "testclient" not in visitor and len(visitor) >= 16
    bad = api.post("/api/v1/clicks", json={"query": "社保卡", "doc_id": "x", "position": 0})
    assert bad.status_code == 422 and bad.json()["error"]["field"] == "position"
    assert api.post("/api/v1/clicks", content=b"not json").status_code == 422
