"""What each page template receives: one typed context per page (as Datasette documents its contexts),
so a template's variables are listed, checked by mypy and tested, instead of a loose dict."""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from typing import Any

from indexer.documents import Document, Scenario
from search_api.engine.catalogue_search import ItemPage
from search_api.engine.models import LinkedItem, ScenarioCard, SearchResponse
from search_api.engine.portals import Portal


@dataclass(kw_only=True)
class PageContext:
    """What `base.html` needs on every page."""

    site_name: str
    elder: bool  # 长辈模式
    here: str  # this page's path and query, for the 长辈模式 switch to come back to
    wd: str = ""  # the query shown in the search box
    json_url: str | None = None  # the page's JSON twin (also sent as a Link header)
    portal: Portal | None = None  # a portal's hosted results page: its name, colour and logo

    def as_dict(self) -> dict[str, Any]:
        """Shallow: the models inside stay models for the template."""
        return {f.name: getattr(self, f.name) for f in fields(self)}


@dataclass(kw_only=True)
class HomeContext(PageContext):
    counts: dict[str, int]  # documents per kind
    hot: list[str]  # 热搜
    scenarios: tuple[Scenario, ...]


@dataclass(kw_only=True)
class ResultsContext(PageContext):
    response: SearchResponse
    params: dict[str, str]  # the page's URL parameters (query, filters, options)
    pager: list[dict[str, Any]]  # number, url, current
    prev_url: str | None
    next_url: str | None
    filters: list[dict[str, Any]]  # facet groups: field, title, links (label, count, url, current)
    chosen: list[str]  # the chosen filters in words
    sorts: list[dict[str, Any]]  # label, url, current
    hot: list[str]
    filtered: bool  # any filter or option set
    clear_url: str  # the same query without filters
    feed_url: str  # the Atom feed of this search, newest first


@dataclass(kw_only=True)
class ErrorContext(PageContext):
    message: str


@dataclass(kw_only=True)
class DocumentContext(PageContext):
    doc: Document
    doc_items: list[LinkedItem] = field(default_factory=list)  # the catalogue items it concerns


@dataclass(kw_only=True)
class ItemContext(PageContext):
    page: ItemPage


@dataclass(kw_only=True)
class ScenarioContext(PageContext):
    card: ScenarioCard
