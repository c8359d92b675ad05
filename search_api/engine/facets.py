"""Counts per facet value for the current query, one facet per row of `FILTERS` that names a facet
field (类型, 地区, 发文机关/实施主体, 主题分类, 有效性, 服务对象, 层级, 年份). Each facet is counted with
every filter except its own, so a citizen sees what choosing another value would give. A filter a
portal's scope fixes has no facet: its other values are not the portal's to offer."""

from __future__ import annotations

import dataclasses
import threading
from collections import OrderedDict
from collections.abc import Collection, Hashable, Iterable

from indexer.backends.base import YEAR_FACET, BackendQuery, SearchBackend
from search_api.engine.filters import FILTERS, Filter, FilterKind
from search_api.engine.models import FacetValue

MAX_VALUES = 12  # values shown per facet, most frequent first
YEARS_SHOWN = 8  # the most recent publication years offered as a filter
CACHED_QUERIES = 4_096  # facet counts kept per index state (a few KB each)


def _without(query: BackendQuery, spec: Filter) -> BackendQuery:
    """The query without the facet's own filter."""
    if spec.kind is not FilterKind.KEYWORD:
        return dataclasses.replace(query, date_range=None)
    filters = {k: v for k, v in query.filters.items() if k != spec.index_field}
    return dataclasses.replace(query, filters=filters)


def _values(spec: Filter, counts: dict[str, int]) -> list[FacetValue]:
    ranked = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))[:MAX_VALUES]
    return [FacetValue(value=v, label=spec.label_of(v), count=n) for v, n in ranked if v]


def facet_counts(
    backend: SearchBackend, query: BackendQuery, years: Iterable[int], fixed: Collection[str] = ()
) -> dict[str, list[FacetValue]]:
    """Facet field → its values with counts, in `FILTERS` order, empty facets and those of the
    `fixed` filters (a scope's) left out. Every facet whose count needs the query as it is comes from
    one backend call (each call runs the query over every match again); a facet whose own filter is
    set needs the query without it, one call each."""
    base = dataclasses.replace(query, offset=0, limit=0, sort_by_date=False)
    shown = [f for f in FILTERS if f.facet_field and f.name not in fixed]
    keyword = [f for f in shown if f.kind is FilterKind.KEYWORD]
    filtered = [f for f in keyword if f.index_field in query.filters]
    unfiltered = [f.facet_field for f in keyword if f not in filtered]
    year = next((f for f in shown if f.kind is FilterKind.YEAR), None)
    recent = sorted(set(years), reverse=True)[:YEARS_SHOWN] if year else []
    together = recent if base.date_range is None else []  # no date filter: the year facet's own query
    counts = backend.facets(base, unfiltered, together) if unfiltered or together else {}
    for spec in filtered:
        counts.update(backend.facets(_without(base, spec), [spec.facet_field]))
    if year is not None and recent and not together:
        counts |= backend.facets(_without(base, year), (), recent)
    out: dict[str, list[FacetValue]] = {}
    for spec in shown:
        if spec.kind is FilterKind.YEAR:
            per_year = counts.get(YEAR_FACET, {})
            out[spec.facet_field] = [
                FacetValue(value=str(y), label=spec.label_of(str(y)), count=per_year[str(y)])
                for y in recent
                if per_year.get(str(y))
            ]
        elif spec.facet_field:
            out[spec.facet_field] = _values(spec, counts.get(spec.facet_field, {}))
    return {field: values for field, values in out.items() if values}


_NOT_COUNTED = ("offset", "limit", "sort_by_date")  # the page and the order do not change counts


def _key(query: BackendQuery, years: Iterable[int], fixed: Collection[str]) -> Hashable:
    """What the counts depend on: the query as the backend gets it (words with their synonyms and
    long forms, filters, dates), not the page or the order; the years offered; the fixed filters."""
    parts: list[Hashable] = []
    for spec in dataclasses.fields(query):
        if spec.name not in _NOT_COUNTED:
            value = getattr(query, spec.name)
            parts.append(tuple(sorted(value.items())) if isinstance(value, dict) else value)
    return (tuple(parts), tuple(sorted(set(years))), tuple(sorted(fixed)))


class FacetCache:
    """Facet counts per query, for one state of the index: `clear()` when the index changes (the
    engine does when its backend's refresh reports a change). A changed synonym rule changes the
    query the backend gets, so it is a different entry. The most common queries repeat all day; their
    counts are several aggregations over every matching document each time."""

    def __init__(self, limit: int = CACHED_QUERIES) -> None:
        self._limit = limit
        self._entries: OrderedDict[Hashable, dict[str, list[FacetValue]]] = OrderedDict()
        self._lock = threading.Lock()

    def counts(
        self, backend: SearchBackend, query: BackendQuery, years: Iterable[int], fixed: Collection[str] = ()
    ) -> dict[str, list[FacetValue]]:
        years = list(years)
        key = _key(query, years, fixed)
        with self._lock:
            found = self._entries.get(key)
            if found is not None:
                self._entries.move_to_end(key)
                return found
        found = facet_counts(backend, query, years, fixed)
        with self._lock:
            self._entries[key] = found
            if len(self._entries) > self._limit:
                self._entries.popitem(last=False)  # the least recently used
        return found

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()

    def __len__(self) -> int:
        return len(self._entries)
