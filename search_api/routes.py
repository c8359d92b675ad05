"""Versioned JSON API: /api/v1/search, /suggest, /clicks, /hot, /documents/{id}, /items/{key}."""

from __future__ import annotations

from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import JSONResponse, Response
from pydantic import ValidationError

from indexer.documents import DocumentKind, ServiceGuide
from search_api.deps import api_search, engine_of, visitor_of
from search_api.engine.browse import BrowseBy, browse_values
from search_api.engine.contact import phones
from search_api.engine.models import ResultClick, SearchRequest, SearchResponse
from search_api.errors import error_response

router = APIRouter(prefix="/api/v1", tags=["search"])


@router.get("/search", response_model=SearchResponse, responses={422: {}, 404: {}})
def search(request: Request, search_request: Annotated[SearchRequest, Depends(api_search)]) -> Any:
    return engine_of(request).search(search_request, visitor=visitor_of(request))


@router.get("/suggest", responses={422: {}})
def suggest(
    request: Request,
    q: Annotated[str, Query(description="已输入的前缀：汉字、全拼（shebaoka）或首字母（sbk）")] = "",
    format: Annotated[str, Query(description="json（默认）或 opensearch（OpenSearch 建议格式）")] = "json",
) -> Any:
    if format not in ("json", "opensearch"):
        return error_response(422, "invalid_parameter", "format 只能是 json 或 opensearch", "format")
    suggestions = engine_of(request).suggest(q)
    if format == "opensearch":
        urls = [str(request.base_url) + "s?" + urlencode({"wd": s}) for s in suggestions]
        return JSONResponse(
            [q, suggestions, ["" for _ in suggestions], urls],
            media_type="application/x-suggestions+json",
        )
    return {"query": q, "suggestions": suggestions}


@router.post("/clicks", status_code=204, response_class=Response, responses={422: {}})
async def clicks(request: Request) -> Response:
    """Record a click on a result (the results page sends these with navigator.sendBeacon)."""
    try:
        click = ResultClick.model_validate_json(await request.body())
    except ValidationError as exc:
        error = exc.errors()[0]
        field = str(error["loc"][0]) if error["loc"] else "body"
        return error_response(422, "invalid_parameter", f"点击记录无效：{error['msg']}", field)
    engine_of(request).store.log_click(click.query, click.doc_id, click.position)
    return Response(status_code=204)


@router.get("/browse", responses={422: {}})
def browse(
    request: Request,
    by: Annotated[str, Query(description="publisher（按部门）或 subject（按主题）")] = "publisher",
    type: Annotated[str, Query(description="guide（办事服务，默认）或 policy（政策文件）")] = "guide",
) -> Any:
    """Every 部门 or 主题 of services or policies with its number of documents; each leads to the
    listing `/api/v1/search?type=…&publisher=…` (no query: newest first)."""
    if by not in {b.value for b in BrowseBy}:
        return error_response(422, "invalid_parameter", "by 只能是 publisher 或 subject", "by")
    if type not in {k.value for k in DocumentKind}:
        return error_response(422, "invalid_parameter", "type 只能是 policy 或 guide", "type")
    corpus = engine_of(request).knowledge.get().corpus
    values = browse_values(corpus, DocumentKind(type), BrowseBy(by))
    return {"by": by, "type": type, "values": [v.model_dump() for v in values]}


@router.get("/hot")
def hot(request: Request) -> dict[str, Any]:
    """热搜: the queries most different visitors searched lately that found something (none that may
    not be shown: markup, ID or phone numbers, denylisted words)."""
    return {"hot": engine_of(request).hot_queries()}


@router.get("/documents/{doc_id}", responses={404: {}})
def document(request: Request, doc_id: str) -> Any:
    doc = engine_of(request).get_document(doc_id)
    if doc is None:
        return error_response(404, "not_found", f"文档 {doc_id} 不存在或已撤销")
    extra: dict[str, Any] = {"id": doc.id, "page_url": f"{request.base_url}doc/{doc.id}"}  # to share
    if isinstance(doc, ServiceGuide):  # what the guide page shows at the top: numbers to call
        extra["phones"] = [p.model_dump() for p in phones(doc.phone)]
    return doc.model_dump(mode="json") | extra


@router.get("/items/{key}", responses={404: {}}, tags=["items"])
def item(request: Request, key: str) -> Any:
    """An item of the service catalogue with its guide, its other regional variants and linked documents."""
    page = engine_of(request).catalogue.item_page(key)
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
