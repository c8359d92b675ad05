"""Who is asking, and may they: portal keys, browser origins (CORS), rate limits, and parameters.

A portal sends its key in the `X-Api-Key` header (never in a URL). Its key fixes its scope and its
rate, and, from a browser, the origins it may be used from. Without a key a request is anonymous:
the site's own pages always may, other callers only while `GOVSEARCH_ANONYMOUS_API` allows it, and
every anonymous client address has its own, lower, limits.

A browser's preflight carries no key, so it is answered for the origins of every active portal; the
request itself is then held to its own key's origins, and only an allowed one gets the
`Access-Control-Allow-Origin` header (`PortalCors` adds it to whatever the route answers, errors too).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum
from typing import Annotated, Any

from fastapi import Depends, Request, Security
from fastapi.security import APIKeyHeader
from starlette.responses import Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from search_api.engine.filters import Scope as SearchScope
from search_api.engine.portals import Portal, Portals
from search_api.errors import API_PREFIX, ApiError, error_response
from search_api.throttle import RateLimiter

KEY_HEADER = "X-Api-Key"
_KEY = APIKeyHeader(
    name=KEY_HEADER, auto_error=False, description="门户的 API 密钥（gs_…）；本站页面无需密钥"
)
CORS_KEY = "govsearch.cors_origin"  # scope key: the origin a keyed request may be answered to
PREFLIGHT_MAX_AGE = "600"


class Metered(StrEnum):
    SEARCH = "search"  # a search, a listing, a feed, a document or an item
    TYPING = "typing"  # a suggestion or a click log: many per search


@dataclass(frozen=True)
class Caller:
    portal: Portal | None

    @property
    def name(self) -> str | None:
        return self.portal.name if self.portal else None

    @property
    def scope(self) -> SearchScope:
        return self.portal.scope if self.portal else {}


def portals_of(request: Request) -> Portals:
    found: Portals = request.app.state.portals
    return found


def _limiter(request: Request) -> RateLimiter:
    found: RateLimiter = request.app.state.rate_limiter
    return found


def client_address(request: Request) -> str:
    """The client's address (uvicorn takes it from X-Forwarded-For when a trusted proxy sends it)."""
    return request.client.host if request.client else "unknown"


def _retry(seconds: int) -> ApiError:
    return ApiError(
        429, "rate_limited", f"请求过于频繁，请 {seconds} 秒后再试", headers={"Retry-After": str(seconds)}
    )


def limit_anonymous(request: Request, kind: Metered) -> None:
    """Count an anonymous request (page or API) against its client address; 429 beyond the limit."""
    settings = request.app.state.settings
    rates = settings.anonymous_rate if kind is Metered.SEARCH else settings.anonymous_suggest_rate
    wait = _limiter(request).hit(f"anon:{kind.value}:{client_address(request)}", rates)
    if wait is not None:
        raise _retry(wait)


def _keyed(request: Request, key: str, kind: Metered) -> Caller:
    portal = portals_of(request).authenticate(key)
    if portal is None:  # guessing keys counts against the client's anonymous budget
        limit_anonymous(request, kind)
        raise ApiError(401, "invalid_key", "API 密钥无效", KEY_HEADER)
    if portal.revoked:
        raise ApiError(401, "revoked_key", "该 API 密钥已被吊销", KEY_HEADER)
    origin = request.headers.get("origin")
    if not portal.allows_origin(origin):
        raise ApiError(403, "origin_not_allowed", f"该密钥不允许在 {origin} 上使用", "Origin")
    if origin:
        request.scope[CORS_KEY] = origin
    wait = _limiter(request).hit(f"portal:{portal.name}", portal.rate)
    if wait is not None:
        raise _retry(wait)
    return Caller(portal)


def _own_page(request: Request) -> bool:
    """A call the site's own pages make (the browser says so; a signal, not a proof: the anonymous
    limits are what bound a caller who imitates it)."""
    return request.headers.get("sec-fetch-site") == "same-origin"


def metered(kind: Metered) -> Callable[[Request], Caller]:
    """The dependency of an API route: the calling portal (or anonymous), checked and counted."""

    def caller(request: Request, key: Annotated[str | None, Security(_KEY)] = None) -> Caller:
        if key:
            return _keyed(request, key, kind)
        if not (request.app.state.settings.anonymous_api or _own_page(request)):
            raise ApiError(401, "key_required", f"调用 API 需要密钥（请求头 {KEY_HEADER}）", KEY_HEADER)
        limit_anonymous(request, kind)
        return Caller(None)

    return caller


def page_visit(request: Request) -> None:
    """The dependency of a page that searches: the visitor's anonymous search budget."""
    limit_anonymous(request, Metered.SEARCH)


Searching = Annotated[Caller, Depends(metered(Metered.SEARCH))]
Typing = Annotated[Caller, Depends(metered(Metered.TYPING))]


_known: dict[tuple[str, frozenset[str]], frozenset[str]] = {}


def _query_names(dependant: Any) -> frozenset[str]:
    """Every query parameter a route takes, its dependencies' included."""
    names: set[str] = set()
    stack = [dependant]
    while stack:
        current = stack.pop()
        names.update(p.alias for p in current.query_params)
        stack.extend(current.dependencies)
    return frozenset(names)


def known_parameters(request: Request) -> None:
    """Router dependency: a query parameter the route does not take is a 422 (as GOV.UK's search API
    answers), not silently ignored: a misspelt filter would otherwise widen a search unnoticed."""
    route: Any = request.scope.get("route")
    if route is None:
        return
    key = (route.path, frozenset(route.methods))  # the routes of `search_api.routes`, the same in every app
    names = _known.get(key)
    if names is None:
        names = _known[key] = _query_names(route.dependant)
    unknown = sorted(set(request.query_params) - names)
    if unknown:
        raise ApiError(422, "unknown_parameter", f"未知参数：{', '.join(unknown)}", unknown[0])


class PortalCors:
    """CORS for the API, per portal key (see the module's documentation)."""

    def __init__(self, app: ASGIApp, portals: Callable[[], Portals]) -> None:
        self.app = app
        self.portals = portals

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not scope["path"].startswith(API_PREFIX):
            await self.app(scope, receive, send)
            return
        headers = {k.decode("latin-1"): v.decode("latin-1") for k, v in scope["headers"]}
        origin = headers.get("origin")
        if scope["method"] == "OPTIONS" and origin and "access-control-request-method" in headers:
            await self._preflight(origin, scope, receive, send)
            return

        async def send_with_cors(message: Message) -> None:
            allowed = scope.get(CORS_KEY)
            if message["type"] == "http.response.start" and allowed:
                message.setdefault("headers", [])
                message["headers"] += [
                    (b"access-control-allow-origin", allowed.encode("latin-1")),
                    (b"access-control-expose-headers", b"Retry-After"),
                    (b"vary", b"Origin"),
                ]
            await send(message)

        await self.app(scope, receive, send_with_cors)

    async def _preflight(self, origin: str, scope: Scope, receive: Receive, send: Send) -> None:
        if origin not in self.portals().origins():
            refused = error_response(403, "origin_not_allowed", f"来源 {origin} 未获准调用本 API", "Origin")
            await refused(scope, receive, send)
            return
        answer = Response(
            status_code=204,
            headers={
                "Access-Control-Allow-Origin": origin,
                "Access-Control-Allow-Methods": "GET, POST",
                "Access-Control-Allow-Headers": f"{KEY_HEADER}, Content-Type",
                "Access-Control-Max-Age": PREFLIGHT_MAX_AGE,
                "Vary": "Origin",
            },
        )
        await answer(scope, receive, send)
