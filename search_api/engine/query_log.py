"""Reading the query log: popular queries for 热搜, suggestions and 相关搜索, minus a staff denylist.

The log holds the query text, filters, page and result count only (see `indexer.storage.logs`); nothing
here can tell who searched.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from pathlib import Path

from indexer.analysis import compact, normalize
from indexer.storage import Database
from indexer.storage.logs import QueryLog
from search_api.engine.models import SearchHit
from search_api.engine.query import AnalyzedQuery

POPULAR_LIMIT = 500  # distinct queries kept for suggestions and related searches
_PERSONAL = re.compile(r"\d{7,}")  # phone or ID numbers: never repeated back to anyone
MIN_SEARCHES = 2  # a query typed once is not "popular" (and may be personal: a name, a phone number)


def load_denylist(path: Path | None) -> frozenset[str]:
    """One word or phrase a line, `#` comments; a query containing any of them is never shown."""
    if path is None or not path.exists():
        return frozenset()
    words = (line.split("#", 1)[0].strip() for line in path.read_text(encoding="utf-8").splitlines())
    return frozenset(normalize(w) for w in words if w)


def denied(text: str, denylist: Iterable[str]) -> bool:
    norm = normalize(text)
    return any(word in norm for word in denylist)


def popular_queries(
    database: Database, denylist: frozenset[str], limit: int = POPULAR_LIMIT
) -> list[tuple[str, int]]:
    """Queries that found something, most searched first, without denied ones."""
    rows = QueryLog(database).popular(MIN_SEARCHES, limit * 2)
    seen: set[str] = set()
    out: list[tuple[str, int]] = []
    for query, searches in rows:
        key = compact(query)
        if key in seen or denied(query, denylist) or _PERSONAL.search(key):
            continue
        seen.add(key)
        out.append((query.strip(), int(searches)))
    return out[:limit]


def related_queries(
    query: AnalyzedQuery,
    tokens: Iterable[str],
    popular: list[tuple[str, int]],
    synonyms: Iterable[str],
    items: Iterable[str] = (),
    limit: int = 8,
) -> list[str]:
    """Other popular queries sharing a word with this one, then the synonym rule's other wordings,
    then catalogue neighbours (`items`: what the results link to)."""
    own = query.compact
    words = [t for t in tokens if len(t) >= 2]
    out: dict[str, None] = {}
    for text, _count in popular:
        key = compact(text)
        if key != own and any(w in key for w in words):
            out[text] = None
    for text in [*synonyms, *items]:
        if compact(text) != own:
            out[text] = None
    return list(out)[:limit]


def linked_item_names(hits: Sequence[SearchHit], top: int = 5) -> list[str]:
    """Catalogue items the first results link to (“可办理”) that are not results themselves: the
    services a citizen reading those policies may want next."""
    titles = {h.title for h in hits}
    return list(dict.fromkeys(i.name for h in hits[:top] for i in h.items if i.name not in titles))
