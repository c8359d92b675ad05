"""JSON twin of the item page: /api/v1/items/{key}."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request

from search_api.routes import error_response, service_of

router = APIRouter(prefix="/api/v1", tags=["items"])


@router.get("/items/{key}", responses={404: {}})
def item(request: Request, key: str) -> Any:
    """An item of the service catalogue with its guide, its other regional variants and linked documents."""
    page = service_of(request).catalogue.item_page(key)
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
