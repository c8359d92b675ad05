"""FastAPI dependencies shared by the JSON API and the pages: the engine, and a search's parameters.

A search's parameters are one dependency built from the filter table (`search_api.engine.filters`), so
every filter appears in the API documentation, is validated and reaches the engine without being named
again here. The API calls its query and paging `q`, `page`, `size`; the pages use Baidu's names: `wd`
and `pn` (the offset of the first result: 0, 10, 20 …), ten results a page.
"""

from __future__ import annotations

import inspect
import ipaddress
from collections.abc import Callable
from dataclasses import dataclass
from typing import Annotated, Any

from fastapi import Query, Request

from search_api.engine.filters import FILTERS
from search_api.engine.models import MAX_PAGE_SIZE, MAX_QUERY_LENGTH, SearchRequest
from search_api.engine.params import parse_search
from search_api.engine.search import SearchEngine

PAGE_SIZE = 10  # results per page on the HTML pages
OPTION_DOCS = {
    "sort": "relevance（相关度，默认）或 date（最新）",
    "nc": "1：不做纠错与拼音转换（仍然搜索原词）",
    "prefer_region": "偏好（不是筛选）：优先显示该地区（名称或 6 位区划代码）的事项和文件",
    "prefer_audience": "偏好（不是筛选）：优先显示面向 个人 或 法人 的办事指南",
}


def engine_of(request: Request) -> SearchEngine:
    engine: SearchEngine = request.app.state.search_engine
    return engine


def client_network(address: str) -> str:
    """Who a client address stands for: an IPv4 address itself, an IPv6 address its /64 (one line's
    usual allocation: a script picks any address in it at will); anything else as it is."""
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return address
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is None:
        return str(ipaddress.ip_network(f"{ip}/64", strict=False))
    return str(ip.ipv4_mapped if isinstance(ip, ipaddress.IPv6Address) else ip)


def visitor_of(request: Request) -> str:
    """The day's salted hash of the client's network: distinct visitors for 热搜, nobody identified.
    Not the browser: a script sends any User-Agent it likes, and one client would count as many."""
    address = request.client.host if request.client else ""
    return engine_of(request).visitors.key(client_network(address), "")


def page_from_pn(pn: str | None) -> str | None:
    """Baidu's `pn` is the offset of the first result (0, 10, 20 …); anything else is left for
    validation to report."""
    if pn is None or pn == "":
        return None
    if not (pn.isascii() and pn.isdigit()):
        return pn
    return str(int(pn) // PAGE_SIZE + 1)


@dataclass(frozen=True)
class ParamStyle:
    """How one kind of route names a search's query and paging; filters and options are shared."""

    own: tuple[tuple[str, str], ...]  # (parameter, documentation) for the query and paging
    parse: Callable[[dict[str, str | None]], SearchRequest]

    def parameters(self) -> list[tuple[str, str]]:
        """Every parameter of the route: its own, then each filter of `FILTERS`, then the options."""
        return [*self.own, *((f.name, f.doc) for f in FILTERS), *OPTION_DOCS.items()]


API = ParamStyle(
    own=(
        ("q", f"查询词，1–{MAX_QUERY_LENGTH} 个字"),
        ("page", "页码，从 1 开始"),
        ("size", f"每页条数，1–{MAX_PAGE_SIZE}"),
    ),
    parse=lambda raw: parse_search(raw["q"], raw["page"], raw["size"], raw),
)
PAGES = ParamStyle(
    own=(("wd", "查询词"), ("pn", "第一条结果的序号：0、10、20 …"), ("portal", "门户的托管结果页：门户名称")),
    parse=lambda raw: parse_search(raw["wd"], page_from_pn(raw["pn"]), str(PAGE_SIZE), raw),
)


def search_parameters(style: ParamStyle) -> Callable[..., SearchRequest]:
    """A dependency whose signature lists `style.parameters()` as optional query strings (so FastAPI
    documents each one) and which returns the validated `SearchRequest`; `InvalidSearch` otherwise."""

    def dependency(**raw: str | None) -> SearchRequest:
        return style.parse(raw)

    params = [
        inspect.Parameter(
            name,
            inspect.Parameter.KEYWORD_ONLY,
            default=None,
            annotation=Annotated[str | None, Query(description=doc)],
        )
        for name, doc in style.parameters()
    ]
    signature: Any = inspect.Signature(params, return_annotation=SearchRequest)
    dependency.__signature__ = signature  # type: ignore[attr-defined]
    return dependency


api_search = search_parameters(API)
page_search = search_parameters(PAGES)
