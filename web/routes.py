"""HTML pages: home, results (/s?wd=&pn=, Baidu's parameter names), document pages, 长辈模式."""

from __future__ import annotations

from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from fastapi.templating import Jinja2Templates
from markupsafe import escape

from indexer.documents import DocumentKind, PolicyDocument
from search_api.engine.params import InvalidSearch, parse_search, refine
from search_api.engine.search import PageOutOfRange, SearchService
from web.links import (
    PAGE_SIZE,
    chosen_labels,
    filter_groups,
    json_url,
    pager,
    results_url,
    sort_links,
    state,
)

TEMPLATES = Jinja2Templates(directory=str(Path(__file__).parent / "templates"))
ELDER_COOKIE = "elder"  # 长辈模式: larger text and targets, remembered for a year
ELDER_MAX_AGE = 365 * 24 * 3600
HOT_LIMIT = 10

router = APIRouter(include_in_schema=False)


def _service(request: Request) -> SearchService:
    service: SearchService = request.app.state.search_service
    return service


def elder_mode(request: Request) -> bool:
    return request.cookies.get(ELDER_COOKIE) == "1"


def _page(request: Request, name: str, context: dict[str, Any], status: int = 200) -> HTMLResponse:
    context.setdefault("site_name", request.app.state.settings.site_name)
    context.setdefault("kinds", list(DocumentKind))
    context.setdefault("elder", elder_mode(request))
    context.setdefault("here", str(request.url.path) + (f"?{request.url.query}" if request.url.query else ""))
    page = TEMPLATES.TemplateResponse(request, name, context, status_code=status)
    if "json_url" in context:
        page.headers["Link"] = f'<{context["json_url"]}>; rel="alternate"; type="application/json"'
    return page


def page_from_pn(pn: str | None) -> str:
    """Baidu's `pn` is the offset of the first result (0, 10, 20 …)."""
    if pn is None or pn == "":
        return "1"
    if not pn.isdigit():
        return pn  # let validation report it
    return str(int(pn) // PAGE_SIZE + 1)


@router.get("/", response_class=HTMLResponse)
def home(request: Request) -> HTMLResponse:
    service = _service(request)
    context = {
        "counts": service.counts(),
        "hot": service.hot_queries(HOT_LIMIT),
        "scenarios": service.catalogue.scenarios.scenarios,
        "json_url": "/api/v1/hot",
    }
    return _page(request, "home.html", context)


@router.get("/s", response_class=HTMLResponse)
def results(
    request: Request,
    wd: str | None = None,
    pn: str | None = None,
    type: str | None = None,
    publisher: str | None = None,
    year: str | None = None,
    date_from: str | None = None,
    date_to: str | None = None,
    sort: str | None = None,
    audience: str | None = None,
    level: str | None = None,
    region: str | None = None,
    nc: str | None = None,
) -> HTMLResponse:
    filters = {"publisher": publisher, "year": year, "date_from": date_from, "date_to": date_to}
    filters |= {"sort": sort, "audience": audience, "level": level, "region": region}
    raw = {"q": wd, "page": page_from_pn(pn), "type": type} | filters
    # Error pages too have their twin: the API answers the same parameters with the same error.
    context: dict[str, Any] = {
        "wd": wd or "",
        "json_url": "/api/v1/search?" + urlencode({k: v for k, v in raw.items() if v}),
    }
    try:
        req = refine(parse_search(wd, type, page_from_pn(pn), str(PAGE_SIZE)), **filters)
        response = _service(request).search(req, correct=nc != "1")
    except InvalidSearch as exc:
        return _page(request, "error.html", context | {"message": exc.message}, status=422 if wd else 400)
    except PageOutOfRange as exc:
        return _page(request, "error.html", context | {"message": str(exc)}, status=404)
    params = state(req) | ({"nc": "1"} if nc == "1" else {})  # 仍然搜索 holds on every page
    context |= {
        "response": response,
        "params": params,
        "json_url": json_url(params, req.page),
        "pager": pager(params, req.page, response.pages),
        "prev_url": results_url(params, req.page - 1) if req.page > 1 else None,
        "next_url": results_url(params, req.page + 1) if req.page < response.pages else None,
        "filters": filter_groups(params, response),
        "chosen": chosen_labels(params, response),
        "sorts": sort_links(params),
        "hot": _service(request).hot_queries(HOT_LIMIT),
        "filtered": any(v for k, v in params.items() if k not in ("wd", "nc")),
        "clear_url": results_url({"wd": response.query}),
    }
    return _page(request, "results.html", context)


@router.get("/doc/{doc_id}", response_class=HTMLResponse)
def document(request: Request, doc_id: str) -> HTMLResponse:
    doc = _service(request).get_document(doc_id)
    if doc is None:
        return _page(request, "error.html", {"message": "该文件不存在或已撤销", "wd": ""}, status=404)
    template = "policy.html" if isinstance(doc, PolicyDocument) else "guide.html"
    context = {
        "doc": doc,
        "wd": "",
        "json_url": f"/api/v1/documents/{doc_id}",
        "doc_items": _service(request).catalogue.items_of_document(doc_id),
    }
    return _page(request, template, context)


def _safe_next(target: str | None) -> str:
    """Only a path on this site: never an open redirect."""
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return "/"
    return target


@router.get("/mode")
def toggle_elder_mode(request: Request, elder: str = "", next: str | None = None) -> Response:
    """长辈模式 on or off with a plain link, so it works without JavaScript; kept in a cookie."""
    response = RedirectResponse(_safe_next(next), status_code=303)
    if elder == "1":
        response.set_cookie(ELDER_COOKIE, "1", max_age=ELDER_MAX_AGE, httponly=True, samesite="lax")
    else:
        response.delete_cookie(ELDER_COOKIE)
    return response


@router.get("/opensearch.xml")
def opensearch(request: Request) -> Response:
    """Lets a browser add this site as a search engine, with its suggestions."""
    base = str(request.base_url).rstrip("/")
    name = escape(request.app.state.settings.site_name)
    body = f"""<?xml version="1.0" encoding="UTF-8"?>
<OpenSearchDescription xmlns="http://a9.com/-/spec/opensearch/1.1/">
<ShortName>{name}</ShortName><Description>{name}：政策文件与办事指南</Description>
<InputEncoding>UTF-8</InputEncoding>
<Url type="text/html" template="{base}/s?wd={{searchTerms}}"/>
<Url type="application/x-suggestions+json"
     template="{base}/api/v1/suggest?format=opensearch&amp;q={{searchTerms}}"/>
</OpenSearchDescription>"""
    return Response(body, media_type="application/opensearchdescription+xml")
