from __future__ import annotations

from indexer.documents import DocumentKind
from search_api.engine import ranking
from search_api.engine.models import SearchRequest
from search_api.engine.query import analyse
from search_api.engine.query_builder import build_query
from synonyms.expansion import load_default_synonyms


def build(q: str, **request: object):  # type: ignore[no-untyped-def]
    query = analyse(q)
    matches = load_default_synonyms().expand(query.tokens)
    return build_query(query, matches, SearchRequest(q=q, **request))  # type: ignore[arg-type]


def test_citizen_words_count_more_than_synonyms() -> None:
    query = build("老年社保")
    own = [c for g in query.groups for c in g.clauses if c.boost == 1.0]
    expanded = [c for g in query.groups for c in g.clauses if c.boost == ranking.SYNONYM_BOOST]
    assert own and expanded
    assert ("城乡居民", "基本", "养老保险") in [c.tokens for c in expanded]


def test_question_words_are_weak() -> None:
    query = build("残疾证怎么办")
    boosts = {c.tokens: c.boost for g in query.groups for c in g.clauses}
    assert boosts[("怎么办",)] == ranking.STOPWORD_BOOST


def test_paging_filters_and_exact_keys() -> None:
    query = build("国发〔2019〕5号", page=3, size=10, type=DocumentKind.POLICY)
    assert (query.offset, query.limit) == (20, 10)
    assert query.filters == {"kind": ("policy",)}
    assert query.exact_codes == ("国发[2019]5号",)
