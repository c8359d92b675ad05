"""URLs of the results page (Baidu's names: wd, pn) that keep the chosen filters, and the filter
links with their counts. Pure functions of the request; the templates only print them."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from indexer.documents import KIND_LABELS, SearchRequest, SearchResponse, SortOrder
from search_api.engine.params import filter_params

PAGE_SIZE = 10
PAGER_WIDTH = 9
FACET_TITLES = {
    "kind": "类型",
    "publisher": "发文机关/实施主体",
    "region": "地区",
    "level": "层级",
    "audience": "服务对象",
    "year": "年份",
}


def state(req: SearchRequest) -> dict[str, str]:
    """The page's parameters as they appear in its URL: the query and every filter that is set (any
    field of `SearchRequest` but paging), so links keep filters this module does not know about."""
    return {"wd": req.q} | filter_params(req)


def results_url(params: dict[str, str], page: int = 1, changes: dict[str, str] | None = None) -> str:
    """The results page with some parameters changed ("" removes one); a change starts at page 1."""
    merged = {**params, **(changes or {})}
    query = {k: v for k, v in merged.items() if v}
    if page > 1:
        query["pn"] = str((page - 1) * PAGE_SIZE)
    return "/s?" + urlencode(query)


def json_url(params: dict[str, str], page: int) -> str:
    """The JSON twin of a results page: the same search call through /api/v1/search."""
    query = {("q" if k == "wd" else k): v for k, v in params.items() if v}
    if page > 1:
        query["page"] = str(page)
    return "/api/v1/search?" + urlencode(query)


def pager(params: dict[str, str], page: int, pages: int) -> list[dict[str, Any]]:
    first = max(1, min(page - PAGER_WIDTH // 2, pages - PAGER_WIDTH + 1))
    last = min(pages, first + PAGER_WIDTH - 1)
    return [
        {"number": n, "url": results_url(params, n), "current": n == page} for n in range(first, last + 1)
    ]


def _param(field: str) -> str:
    return "type" if field == "kind" else field


def filter_groups(params: dict[str, str], response: SearchResponse) -> list[dict[str, Any]]:
    """One group per facet: 全部 (clears it), then each value with its count; the chosen one marked."""
    groups = []
    for field, values in response.facets.items():
        name = _param(field)
        if name not in SearchRequest.model_fields:
            continue  # counted by the index but not a filter a URL can set
        chosen = params.get(name, "")
        links = [{"label": "全部", "url": results_url(params, changes={name: ""}), "current": not chosen}]
        links += [
            {
                "label": v.label,
                "count": v.count,
                "url": results_url(params, changes={name: v.value}),
                "current": chosen == v.value,
            }
            for v in values
        ]
        if chosen and not any(link["current"] for link in links):  # chosen value with no hit left
            label = KIND_LABELS.get(response.type, chosen) if name == "type" and response.type else chosen
            links.append({"label": label, "count": 0, "url": results_url(params), "current": True})
        groups.append({"field": field, "title": FACET_TITLES.get(field, field), "links": links})
    return groups


def sort_links(params: dict[str, str]) -> list[dict[str, Any]]:
    current = params.get("sort") or SortOrder.RELEVANCE.value
    return [
        {
            "label": label,
            "url": results_url(params, changes={"sort": value}),
            "current": current == (value or "relevance"),
        }
        for label, value in (("按相关度", ""), ("按时间", SortOrder.DATE.value))
    ]


def chosen_labels(params: dict[str, str], response: SearchResponse) -> list[str]:
    """What the citizen has narrowed the results to, in words: 政策文件、2019年、按时间."""
    labels = {(_param(f), v.value): v.label for f, values in response.facets.items() for v in values}
    out = []
    for name, value in params.items():
        if name in ("wd", "nc") or not value:
            continue
        if name == "sort":
            out.append("按时间" if value == SortOrder.DATE.value else value)
        elif name == "type":
            out.append(KIND_LABELS.get(response.type, value) if response.type else value)
        elif name in ("date_from", "date_to"):
            out.append(("从 " if name == "date_from" else "到 ") + value)
        else:
            out.append(labels.get((name, value), value))
    return out
