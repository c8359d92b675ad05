"""Turn raw query-string parameters into a `SearchRequest`, with messages a citizen can read."""

from __future__ import annotations

from pydantic import ValidationError

from indexer.documents import MAX_PAGE, MAX_PAGE_SIZE, DocumentKind, SearchRequest

_FIELD_MESSAGES = {
    "type": f"类型只能是 {', '.join(k.value for k in DocumentKind)}",
    "page": f"页码必须是 1 到 {MAX_PAGE} 之间的整数",
    "size": f"每页条数必须是 1 到 {MAX_PAGE_SIZE} 之间的整数",
    "audience": "服务对象只能是 个人 或 法人",
    "level": "层级只能是 国家、省、市 或 区县",
    "region": "区划应为行政区划名称或 6 位区划代码，最多 30 个字",
    "publisher": "发文机关/实施主体最多 100 个字",
    "year": "年份必须是 1949 到 2100 之间的四位数字",
    "date_from": "开始日期格式应为 2024-01-31",
    "date_to": "结束日期格式应为 2024-01-31",
    "sort": "排序只能是 relevance（相关度）或 date（最新）",
}
# The filter and order parameters `refine` takes, as named in URLs and in `SearchRequest`.
FILTER_PARAMS = ("publisher", "year", "date_from", "date_to", "sort", "audience", "level", "region")


class InvalidSearch(ValueError):
    def __init__(self, message: str, field: str) -> None:
        super().__init__(message)
        self.message = message
        self.field = field


def _int(value: str | None, field: str, default: int) -> int:
    if value is None or value == "":
        return default
    try:
        return int(value)
    except ValueError:
        raise InvalidSearch(_FIELD_MESSAGES[field], field) from None


def parse_search(q: str | None, type_: str | None, page: str | None, size: str | None) -> SearchRequest:
    """Validate parameters as given in a URL; raises `InvalidSearch` naming the offending field."""
    try:
        return SearchRequest.model_validate(
            {
                "q": q or "",
                "type": DocumentKind(type_) if type_ else None,
                "page": _int(page, "page", 1),
                "size": _int(size, "size", 10),
            }
        )
    except ValueError as exc:
        if isinstance(exc, InvalidSearch):
            raise
        if isinstance(exc, ValidationError):
            error = exc.errors()[0]
            field = str(error["loc"][0]) if error["loc"] else "q"
            message = _FIELD_MESSAGES.get(field) or str(error.get("ctx", {}).get("error", error["msg"]))
            raise InvalidSearch(message, field) from None
        raise InvalidSearch(_FIELD_MESSAGES["type"], "type") from None


def refine(request: SearchRequest, **params: str | None) -> SearchRequest:
    """The request with the filter and order parameters (`FILTER_PARAMS`: 发文机关, 年份/时间范围, 排序,
    服务对象, 层级, 区划) applied, validated by the model; a blank parameter means no filter."""
    unknown = set(params) - set(FILTER_PARAMS)
    if unknown:
        raise TypeError(f"not a filter parameter: {', '.join(sorted(unknown))}")
    update = {k: v.strip() for k, v in params.items() if v is not None and v.strip()}
    if not update:
        return request
    try:
        refined = SearchRequest.model_validate(request.model_dump() | update)
    except ValidationError as exc:
        field = str(exc.errors()[0]["loc"][0])
        raise InvalidSearch(_FIELD_MESSAGES.get(field, str(exc.errors()[0]["msg"])), field) from None
    if refined.date_from and refined.date_to and refined.date_from > refined.date_to:
        raise InvalidSearch("开始日期不能晚于结束日期", "date_from")
    return refined


def filter_params(request: SearchRequest) -> dict[str, str]:
    """Every filter and option that is set (any field but the query and paging), as URL parameters."""
    chosen = request.model_dump(mode="json", exclude={"q", "page", "size"}, exclude_defaults=True)
    return {name: str(value) for name, value in chosen.items() if value not in (None, "")}
