"""How the word ranking and the titles nearest in meaning are put in one order (`semantic.fuse`): where
the words answer weakly meaning judges every word hit, and titles that hold every query word are not
reordered by small differences of meaning."""

from __future__ import annotations

import pytest

from indexer.backends.base import BackendHit
from search_api.engine import ranking
from search_api.engine.corpus import Corpus, DocInfo
from search_api.engine.models import SearchRequest
from search_api.engine.query import analyse
from search_api.engine.rerank import QueryWord
from search_api.engine.semantic import Fusion, fuse, on_first_page

FILLERS = [f"f{n:02d}" for n in range(ranking.SEMANTIC_DEPTH)]  # other titles meaning lists


def corpus_of(titles: dict[str, str]) -> Corpus:
    every = titles | {doc_id: f"其他事项{doc_id}" for doc_id in FILLERS}
    return Corpus(
        docs={
            d: DocInfo(kind="guide", title=t, date=None, high_level=False, invalid="")
            for d, t in every.items()
        }
    )


def nearest(first: list[tuple[str, float]]) -> list[tuple[str, float]]:
    """`first`, then fillers in falling order down to SEMANTIC_DEPTH titles (the candidates end at 0.5)."""
    rest = ranking.SEMANTIC_DEPTH - len(first)
    return [*first, *((doc_id, 0.6 - 0.005 * n) for n, doc_id in enumerate(FILLERS[:rest]))]


def order(
    lexical: list[BackendHit], near: list[tuple[str, float]], corpus: Corpus, fusion: Fusion
) -> list[str]:
    query = analyse("在工厂干活手被机器弄伤了")
    return [hit.id for hit in fuse(lexical, near, SearchRequest(q=query.text), query, corpus, fusion)]


def test_where_the_words_answer_weakly_meaning_also_judges_the_word_hits_it_does_not_list() -> None:
    corpus = corpus_of({"robot": "机器人产品查询", "injury": "工伤事故备案", "other": "机器设备登记"})
    lexical = [BackendHit("robot", 10.0), BackendHit("other", 9.0)]  # one word (机器) of seven
    near = nearest([("injury", 0.9)])  # the robot title is not among the nearest at all
    weight = ranking.SEMANTIC_WEIGHT_WEAK_WORDS
    assert order(lexical, near, corpus, Fusion(weight))[0] == "robot"  # meaning only lifts
    judged = order(lexical, near, corpus, Fusion(weight, judge=1.0))
    assert judged[0] == "injury" and set(judged) >= {"robot", "other"}  # lowered, not dropped
    query = analyse("在工厂干活手被机器弄伤了")
    fused = fuse(lexical, near, SearchRequest(q=query.text), query, corpus, Fusion(weight, judge=1.0))
    lowest = 1.0 - weight * ranking.SEMANTIC_JUDGE_FLOOR  # far below the candidates: lowered this far only
    assert {h.id: h.score for h in fused}["robot"] == pytest.approx(lowest)
    # A word hit among the nearest but below the candidates is placed by its own score: above one that
    # is not listed at all.
    listed = [*near[:30], ("other", near[30][1]), *near[31:]]
    assert order(lexical, listed, corpus, Fusion(weight, judge=1.0)).index("other") < judged.index("other")


def test_the_judgment_fades_as_the_words_answer_better() -> None:
    corpus = corpus_of({"robot": "机器人产品查询", "injury": "工伤事故备案"})
    lexical = [BackendHit("robot", 10.0)]
    near = nearest([("injury", 0.9)])
    weight = ranking.SEMANTIC_WEIGHT_WEAK_WORDS
    assert order(lexical, near, corpus, Fusion(weight, judge=1.0))[0] == "injury"
    assert order(lexical, near, corpus, Fusion(weight, judge=0.1))[0] == "robot"


def test_titles_holding_every_query_word_keep_the_reranked_order_among_them() -> None:
    titles = {"apply": "残疾人证新办证申请", "check": "残疾人证查询", "aid": "残疾人辅具使用指南"}
    corpus = corpus_of(titles)
    words = [QueryWord("残疾人证")]
    lexical = [BackendHit("apply", 10.0), BackendHit("check", 9.5), BackendHit("aid", 6.0)]
    near = nearest([("aid", 0.95), ("check", 0.9), ("apply", 0.62)])
    plain = order(lexical, near, corpus, Fusion())
    assert plain.index("check") < plain.index("apply")  # meaning alone would put the follow-up first
    shared = order(lexical, near, corpus, Fusion(words=words))
    assert shared.index("apply") < shared.index("check")  # both hold 残疾人证: the reranked order stands
    # A title missing a query word keeps its own credit (the nearest title's: the whole weight).
    query = analyse("残疾人证")
    scores = {
        h.id: h.score
        for h in fuse(lexical, near, SearchRequest(q="残疾人证"), query, corpus, Fusion(words=words))
    }
    assert scores["aid"] == pytest.approx(0.6 + ranking.SEMANTIC_WEIGHT)


def test_a_title_found_by_meaning_alone_is_demoted_like_a_word_hit_for_what_was_not_asked() -> None:
    """换身份证 must not open with 换发外国人永久居留身份证 whichever signal found it: the reranker's
    qualifier and follow-up factors apply to the titles only meaning lists as well."""
    titles = {"plain": "居民身份证换领", "foreign": "换发外国人永久居留身份证", "lost": "居民身份证挂失"}
    corpus = corpus_of(titles)
    lexical = [BackendHit("plain", 10.0)]
    near = nearest([("foreign", 0.95), ("lost", 0.94), ("plain", 0.7)])
    query = analyse("换身份证")
    fused = fuse(lexical, near, SearchRequest(q=query.text), query, corpus, Fusion(words=[QueryWord("换")]))
    scores = {h.id: h.score for h in fused}
    weight = ranking.SEMANTIC_WEIGHT
    assert scores["foreign"] == pytest.approx(weight * ranking.QUALIFIER_FACTOR)  # nearest in meaning
    lost_credit = (0.94 - near[ranking.SEMANTIC_CANDIDATES - 1][1]) / (
        0.95 - near[ranking.SEMANTIC_CANDIDATES - 1][1]
    )
    # scores are rounded to six places
    assert scores["lost"] == pytest.approx(weight * lost_credit * ranking.SECONDARY_ACTION_FACTOR, abs=1e-6)
    assert fused[0].id == "plain"


def test_for_a_long_account_the_titles_nearest_in_meaning_keep_a_place_on_the_first_page() -> None:
    fused = [BackendHit(f"w{n}", 1.0 - n / 20) for n in range(15)]
    ids = [hit.id for hit in on_first_page(fused, ["w12", "w3", "w14", "absent"], size=10)]
    # w3 is on the first page already; w12 and w14 take its last places in their fused order
    assert ids[:10] == ["w0", "w1", "w2", "w3", "w4", "w5", "w6", "w7", "w12", "w14"]
    assert ids[10:] == ["w8", "w9", "w10", "w11", "w13"]  # nothing is dropped
    assert on_first_page(fused, ["w1", "w2"], size=10) == fused  # all on it: unchanged
    assert [h.id for h in on_first_page(fused, ["w5"], size=3)] == [
        "w0",
        "w1",
        "w5",
        "w2",
        "w3",
        "w4",
        *(f"w{n}" for n in range(6, 15)),
    ]
