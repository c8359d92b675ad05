"""Links for the 个人/法人 and 层级 filters and the chosen 区划 on the results page (no JavaScript)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from indexer.documents import LEVELS, Audience, DocumentKind, SearchRequest

UrlFor = Callable[..., str]


def item_filters(req: SearchRequest) -> dict[str, str]:
    """The filters to keep in every link of the results page."""
    return {
        "audience": req.audience.value if req.audience else "",
        "level": req.level or "",
        "region": req.region or "",
    }


def filter_links(req: SearchRequest, url_for: UrlFor) -> dict[str, Any]:
    """Rows of links — 服务对象, 层级 (each with 不限), the chosen 区划 (removable) — and the region form."""
    kept = item_filters(req)
    kind: DocumentKind | None = req.type

    def link(label: str, name: str, value: str) -> dict[str, Any]:
        return {
            "label": label,
            "url": url_for(req.q, 1, kind, **(kept | {name: value})),
            "current": kept[name] == value,
        }

    rows = [
        {
            "name": "服务对象",
            "links": [link("不限", "audience", ""), *(link(a.value, "audience", a.value) for a in Audience)],
        },
        {"name": "层级", "links": [link("不限", "level", ""), *(link(v, "level", v) for v in LEVELS)]},
    ]
    if req.region:
        rows.append(
            {"name": "区划", "links": [link(req.region, "region", req.region), link("不限", "region", "")]}
        )
    hidden = {"wd": req.q, "type": kind.value if kind else ""} | kept
    del hidden["region"]
    return {"rows": rows, "hidden": {k: v for k, v in hidden.items() if v}, "region": req.region or ""}
