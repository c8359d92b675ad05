"""Index values for the 个人/法人, 层级 and 区划 filters, from a document's own fields."""

from __future__ import annotations

import re

from indexer.documents import Document, PolicyDocument, audiences_of, level_of

# 广东省广州市天河区 → 广东省, 广州市, 天河区
_REGION_PART = re.compile(r".+?(?:自治区|自治州|特别行政区|省|市|区|县|盟|旗)")
_NATIONAL_ISSUERS = ("国务院", "中共中央", "全国人民代表大会", "国家")
NATIONWIDE = "^全国"  # marks documents that apply everywhere; "^X" marks a document of region X exactly


def region_parts(region: str) -> list[str]:
    parts = _REGION_PART.findall(region)
    return [p for p in dict.fromkeys([region, *parts]) if p]


def area_values(region: str, region_code: str) -> tuple[str, ...]:
    """Every name and code a citizen might filter this document's region by."""
    values = region_parts(region)
    if code := _code(region_code):
        values.append(code)
    return tuple(dict.fromkeys(values))


def _code(region_code: str) -> str:
    code = region_code[:6]
    return code if len(code) == 6 and code.isdigit() else ""


def scope_markers(region: str, region_code: str, level: str) -> tuple[str, ...]:
    """Markers that let a filter for a region below this document's find it (a city finds its province)."""
    if level == "国家" and not region:
        return (NATIONWIDE,)
    parts = region_parts(region)
    markers = [f"^{parts[-1]}"] if parts else []
    if code := _code(region_code):
        markers.append(f"^{code}")
    return tuple(markers)


def region_filter_values(region: str) -> tuple[str, ...]:
    """region=X finds documents of X or inside it, of the regions above X, and national ones.

    Above is known from a 区划代码 (440100 → 440000) or from a full name (广东省广州市 → 广东省)."""
    wanted = region.strip()
    if _code(wanted) == wanted:
        above = [f"^{c}" for c in dict.fromkeys((wanted[:2] + "0000", wanted[:4] + "00")) if c != wanted]
    else:
        above = [f"^{p}" for p in region_parts(wanted)[1:-1]]
    return (wanted, *above, NATIONWIDE)


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


def audience_values(doc: Document) -> tuple[str, ...]:
    """个人/法人 of a guide, from its 服务对象; policies name no audience."""
    if isinstance(doc, PolicyDocument):
        return ()
    return tuple(a.value for a in audiences_of(doc.service_objects))


def area_filter_values(doc: Document) -> tuple[str, ...]:
    """What the 地区 filter matches: the document's region names and code, and scope markers."""
    level = document_level(doc)
    return (
        *area_values(doc.region, doc.region_code),
        *scope_markers(doc.region, doc.region_code, level),
    )
