"""Versioned JSON API: /api/v1/search, /suggest, /clicks, /hot, /documents/{id}, /items/{key}."""

from __future__ import annotations

from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import JSONResponse, Response
from pydantic import ValidationError

from search_api.deps import api_search, engine_of, visitor_of
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


@router.get("/hot")
def hot(request: Request) -> dict[str, Any]:
    """热搜: the most searched queries that found something, without the staff denylist."""
    return {"hot": engine_of(request).hot_queries()}


@router.get("/documents/{doc_id}", responses={404: {}})
def document(request: Request, doc_id: str) -> Any:
    doc = engine_of(request).get_document(doc_id)
    if doc is None:
        return error_response(404, "not_found", f"文档 {doc_id} 不存在或已撤销")
    return doc.model_dump(mode="json") | {"id": doc.id}


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
