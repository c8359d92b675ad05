"""The API's one error shape: `{"error": {"code", "message", "field"}}`, message in Chinese.

Every error under /api/ comes in it: a parameter the caller can correct (422, unknown parameters
included), a missing page or document (404), a method the route does not take (405), a key refused
(401/403), too many requests (429, with `Retry-After`) and a fault of ours (500). Pages keep their
HTML error pages: the handlers here answer only for /api/ paths and hand everything else back.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Mapping
from typing import Any

from fastapi import Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from pydantic import BaseModel, Field
from starlette.exceptions import HTTPException

from search_api.engine.filters import InvalidSearch, OutOfScope
from search_api.engine.models import PageOutOfRange

log = logging.getLogger(__name__)
API_PREFIX = "/api/"
Handler = Callable[[Request, Exception], Awaitable[Response]]
_HTTP_CODES = {
    401: ("unauthorized", "需要有效的 API 密钥"),
    403: ("forbidden", "无权访问"),
    404: ("not_found", "没有这个接口或资源"),
    405: ("method_not_allowed", "该接口不支持此请求方法"),
}


class ErrorDetail(BaseModel):
    code: str = Field(
        description="机器可读的错误代码，如 invalid_parameter、rate_limited", examples=["invalid_parameter"]
    )
    message: str = Field(description="给人看的说明（中文）", examples=["页码必须是 1 到 50 之间的整数"])
    field: str | None = Field(default=None, description="出错的参数名（如有）", examples=["page"])


class ErrorBody(BaseModel):
    """Every error of the API has this shape."""

    error: ErrorDetail


class ApiError(Exception):
    """An error to answer in the one shape (raised by dependencies: keys, origins, rate limits)."""

    def __init__(
        self,
        status: int,
        code: str,
        message: str,
        field: str | None = None,
        headers: Mapping[str, str] | None = None,
    ) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.field = field
        self.headers = dict(headers or {})


def error_response(
    status: int,
    code: str,
    message: str,
    field: str | None = None,
    headers: Mapping[str, str] | None = None,
) -> JSONResponse:
    body: dict[str, Any] = {"error": {"code": code, "message": message}}
    if field:
        body["error"]["field"] = field
    return JSONResponse(body, status_code=status, headers=dict(headers or {}))


def responses(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """OpenAPI `responses` of a route: these statuses, each with the one error shape."""
    described = {401: "密钥无效或已吊销", 403: "来源或范围不允许", 404: "不存在", 422: "参数有误"}
    described |= {429: "请求过于频繁（见 Retry-After）"}
    return {s: {"model": ErrorBody, "description": described.get(s, "错误")} for s in (*statuses, 429)}


def search_error(exc: InvalidSearch | PageOutOfRange) -> JSONResponse:
    """A search the citizen can correct: a bad parameter (422), a filter outside the portal's scope
    (403) or a page past the last one (404)."""
    if isinstance(exc, PageOutOfRange):
        return error_response(404, "page_out_of_range", str(exc), "page")
    if isinstance(exc, OutOfScope):
        return error_response(403, "out_of_scope", exc.message, exc.field)
    return error_response(422, "invalid_parameter", exc.message, exc.field)


def api_error(exc: ApiError) -> JSONResponse:
    return error_response(exc.status, exc.code, exc.message, exc.field, exc.headers)


def is_api(request: Request) -> bool:
    return request.url.path.startswith(API_PREFIX)


def for_api(fallback: Handler) -> Handler:
    """A handler for Starlette's and FastAPI's own errors (unknown path, wrong method, a body that
    does not validate, an unexpected exception): the one shape under /api/, `fallback` elsewhere."""

    async def handle(request: Request, exc: Exception) -> Response:
        if not is_api(request):
            return await fallback(request, exc)
        if isinstance(exc, HTTPException):
            code, message = _HTTP_CODES.get(exc.status_code, ("http_error", str(exc.detail)))
            return error_response(exc.status_code, code, message, headers=exc.headers)
        if isinstance(exc, RequestValidationError):
            first = exc.errors()[0] if exc.errors() else {}
            where = [str(part) for part in first.get("loc", ()) if part not in ("query", "body", "path")]
            field = where[0] if where else None
            return error_response(422, "invalid_parameter", f"参数有误：{first.get('msg', '')}", field)
        log.exception("unexpected error on %s", request.url.path, exc_info=exc)
        return error_response(500, "internal_error", "服务器内部错误，请稍后再试")

    return handle
