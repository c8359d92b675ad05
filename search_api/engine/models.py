"""The engine's request and response models: what a search is asked and what it answers.

The JSON API returns these as they are and the pages render the same objects.
"""

from __future__ import annotations

import datetime as dt
from enum import StrEnum
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from indexer.documents import Audience, CatalogueItem, DocumentKind, Scenario, ServiceGuide
from search_api.engine.contact import Contact
from search_api.engine.filters import BY_NAME, Scope, check_within, parse_filters
from synonyms.expansion import SynonymMatch, display

MAX_QUERY_LENGTH = 100
MAX_PAGE = 50
MAX_PAGE_SIZE = 50


class LinkedItem(BaseModel):
    """An item as a result line shows it: “可办理：…”."""

    key: str
    name: str
    region: str = ""


class LinkedDocument(BaseModel):
    """A policy or guide as an item page or a scenario lists it."""

    id: str
    title: str
    kind: DocumentKind
    confidence: float = 1.0
    evidence: str = ""


class ItemCard(BaseModel):
    """The answer box above the results: one item, its guide's essentials and its regional variants."""

    item: CatalogueItem
    guide: ServiceGuide | None = None
    variants: list[LinkedItem] = Field(default_factory=list, description="同一事项在其他层级或地区")


class ScenarioCard(BaseModel):
    scenario: Scenario
    items: list[LinkedItem]
    policies: list[LinkedDocument]


class SortOrder(StrEnum):
    RELEVANCE = "relevance"
    DATE = "date"


class PageOutOfRange(ValueError):
    """The requested page lies beyond the last page of results."""

    def __init__(self, page: int, pages: int) -> None:
        super().__init__(f"页码超出范围：第 {page} 页不存在，共 {pages} 页")
        self.page, self.pages = page, pages


class SearchRequest(BaseModel):
    """What a citizen asked for; the API and the pages both validate through this model. Filters live in
    `filters` (parameter name → canonical value, checked against `FILTERS`); they may also be given by
    name, as in a URL: `SearchRequest(q="社保", type="guide")`."""

    model_config = ConfigDict(extra="forbid")

    q: str = Field(description="查询词")
    page: int = Field(default=1, ge=1, le=MAX_PAGE, description="页码，从 1 开始")
    size: int = Field(default=10, ge=1, le=MAX_PAGE_SIZE, description="每页条数")
    sort: SortOrder = Field(
        default=SortOrder.RELEVANCE, description="排序：relevance（相关度）或 date（最新）"
    )
    filters: dict[str, str] = Field(
        default_factory=dict,
        description="筛选条件：参数名 → 取值（类型、地区、发文机关、主题分类、有效性 …）",
    )
    spellcheck: bool = Field(
        default=True, description="false：不做纠错与拼音转换，仍然搜索原词（网址参数 nc=1）"
    )
    scope: Scope = Field(
        default_factory=dict,
        description="调用方门户的检索范围（由 API 密钥决定，不能在网址中设置）：筛选条件 → 允许的取值",
    )
    # Preferences, not filters: nothing is left out, the citizen's region and audience come first.
    prefer_region: str = Field(
        default="", max_length=30, description="优先显示该地区（名称或区划代码）的事项和文件，不排除其他"
    )
    prefer_audience: Audience | None = Field(
        default=None, description="优先显示面向 个人 或 法人 的办事指南，不排除其他"
    )

    @model_validator(mode="before")
    @classmethod
    def _filters_by_name(cls, data: Any) -> Any:
        if not isinstance(data, dict) or not set(data) & set(BY_NAME):
            return data
        named = {k: str(v) for k, v in data.items() if k in BY_NAME and v is not None}
        others = {k: v for k, v in data.items() if k not in BY_NAME}
        return others | {"filters": {**named, **others.get("filters", {})}}

    @field_validator("filters", mode="before")
    @classmethod
    def _known_filters(cls, value: Any) -> dict[str, str]:
        return parse_filters(value) if isinstance(value, dict) else value

    @field_validator("q")
    @classmethod
    def _query_is_usable(cls, value: str) -> str:
        value = value.strip()
        if len(value) > MAX_QUERY_LENGTH:
            raise ValueError(f"搜索内容过长：最多 {MAX_QUERY_LENGTH} 个字，当前 {len(value)} 个字")
        return value

    @model_validator(mode="after")
    def _something_asked(self) -> SearchRequest:
        """Without a query, the filters ask for a listing (the newest first); with neither, nothing."""
        if not self.q and not self.filters:
            raise ValueError("请输入搜索内容")
        return self

    def within(self, scope: Scope) -> SearchRequest:
        """This request limited to a portal's scope (canonical, see `filters.parse_scope`);
        `OutOfScope` when one of its filters asks for something outside it."""
        check_within(self.filters, scope)
        return self.model_copy(update={"scope": scope}) if scope else self

    @property
    def listing(self) -> bool:
        """No query, only filters: every matching document, the newest first."""
        return not self.q

    @property
    def kind(self) -> DocumentKind | None:
        """The document kind the 类型 filter asks for."""
        value = self.filters.get("type")
        return DocumentKind(value) if value else None

    def params(self) -> dict[str, str]:
        """Every filter and option that is set, as URL parameters (paging and preferences aside)."""
        options = {"sort": self.sort.value} if self.sort is not SortOrder.RELEVANCE else {}
        return self.filters | options | ({} if self.spellcheck else {"nc": "1"})

    def preferences(self) -> dict[str, str]:
        """The preferences that are set, as URL parameters (the pages keep them in cookies instead)."""
        audience = self.prefer_audience.value if self.prefer_audience else ""
        chosen = {"prefer_region": self.prefer_region, "prefer_audience": audience}
        return {k: v for k, v in chosen.items() if v}


class Expansion(BaseModel):
    """One synonym rule that fired for this query, so the page can say what was added."""

    term: str = Field(description="查询中的说法")
    alternatives: list[str] = Field(description="扩展出的规范用语")
    source: str = Field(default="", description="规则位置 file:line")
    weight: float = Field(default=1.0, description="扩展词的权重（低于群众原词；通用词林层更低）")

    @classmethod
    def of(cls, match: SynonymMatch) -> Expansion:
        return cls(
            term=match.term,
            alternatives=[display(alt) for alt in match.alternatives],
            source=match.source,
            weight=match.weight,
        )


class SearchHit(BaseModel):
    id: str
    kind: DocumentKind
    kind_label: str
    title: str
    title_html: str = Field(description="已转义、以 <em> 标出命中词的标题")
    snippet_html: str = Field(description="已转义、以 <em> 标出命中词的摘要")
    url: str = Field(description="来源 URL")
    site: str = ""
    publisher: str = Field(default="", description="发文机关或实施主体")
    doc_number: str = ""
    date: dt.date | None = None
    online_url: str = ""
    score: float
    status_label: str = Field(default="", description="效力提示：已废止、已失效（这类文件排在后面）")
    best_bet: bool = Field(default=False, description="工作人员置顶的推荐结果")
    exact_code: bool = Field(default=False, description="查询就是它的发文字号或事项编码（直达）")

    items: list[LinkedItem] = Field(default_factory=list, description="可办理的事项")


class FacetValue(BaseModel):
    value: str = Field(description="过滤参数的取值")
    label: str = Field(description="显示名称")
    count: int = Field(description="当前查询下的结果数")


class Correction(BaseModel):
    """您要找的是不是: a reading of the query (typo fixed, pinyin turned into words)."""

    text: str = Field(description="纠正后的查询")
    reason: str = Field(description="typo（错别字）、pinyin（拼音）或 quotes（去掉表示强调的引号）")
    applied: bool = Field(description="原查询结果太少，本页显示的是纠正后查询的结果")
    readings: list[str] = Field(
        default_factory=list,
        description="拼音有几种可能性相近的读法时，一并搜索的全部读法（第一项即 text），结果依次交替排列",
    )


class Broader(BaseModel):
    """A search with fewer conditions that finds something."""

    q: str = Field(description="查询词")
    filters: dict[str, str] = Field(description="保留的筛选条件")
    total: int = Field(description="结果数")
    change: str = Field(description="放宽了什么：去掉筛选条件 / 去掉引号")


class MissingDocNumber(BaseModel):
    """The query is a 发文字号 that no indexed document carries."""

    number: str = Field(description="查询中的发文字号")
    nearest: list[str] = Field(description="索引中相近的发文字号（同一机关代字，年份、序号最接近）")


class SearchResponse(BaseModel):
    query: str
    normalized_query: str
    tokens: list[str]
    expansions: list[Expansion]
    type: DocumentKind | None
    total: int
    page: int
    size: int
    pages: int
    hits: list[SearchHit]
    took_ms: float
    sort: SortOrder = SortOrder.RELEVANCE
    facets: dict[str, list[FacetValue]] = Field(default_factory=dict, description="各筛选项的结果数")
    correction: Correction | None = None
    missing_number: MissingDocNumber | None = Field(
        default=None, description="查询的发文字号不在索引中：不显示正文碰巧匹配的结果，给出相近文号"
    )
    related: list[str] = Field(default_factory=list, description="相关搜索")

    item_card: ItemCard | None = Field(default=None, description="查询对应的办事事项")
    scenario: ScenarioCard | None = Field(default=None, description="查询对应的场景")
    # Only when the search finds little (fewer than ranking.FEW_RESULTS): never a dead end.
    broader: Broader | None = Field(default=None, description="结果很少时：放宽条件后能找到结果的搜索")
    help: list[Contact] = Field(
        default_factory=list, description="结果很少时：相关部门的咨询电话（已知时）和 12345 热线"
    )


class ResultClick(BaseModel):
    """A click on a result: which query, which document, at which position. Nothing about the person."""

    model_config = ConfigDict(extra="forbid")

    query: str = Field(min_length=1, max_length=MAX_QUERY_LENGTH, description="查询词")
    doc_id: str = Field(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9_-]+$", description="文档 id")
    position: int = Field(ge=1, le=MAX_PAGE * MAX_PAGE_SIZE, description="结果位置，从 1 开始")
