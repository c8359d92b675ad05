"""What a citizen chose and the site remembers (cookies, a year): 长辈模式, and 个人/法人 and their region —
preferences that put their services first (`SearchRequest.prefer_*`), never filters. Each is set by a
plain link or form (no JavaScript needed) and shown on the pages so it can be changed."""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import quote, unquote

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response

from indexer.documents import Audience
from search_api.engine.filters import InvalidSearch
from search_api.engine.models import SearchRequest

ELDER_COOKIE = "elder"  # 长辈模式: larger text and targets
AUDIENCE_COOKIE = "audience"  # 个人 or 法人
REGION_COOKIE = "region"  # a region's name or 区划代码
MAX_AGE = 365 * 24 * 3600
MAX_REGION_LENGTH = 30

router = APIRouter(include_in_schema=False)


@dataclass(frozen=True)
class Chosen:
    elder: bool = False
    audience: str = ""  # "" or an `Audience` value
    region: str = ""

    def apply(self, request: SearchRequest) -> SearchRequest:
        """The search with the remembered preferences, unless its URL names its own."""
        if request.prefer_region or request.prefer_audience:
            return request
        audience = Audience(self.audience) if self.audience else None
        return request.model_copy(update={"prefer_region": self.region, "prefer_audience": audience})


def _audience(value: str) -> str:
    return value if value in {a.value for a in Audience} else ""


def chosen(request: Request) -> Chosen:
    """The remembered choices; a cookie that is not valid counts as not set."""
    region = unquote(request.cookies.get(REGION_COOKIE, "")).strip()
    return Chosen(
        elder=request.cookies.get(ELDER_COOKIE) == "1",
        audience=_audience(unquote(request.cookies.get(AUDIENCE_COOKIE, ""))),
        region=region if len(region) <= MAX_REGION_LENGTH else "",
    )


def safe_next(target: str | None) -> str:
    """Only a path on this site: never an open redirect."""
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return "/"
    return target


def _remember(response: Response, name: str, value: str) -> None:
    """Kept percent-encoded: a cookie carries ASCII only (个人, 广州市)."""
    if value:
        response.set_cookie(name, quote(value), max_age=MAX_AGE, httponly=True, samesite="lax")
    else:
        response.delete_cookie(name)


@router.get("/mode")
def toggle_elder_mode(elder: str = "", next: str | None = None) -> Response:
    """长辈模式 on or off with a plain link, so it works without JavaScript; kept in a cookie."""
    response = RedirectResponse(safe_next(next), status_code=303)
    _remember(response, ELDER_COOKIE, "1" if elder == "1" else "")
    return response


@router.get("/prefs")
def remember_preferences(audience: str = "", region: str = "", next: str | None = None) -> Response:
    """个人/法人 and the region from the home page's form (a plain GET form); empty clears a choice."""
    audience, region = audience.strip(), region.strip()
    if audience and not _audience(audience):
        raise InvalidSearch("服务对象只能是 个人 或 法人", "audience")
    if len(region) > MAX_REGION_LENGTH:
        raise InvalidSearch(f"地区最多 {MAX_REGION_LENGTH} 个字", "region")
    response = RedirectResponse(safe_next(next), status_code=303)
    _remember(response, AUDIENCE_COOKIE, audience)
    _remember(response, REGION_COOKIE, region)
    return response
