"""HTML pages: home, results (/s?wd=&pn=, Baidu's parameter names), document pages."""

from __future__ import annotations

from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates

from indexer.documents import DocumentKind, PolicyDocument, SearchRequest
from search_api.params import InvalidSearch, parse_search
from search_api.service import PageOutOfRange, SearchService
from web.catalogue_filters import filter_links, item_filters

TEMPLATES = Jinja2Templates(directory=str(Path(__file__).parent / "templates"))
PAGE_SIZE = 10
PAGER_WIDTH = 9

router = APIRouter(include_in_schema=False)


def _service(request: Request) -> SearchService:
    service: SearchService = request.app.state.search_service
    return service


def _page(request: Request, name: str, context: dict[str, Any], status: int = 200) -> HTMLResponse:
    context.setdefault("site_name", request.app.state.settings.site_name)
    context.setdefault("kinds", list(DocumentKind))
    return TEMPLATES.TemplateResponse(request, name, context, status_code=status)


def page_from_pn(pn: str | None) -> str:
    """Baidu's `pn` is the offset of the first result (0, 10, 20 …)."""
    if pn is None or pn == "":
        return "1"
    if not pn.isdigit():
        return pn  # let validation report it
    return str(int(pn) // PAGE_SIZE + 1)


def results_url(wd: str, page: int, kind: DocumentKind | None, **filters: str) -> str:
    params: dict[str, str] = {"wd": wd}
    if kind:
        params["type"] = kind.value
    params |= {k: v for k, v in filters.items() if v}
    if page > 1:
        params["pn"] = str((page - 1) * PAGE_SIZE)
    return "/s?" + urlencode(params)


def pager(req: SearchRequest, pages: int) -> list[dict[str, Any]]:
    first = max(1, min(req.page - PAGER_WIDTH // 2, pages - PAGER_WIDTH + 1))
    last = min(pages, first + PAGER_WIDTH - 1)
    return [
        {"number": n, "url": results_url(req.q, n, req.type, **item_filters(req)), "current": n == req.page}
        for n in range(first, last + 1)
    ]


@router.get("/", response_class=HTMLResponse)
def home(request: Request) -> HTMLResponse:
    scenarios = _service(request).catalogue.scenarios.scenarios
    return _page(request, "home.html", {"counts": _service(request).counts(), "scenarios": scenarios})


@router.get("/s", response_class=HTMLResponse)
def results(
    request: Request,
    wd: str | None = None,
    pn: str | None = None,
    type: str | None = None,
    audience: str | None = None,
    level: str | None = None,
    region: str | None = None,
) -> HTMLResponse:
    raw_filters = {"audience": audience, "level": level, "region": region}
    api_params = {"q": wd or "", "page": page_from_pn(pn), **({"type": type} if type else {})}
    api_params |= {k: v for k, v in raw_filters.items() if v}
    context: dict[str, Any] = {
        "wd": wd or "",
        "type": type or "",
        "json_url": "/api/v1/search?" + urlencode(api_params),
    }
    try:
        req = parse_search(wd, type, page_from_pn(pn), str(PAGE_SIZE), **raw_filters)
        response = _service(request).search(req)
    except InvalidSearch as exc:
        return _page(request, "error.html", context | {"message": exc.message}, status=422 if wd else 400)
    except PageOutOfRange as exc:
        return _page(request, "error.html", context | {"message": str(exc)}, status=404)
    kept = item_filters(req)
    context |= {
        "response": response,
        "pager": pager(req, response.pages),
        "prev_url": results_url(req.q, req.page - 1, req.type, **kept) if req.page > 1 else None,
        "next_url": results_url(req.q, req.page + 1, req.type, **kept) if req.page < response.pages else None,
        "type_links": [
            {"label": "全部", "url": results_url(req.q, 1, None, **kept), "current": req.type is None},
            *(
                {"label": k.label, "url": results_url(req.q, 1, k, **kept), "current": req.type == k}
                for k in DocumentKind
            ),
        ],
        "filter_links": filter_links(req, results_url),
    }
    page = _page(request, "results.html", context)
    page.headers["Link"] = f'<{context["json_url"]}>; rel="alternate"; type="application/json"'
    return page


@router.get("/doc/{doc_id}", response_class=HTMLResponse)
def document(request: Request, doc_id: str) -> HTMLResponse:
    doc = _service(request).get_document(doc_id)
    if doc is None:
        return _page(request, "error.html", {"message": "该文件不存在或已撤销", "wd": ""}, status=404)
    template = "policy.html" if isinstance(doc, PolicyDocument) else "guide.html"
    doc_items = _service(request).catalogue.items_of_document(doc_id)
    page = _page(request, template, {"doc": doc, "wd": "", "doc_items": doc_items})
    page.headers["Link"] = f'</api/v1/documents/{doc_id}>; rel="alternate"; type="application/json"'
    return page
