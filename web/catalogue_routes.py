"""Item pages (/item/{key}) and scenario pages (/scenario/{slug})."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from web.routes import _page, _service

router = APIRouter(include_in_schema=False)


@router.get("/item/{key}", response_class=HTMLResponse)
def item(request: Request, key: str) -> HTMLResponse:
    page = _service(request).catalogue.item_page(key)
    if page is None:
        return _page(request, "error.html", {"message": "该事项不存在", "wd": ""}, status=404)
    response = _page(request, "item.html", {"page": page, "wd": ""})
    response.headers["Link"] = f'</api/v1/items/{key}>; rel="alternate"; type="application/json"'
    return response


@router.get("/scenario/{slug}", response_class=HTMLResponse)
def scenario(request: Request, slug: str) -> HTMLResponse:
    book = _service(request).catalogue.scenarios
    found = book.get(slug)
    if found is None:
        return _page(request, "error.html", {"message": "该场景不存在", "wd": ""}, status=404)
    return _page(request, "scenario.html", {"card": book.card(found), "wd": found.name})
