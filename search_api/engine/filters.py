"""Every filter and facet of a search, defined once.

One `Filter` row says all there is to say about a filter: its URL parameter (also its key in
`SearchRequest.filters`), the label a citizen reads, the message when a value is wrong, how a value is
checked, the keyword field of the index it restricts and the field its facet counts, and how a value is
shown. The request model, the API parameters, the validation, the backend filters, the facet counts, the
filter links and the page labels are all derived from `FILTERS`. Adding a filter is one row here plus,
for a new index field, its extraction in `indexer.fields.KEYWORD_FIELDS`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from enum import StrEnum

from indexer.documents import KIND_LABELS, LEVELS, Audience, Document
from indexer.fields import KEYWORD_FIELDS
from indexer.regions import region_filter_values
from indexer.validity import Validity

MIN_YEAR, MAX_YEAR = 1949, 2100


class InvalidSearch(ValueError):
    """A parameter a citizen can correct; `field` names it, `message` says how (in Chinese)."""

    def __init__(self, message: str, field: str) -> None:
        super().__init__(message)
        self.message = message
        self.field = field


class OutOfScope(InvalidSearch):
    """A filter value outside what the asking portal may search (its key's scope): 403."""


# A scope: filter name → the values a portal may search (any of them); see `scope_filters`.
Scope = dict[str, tuple[str, ...]]


class FilterKind(StrEnum):
    KEYWORD = "keyword"  # restricts a keyword field of the index to the values a choice accepts
    YEAR = "year"  # a publication year: 1 January to 31 December
    DATE_FROM = "date_from"  # published on or after
    DATE_TO = "date_to"  # published on or before


def _same(value: str) -> tuple[str, ...]:
    return (value,)


@dataclass(frozen=True)
class Filter:
    name: str  # URL parameter and key in `SearchRequest.filters`
    label: str  # what the page calls it: facet title, chosen-filter summary
    doc: str  # the API documentation of the parameter
    message: str  # the validation message a citizen reads
    kind: FilterKind = FilterKind.KEYWORD
    index_field: str = ""  # keyword field it restricts (KEYWORD filters)
    facet_field: str = ""  # field whose values are counted and offered ("" → no facet); "year": per year
    choices: tuple[str, ...] = ()  # the only values accepted (empty: free text up to max_length)
    max_length: int = 100
    accepts: Callable[[str], tuple[str, ...]] = _same  # index values a chosen value matches
    labels: Mapping[str, str] = field(default_factory=dict)  # value → label, when they differ

    def parse(self, raw: str) -> str:
        """The canonical form of a value typed in a URL; `InvalidSearch` when it is not acceptable."""
        value = raw.strip()
        if self.kind is FilterKind.YEAR:
            return str(_year(value, self))
        if self.kind in (FilterKind.DATE_FROM, FilterKind.DATE_TO):
            return _date(value, self).isoformat()
        if (self.choices and value not in self.choices) or len(value) > self.max_length:
            raise InvalidSearch(self.message, self.name)
        return value

    def label_of(self, value: str) -> str:
        if self.kind is FilterKind.YEAR:
            return f"{value}年"
        if self.kind in (FilterKind.DATE_FROM, FilterKind.DATE_TO):
            return ("从 " if self.kind is FilterKind.DATE_FROM else "到 ") + value
        return self.labels.get(value, value)


def _year(value: str, spec: Filter) -> int:
    if not (value.isascii() and value.isdigit()) or not MIN_YEAR <= int(value) <= MAX_YEAR:
        raise InvalidSearch(spec.message, spec.name)
    return int(value)


def _date(value: str, spec: Filter) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise InvalidSearch(spec.message, spec.name) from None


FILTERS: tuple[Filter, ...] = (
    Filter(
        "type", "类型", "policy（政策文件）或 guide（办事指南）", "类型只能是 policy, guide",
        index_field="kind", facet_field="kind", choices=tuple(k.value for k in KIND_LABELS),
        labels={k.value: label for k, label in KIND_LABELS.items()},
    ),
    Filter(
        "region", "地区", "行政区划名称（如 广州市）或区划代码",
        "区划应为行政区划名称或 6 位区划代码，最多 30 个字",
        index_field="area", facet_field="region", max_length=30, accepts=region_filter_values,
    ),
    Filter(
        "publisher", "发文机关/实施主体", "发文机关/实施主体（完整名称）", "发文机关/实施主体最多 100 个字",
        index_field="publisher", facet_field="publisher",
    ),
    Filter(
        "site", "站点", "来源网站名称（完整名称，如 广州市人民政府）", "站点名称最多 100 个字",
        index_field="site",
    ),
    Filter(
        "subject", "主题分类", "主题分类（如 社会保障（社会保险、社会救助））", "主题分类最多 50 个字",
        index_field="subject", facet_field="subject", max_length=50,
    ),
    Filter(
        "validity", "有效性", "有效性：现行有效、已废止、已失效", "有效性只能是 现行有效、已废止 或 已失效",
        index_field="validity", facet_field="validity", choices=tuple(v.value for v in Validity),
    ),
    Filter(
        "audience", "服务对象", "服务对象：个人 或 法人", "服务对象只能是 个人 或 法人",
        index_field="audience", facet_field="audience", choices=tuple(a.value for a in Audience),
    ),
    Filter(
        "level", "层级", "层级：国家、省、市、区县", "层级只能是 国家、省、市 或 区县",
        index_field="level", facet_field="level", choices=LEVELS,
    ),
    Filter(
        "year", "年份", "发布年份，如 2019", f"年份必须是 {MIN_YEAR} 到 {MAX_YEAR} 之间的四位数字",
        kind=FilterKind.YEAR, facet_field="year",
    ),
    Filter(
        "date_from", "开始日期", "发布日期不早于，如 2019-01-01", "开始日期格式应为 2024-01-31",
        kind=FilterKind.DATE_FROM,
    ),
    Filter(
        "date_to", "结束日期", "发布日期不晚于，如 2019-12-31", "结束日期格式应为 2024-01-31",
        kind=FilterKind.DATE_TO,
    ),
)  # fmt: skip
BY_NAME: dict[str, Filter] = {f.name: f for f in FILTERS}
BY_FACET: dict[str, Filter] = {f.facet_field: f for f in FILTERS if f.facet_field}


def parse_filters(raw: Mapping[str, str | None]) -> dict[str, str]:
    """Canonical values of the filters that are set (blank means not set), in `FILTERS` order."""
    unknown = set(raw) - set(BY_NAME)
    if unknown:
        raise InvalidSearch(f"未知的筛选条件：{', '.join(sorted(unknown))}", sorted(unknown)[0])
    chosen = {f.name: f.parse(value) for f in FILTERS if (value := raw.get(f.name)) and value.strip()}
    start, end = chosen.get("date_from"), chosen.get("date_to")
    if start and end and start > end:
        raise InvalidSearch("开始日期不能晚于结束日期", "date_from")
    return chosen


def keyword_filters(chosen: Mapping[str, str]) -> dict[str, tuple[str, ...]]:
    """The backend's keyword filters: index field → the values a chosen filter accepts."""
    return {
        f.index_field: f.accepts(chosen[f.name])
        for f in FILTERS
        if f.kind is FilterKind.KEYWORD and f.name in chosen
    }


def date_range(chosen: Mapping[str, str]) -> tuple[dt.date | None, dt.date | None]:
    """The publication-date window the filters ask for; a year is 1 January to 31 December."""
    bounds = {
        f.kind: chosen[f.name] for f in FILTERS if f.kind is not FilterKind.KEYWORD and f.name in chosen
    }
    if FilterKind.YEAR in bounds:
        year = int(bounds[FilterKind.YEAR])
        return dt.date(year, 1, 1), dt.date(year, 12, 31)
    start, end = bounds.get(FilterKind.DATE_FROM), bounds.get(FilterKind.DATE_TO)
    return (
        dt.date.fromisoformat(start) if start else None,
        dt.date.fromisoformat(end) if end else None,
    )


# -- scopes: what a portal's key may search ------------------------------------------------------
SCOPE_ALIASES = {"kind": "type"}  # `--scope kind=guide` reads as the 类型 filter


def parse_scope(raw: Mapping[str, Iterable[str]]) -> Scope:
    """Canonical scope from filter names (or `SCOPE_ALIASES`) and values; only keyword filters
    restrict a scope. `InvalidSearch` names the offending filter."""
    scope: Scope = {}
    for given, values in raw.items():
        name = SCOPE_ALIASES.get(given, given)
        spec = BY_NAME.get(name)
        if spec is None or spec.kind is not FilterKind.KEYWORD:
            names = ", ".join(f.name for f in FILTERS if f.kind is FilterKind.KEYWORD)
            raise InvalidSearch(f"范围只能按这些筛选条件限定：{names}", given)
        parsed = tuple(dict.fromkeys(spec.parse(v) for v in values if v.strip()))
        if parsed:
            scope[name] = tuple(dict.fromkeys([*scope.get(name, ()), *parsed]))
    return scope


def check_within(chosen: Mapping[str, str], scope: Scope) -> None:
    """A filter the request sets on a scoped name must be one of the scope's values."""
    for name, allowed in scope.items():
        value = chosen.get(name)
        if value is not None and value not in allowed:
            label = BY_NAME[name].label
            raise OutOfScope(f"超出检索范围：{label}只能是 {'、'.join(allowed)}", name)


def scope_filters(chosen: Mapping[str, str], scope: Scope) -> dict[str, tuple[str, ...]]:
    """The backend's keyword filters for the chosen filters inside a scope: a scoped name the request
    does not set accepts what any of the scope's values accepts."""
    filters = keyword_filters(chosen)
    for name, allowed in scope.items():
        if name not in chosen:
            spec = BY_NAME[name]
            filters[spec.index_field] = tuple(dict.fromkeys(a for v in allowed for a in spec.accepts(v)))
    return filters


def within(doc: Document, scope: Scope) -> bool:
    """Whether a document lies inside a scope: what the scope's filters would let through."""
    for name, allowed in scope.items():
        spec = BY_NAME[name]
        values = set(KEYWORD_FIELDS[spec.index_field](doc))
        if not any(values.intersection(spec.accepts(v)) for v in allowed):
            return False
    return True
