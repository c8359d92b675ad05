"""Pure functions from analysed query to `BackendQuery` (what the index scores) and to the
`QueryWord`s the reranker checks titles against."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping, Sequence

from indexer.analysis import query_stopwords, segment_query, sub_words
from indexer.backends.base import BackendQuery, Clause, Group
from indexer.documents import SearchRequest, SortOrder
from indexer.fields import DOC_NUMBER, code_key, doc_number_keys
from indexer.regions import region_filter_values
from search_api.engine import ranking
from search_api.engine.rerank import QueryWord
from synonyms.expansion import SynonymMatch


def token_group(token: str, abbreviation: str | None = None) -> Group:
    """The citizen's word, the phrase of its parts as a weaker fallback, and its long form if it is
    an abbreviation of a title phrase."""
    boost = ranking.STOPWORD_BOOST if token in query_stopwords() else 1.0
    clauses = [Clause((token,), boost)]
    parts = sub_words(token)
    if parts:
        clauses.append(Clause(tuple(parts), ranking.SUB_WORD_BOOST * boost))
    if abbreviation:
        clauses.append(Clause(tuple(segment_query(abbreviation)), ranking.ABBREVIATION_BOOST))
    return Group(tuple(clauses))


def synonym_group(match: SynonymMatch) -> Group:
    return Group(tuple(Clause(alt, ranking.SYNONYM_BOOST * match.weight) for alt in match.alternatives))


def exact_keys(compact: str) -> tuple[str, ...]:
    """The whole query as a code, and every 发文字号 written inside a longer query."""
    if not compact:
        return ()
    keys = [code_key(compact)]
    if not DOC_NUMBER.fullmatch(compact):
        keys += doc_number_keys(compact)
    return tuple(dict.fromkeys(keys))


_QUOTED = re.compile(r"[\"“”「『]([^\"“”「」『』]+)[\"“”」』]")


def quoted_phrases(query: str) -> tuple[tuple[str, ...], ...]:
    """Phrases the citizen put in quotes (“住房公积金提取”), as tokens: every hit must contain their words
    close together (within the backend's phrase slop, since the index interleaves sub-words)."""
    phrases = (tuple(segment_query(m.group(1))) for m in _QUOTED.finditer(query))
    return tuple(p for p in phrases if p)


def date_range(request: SearchRequest) -> tuple[int, int] | None:
    """The publication-date filter as ordinals (inclusive); a year is 1 January to 31 December."""
    start, end = request.date_from, request.date_to
    if request.year:
        start, end = dt.date(request.year, 1, 1), dt.date(request.year, 12, 31)
    if start is None and end is None:
        return None
    return (start.toordinal() if start else 1, end.toordinal() if end else dt.date.max.toordinal())


def request_filters(request: SearchRequest) -> dict[str, tuple[str, ...]]:
    """Every keyword filter of the request as index field → accepted values."""
    filters: dict[str, tuple[str, ...]] = {}
    if request.type:
        filters["kind"] = (request.type.value,)
    if request.publisher:
        filters["publisher"] = (request.publisher,)
    if request.audience:
        filters["audience"] = (request.audience.value,)
    if request.level:
        filters["level"] = (request.level,)
    if request.region:  # the `area` field holds a document's region and the regions above it
        filters["area"] = region_filter_values(request.region)
    return filters


def build_query(
    normalized_query: str,
    tokens: Sequence[str],
    matches: Sequence[SynonymMatch],
    request: SearchRequest,
    *,
    abbreviations: Mapping[str, str] | None = None,
    depth: int = 0,
) -> BackendQuery:
    """`depth` asks for at least that many hits from the first one, for the reranker."""
    long_forms = abbreviations or {}
    groups = [token_group(t, long_forms.get(t)) for t in tokens]
    groups += [synonym_group(m) for m in matches if m.alternatives]
    content = tuple(t for t in tokens if t not in query_stopwords())
    compact = "".join(normalized_query.split())
    offset = (request.page - 1) * request.size
    by_date = request.sort == SortOrder.DATE
    rerank = depth and not by_date and offset < depth
    return BackendQuery(
        groups=tuple(groups),
        field_weights=dict(ranking.FIELD_WEIGHTS),
        exact_codes=exact_keys(compact),
        code_boost=ranking.CODE_BOOST,
        title_key=compact,
        title_key_boost=ranking.TITLE_KEY_BOOST,
        filters=request_filters(request),
        offset=0 if rerank else offset,
        limit=max(depth, offset + request.size) if rerank else request.size,
        proximity=content if len(content) >= 2 else (),
        proximity_boost=ranking.PROXIMITY_BOOST,
        required=quoted_phrases(request.q),
        date_range=date_range(request),
        sort_by_date=by_date,
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
