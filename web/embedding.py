"""What portals embed: the widget script (`/widget.js`), and the colour and logo of their hosted
results page (`/s?portal=NAME`), all served from this site so that a page makes no outside request."""

from __future__ import annotations

import base64
import binascii
from pathlib import Path

from fastapi import APIRouter, Request
from fastapi.responses import FileResponse, Response

from search_api.access import portals_of

router = APIRouter(include_in_schema=False)
WIDGET = Path(__file__).parent / "static" / "widget.js"
CACHE = "public, max-age=300"


@router.get("/widget.js")
def widget() -> FileResponse:
    """One <script> tag on a portal's page: <script src=".../widget.js" data-key="gs_…" defer>."""
    return FileResponse(WIDGET, media_type="text/javascript; charset=utf-8", headers={"Cache-Control": CACHE})


def text_colour(background: str) -> str:
    """Black or white, whichever contrasts more with `background` (#RRGGBB), by WCAG luminance."""
    channels = [int(background[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    luminance = 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]
    return "#000000" if (luminance + 0.05) / 0.05 > 1.05 / (luminance + 0.05) else "#ffffff"


@router.get("/portal/{name}/style.css")
def portal_style(request: Request, name: str) -> Response:
    """The hosted page's header in the portal's colour (a stylesheet, not inline style: the pages keep
    to a strict content security policy)."""
    portal = portals_of(request).get(name)
    css = ""
    if portal and portal.colour:
        ink = text_colour(portal.colour)
        css = f".top {{ background: {portal.colour}; }} .top .brand, .top a.mode {{ color: {ink}; }}\n"
    return Response(css, media_type="text/css", headers={"Cache-Control": CACHE})


@router.get("/portal/{name}/logo")
def portal_logo(request: Request, name: str) -> Response:
    portal = portals_of(request).get(name)
    if portal is None or not portal.logo.startswith("data:image/"):
        return Response(status_code=404)
    header, _, data = portal.logo.partition(",")
    try:
        image = base64.b64decode(data, validate=True)
    except binascii.Error:
        return Response(status_code=404)
    kind = header.removeprefix("data:").removesuffix(";base64")
    return Response(image, media_type=kind, headers={"Cache-Control": CACHE})
