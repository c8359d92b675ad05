"""URLs of the results page (Baidu's names: wd, pn) that keep the chosen filters, and the filter
links with their counts. Pure functions of the request; the templates only print them."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any
from urllib.parse import urlencode

from search_api.deps import PAGE_SIZE, page_from_pn
from search_api.engine.filters import BY_FACET, BY_NAME
from search_api.engine.models import MAX_PAGE, SearchRequest, SearchResponse, SortOrder

PAGER_WIDTH = 9


def state(req: SearchRequest) -> dict[str, str]:
    """The page's parameters as they appear in its URL: the query, every filter and option that is set
    (`nc=1`, 仍然搜索, holds on every page), so links keep filters this module does not know about."""
    return {"wd": req.q} | req.params()


def results_url(params: dict[str, str], page: int = 1, changes: dict[str, str] | None = None) -> str:
    """The results page with some parameters changed ("" removes one); a change starts at page 1."""
    merged = {**params, **(changes or {})}
    query = {k: v for k, v in merged.items() if v}
    if page > 1:
        query["pn"] = str((page - 1) * PAGE_SIZE)
    return "/s?" + urlencode(query)


def json_url(params: Mapping[str, str | None], page: int | str | None = None) -> str:
    """The JSON twin of a results page: the same search call through /api/v1/search."""
    query = {("q" if k == "wd" else k): v for k, v in params.items() if v and k != "pn"}
    if page and str(page) != "1":
        query["page"] = str(page)
    return "/api/v1/search?" + urlencode(query)


def feed_url(params: Mapping[str, str | None]) -> str:
    """The Atom feed of a results page's search (or listing), newest first."""
    query = {("q" if k == "wd" else k): v for k, v in params.items() if v and k not in ("pn", "sort", "nc")}
    return "/api/v1/feed?" + urlencode(query)


def raw_json_url(raw: Mapping[str, str]) -> str:
    """The twin of a page whose parameters did not validate: the API answers with the same error."""
    return json_url(raw, page_from_pn(raw.get("pn")))


def last_page(response: SearchResponse) -> int:
    """The last page a citizen can open: the results' last page, but never past the deepest page the
    search accepts (`MAX_PAGE`), which would answer with an error."""
    return max(1, min(response.pages, MAX_PAGE))


def broader_url(params: dict[str, str], response: SearchResponse) -> str | None:
    """The broader search the engine found for a page with few results (fewer filters, no quotes)."""
    found = response.broader
    if found is None:
        return None
    kept = {k: v for k, v in params.items() if k in ("sort", "nc", "portal")}
    return results_url({"wd": found.q, **found.filters, **kept})


def pager(params: dict[str, str], page: int, pages: int) -> list[dict[str, Any]]:
    """Numbered links around the current page, none past `pages` (give it `last_page`)."""
    first = max(1, min(page - PAGER_WIDTH // 2, pages - PAGER_WIDTH + 1))
    last = min(pages, first + PAGER_WIDTH - 1)
    return [
        {"number": n, "url": results_url(params, n), "current": n == page} for n in range(first, last + 1)
    ]


def filter_groups(params: dict[str, str], response: SearchResponse) -> list[dict[str, Any]]:
    """One group per facet: 全部 (clears it), then each value with its count; the chosen one marked."""
    groups = []
    for field, values in response.facets.items():
        spec = BY_FACET[field]
        chosen = params.get(spec.name, "")
        links = [
            {"label": "全部", "url": results_url(params, changes={spec.name: ""}), "current": not chosen}
        ]
        links += [
            {
                "label": v.label,
                "count": v.count,
                "url": results_url(params, changes={spec.name: v.value}),
                "current": chosen == v.value,
            }
            for v in values
        ]
        if chosen and not any(link["current"] for link in links):
            # A value the facet does not count by that name (a region given as 440100 or 广东省广州市
            # matches documents by their codes and the regions above): shown chosen, without a count.
            links.append({"label": spec.label_of(chosen), "url": results_url(params), "current": True})
        groups.append({"field": field, "title": spec.label, "links": links})
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
    counted = {(BY_FACET[f].name, v.value): v.label for f, values in response.facets.items() for v in values}
    out = []
    for name, value in params.items():
        if name == "sort" and value:
            out.append("按时间" if value == SortOrder.DATE.value else value)
        elif name in BY_NAME and value:
            out.append(counted.get((name, value)) or BY_NAME[name].label_of(value))
    return out
