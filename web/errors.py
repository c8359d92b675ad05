"""Errors in the site's style for browsers, JSON in the API's one shape for programs.

A path under /api/ (and the staff API under /admin/api/) answers JSON (`search_api.errors`); every other
path answers a page with the message, a way back and the 12345 hotline: 404 for an unknown address,
422 for parameters that do not validate, 500 when something broke (nothing of the error shown)."""

from __future__ import annotations

import logging

from fastapi import Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import Response
from starlette.exceptions import HTTPException

from search_api.errors import error_response
from web.routes import error_page

log = logging.getLogger(__name__)
MESSAGES = {
    404: "您要找的页面不存在，可能已经移动或删除",
    405: "不支持这种访问方式",
    422: "网址中的参数不正确",
    500: "服务出了点问题，请稍后再试",
}
CODES = {404: "not_found", 405: "method_not_allowed", 422: "invalid_parameter", 500: "internal_error"}


def wants_json(request: Request) -> bool:
    path = request.url.path
    return path.startswith("/api/") or path.startswith("/admin/api/")


def _answer(request: Request, status: int, message: str, field: str | None = None) -> Response:
    if wants_json(request):
        return error_response(status, CODES.get(status, "error"), message, field)
    return error_page(request, message, status)


async def http_error(request: Request, exc: Exception) -> Response:
    """404, 405 … raised by routing or a route (`HTTPException`)."""
    assert isinstance(exc, HTTPException)
    status = exc.status_code
    detail = exc.detail if isinstance(exc.detail, str) and not exc.detail.isascii() else ""
    response = _answer(request, status, detail or MESSAGES.get(status, "请求无法完成"))
    for name, value in (exc.headers or {}).items():
        response.headers[name] = value
    return response


async def validation_error(request: Request, exc: Exception) -> Response:
    """Parameters that do not validate; the first one named."""
    assert isinstance(exc, RequestValidationError)
    first = exc.errors()[0] if exc.errors() else {}
    location = [str(part) for part in first.get("loc", ()) if part not in ("query", "path", "body")]
    field = location[0] if location else None
    message = MESSAGES[422] + (f"：{field}" if field else "")
    return _answer(request, 422, message, field)


async def server_error(request: Request, exc: Exception) -> Response:
    """Anything unexpected: logged with its traceback, shown as a plain apology."""
    log.error("unhandled error on %s", request.url.path, exc_info=exc)
    return _answer(request, 500, MESSAGES[500])
