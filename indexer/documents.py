"""The models every package shares.

Crawler, indexer, API and UI import these; nothing redefines them. Field names are English
identifiers; each field's description gives the Chinese name used on government sites.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from enum import StrEnum
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field


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
    validity: str = Field(default="", description="有效性（页面上的标注，如 现行有效、已废止、已失效）")
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


class Audience(StrEnum):
    """Who may apply, as the 个人/法人 filter shows it; derived from 服务对象."""

    PERSON = "个人"
    ORGANISATION = "法人"


LEVELS: tuple[str, ...] = ("国家", "省", "市", "区县")


def audiences_of(service_objects: list[str]) -> list[Audience]:
    """自然人 → 个人; 企业法人, 事业法人, 社会组织法人, 非法人企业, 其他组织 … → 法人."""
    found: list[Audience] = []
    for obj in service_objects:
        kind = Audience.PERSON if ("自然人" in obj or "个人" in obj) else Audience.ORGANISATION
        if kind not in found:
            found.append(kind)
    return found


def level_of(label: str, region_code: str = "") -> str:
    """Map 省级/市级/县级 labels or a 区划代码 to one of `LEVELS` ('' when unknown)."""
    for level, words in (("国家", ("国家", "国务院", "中央")), ("省", ("省",)), ("市", ("市",))):
        if any(w in label for w in words):
            return level
    if any(w in label for w in ("县", "区", "乡", "镇")):
        return "区县"
    code = region_code[:6]
    if len(code) == 6 and code.isdigit():
        if code == "100000":
            return "国家"
        return "省" if code[2:] == "0000" else "市" if code[4:] == "00" else "区县"
    return ""


class CatalogueItem(BaseModel):
    """One item of the 政务服务事项目录; a guide, when there is one, describes how to apply."""

    model_config = ConfigDict(extra="forbid")

    name: str = Field(min_length=1, description="事项名称")
    code: str = Field(default="", description="实施编码")
    basic_code: str = Field(default="", description="基本编码/目录编码")
    parent_code: str = Field(default="", description="父目录编码")
    parent_name: str = Field(default="", description="父项（主项）名称")
    sub_item: str = Field(default="", description="子项名称")
    authority: str = Field(default="", description="实施主体")
    authority_code: str = Field(default="", description="实施主体编码")
    item_type: str = Field(default="", description="事项类型")
    service_objects: list[str] = Field(default_factory=list, description="服务对象")
    subjects: list[str] = Field(default_factory=list, description="主题分类")
    aliases: list[str] = Field(default_factory=list, description="简称/日常用语")
    level: str = Field(default="", description="层级（国家/省/市/区县）")
    region: str = Field(default="", description="行政区划")
    region_code: str = Field(default="", description="区划代码")
    online_url: str = Field(default="", description="在线办理 URL")
    guide_id: str | None = Field(default=None, description="办事指南文档 id")

    @property
    def key(self) -> str:
        """The item's address in /item/{key}: its 实施编码, or a stable id when it has none."""
        return self.code or stable_id("i", f"{self.region_code}|{self.authority}|{self.name}")

    @classmethod
    def from_guide(cls, guide: ServiceGuide, **extra: object) -> CatalogueItem:
        values: dict[str, object] = {
            "name": guide.item_name,
            "code": guide.item_code,
            "basic_code": guide.catalogue_code,
            "authority": guide.authority,
            "item_type": guide.item_type,
            "service_objects": guide.service_objects,
            "subjects": guide.subjects,
            "level": level_of(guide.level, guide.region_code),
            "region": guide.region,
            "region_code": guide.region_code,
            "online_url": guide.online_url,
            "guide_id": guide.id,
        }
        values.update(extra)
        return cls.model_validate(values)


class ItemLink(BaseModel):
    """Why a document concerns a catalogue item: the rule that fired, the sentence, and how sure we are."""

    model_config = ConfigDict(extra="forbid")

    doc_id: str = Field(description="文档 id")
    item_key: str = Field(description="事项 key（实施编码）")
    rule: str = Field(
        description="命中规则：guide/code/title_name/body_name/alias/alias_subject/subject/object_action"
    )
    evidence: str = Field(default="", description="命中的句子")
    confidence: float = Field(ge=0, le=1, description="置信度")


class Scenario(BaseModel):
    """A life event (我要结婚 …): a curated group of items and policies, from an editable data file."""

    model_config = ConfigDict(extra="forbid")

    slug: str = Field(pattern=r"^[a-z0-9-]+$")
    name: str = Field(min_length=1, description="场景名称，如 我要结婚")
    summary: str = Field(default="", description="一句话说明")
    keywords: list[str] = Field(default_factory=list, description="查询中出现这些词时显示场景卡片")
    excluded: list[str] = Field(
        default_factory=list, description="这些词里的关键词不算出现（计划生育 里的 生育 不是生孩子）"
    )
    items: list[str] = Field(default_factory=list, description="事项名称（按名称在目录中查找）")
    policies: list[str] = Field(default_factory=list, description="政策文件标题")
