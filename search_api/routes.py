"""Versioned JSON API: /api/v1/search, /api/v1/suggest, /api/v1/clicks, /api/v1/documents/{id}."""

from __future__ import annotations

from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, Query, Request
from fastapi.responses import JSONResponse, Response
from pydantic import ValidationError

from indexer.documents import MAX_QUERY_LENGTH, ResultClick, SearchResponse
from search_api.engine.params import InvalidSearch, parse_search, refine
from search_api.engine.search import PageOutOfRange, SearchService

router = APIRouter(prefix="/api/v1", tags=["search"])


def service_of(request: Request) -> SearchService:
    service: SearchService = request.app.state.search_service
    return service


def error_response(status: int, code: str, message: str, field: str | None = None) -> JSONResponse:
    body: dict[str, Any] = {"error": {"code": code, "message": message}}
    if field:
        body["error"]["field"] = field
    return JSONResponse(body, status_code=status)


@router.get("/search", response_model=SearchResponse, responses={422: {}, 404: {}})
def search(
    request: Request,
    q: Annotated[str | None, Query(description=f"查询词，1–{MAX_QUERY_LENGTH} 个字")] = None,
    type: Annotated[str | None, Query(description="policy（政策文件）或 guide（办事指南）")] = None,
    page: Annotated[str | None, Query(description="页码，从 1 开始")] = None,
    size: Annotated[str | None, Query(description="每页条数，1–50")] = None,
    publisher: Annotated[str | None, Query(description="发文机关/实施主体（完整名称）")] = None,
    year: Annotated[str | None, Query(description="发布年份，如 2019")] = None,
    date_from: Annotated[str | None, Query(description="发布日期不早于，如 2019-01-01")] = None,
    date_to: Annotated[str | None, Query(description="发布日期不晚于，如 2019-12-31")] = None,
    sort: Annotated[str | None, Query(description="relevance（相关度，默认）或 date（最新）")] = None,
    audience: Annotated[str | None, Query(description="服务对象：个人 或 法人")] = None,
    level: Annotated[str | None, Query(description="层级：国家、省、市、区县")] = None,
    region: Annotated[str | None, Query(description="行政区划名称（如 广州市）或区划代码")] = None,
    nc: Annotated[str | None, Query(description="1：不做纠错与拼音转换（仍然搜索原词）")] = None,
) -> Any:
    try:
        search_request = refine(
            parse_search(q, type, page, size),
            publisher=publisher,
            year=year,
            date_from=date_from,
            date_to=date_to,
            sort=sort,
            audience=audience,
            level=level,
            region=region,
        )
        return service_of(request).search(search_request, correct=nc != "1")
    except InvalidSearch as exc:
        return error_response(422, "invalid_parameter", exc.message, exc.field)
    except PageOutOfRange as exc:
        return error_response(404, "page_out_of_range", str(exc), "page")


@router.get("/suggest", responses={422: {}})
def suggest(
    request: Request,
    q: Annotated[str, Query(description="已输入的前缀：汉字、全拼（shebaoka）或首字母（sbk）")] = "",
    format: Annotated[str, Query(description="json（默认）或 opensearch（OpenSearch 建议格式）")] = "json",
) -> Any:
    if format not in ("json", "opensearch"):
        return error_response(422, "invalid_parameter", "format 只能是 json 或 opensearch", "format")
    suggestions = service_of(request).suggest(q)
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
    service_of(request).store.log_click(click.query, click.doc_id, click.position)
    return Response(status_code=204)


@router.get("/hot")
def hot(request: Request) -> dict[str, Any]:
    """热搜: the most searched queries that found something, without the staff denylist."""
    return {"hot": service_of(request).hot_queries()}


@router.get("/documents/{doc_id}", responses={404: {}})
def document(request: Request, doc_id: str) -> Any:
    doc = service_of(request).get_document(doc_id)
    if doc is None:
        return error_response(404, "not_found", f"文档 {doc_id} 不存在或已撤销")
    return doc.model_dump(mode="json") | {"id": doc.id}
