"""广东政务服务网 records → `CatalogueItem` (the guide itself comes from `indexer.importer`)."""

from __future__ import annotations

import re
from typing import Any

from indexer.documents import CatalogueItem, ServiceGuide

_ALIAS_SPLIT = re.compile(r"[,，、;；/]")
_NONE = ("", "无", "null", "None")


def _text(value: Any) -> str:
    text = "" if value is None else str(value).strip()
    return "" if text in _NONE else text


def aliases_of(raw: dict[str, Any], name: str) -> list[str]:
    """简称 (matter_short) and 日常用语 (matter_daily), split, without the name itself."""
    found: list[str] = []
    for key in ("matter_short", "matter_daily"):
        for part in _ALIAS_SPLIT.split(_text(raw.get(key))):
            part = part.strip()
            if part and part != name and part not in found:
                found.append(part)
    return found


def item_from_record(record: dict[str, Any], guide: ServiceGuide) -> CatalogueItem:
    raw = record.get("_raw")
    raw = raw if isinstance(raw, dict) else {}
    basic = guide.catalogue_code
    parent = _text(record.get("父目录编码"))
    return CatalogueItem.from_guide(
        guide,
        parent_code=parent if parent != basic else "",
        parent_name=_text(record.get("目录名称")),
        sub_item=_text(record.get("子项名称")),
        authority_code=_text(record.get("实施主体编码")),
        aliases=aliases_of(raw, guide.item_name),
    )
