"""The models every package shares.

Crawler, indexer, API and UI import these; nothing redefines them. Field names are English
identifiers; each field's description gives the Chinese name used on government sites.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from enum import StrEnum
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

MAX_QUERY_LENGTH = 100
MAX_PAGE = 50
MAX_PAGE_SIZE = 50


class DocumentKind(StrEnum):
    POLICY = "policy"
    GUIDE = "guide"

    @property
    def label(self) -> str:
        return KIND_LABELS[self]


KIND_LABELS: dict[DocumentKind, str] = {
    DocumentKind.POLICY: "政策文件",
    DocumentKind.GUIDE: "办事指南",
}


def stable_id(prefix: str, key: str) -> str:
    """A short id that stays the same across crawls of the same page or item."""
    return f"{prefix}-{hashlib.sha1(key.encode('utf-8')).hexdigest()[:16]}"


class Attachment(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: str = Field(description="附件名称")
    url: str = Field(description="附件地址")
    text: str = Field(default="", description="附件正文（已抽取时）")


class SiteLink(BaseModel):
    """Another page where the same document is published (a repost on another site)."""

    model_config = ConfigDict(extra="forbid")

    site: str = Field(default="", description="站点")
    url: str = Field(description="地址")


class _SourcedDocument(BaseModel):
    model_config = ConfigDict(extra="forbid")

    url: str = Field(description="来源 URL")
    site: str = Field(default="", description="站点")
    region: str = Field(default="", description="地区（行政区划名称）")
    region_code: str = Field(default="", description="区划代码")


class PolicyDocument(_SourcedDocument):
    """A 政策文件 as published in a government information disclosure column."""

    kind: Literal[DocumentKind.POLICY] = DocumentKind.POLICY
    title: str = Field(min_length=1, description="标题")
    issuer: str = Field(default="", description="发文机关")
    doc_number: str = Field(default="", description="发文字号")
    index_number: str = Field(default="", description="索引号")
    written_date: dt.date | None = Field(default=None, description="成文日期")
    publish_date: dt.date | None = Field(default=None, description="发布日期")
    subject: str = Field(default="", description="主题分类")
    body: str = Field(default="", description="正文")
    attachments: list[Attachment] = Field(default_factory=list, description="附件")
    reposts: list[SiteLink] = Field(default_factory=list, description="同时发布于（其他站点的转载）")

    @property
    def id(self) -> str:
        return stable_id("p", self.url)

    @property
    def date(self) -> dt.date | None:
        return self.publish_date or self.written_date

    @property
    def publisher(self) -> str:
        return self.issuer


class ServiceGuide(_SourcedDocument):
    """A 办事指南: how to apply for one item of the service catalogue."""

    kind: Literal[DocumentKind.GUIDE] = DocumentKind.GUIDE
    item_name: str = Field(min_length=1, description="事项名称")
    item_code: str = Field(default="", description="事项编码（实施编码）")
    catalogue_code: str = Field(default="", description="目录编码（基本编码）")
    authority: str = Field(default="", description="实施主体")
    item_type: str = Field(default="", description="事项类型")
    service_objects: list[str] = Field(default_factory=list, description="服务对象")
    subjects: list[str] = Field(default_factory=list, description="主题分类")
    conditions: str = Field(default="", description="受理条件")
    materials: list[str] = Field(default_factory=list, description="申请材料")
    legal_time_limit: str = Field(default="", description="法定时限")
    promised_time_limit: str = Field(default="", description="承诺时限")
    fee: str = Field(default="", description="是否收费")
    location: str = Field(default="", description="办理地点")
    phone: str = Field(default="", description="咨询电话")
    online_url: str = Field(default="", description="在线办理 URL")
    level: str = Field(default="", description="层级（国家/省级/市级/县级）")
    publish_date: dt.date | None = Field(default=None, description="发布日期")

    @property
    def id(self) -> str:
        return stable_id("g", self.item_code or self.url)

    @property
    def title(self) -> str:
        return self.item_name

    @property
    def date(self) -> dt.date | None:
        return self.publish_date

    @property
    def publisher(self) -> str:
        return self.authority


Document = Annotated[PolicyDocument | ServiceGuide, Field(discriminator="kind")]


class CatalogueItem(BaseModel):
    """One item of the 政务服务事项目录; a guide, when there is one, describes how to apply."""

    model_config = ConfigDict(extra="forbid")

    name: str = Field(min_length=1, description="事项名称")
    code: str = Field(default="", description="实施编码")
    basic_code: str = Field(default="", description="基本编码/目录编码")
    parent_code: str = Field(default="", description="父目录编码")
    authority: str = Field(default="", description="实施主体")
    item_type: str = Field(default="", description="事项类型")
    service_objects: list[str] = Field(default_factory=list, description="服务对象")
    level: str = Field(default="", description="层级")
    region: str = Field(default="", description="行政区划")
    region_code: str = Field(default="", description="区划代码")
    online_url: str = Field(default="", description="在线办理 URL")
    guide_id: str | None = Field(default=None, description="办事指南文档 id")

    @classmethod
    def from_guide(cls, guide: ServiceGuide) -> CatalogueItem:
        return cls(
            name=guide.item_name,
            code=guide.item_code,
            basic_code=guide.catalogue_code,
            authority=guide.authority,
            item_type=guide.item_type,
            service_objects=guide.service_objects,
            level=guide.level,
            region=guide.region,
            region_code=guide.region_code,
            online_url=guide.online_url,
            guide_id=guide.id,
        )


class SearchRequest(BaseModel):
    """What a citizen asked for; the API and the web UI both validate through this model."""

    model_config = ConfigDict(extra="forbid")

    q: str = Field(description="查询词")
    type: DocumentKind | None = Field(default=None, description="类型过滤：policy 或 guide")
    page: int = Field(default=1, ge=1, le=MAX_PAGE, description="页码，从 1 开始")
    size: int = Field(default=10, ge=1, le=MAX_PAGE_SIZE, description="每页条数")

    @field_validator("q")
    @classmethod
    def _query_is_usable(cls, value: str) -> str:
        value = value.strip()
        if not value:
            raise ValueError("请输入搜索内容")
        if len(value) > MAX_QUERY_LENGTH:
            raise ValueError(f"搜索内容过长：最多 {MAX_QUERY_LENGTH} 个字，当前 {len(value)} 个字")
        return value


class Expansion(BaseModel):
    """One synonym rule that fired for this query, so the page can say what was added."""

    term: str = Field(description="查询中的说法")
    alternatives: list[str] = Field(description="扩展出的规范用语")
    source: str = Field(default="", description="规则位置 file:line")
    weight: float = Field(default=1.0, description="扩展词的权重（低于群众原词；通用词林层更低）")


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
