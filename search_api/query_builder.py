"""Pure functions from analysed query to `BackendQuery`."""

from __future__ import annotations

from collections.abc import Sequence

from indexer.analysis import query_stopwords, sub_words
from indexer.backends.base import BackendQuery, Clause, Group
from indexer.documents import SearchRequest
from indexer.fields import code_key
from search_api import ranking
from synonyms.expansion import SynonymMatch


def token_group(token: str) -> Group:
    """The citizen's word, and the phrase of its parts as a weaker fallback."""
    boost = ranking.STOPWORD_BOOST if token in query_stopwords() else 1.0
    clauses = [Clause((token,), boost)]
    parts = sub_words(token)
    if parts:
        clauses.append(Clause(tuple(parts), ranking.SUB_WORD_BOOST * boost))
    return Group(tuple(clauses))


def synonym_group(match: SynonymMatch) -> Group:
    return Group(tuple(Clause(alt, ranking.SYNONYM_BOOST * match.weight) for alt in match.alternatives))


def build_query(
    normalized_query: str,
    tokens: Sequence[str],
    matches: Sequence[SynonymMatch],
    request: SearchRequest,
) -> BackendQuery:
    groups = [token_group(t) for t in tokens]
    groups += [synonym_group(m) for m in matches if m.alternatives]
    compact = "".join(normalized_query.split())
    filters: dict[str, tuple[str, ...]] = {"kind": (request.type.value,)} if request.type else {}
    return BackendQuery(
        groups=tuple(groups),
        field_weights=dict(ranking.FIELD_WEIGHTS),
        exact_codes=(code_key(compact),) if compact else (),
        code_boost=ranking.CODE_BOOST,
        title_key=compact,
        title_key_boost=ranking.TITLE_KEY_BOOST,
        filters=filters,
        offset=(request.page - 1) * request.size,
        limit=request.size,
    )
