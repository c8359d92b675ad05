"""`BackendQuery` → Elasticsearch query DSL, clause for clause the query the embedded backend runs.

Pure functions (no client): the text fields hold the same space-joined tokens as in tantivy, so a
single token is a `term` query (not analysed, like tantivy's term query), a phrase a `match_phrase`
whose whitespace analyzer splits it back into exactly those tokens, with the same slop rule.

A phrase counts every occurrence within the slop fully in tantivy; Lucene weighs an occurrence by
1 / (1 + the positions it needed beyond the tight form). The index writes a word's search-mode
sub-words just before it (综合保税区 → 综合 保税 保税区), so the phrase (综合, 保税区) never occurs tight
there, and a plain `match_phrase` would count it half. The phrase is therefore also asked as the index
writes it: a `span_near` with a `span_gap` where the sub-words sit, which matches that form with width 0
(counted fully, the same idf as the phrase); the document scores with the better of the two.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from typing import Any

from indexer.analysis import segment_for_index
from indexer.backends.base import BackendQuery, Clause, Group
from indexer.fields import KEYWORD_FIELDS

TEXT_FIELDS = ("title", "meta", "body")
# The same rule as `tantivy_backend.PHRASE_SLOP_PER_TOKEN`: search-mode sub-words sit between the words.
PHRASE_SLOP_PER_TOKEN = 3
FACET_SIZE = 50

Json = dict[str, Any]


def index_gaps(tokens: Sequence[str]) -> list[int]:
    """How many sub-words the index writes before each token after the first (`segment_for_index`
    puts a word's dictionary sub-words just before it)."""
    gaps = []
    for token in tokens[1:]:
        written = segment_for_index(token)
        gaps.append(len(written) - 1 if written and written[-1] == token else 0)
    return gaps


def clause_queries(clause: Clause, weights: Iterable[tuple[str, float]]) -> list[Json]:
    """The clause in each (field, boost): its index gaps worked out once, not once per field."""
    gaps = index_gaps(clause.tokens) if len(clause.tokens) > 1 else []
    return [_clause_query(clause, field, boost, gaps) for field, boost in weights]


def _clause_query(clause: Clause, field: str, boost: float, gaps: list[int]) -> Json:
    if len(clause.tokens) == 1:
        return {"term": {field: {"value": clause.tokens[0], "boost": boost}}}
    slop = PHRASE_SLOP_PER_TOKEN * (len(clause.tokens) - 1)
    phrase = {"match_phrase": {field: {"query": " ".join(clause.tokens), "slop": slop, "boost": boost}}}
    if not any(gaps):
        return phrase
    # The phrase as the index writes it (sub-words in the gaps): its tight occurrence counts fully, as
    # in tantivy; the slop left is what tantivy allows beyond those gaps.
    clauses: list[Json] = [{"span_term": {field: clause.tokens[0]}}]
    for token, gap in zip(clause.tokens[1:], gaps, strict=True):
        if gap:
            clauses.append({"span_gap": {field: gap}})
        clauses.append({"span_term": {field: token}})
    written = {
        "span_near": {
            "clauses": clauses,
            "slop": max(slop - sum(gaps), 0),
            "in_order": True,
            "boost": boost,
        }
    }
    return {"dis_max": {"queries": [phrase, written], "tie_breaker": 0.0}}


def _group_query(group: Group, field_weights: dict[str, float]) -> Json:
    alternatives = [
        {
            "bool": {
                "should": clause_queries(clause, [(f, w) for f, w in field_weights.items() if w > 0]),
                "boost": clause.boost,
            }
        }
        for clause in group.clauses
    ]
    return {"dis_max": {"queries": alternatives, "tie_breaker": 0.0}}


def text_query(query: BackendQuery) -> Json:
    """The scored part: one dis-max per word (plus the proximity phrase as one more word), exact codes
    and the exact title as strong boosts."""
    if query.match_all:
        return {"match_all": {}}
    groups = list(query.groups)
    if query.proximity:  # scored like one more word, made of the whole phrase
        groups.append(Group((Clause(query.proximity, query.proximity_boost),)))
    should = [_group_query(g, query.field_weights) for g in groups]
    should += [{"term": {"codes": {"value": c, "boost": query.code_boost}}} for c in query.exact_codes]
    if query.bigrams:  # every bigram of the words no title holds whole, summed, at the bigram boost
        grams = [{"term": {"bigrams": g}} for g in query.bigrams]
        should.append({"bool": {"should": grams, "boost": query.bigram_boost}})
    if query.title_key:
        should.append({"term": {"title_key": {"value": query.title_key, "boost": query.title_key_boost}}})
    if not should:
        return {"match_none": {}}
    return {"bool": {"should": should, "minimum_should_match": 1}}


def full_query(query: BackendQuery) -> Json:
    """The text query with the filters (not scored), required phrases (scored, as in tantivy) and the
    date range."""
    must: list[Json] = [text_query(query)]
    for phrase in query.required:
        anywhere = clause_queries(Clause(phrase), [(f, 1.0) for f in TEXT_FIELDS])
        must.append({"bool": {"should": anywhere, "minimum_should_match": 1}})
    filters: list[Json] = [
        {"terms": {name: list(values)}} for name, values in query.filters.items() if values
    ]
    if query.date_range:
        low, high = query.date_range
        filters.append({"range": {"date": {"gte": low, "lte": high}}})
    return {"bool": {"must": must, "filter": filters}}


def sort_clause(query: BackendQuery) -> list[Json]:
    """Newest first, or by score; the id breaks ties so that pages and `search_after` are stable."""
    first: Json = {"date": {"order": "desc"}} if query.sort_by_date else {"_score": {"order": "desc"}}
    return [first, {"id": {"order": "asc"}}]


def facet_aggs(fields: Sequence[str]) -> Json:
    unknown = set(fields) - set(KEYWORD_FIELDS)
    if unknown:
        raise ValueError(f"unknown facet fields: {sorted(unknown)}")
    return {name: {"terms": {"field": name, "size": FACET_SIZE}} for name in fields}


def year_aggs(years: Sequence[int]) -> Json:
    ranges = [
        {"key": str(y), "from": dt.date(y, 1, 1).toordinal(), "to": dt.date(y + 1, 1, 1).toordinal()}
        for y in years
    ]
    return {"years": {"range": {"field": "date", "ranges": ranges, "keyed": True}}}


def suggest_query(words: Sequence[str]) -> Json:
    """Titles holding every complete word, and a word starting with the last (unfinished) one."""
    *complete, partial = words
    must: list[Json] = [{"term": {"title": w}} for w in complete]
    must.append({"prefix": {"title": partial}})
    return {"bool": {"must": must}}
