"""Pure functions from analysed query to `BackendQuery` (what the index scores) and to the
`QueryWord`s the reranker checks titles against."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence

from indexer.analysis import cjk_bigrams, query_stopwords, segment_query, sub_words
from indexer.backends.base import BackendQuery, Clause, Group
from search_api.engine import ranking
from search_api.engine.filters import BY_NAME, date_range, scope_filters
from search_api.engine.models import SearchRequest, SortOrder
from search_api.engine.query import AnalyzedQuery
from search_api.engine.rerank import KIND_WORDS, QueryWord
from synonyms.expansion import SynonymMatch

AREA_FIELD = BY_NAME["region"].index_field


def token_group(token: str, abbreviation: str | None = None) -> Group:
    """The citizen's word, the phrase of its parts as a weaker fallback, and its long form if it is
    an abbreviation of a title phrase."""
    # A kind word (政策) is scored like a question word: the reranker credits it to documents of its kind.
    boost = ranking.STOPWORD_BOOST if token in query_stopwords() or token in KIND_WORDS else 1.0
    clauses = [Clause((token,), boost)]
    parts = sub_words(token)
    if parts:
        clauses.append(Clause(tuple(parts), ranking.SUB_WORD_BOOST * boost))
    if abbreviation:
        clauses.append(Clause(tuple(segment_query(abbreviation)), ranking.ABBREVIATION_BOOST))
    return Group(tuple(clauses))


def synonym_group(match: SynonymMatch) -> Group:
    return Group(tuple(Clause(alt, ranking.SYNONYM_BOOST * match.weight) for alt in match.alternatives))


def date_ordinals(request: SearchRequest) -> tuple[int, int] | None:
    """The publication-date filter as inclusive ordinals; documents without a date drop out."""
    start, end = date_range(request.filters)
    if start is None and end is None:
        return None
    return (start.toordinal() if start else 1, end.toordinal() if end else dt.date.max.toordinal())


def _with_enclosing(
    filters: dict[str, tuple[str, ...]], markers: Sequence[str]
) -> dict[str, tuple[str, ...]]:
    """The 地区 filter also accepts the regions around the chosen one (a city finds its province)."""
    if markers and AREA_FIELD in filters:
        filters[AREA_FIELD] = tuple(dict.fromkeys((*filters[AREA_FIELD], *markers)))
    return filters


def build_query(
    query: AnalyzedQuery,
    matches: Sequence[SynonymMatch],
    request: SearchRequest,
    *,
    abbreviations: Mapping[str, str] | None = None,
    depth: int = 0,
    unknown_words: Sequence[str] = (),
    enclosing_regions: Sequence[str] = (),
) -> BackendQuery:
    """`depth` asks for at least that many hits from the first one, for the reranker;
    `unknown_words` (words no title holds whole) are also looked for by their character bigrams;
    `enclosing_regions` (scope markers, `engine.regional.enclosing_markers`) widen a 地区 filter to the
    regions around the chosen one."""
    long_forms = abbreviations or {}
    groups = [token_group(t, long_forms.get(t)) for t in query.tokens]
    groups += [synonym_group(m) for m in matches if m.alternatives]
    stops = query_stopwords()  # question words (有没有) hold no bigram a title should match either
    content = tuple(t for t in query.tokens if t not in stops)
    offset = (request.page - 1) * request.size
    by_date = request.sort == SortOrder.DATE or request.listing
    rerank = depth and not by_date and offset < depth
    return BackendQuery(
        groups=tuple(groups),
        field_weights=dict(ranking.FIELD_WEIGHTS),
        exact_codes=query.codes,
        code_boost=ranking.CODE_BOOST,
        title_key=query.compact,
        title_key_boost=ranking.TITLE_KEY_BOOST,
        filters=_with_enclosing(scope_filters(request.filters, request.scope), enclosing_regions),
        offset=0 if rerank else offset,
        limit=max(depth, offset + request.size) if rerank else request.size,
        proximity=content if len(content) >= 2 else (),
        proximity_boost=ranking.PROXIMITY_BOOST,
        required=query.quoted,
        date_range=date_ordinals(request),
        sort_by_date=by_date,
        match_all=request.listing,
        bigrams=tuple(dict.fromkeys(g for w in unknown_words if w not in stops for g in cjk_bigrams(w))),
        bigram_boost=ranking.BIGRAM_BOOST,
    )


def query_words(
    tokens: Sequence[str], matches: Sequence[SynonymMatch], abbreviations: Mapping[str, str] | None = None
) -> list[QueryWord]:
    """Each typed word with what may stand for it in a title: synonyms of a span it belongs to, its
    sub-words, its long form."""
    stopwords = query_stopwords()
    words = []
    for position, token in enumerate(tokens):
        alternatives = [
            ("".join(alt), ranking.SYNONYM_BOOST)
            for m in matches
            if m.start <= position < m.end
            for alt in m.alternatives
        ]
        if abbreviations and token in abbreviations:
            alternatives.append((abbreviations[token], ranking.ABBREVIATION_BOOST))
        weight = ranking.STOPWORD_COVERAGE_WEIGHT if token in stopwords else 1.0
        words.append(QueryWord(token, tuple(alternatives), weight))
    return words
