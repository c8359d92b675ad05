"""Data of the demo site: policy documents (政策文件) and service guides (办事指南) of 示例市.

The data lives in ``demo/content/*.toml`` (package data) and is validated here.
All of it is fictional and written for this project.
"""

from __future__ import annotations

import re
import tomllib
from functools import cache
from importlib import resources
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

DATE_RE = re.compile(r"^(20(19|2[0-6]))年(0[1-9]|1[0-2])月(0[1-9]|[12]\d|3[01])日$")
SLUG_RE = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")

MatterType = Literal["行政许可", "公共服务", "行政确认", "行政给付", "其他行政权力"]
Level = Literal["市级", "区县级"]


def _check_date(value: str) -> str:
    if not DATE_RE.match(value):
        raise ValueError(f"date must look like 2024年03月01日 (2019–2026): {value!r}")
    return value


class Attachment(BaseModel):
    """A link to an attached file of a policy (the file itself need not exist)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str
    href: str = Field(pattern=r"^/files/[a-z0-9_\-]+\.(pdf|doc|docx|xls|xlsx)$")


class Policy(BaseModel):
    """A policy document in the gov.cn disclosure layout."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    slug: str = Field(pattern=SLUG_RE.pattern)
    title: str  # 标题
    index_no: str = Field(pattern=r"^[0-9A-Z]{18}/20\d\d-\d{5}$")  # 索引号
    category: str  # 主题分类
    issuer: str  # 发文机关
    written: str  # 成文日期
    published: str  # 发布日期
    doc_no: str = Field(pattern=r"^\S+〔20\d\d〕\d+号$")  # 发文字号
    addressee: str  # 主送, e.g. 各区县人民政府，市直各有关单位：
    body: str  # paragraphs separated by newlines
    signature: str = ""  # 落款 when it differs from the issuer
    attachments: tuple[Attachment, ...] = ()

    _written = field_validator("written")(_check_date)
    _published = field_validator("published")(_check_date)

    @property
    def paragraphs(self) -> list[str]:
        return [line.strip() for line in self.body.splitlines() if line.strip()]

    @property
    def signed_by(self) -> str:
        return self.signature or self.issuer

    @property
    def path(self) -> str:
        return f"/zhengce/{self.slug}.html"


class Guide(BaseModel):
    """A service guide (办事指南) with the fields of a provincial 政务服务网 item."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    slug: str = Field(pattern=SLUG_RE.pattern)
    name: str  # 事项名称
    code: str = Field(pattern=r"^[0-9A-Z]{18}\d{10}$")  # 事项编码
    catalog_code: str = Field(pattern=r"^\d{12}$")  # 目录编码
    agency: str  # 实施主体
    matter_type: MatterType  # 事项类型
    audience: tuple[str, ...] = Field(min_length=1)  # 服务对象
    level: Level  # 办理层级
    conditions: str  # 受理条件
    materials: tuple[str, ...] = Field(min_length=3, max_length=8)  # 申请材料
    legal_limit: str  # 法定时限
    promised_limit: str  # 承诺时限
    fee: str  # 是否收费
    place: str  # 办理地点
    phone: str  # 咨询电话
    online_url: str = Field(pattern=r"^https://zwfw\.example\.gov\.cn/\S+$")  # 在线办理
    published: str  # 发布日期

    _published = field_validator("published")(_check_date)

    @property
    def path(self) -> str:
        return f"/bszn/{self.slug}.html"


def _date_key(value: str) -> str:
    return value.replace("年", "-").replace("月", "-").replace("日", "")


def _read_toml(name: str) -> dict[str, object]:
    text = resources.files("demo").joinpath("content", name).read_text(encoding="utf-8")
    return tomllib.loads(text)


def _unique(values: list[str], what: str) -> None:
    seen: set[str] = set()
    for value in values:
        if value in seen:
            raise ValueError(f"duplicate {what}: {value}")
        seen.add(value)


@cache
def load_policies() -> tuple[Policy, ...]:
    """All policies, newest 发布日期 first; slugs, 发文字号 and 索引号 are unique."""
    raw = _read_toml("policies.toml")["policy"]
    assert isinstance(raw, list)
    policies = [Policy.model_validate(item) for item in raw]
    for attr in ("slug", "doc_no", "index_no", "title"):
        _unique([str(getattr(p, attr)) for p in policies], attr)
    return tuple(sorted(policies, key=lambda p: _date_key(p.published), reverse=True))


@cache
def load_guides() -> tuple[Guide, ...]:
    """All service guides, newest 发布日期 first; slugs, 事项编码 and names are unique."""
    raw = _read_toml("guides.toml")["guide"]
    assert isinstance(raw, list)
    guides = [Guide.model_validate(item) for item in raw]
    for attr in ("slug", "code", "name"):
        _unique([str(getattr(g, attr)) for g in guides], attr)
    return tuple(sorted(guides, key=lambda g: _date_key(g.published), reverse=True))
