"""Versioned JSON API: /api/v1/search, /api/v1/suggest, /api/v1/documents/{id}."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import JSONResponse

from indexer.documents import MAX_QUERY_LENGTH, SearchResponse
from search_api.params import InvalidSearch, parse_search
from search_api.service import PageOutOfRange, SearchService

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
    audience: Annotated[str | None, Query(description="服务对象：个人 或 法人")] = None,
    level: Annotated[str | None, Query(description="层级：国家、省、市、区县")] = None,
    region: Annotated[str | None, Query(description="行政区划名称（如 广州市）或区划代码")] = None,
) -> Any:
    try:
        search_request = parse_search(q, type, page, size, audience=audience, level=level, region=region)
        return service_of(request).search(search_request)
    except InvalidSearch as exc:
        return error_response(422, "invalid_parameter", exc.message, exc.field)
    except PageOutOfRange as exc:
        return error_response(404, "page_out_of_range", str(exc), "page")


@router.get("/suggest")
def suggest(request: Request, q: Annotated[str, Query(description="已输入的前缀")] = "") -> dict[str, Any]:
    return {"query": q, "suggestions": service_of(request).suggest(q)}


@router.get("/documents/{doc_id}", responses={404: {}})
def document(request: Request, doc_id: str) -> Any:
    doc = service_of(request).get_document(doc_id)
    if doc is None:
        return error_response(404, "not_found", f"文档 {doc_id} 不存在或已撤销")
    return doc.model_dump(mode="json") | {"id": doc.id}
