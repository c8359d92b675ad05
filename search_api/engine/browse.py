"""Ways in without a query: every 部门 (发文机关/实施主体) and every 主题 (主题分类) of policies or of
services, with how many documents each has, and the regions a citizen can choose as theirs. Each value
leads to a listing (`SearchRequest.listing`: the filter without a query, newest first)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from enum import StrEnum

from indexer.backends.base import BackendQuery, SearchBackend
from indexer.documents import DocumentKind
from search_api.engine.corpus import Corpus
from search_api.engine.filters import BY_NAME
from search_api.engine.models import FacetValue


class BrowseBy(StrEnum):
    """A filter of `FILTERS` to browse by."""

    DEPARTMENT = "publisher"
    THEME = "subject"

    @property
    def label(self) -> str:
        return "部门" if self is BrowseBy.DEPARTMENT else "主题"


def browse_values(corpus: Corpus, kind: DocumentKind, by: BrowseBy) -> list[FacetValue]:
    """Every value of the filter among documents of `kind`, most documents first (no cut-off: the
    facets of a search show the top few, this shows them all)."""
    return _ranked(by, corpus.browse.get((kind.value, by.value)) or Counter())


def browse_values_in(backend: SearchBackend, listing: BackendQuery, by: BrowseBy) -> list[FacetValue]:
    """The same inside a portal's scope: counted by the index over `listing` (the kind's documents
    within the scope), since the collection-wide counts would show departments the portal cannot reach."""
    field = BY_NAME[by.value].facet_field
    return _ranked(by, backend.facets(listing, [field]).get(field, {}))


def _ranked(by: BrowseBy, counts: Mapping[str, int]) -> list[FacetValue]:
    spec = BY_NAME[by.value]
    ranked = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))
    return [FacetValue(value=v, label=spec.label_of(v), count=n) for v, n in ranked if v]


def region_choices(corpus: Corpus) -> list[FacetValue]:
    """The regions of the collection as a citizen picks theirs, one per name: its 区划代码 as the value
    when some document gives it (so a city's resident also finds the province's items), else the name."""
    codes: dict[str, Counter[str]] = {}
    for (name, code), count in corpus.regions.items():
        codes.setdefault(name, Counter())[code] += count
    choices = []
    for name, counted in codes.items():
        known = [(n, c) for c, n in counted.items() if c]
        value = max(known)[1] if known else name
        choices.append(FacetValue(value=value, label=name, count=sum(counted.values())))
    return sorted(choices, key=lambda v: (not v.value.isdigit(), v.value))


def region_label(corpus: Corpus, value: str) -> str:
    """The name of a chosen region (a code shows as its name)."""
    return next((name for name, code in corpus.regions if value in (code, name)), value)
