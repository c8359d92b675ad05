"""Counts per facet value for the current query: 类型, 发文机关/实施主体, 地区 (and any other keyword
field the index keeps) and 年份. Each facet is counted with every filter except its own, so a
citizen sees what choosing another value would give."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable

from indexer.backends.base import FACET_FIELDS, BackendQuery, SearchBackend
from indexer.documents import KIND_LABELS, DocumentKind, FacetValue

MAX_VALUES = 12  # values shown per facet, most frequent first
YEARS_SHOWN = 8  # the most recent publication years offered as a filter
SKIPPED = ("site", "area")  # kept in the index for other uses, not offered as a facet
# The 地区 filter matches the `area` field (a region with the regions above it), counted as `region`.
FILTERED_AS = {"region": "area"}


def _label(field: str, value: str) -> str:
    if field == "kind" and value in DocumentKind.__members__.values():
        return KIND_LABELS[DocumentKind(value)]
    return value


def _without(query: BackendQuery, field: str) -> BackendQuery:
    if field == "year":
        return dataclasses.replace(query, date_range=None)
    own = (field, FILTERED_AS.get(field))
    return dataclasses.replace(query, filters={k: v for k, v in query.filters.items() if k not in own})


def facet_counts(
    backend: SearchBackend, query: BackendQuery, years: Iterable[int]
) -> dict[str, list[FacetValue]]:
    fields = [f for f in FACET_FIELDS if f not in SKIPPED]
    base = dataclasses.replace(query, offset=0, limit=0, sort_by_date=False)
    counts: dict[str, dict[str, int]] = {}
    filtered = [f for f in fields if f in query.filters or FILTERED_AS.get(f) in query.filters]
    unfiltered = [f for f in fields if f not in filtered]
    if unfiltered:
        counts.update(backend.facets(base, unfiltered))
    for field in filtered:
        counts.update(backend.facets(_without(base, field), [field]))
    out = {
        field: [
            FacetValue(value=value, label=_label(field, value), count=count)
            for value, count in sorted(values.items(), key=lambda kv: (-kv[1], kv[0]))[:MAX_VALUES]
            if value
        ]
        for field, values in counts.items()
    }
    recent = sorted(set(years), reverse=True)[:YEARS_SHOWN]
    per_year = backend.year_counts(_without(base, "year"), recent)
    out["year"] = [
        FacetValue(value=str(y), label=f"{y}年", count=per_year[y]) for y in recent if per_year.get(y)
    ]
    return {field: values for field, values in out.items() if values}
