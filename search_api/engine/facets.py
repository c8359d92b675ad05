"""Counts per facet value for the current query, one facet per row of `FILTERS` that names a facet
field (类型, 地区, 发文机关/实施主体, 主题分类, 有效性, 服务对象, 层级, 年份). Each facet is counted with
every filter except its own, so a citizen sees what choosing another value would give. A filter a
portal's scope fixes has no facet: its other values are not the portal's to offer."""

from __future__ import annotations

import dataclasses
from collections.abc import Collection, Iterable

from indexer.backends.base import BackendQuery, SearchBackend
from search_api.engine.filters import FILTERS, Filter, FilterKind
from search_api.engine.models import FacetValue

MAX_VALUES = 12  # values shown per facet, most frequent first
YEARS_SHOWN = 8  # the most recent publication years offered as a filter


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
    `fixed` filters (a scope's) left out."""
    base = dataclasses.replace(query, offset=0, limit=0, sort_by_date=False)
    shown = [f for f in FILTERS if f.facet_field and f.name not in fixed]
    keyword = [f for f in shown if f.kind is FilterKind.KEYWORD]
    filtered = [f for f in keyword if f.index_field in query.filters]
    unfiltered = [f.facet_field for f in keyword if f not in filtered]
    counts = backend.facets(base, unfiltered) if unfiltered else {}
    for spec in filtered:
        counts.update(backend.facets(_without(base, spec), [spec.facet_field]))
    out: dict[str, list[FacetValue]] = {}
    for spec in shown:
        if spec.kind is FilterKind.YEAR:
            out[spec.facet_field] = _year_values(backend, _without(base, spec), spec, years)
        elif spec.facet_field:
            out[spec.facet_field] = _values(spec, counts.get(spec.facet_field, {}))
    return {field: values for field, values in out.items() if values}


def _year_values(
    backend: SearchBackend, query: BackendQuery, spec: Filter, years: Iterable[int]
) -> list[FacetValue]:
    recent = sorted(set(years), reverse=True)[:YEARS_SHOWN]
    per_year = backend.year_counts(query, recent)
    return [
        FacetValue(value=str(y), label=spec.label_of(str(y)), count=per_year[y])
        for y in recent
        if per_year.get(y)
    ]
