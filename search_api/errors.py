"""The API's one error shape: `{"error": {"code", "message", "field"}}`, message in Chinese."""

from __future__ import annotations

from typing import Any

from fastapi.responses import JSONResponse

from search_api.engine.filters import InvalidSearch
from search_api.engine.search import PageOutOfRange


def error_response(status: int, code: str, message: str, field: str | None = None) -> JSONResponse:
    body: dict[str, Any] = {"error": {"code": code, "message": message}}
    if field:
        body["error"]["field"] = field
    return JSONResponse(body, status_code=status)


def search_error(exc: InvalidSearch | PageOutOfRange) -> JSONResponse:
    """A search the citizen can correct: a bad parameter (422) or a page past the last one (404)."""
    if isinstance(exc, PageOutOfRange):
        return error_response(404, "page_out_of_range", str(exc), "page")
    return error_response(422, "invalid_parameter", exc.message, exc.field)
