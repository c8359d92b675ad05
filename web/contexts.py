"""What each page template receives: one typed context per page (as Datasette documents its contexts),
so a template's variables are listed, checked by mypy and tested, instead of a loose dict."""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from typing import Any

from indexer.documents import Document, Scenario
from search_api.engine.catalogue_search import ItemPage
from search_api.engine.contact import Contact
from search_api.engine.models import FacetValue, LinkedItem, ScenarioCard, SearchResponse
from search_api.engine.portals import Portal


@dataclass(kw_only=True)
class PageContext:
    """What `base.html` needs on every page."""

    site_name: str
    elder: bool  # 长辈模式
    here: str  # this page's path and query, for the switches to come back to
    wd: str = ""  # the query shown in the search box
    json_url: str | None = None  # the page's JSON twin (also sent as a Link header)
    audience: str = ""  # the remembered 个人/法人 preference ("" when none)
    region: str = ""  # the remembered region preference (a name or 区划代码)
    region_label: str = ""  # … as a name
    portal: Portal | None = None  # a portal's hosted results page: its name, colour and logo

    def as_dict(self) -> dict[str, Any]:
        """Shallow: the models inside stay models for the template."""
        return {f.name: getattr(self, f.name) for f in fields(self)}


@dataclass(kw_only=True)
class HomeContext(PageContext):
    counts: dict[str, int]  # documents per kind
    hot: list[str]  # 热搜
    scenarios: tuple[Scenario, ...]
    regions: list[FacetValue]  # the regions a citizen can choose as theirs
    themes: list[FacetValue]  # the 主题 of services with the most guides, as ways in


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
    last_page: int  # the last page a citizen can open
    broader_url: str | None = None  # the broader search that finds more, when the results are few
    scenarios: list[Scenario] = field(default_factory=list)  # ways in when the results are few
    scenarios_related: bool = False  # they share wording with the query (else: all, as 常办场景)


@dataclass(kw_only=True)
class ErrorContext(PageContext):
    message: str
    status: int = 400
    hotline: Contact | None = None


@dataclass(kw_only=True)
class DocumentContext(PageContext):
    doc: Document
    doc_items: list[LinkedItem] = field(default_factory=list)  # the catalogue items it concerns
    share_url: str = ""  # the page's own address, to send to someone


@dataclass(kw_only=True)
class ItemContext(PageContext):
    page: ItemPage


@dataclass(kw_only=True)
class ScenarioContext(PageContext):
    card: ScenarioCard


@dataclass(kw_only=True)
class BrowseContext(PageContext):
    by: str  # publisher (部门) or subject (主题)
    by_label: str
    kind: str  # guide or policy
    kind_label: str
    values: list[dict[str, Any]]  # label, count, url (the listing)
    switches: list[dict[str, Any]]  # the other ways to browse: label, url, current
