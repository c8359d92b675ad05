"""四川政务服务网 item-list rows → `CatalogueItem` (names, codes and hierarchy; no guide)."""

from __future__ import annotations

from functools import lru_cache
from importlib import resources

from indexer.documents import CatalogueItem, level_of

SICHUAN_COLUMNS = ("部门", "主项", "事项名称", "itemCode(实施编码)")
_UNGROUPED = "未分类"


@lru_cache(maxsize=1)
def region_names() -> dict[str, str]:
    text = resources.files("indexer.catalogue").joinpath("data/regions.tsv").read_text(encoding="utf-8")
    names: dict[str, str] = {}
    for line in text.splitlines():
        if line.strip() and not line.startswith("#"):
            code, name = line.split("\t")
            names[code.strip()] = name.strip()
    return names


def region_name(code: str) -> str:
    """四川省广安市广安区 for 511602; the parts we know, the code itself when we know none."""
    code = code[:6]
    names = region_names()
    parts = [names.get(c, "") for c in dict.fromkeys((code[:2] + "0000", code[:4] + "00", code))]
    return "".join(p for p in parts if p) or code


def basic_code_of(item_code: str, area_code: str) -> str:
    """The part of a 实施编码 before its 区划代码 segment: 511A0138000000, G-000007-001 …"""
    head, sep, _tail = item_code.partition(f"-{area_code}")
    return head if sep else item_code.split("-", 1)[0]


def item_from_row(row: dict[str, str]) -> CatalogueItem:
    name = row["事项名称"].strip()
    code = row["itemCode(实施编码)"].strip()
    if not name:
        raise ValueError("缺少“事项名称”")
    if not code:
        raise ValueError("缺少“itemCode(实施编码)”")
    area = (row.get("areaCode") or "").strip()
    parent = row["主项"].strip()
    return CatalogueItem(
        name=name,
        code=code,
        basic_code=basic_code_of(code, area),
        parent_name="" if parent in ("", _UNGROUPED) or parent == name else parent,
        authority=row["部门"].strip(),
        authority_code=(row.get("deptCode") or "").strip(),
        item_type=(row.get("事项类型(按国标代码推断)") or "").strip(),
        level=level_of("", area),
        region=region_name(area) if area else "",
        region_code=area[:6],
        online_url=(row.get("办事指南URL") or "").strip(),
    )
