"""Versioned JSON API: /api/v1/search, /suggest, /clicks, /hot, /feed, /documents/{id}, /items/{key},
/scenarios/{slug}. A portal's key (header `X-Api-Key`) holds every route to its scope."""

from __future__ import annotations

from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Query, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import JSONResponse, Response
from pydantic import ValidationError

from indexer.documents import DocumentKind, ServiceGuide
from search_api import examples as ex
from search_api.access import Caller, Searching, Typing, known_parameters
from search_api.deps import api_search, engine_of, visitor_of
from search_api.engine.browse import BrowseBy
from search_api.engine.contact import phones
from search_api.engine.filters import within
from search_api.engine.models import ResultClick, ScenarioCard, SearchRequest, SearchResponse, SortOrder
from search_api.engine.privacy import mask_personal
from search_api.engine.scoping import card_within, item_page_within, visible
from search_api.errors import error_response
from search_api.feeds import MEDIA_TYPE, atom_feed

OPENSEARCH_SUGGESTIONS = "application/x-suggestions+json"
router = APIRouter(prefix="/api/v1", tags=["search"], dependencies=[Depends(known_parameters)])


@router.get(
    "/search",
    response_model=SearchResponse,
    **ex.documented(
        "检索政策文件与办事指南",
        "按查询词检索；不带 q 只带筛选条件时，按发布时间从新到旧列出全部匹配的文件。"
        "门户密钥的检索范围自动生效，超出范围的筛选条件返回 403。",
        ex.SEARCH,
        401,
        403,
        404,
        422,
    ),
)
def search(
    request: Request, caller: Searching, search_request: Annotated[SearchRequest, Depends(api_search)]
) -> Any:
    """Search policies and guides; without `q` but with filters, every matching document newest first
    (a listing). A portal's key limits the search to its scope."""
    scoped = search_request.within(caller.scope)
    return engine_of(request).search(scoped, visitor=visitor_of(request), portal=caller.name)


SUGGEST_DOCS = ex.documented(
    "搜索建议",
    "输入前缀（汉字、全拼或首字母）返回建议的查询；门户密钥只得到其范围内能找到结果的建议。",
    {"query": "shebao", "suggestions": ["社保卡补办", "社会保障卡挂失"]},
    401,
    403,
    422,
)
# format=opensearch answers in the OpenSearch suggestions format: [query, [suggestions], [], [urls]].
SUGGEST_DOCS["responses"][200]["content"][OPENSEARCH_SUGGESTIONS] = {
    "example": ["shebao", ["社保卡补办"], [""], ["https://example.gov.cn/s?wd=社保卡补办"]]
}


@router.get("/suggest", **SUGGEST_DOCS)
def suggest(
    request: Request,
    caller: Typing,
    q: Annotated[
        str, Query(description="已输入的前缀：汉字、全拼（shebaoka）或首字母（sbk）", examples=["社保"])
    ] = "",
    format: Annotated[
        str,
        Query(
            description="json（默认）或 opensearch（OpenSearch 建议格式）",
            json_schema_extra={"enum": ["json", "opensearch"]},
        ),
    ] = "json",
) -> Any:
    if format not in ("json", "opensearch"):
        return error_response(422, "invalid_parameter", "format 只能是 json 或 opensearch", "format")
    suggestions = engine_of(request).suggest(q, scope=caller.scope)
    if format == "opensearch":
        urls = [str(request.base_url) + "s?" + urlencode({"wd": s}) for s in suggestions]
        return JSONResponse(
            [q, suggestions, ["" for _ in suggestions], urls],
            media_type=OPENSEARCH_SUGGESTIONS,
        )
    return {"query": q, "suggestions": suggestions}


@router.post(
    "/clicks",
    status_code=204,
    response_class=Response,
    openapi_extra={
        "requestBody": {
            "required": True,
            "content": {"application/json": {"schema": ResultClick.model_json_schema(), "example": ex.CLICK}},
        }
    },
    **ex.documented(
        "记录结果点击",
        "记录某次查询中第几条结果被点击（不含任何个人信息）；门户密钥只能记录其范围内的文档。",
        None,
        401,
        403,
        422,
    ),
)
async def clicks(request: Request, caller: Typing) -> Response:
    """Record a click on a result (the results page and the widget send these as they navigate)."""
    try:
        click = ResultClick.model_validate_json(await request.body())
    except ValidationError as exc:
        error = exc.errors()[0]
        field = str(error["loc"][0]) if error["loc"] else "body"
        return error_response(422, "invalid_parameter", f"点击记录无效：{error['msg']}", field)
    return await run_in_threadpool(_record_click, request, click, caller)


def _record_click(request: Request, click: ResultClick, caller: Caller) -> Response:
    """The store's part of a click, in a thread (SQLite blocks), with the day's visitor hash: a result
    opened by many different people makes the words of its title likelier readings of initials."""
    engine = engine_of(request)
    if caller.scope and not visible(engine.store, [click.doc_id], caller.scope):
        return error_response(403, "out_of_scope", f"文档 {click.doc_id} 不在该门户的检索范围内", "doc_id")
    visitor = visitor_of(request)
    engine.store.log_click(
        mask_personal(click.query), click.doc_id, click.position, portal=caller.name, visitor=visitor
    )
    return Response(status_code=204)


@router.get(
    "/browse",
    **ex.documented(
        "按部门或主题浏览",
        "全部部门（publisher）或主题（subject）及其文件数；每一项对应一个列表："
        "/api/v1/search?type=…&publisher=…（不带查询词，最新的在前）。带门户密钥时只计其检索范围内的文件。",
        {
            "by": "publisher",
            "type": "guide",
            "values": [{"value": "广州市公安局", "label": "广州市公安局", "count": 42}],
        },
        401,
        403,
        422,
    ),
)
def browse(
    request: Request,
    caller: Searching,
    by: Annotated[
        str,
        Query(
            description="publisher（按部门）或 subject（按主题）",
            json_schema_extra={"enum": [b.value for b in BrowseBy]},
        ),
    ] = "publisher",
    type: Annotated[
        str,
        Query(
            description="guide（办事服务，默认）或 policy（政策文件）",
            json_schema_extra={"enum": ["guide", "policy"]},
        ),
    ] = "guide",
) -> Any:
    """Every 部门 or 主题 of services or policies with its number of documents; each leads to the
    listing `/api/v1/search?type=…&publisher=…` (no query: newest first)."""
    if by not in {b.value for b in BrowseBy}:
        return error_response(422, "invalid_parameter", "by 只能是 publisher 或 subject", "by")
    if type not in {k.value for k in DocumentKind}:
        return error_response(422, "invalid_parameter", "type 只能是 policy 或 guide", "type")
    values = engine_of(request).browse(DocumentKind(type), BrowseBy(by), caller.scope)
    return {"by": by, "type": type, "values": [v.model_dump() for v in values]}


@router.get(
    "/hot",
    **ex.documented(
        "热搜",
        "最近搜索人数最多且有结果的查询（已去除屏蔽词和不宜展示的内容）；带门户密钥时只列出在其检索范围内有结果的查询。",
        {"hot": ["社保卡补办", "换身份证"]},
        401,
        403,
    ),
)
def hot(request: Request, caller: Searching) -> dict[str, Any]:
    """热搜: the queries most different visitors searched lately that found something (none that may
    not be shown: markup, ID or phone numbers, denylisted words)."""
    return {"hot": engine_of(request).hot_queries(scope=caller.scope)}


@router.get(
    "/feed",
    response_class=Response,
    **ex.documented(
        "订阅源（Atom）",
        "与 /search 相同的参数，按发布时间从新到旧返回 Atom 订阅源，供阅读器和门户订阅。",
        ex.FEED,
        401,
        403,
        404,
        422,
        media=MEDIA_TYPE,
    ),
)
def feed(
    request: Request, caller: Searching, search_request: Annotated[SearchRequest, Depends(api_search)]
) -> Response:
    """An Atom feed of the search (or the listing), newest first, for feed readers and portals."""
    engine = engine_of(request)
    scoped = search_request.within(caller.scope).model_copy(update={"sort": SortOrder.DATE})
    found = engine.search(scoped, record=False)  # polled by readers: not a citizen's query
    base = str(request.base_url).rstrip("/")
    body = atom_feed(found, scoped, base, request.app.state.settings.site_name)
    return Response(body, media_type=f"{MEDIA_TYPE}; charset=utf-8")


@router.get(
    "/documents/{doc_id}",
    **ex.documented("文档全文", "一篇政策文件或办事指南的全部字段。", ex.DOCUMENT, 401, 403, 404),
)
def document(request: Request, caller: Searching, doc_id: str) -> Any:
    doc = engine_of(request).get_document(doc_id)
    if doc is None or not within(doc, caller.scope):
        return error_response(404, "not_found", f"文档 {doc_id} 不存在或已撤销")
    extra: dict[str, Any] = {"id": doc.id, "page_url": f"{request.base_url}doc/{doc.id}"}  # to share
    if isinstance(doc, ServiceGuide):  # what the guide page shows at the top: numbers to call
        extra["phones"] = [p.model_dump() for p in phones(doc.phone)]
    return doc.model_dump(mode="json") | extra


@router.get(
    "/items/{key:path}",  # an item code may hold "/"
    tags=["items"],
    **ex.documented(
        "政务服务事项",
        "事项目录中的一个事项（实施编码）：办事指南、其他地区的同名事项、相关政策和指南。",
        ex.ITEM,
        401,
        403,
        404,
    ),
)
def item(request: Request, caller: Searching, key: str) -> Any:
    """An item of the service catalogue with its guide, its other regional variants and linked documents."""
    engine = engine_of(request)
    page = engine.catalogue.item_page(key)
    page = item_page_within(engine.store, page, caller.scope) if page else None
    if page is None:
        return error_response(404, "not_found", f"事项 {key} 不存在")
    return {
        "item": page.item.model_dump(mode="json") | {"key": page.item.key},
        "guide": page.guide.model_dump(mode="json") | {"id": page.guide.id} if page.guide else None,
        "variants": [v.model_dump(mode="json") for v in page.variants],
        "siblings": [v.model_dump(mode="json") for v in page.siblings],
        "policies": [d.model_dump(mode="json") for d in page.policies],
        "guides": [d.model_dump(mode="json") for d in page.guides],
    }


@router.get(
    "/scenarios/{slug}",
    response_model=ScenarioCard,
    tags=["items"],
    **ex.documented(
        "场景服务",
        "一个场景（如 我要结婚）涉及的事项和政策；页面 /scenario/{slug} 的 JSON 版本。",
        ex.SCENARIO,
        401,
        403,
        404,
    ),
)
def scenario(request: Request, caller: Searching, slug: str) -> Any:
    """A scenario entry (我要结婚 …): its items and policies; the twin of the page /scenario/{slug}."""
    engine = engine_of(request)
    book = engine.catalogue.scenarios
    found = book.get(slug)
    if found is None:
        return error_response(404, "not_found", f"场景 {slug} 不存在")
    return card_within(engine.store, engine.catalogue.items, book.card(found), caller.scope)
