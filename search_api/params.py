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
}


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


def parse_search(
    q: str | None, type_: str | None, page: str | None, size: str | None, **catalogue: str | None
) -> SearchRequest:
    """Validate parameters as given in a URL; raises `InvalidSearch` naming the offending field.

    `catalogue` takes the item filters audience (个人/法人), level and region; empty means no filter."""
    try:
        return SearchRequest.model_validate(
            {
                "q": q or "",
                "type": DocumentKind(type_) if type_ else None,
                "page": _int(page, "page", 1),
                "size": _int(size, "size", 10),
                **{k: v for k, v in catalogue.items() if v},
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
