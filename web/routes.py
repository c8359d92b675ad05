"""HTML pages: home, results (/s?wd=&pn=, Baidu's parameter names), documents, items, scenarios.

Every page renders the same engine call as its JSON twin (named in a `Link: rel="alternate"` header).
The remembered choices (长辈模式, 个人/法人, region) are `web.prefs`'; error pages are `web.errors`'."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, TypedDict
from urllib.parse import quote

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, Response
from fastapi.templating import Jinja2Templates
from markupsafe import escape

from indexer.analysis import compact
from indexer.documents import DocumentKind, PolicyDocument, Scenario
from search_api.access import page_visit, portals_of
from search_api.deps import engine_of, page_search, visitor_of
from search_api.engine.browse import BrowseBy, browse_values, region_choices, region_label
from search_api.engine.contact import HOTLINE, phones
from search_api.engine.filters import InvalidSearch
from search_api.engine.models import PageOutOfRange, SearchRequest, SearchResponse
from search_api.engine.portals import Portal
from search_api.engine.scenarios import related as related_scenarios
from search_api.engine.search import SearchEngine
from web.contexts import (
    DocumentContext,
    ErrorContext,
    HomeContext,
    ItemContext,
    PageContext,
    ResultsContext,
    ScenarioContext,
)
from web.links import (
    broader_url,
    chosen_labels,
    feed_url,
    filter_groups,
    json_url,
    last_page,
    pager,
    raw_json_url,
    results_url,
    sort_links,
    state,
)
from web.prefs import chosen

TEMPLATES = Jinja2Templates(directory=str(Path(__file__).parent / "templates"))
TEMPLATES.env.filters["phone_numbers"] = phones  # 咨询电话 text → numbers for tel: links
HOT_LIMIT = 10
HOME_THEMES = 8  # 主题 of services offered on the home page; the rest are one tap away

URL_SAFE = "/?&=%:;,+@!$'()*~"  # what a URL keeps literally; everything else percent-encoded
router = APIRouter(include_in_schema=False)


class Basics(TypedDict):
    """The fields of `PageContext` that come from the request, the cookies and the settings."""

    site_name: str
    elder: bool
    here: str
    wd: str
    json_url: str | None
    audience: str
    region: str
    region_label: str


class HelpScenarios(TypedDict):
    scenarios: list[Scenario]
    scenarios_related: bool


def basics(request: Request, wd: str = "", json_url: str | None = None) -> Basics:
    here = str(request.url.path) + (f"?{request.url.query}" if request.url.query else "")
    mine = chosen(request)
    engine = engine_of(request)
    return Basics(
        site_name=request.app.state.settings.site_name,
        elder=mine.elder,
        here=here,
        wd=wd,
        json_url=json_url,
        audience=mine.audience,
        region=mine.region,
        region_label=region_label(engine.knowledge.get().corpus, mine.region) if mine.region else "",
    )


def render(request: Request, name: str, context: PageContext, status: int = 200) -> HTMLResponse:
    page = TEMPLATES.TemplateResponse(request, name, context.as_dict(), status_code=status)
    if context.json_url:
        # Header values are Latin-1: a twin's path with Chinese (an item code) is sent percent-encoded.
        twin = quote(context.json_url, safe=URL_SAFE)
        page.headers["Link"] = f'<{twin}>; rel="alternate"; type="application/json"'
    return page


def error_page(
    request: Request, message: str, status: int, wd: str = "", twin: str | None = None
) -> HTMLResponse:
    context = ErrorContext(**basics(request, wd, twin), message=message, status=status, hotline=HOTLINE)
    return render(request, "error.html", context, status)


def search_error_page(request: Request, exc: InvalidSearch | PageOutOfRange) -> HTMLResponse:
    """A page whose parameters are wrong: the message, and for a results page the JSON twin that
    answers the same parameters with the same error."""
    raw = dict(request.query_params)
    wd = raw.get("wd", "")
    twin = raw_json_url(raw) if request.url.path == "/s" else None
    if isinstance(exc, PageOutOfRange):
        return error_page(request, str(exc), 404, wd, twin)
    return error_page(request, exc.message, 422 if wd else 400, wd, twin)


@router.get("/", response_class=HTMLResponse)
def home(request: Request) -> HTMLResponse:
    engine = engine_of(request)
    corpus = engine.knowledge.get().corpus
    context = HomeContext(
        **basics(request, json_url="/api/v1/hot"),
        counts=engine.counts(),
        hot=engine.hot_queries(HOT_LIMIT),
        scenarios=engine.catalogue.scenarios.scenarios,
        regions=region_choices(corpus),
        themes=browse_values(corpus, DocumentKind.GUIDE, BrowseBy.THEME)[:HOME_THEMES],
    )
    return render(request, "home.html", context)


def _hosted(request: Request) -> Portal | None:
    """The portal whose hosted results page this is (`portal=NAME`, kept in every link of the page)."""
    name = request.query_params.get("portal")
    if not name:
        return None
    portal = portals_of(request).get(name)
    if portal is None or portal.revoked:
        raise InvalidSearch(f"门户 {name} 不存在", "portal")
    return portal


@router.get("/s", response_class=HTMLResponse, dependencies=[Depends(page_visit)])
def results(request: Request, req: Annotated[SearchRequest, Depends(page_search)]) -> HTMLResponse:
    """Results, or a listing (filters without a query, newest first); with `portal=NAME`, the portal's
    hosted page: its scope, name, colour and logo."""
    engine = engine_of(request)
    portal = _hosted(request)
    req = chosen(request).apply(req.within(portal.scope) if portal else req)
    response = engine.search(req, visitor=visitor_of(request), portal=portal.name if portal else None)
    params = state(req)
    hosted = {"portal": portal.name} if portal else {}  # links stay on the hosted page
    own = params | hosted
    last = last_page(response)
    context = ResultsContext(
        **basics(request, req.q, json_url(params | req.preferences(), req.page)),
        portal=portal,
        response=response,
        params=own,
        pager=pager(own, req.page, last),
        prev_url=results_url(own, req.page - 1) if req.page > 1 else None,
        next_url=results_url(own, req.page + 1) if req.page < last else None,
        filters=filter_groups(own, response),
        chosen=chosen_labels(params, response),
        sorts=sort_links(own),
        hot=engine.hot_queries(HOT_LIMIT, scope=portal.scope if portal else None),
        filtered=any(v for k, v in params.items() if k not in ("wd", "nc")),
        clear_url=results_url({"wd": response.query} | hosted),
        feed_url=feed_url(params),
        last_page=last,
        broader_url=broader_url(own, response),
        **_help_scenarios(engine, response),
    )
    if portal:
        context.site_name = portal.title
    return render(request, "results.html", context)


def _help_scenarios(engine: SearchEngine, response: SearchResponse) -> HelpScenarios:
    """Ways in when a search finds little: the scenarios that share wording with the query, else all
    of them as 常办场景."""
    if not response.help:
        return {"scenarios": [], "scenarios_related": False}
    every = engine.catalogue.scenarios.scenarios
    near = related_scenarios(every, compact(response.query))
    return {"scenarios": near or list(every), "scenarios_related": bool(near)}


@router.get("/doc/{doc_id}", response_class=HTMLResponse)
def document(request: Request, doc_id: str) -> HTMLResponse:
    engine = engine_of(request)
    doc = engine.get_document(doc_id)
    if doc is None:
        return error_page(request, "该文件不存在或已撤销", 404)
    template = "policy.html" if isinstance(doc, PolicyDocument) else "guide.html"
    context = DocumentContext(
        **basics(request, json_url=f"/api/v1/documents/{doc_id}"),
        doc=doc,
        doc_items=engine.catalogue.items_of_document(doc_id),
        share_url=str(request.url.replace(query="")),
    )
    return render(request, template, context)


@router.get("/item/{key:path}", response_class=HTMLResponse)  # a code may hold "/"
def item(request: Request, key: str) -> HTMLResponse:
    page = engine_of(request).catalogue.item_page(key)
    if page is None:
        return error_page(request, "该事项不存在", 404)
    context = ItemContext(**basics(request, json_url=f"/api/v1/items/{key}"), page=page)
    return render(request, "item.html", context)


@router.get("/scenario/{slug}", response_class=HTMLResponse)
def scenario(request: Request, slug: str) -> HTMLResponse:
    book = engine_of(request).catalogue.scenarios
    found = book.get(slug)
    if found is None:
        return error_page(request, "该场景不存在", 404)
    region = chosen(request).region
    return render(
        request,
        "scenario.html",
        ScenarioContext(**basics(request, found.name), card=book.card(found, region)),
    )


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
<Url type="application/atom+xml" template="{base}/api/v1/feed?q={{searchTerms}}"/>
</OpenSearchDescription>"""
    return Response(body, media_type="application/opensearchdescription+xml")
