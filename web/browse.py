"""Browse by 部门 or by 主题, for services or for policies: every value, each leading to its listing
(`/s?type=guide&publisher=…`, newest first). From the home page a guide is three taps away: 全部部门 →
a department → its guide."""

from __future__ import annotations

from urllib.parse import urlencode

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from indexer.documents import KIND_LABELS, DocumentKind
from search_api.deps import engine_of
from search_api.engine.browse import BrowseBy, browse_values
from search_api.engine.filters import InvalidSearch
from web.contexts import BrowseContext
from web.links import results_url
from web.routes import basics, render

router = APIRouter(include_in_schema=False)
KIND_NAMES = {DocumentKind.GUIDE: "办事服务", DocumentKind.POLICY: "政策文件"}


def parse_browse(by: str, kind: str) -> tuple[BrowseBy, DocumentKind]:
    """The validated choice; `InvalidSearch` names the parameter otherwise."""
    try:
        chosen_by = BrowseBy(by or BrowseBy.DEPARTMENT.value)
    except ValueError:
        raise InvalidSearch("浏览方式只能是 publisher（部门）或 subject（主题）", "by") from None
    try:
        chosen_kind = DocumentKind(kind or DocumentKind.GUIDE.value)
    except ValueError:
        raise InvalidSearch(f"类型只能是 {', '.join(k.value for k in KIND_LABELS)}", "type") from None
    return chosen_by, chosen_kind


def browse_url(by: BrowseBy, kind: DocumentKind) -> str:
    return "/browse?" + urlencode({"by": by.value, "type": kind.value})


@router.get("/browse", response_class=HTMLResponse)
def browse(request: Request, by: str = "", type: str = "") -> HTMLResponse:
    chosen_by, kind = parse_browse(by, type)
    corpus = engine_of(request).knowledge.get().corpus
    values = [
        {
            "label": v.label,
            "count": v.count,
            "url": results_url({"type": kind.value, chosen_by.value: v.value}),
        }
        for v in browse_values(corpus, kind, chosen_by)
    ]
    switches = [
        {
            "label": f"按{b.label} · {KIND_NAMES[k]}",
            "url": browse_url(b, k),
            "current": (b, k) == (chosen_by, kind),
        }
        for k in KIND_NAMES
        for b in BrowseBy
    ]
    twin = "/api/v1/browse?" + urlencode({"by": chosen_by.value, "type": kind.value})
    context = BrowseContext(
        **basics(request, json_url=twin),
        by=chosen_by.value,
        by_label=chosen_by.label,
        kind=kind.value,
        kind_label=KIND_NAMES[kind],
        values=values,
        switches=switches,
    )
    return render(request, "browse.html", context)
