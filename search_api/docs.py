"""/docs (Swagger UI) and /redoc (ReDoc) from files this site serves itself: the scripts and styles
come from the `fastapi-offline` package, no CDN and no web fonts, so the API documentation works on a
government intranet. No inline script either (pages are held to `script-src 'self'`).

One patch: ReDoc's side menu credits Redocly with a logo it loads from Redocly's CDN. We serve the
bundle with that address replaced by an empty image (`data:,`), which ReDoc's own error handler hides;
the browser test of /redoc fails on any request that leaves this site."""

from __future__ import annotations

from functools import cache
from importlib import resources
from pathlib import Path

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response
from markupsafe import escape

ASSETS_URL = "/static/apidocs"  # fastapi-offline's swagger-ui and redoc bundles
OWN_URL = "/static/api"  # our own start script
REDOC_LOGO = b"https://cdn.redoc.ly/redoc/logo-mini.svg"

router = APIRouter(include_in_schema=False)


def assets_dir() -> Path:
    return Path(str(resources.files("fastapi_offline").joinpath("static")))


def own_dir() -> Path:
    return Path(__file__).parent / "static"


def _page(title: str, head: str, body: str) -> HTMLResponse:
    return HTMLResponse(
        f"""<!DOCTYPE html>
<html lang="zh-CN"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{escape(title)}</title>{head}</head>
<body>{body}</body></html>"""
    )


@router.get("/docs")
def swagger_ui(request: Request) -> HTMLResponse:
    title = f"{request.app.title} - Swagger UI"
    head = f'<link rel="stylesheet" href="{ASSETS_URL}/swagger-ui.css">'
    body = (
        f'<div id="swagger-ui" data-spec="{request.app.openapi_url}"></div>'
        f'<script src="{ASSETS_URL}/swagger-ui-bundle.js"></script>'
        f'<script src="{OWN_URL}/swagger-init.js"></script>'
    )
    return _page(title, head, body)


@cache
def _redoc_bundle() -> bytes:
    bundle = (assets_dir() / "redoc.standalone.js").read_bytes()
    return bundle.replace(REDOC_LOGO, b"data:,")


@router.get(f"{OWN_URL}/redoc.standalone.js")
def redoc_bundle() -> Response:
    return Response(_redoc_bundle(), media_type="text/javascript", headers={"Cache-Control": "max-age=3600"})


@router.get("/redoc")
def redoc(request: Request) -> HTMLResponse:
    title = f"{request.app.title} - ReDoc"
    body = (
        f'<redoc spec-url="{request.app.openapi_url}"></redoc>'
        f'<script src="{OWN_URL}/redoc.standalone.js"></script>'
    )
    return _page(title, "", body)
