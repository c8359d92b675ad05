"""The 个人/法人, 层级 and 区划 filters of a `SearchRequest` as `BackendQuery` filters."""

from __future__ import annotations

from indexer.documents import SearchRequest
from indexer.regions import region_filter_values


def catalogue_filters(request: SearchRequest) -> dict[str, tuple[str, ...]]:
    filters: dict[str, tuple[str, ...]] = {}
    if request.audience:
        filters["audience"] = (request.audience.value,)
    if request.level:
        filters["level"] = (request.level,)
    if request.region:
        filters["area"] = region_filter_values(request.region)
    return filters
