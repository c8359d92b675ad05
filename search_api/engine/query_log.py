"""Reading the query log: popular queries for 热搜, suggestions and 相关搜索, minus what must never be
repeated back to anyone.

The log holds the query text, filters, page, result count and a visitor hash salted per day (see
`indexer.storage.logs`); nothing here can tell who searched. A query is popular when enough different
visitors searched it within a window: one person (or one script) repeating a phrase counts once.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol, runtime_checkable

from indexer.analysis import compact, normalize
from indexer.storage import Database
from indexer.storage.logs import QueryLog
from search_api.engine.models import SearchHit
from search_api.engine.query import AnalyzedQuery

POPULAR_LIMIT = 500  # distinct queries kept for suggestions and related searches
MAX_SHOWN_LENGTH = 30  # a citizen's query for a service is short; a long one is a sentence or a paste
# Never shown to others, whoever searched it: markup and script, web and mail addresses, ID-card
# numbers (18 digits, the last maybe X), mobile and landline numbers, any run of 7+ digits (an account,
# a case number), in any script or width (matched on the normalised text).
NEVER_SHOWN = (
    re.compile(r"[<>{}]|&#|javascript:|script|onerror|alert\("),
    re.compile(r"https?:|www\.|@[a-z0-9-]+\.|\.(com|cn|net|org)\b"),
    re.compile(r"\d{17}[\dx]"),
    re.compile(r"1[3-9]\d{9}|0\d{2,3}-?\d{7,8}"),
    re.compile(r"\d{7,}"),
)


@dataclass(frozen=True)
class Popularity:
    """When a query counts as popular: searched by `min_visitors` different visitors in the last
    `window_days` days (settings GOVSEARCH_HOT_MIN_VISITORS, GOVSEARCH_HOT_WINDOW_DAYS)."""

    min_visitors: int = 3
    window_days: float = 14.0

    def since(self, now: dt.datetime | None = None) -> str:
        start = (now or dt.datetime.now(dt.UTC)) - dt.timedelta(days=self.window_days)
        return start.isoformat(timespec="seconds")


DEFAULT_POPULARITY = Popularity()


def load_denylist(path: Path | None) -> frozenset[str]:
    """One word or phrase a line, `#` comments; a query containing any of them is never shown."""
    if path is None or not path.exists():
        return frozenset()
    words = (line.split("#", 1)[0].strip() for line in path.read_text(encoding="utf-8").splitlines())
    return frozenset(normalize(w) for w in words if w)


@runtime_checkable
class DenySource(Protocol):
    """Synonyms that carry the staff tool's reviewed denylists (``synonyms.live.LiveSynonyms``)."""

    def staff_denylist(self, feature: str) -> frozenset[str]: ...


DENY_ALL = "*"  # a denylist holding this switches its feature off


def staff_denylist(source: object, feature: str) -> frozenset[str]:
    """The words staff keep out of "suggest" or "hot" (empty when ``source`` carries none)."""
    return source.staff_denylist(feature) if isinstance(source, DenySource) else frozenset()


def denied(text: str, denylist: Iterable[str]) -> bool:
    norm = normalize(text)
    return any(word in norm for word in denylist)


def showable(text: str, denylist: Iterable[str] = ()) -> bool:
    """May this query be shown to other people (热搜, suggestions, 相关搜索)?"""
    norm = normalize(text).strip()
    if not norm or len(norm) > MAX_SHOWN_LENGTH or denied(norm, denylist):
        return False
    return not any(rule.search(norm) for rule in NEVER_SHOWN)


def popular_queries(
    database: Database,
    denylist: frozenset[str],
    rules: Popularity = DEFAULT_POPULARITY,
    limit: int = POPULAR_LIMIT,
) -> list[tuple[str, int]]:
    """Queries that found something, most visitors first, only those that may be shown."""
    rows = QueryLog(database).popular(rules.min_visitors, rules.since(), limit * 2)
    seen: set[str] = set()
    out: list[tuple[str, int]] = []
    for query, visitors in rows:
        key = compact(query)
        if key in seen or not showable(query, denylist):
            continue
        seen.add(key)
        out.append((query.strip(), int(visitors)))
    return out[:limit]


def popular_documents(
    database: Database, rules: Popularity = DEFAULT_POPULARITY, limit: int = POPULAR_LIMIT
) -> list[tuple[str, int]]:
    """Documents that `rules.min_visitors` different visitors opened from the results lately, most
    visitors first: (document id, visitors). Nothing here is shown to anyone; it only tells which
    words citizens mean (`understanding`, readings of initials)."""
    return QueryLog(database).popular_documents(rules.min_visitors, rules.since(), limit)


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
