"""Per-site extraction rules: optional CSS selectors a site profile gives in its [extract] table."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field, field_validator
from selectolax.lexbor import LexborHTMLParser, SelectolaxError

_PROBE = LexborHTMLParser("<html><body><p>x</p></body></html>")


def check_selector(selector: str) -> str:
    """`selector` if lexbor accepts it, else a ValueError naming it."""
    try:
        _PROBE.css(selector)
    except SelectolaxError as exc:
        raise ValueError(f"invalid CSS selector {selector!r}: {exc}") from exc
    return selector


class ExtractRules(BaseModel):
    """Where a site keeps each part of a page; anything left empty falls back to the generic rules."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    title: str = Field(default="", description="CSS selector of the title element")
    body: str = Field(default="", description="CSS selector of the main text")
    date: str = Field(default="", description="CSS selector of the element holding the 发布日期")
    issuer: str = Field(default="", description="CSS selector of the element naming the 发文机关")
    label_tables: str = Field(
        default="table.bd1", description="CSS selector of tables with 标题/发文字号/… label cells"
    )
    drop: list[str] = Field(default_factory=list, description="CSS selectors removed before extraction")

    @field_validator("title", "body", "date", "issuer", "label_tables")
    @classmethod
    def _check_one(cls, selector: str) -> str:
        return check_selector(selector) if selector else selector

    @field_validator("drop")
    @classmethod
    def _check_many(cls, selectors: list[str]) -> list[str]:
        return [check_selector(selector) for selector in selectors]


DEFAULT_RULES = ExtractRules()
