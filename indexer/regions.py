"""Index values for the 个人/法人, 层级 and 区划 filters, from a document's own fields."""

from __future__ import annotations

import re

from indexer.documents import Document, PolicyDocument, audiences_of, level_of

# 广东省广州市天河区 → 广东省, 广州市, 天河区
_REGION_PART = re.compile(r".+?(?:自治区|自治州|特别行政区|省|市|区|县|盟|旗)")
_NATIONAL_ISSUERS = ("国务院", "中共中央", "全国人民代表大会", "国家")


def region_parts(region: str) -> list[str]:
    parts = _REGION_PART.findall(region)
    return [p for p in dict.fromkeys([region, *parts]) if p]


def area_values(region: str, region_code: str) -> tuple[str, ...]:
    """Every name and code a citizen might filter this document's region by."""
    values = region_parts(region)
    code = region_code[:6]
    if len(code) == 6 and code.isdigit():
        values.append(code)
    return tuple(dict.fromkeys(values))


def _level_of_region(region: str) -> str:
    """广东省广州市 is a 市: the level of its last part."""
    parts = region_parts(region)
    return level_of(parts[-1]) if parts else ""


def document_level(doc: Document) -> str:
    if isinstance(doc, PolicyDocument):
        level = level_of("", doc.region_code)
        if not level and not doc.region and doc.issuer.startswith(_NATIONAL_ISSUERS):
            return "国家"
        return level or _level_of_region(doc.region)
    return level_of(doc.level, doc.region_code) or _level_of_region(doc.region)


def catalogue_facets(doc: Document) -> dict[str, tuple[str, ...]]:
    audiences = (
        () if isinstance(doc, PolicyDocument) else tuple(a.value for a in audiences_of(doc.service_objects))
    )
    level = document_level(doc)
    return {
        "audience": audiences,
        "level": (level,) if level else (),
        "area": area_values(doc.region, doc.region_code),
    }
