"""URL parameters (strings, as typed) → a `SearchRequest`, with messages a citizen can read."""

from __future__ import annotations

from collections.abc import Mapping

from pydantic import ValidationError

from search_api.engine.filters import BY_NAME, InvalidSearch, parse_filters
from search_api.engine.models import MAX_PAGE, MAX_PAGE_SIZE, SearchRequest, SortOrder

_MESSAGES = {
    "page": f"页码必须是 1 到 {MAX_PAGE} 之间的整数",
    "size": f"每页条数必须是 1 到 {MAX_PAGE_SIZE} 之间的整数",
    "sort": "排序只能是 relevance（相关度）或 date（最新）",
    "prefer_region": "地区偏好应为行政区划名称或 6 位区划代码，最多 30 个字",
    "prefer_audience": "服务对象偏好只能是 个人 或 法人",
}
# Parameters beside the filters: the order, 仍然搜索 (no correction), and the two preferences.
OPTIONS = ("sort", "nc", "prefer_region", "prefer_audience")


def _int(value: str | None, field: str, default: int) -> int:
    if value is None or value == "":
        return default
    if not (value.isascii() and value.isdigit()):  # int() would also take "²" or "١"
        raise InvalidSearch(_MESSAGES[field], field)
    return int(value)


def _sort(value: str | None) -> SortOrder:
    try:
        return SortOrder(value.strip()) if value and value.strip() else SortOrder.RELEVANCE
    except ValueError:
        raise InvalidSearch(_MESSAGES["sort"], "sort") from None


def parse_search(
    q: str | None, page: str | None, size: str | None, params: Mapping[str, str | None]
) -> SearchRequest:
    """Validate a search as given in a URL: the query, paging, and `params` (the filters of `FILTERS`,
    `sort`, `nc`); raises `InvalidSearch` naming the offending parameter."""
    filters = parse_filters({k: v for k, v in params.items() if k in BY_NAME})
    values = {
        "q": q or "",
        "page": _int(page, "page", 1),
        "size": _int(size, "size", 10),
        "sort": _sort(params.get("sort")),
        "filters": filters,
        "spellcheck": params.get("nc") != "1",
        "prefer_region": (params.get("prefer_region") or "").strip(),
        "prefer_audience": (params.get("prefer_audience") or "").strip() or None,
    }
    try:
        return SearchRequest.model_validate(values)
    except ValidationError as exc:
        error = exc.errors()[0]
        field = str(error["loc"][0]) if error["loc"] else "q"
        message = _MESSAGES.get(field) or str(error.get("ctx", {}).get("error", error["msg"]))
        raise InvalidSearch(message, field) from None
