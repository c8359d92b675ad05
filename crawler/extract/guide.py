"""办事指南 pages → ServiceGuide, driven by the labels of `<tr><th>LABEL</th><td>VALUE</td></tr>` rows."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from selectolax.lexbor import LexborNode

from crawler.extract.common import first_link, inline_text, labelled_cells, node_text, parse_date, parse_html
from indexer.documents import ServiceGuide

# label on the page → ServiceGuide field
GUIDE_LABELS: dict[str, str] = {
    "事项名称": "item_name",
    "事项编码": "item_code",
    "实施编码": "item_code",
    "目录编码": "catalogue_code",
    "基本编码": "catalogue_code",
    "实施主体": "authority",
    "办理部门": "authority",
    "事项类型": "item_type",
    "服务对象": "service_objects",
    "主题分类": "subjects",
    "受理条件": "conditions",
    "办理条件": "conditions",
    "申请材料": "materials",
    "办理材料": "materials",
    "法定时限": "legal_time_limit",
    "法定办结时限": "legal_time_limit",
    "承诺时限": "promised_time_limit",
    "承诺办结时限": "promised_time_limit",
    "是否收费": "fee",
    "收费标准": "fee",
    "办理地点": "location",
    "咨询电话": "phone",
    "咨询方式": "phone",
    "在线办理": "online_url",
    "办理层级": "level",
    "层级": "level",
    "行使层级": "level",
    "发布日期": "publish_date",
}
_LIST_SEPARATORS = re.compile(r"[、，,;；\s]+")
_ENUMERATOR = re.compile(r"^\s*(?:\d+\s*[.、．)）]|[（(]\d+[)）])\s*")


def split_list(text: str) -> list[str]:
    """'自然人、法人，其他组织' → ['自然人', '法人', '其他组织']."""
    return [part for part in _LIST_SEPARATORS.split(text) if part]


def materials_of(cell: LexborNode) -> list[str]:
    """One material per `<li>`, otherwise one per line with leading '1.' / '（1）' numbering removed."""
    items = [inline_text(item) for item in cell.css("li")]
    if not items:
        items = [_ENUMERATOR.sub("", line) for line in node_text(cell).split("\n")]
    return [item for item in items if item]


def _online_url(cell: LexborNode, base: str) -> str:
    return first_link(cell, base)


def _value(field: str, cell: LexborNode, base: str) -> Any:
    converters: dict[str, Callable[[LexborNode], Any]] = {
        "service_objects": lambda node: split_list(inline_text(node)),
        "subjects": lambda node: split_list(inline_text(node)),
        "materials": materials_of,
        "conditions": node_text,
        "online_url": lambda node: _online_url(node, base),
        "publish_date": lambda node: parse_date(inline_text(node)),
    }
    return converters.get(field, inline_text)(cell)


def guide_fields(root: LexborNode, base: str) -> dict[str, Any]:
    """ServiceGuide fields found in the labelled table rows under `root`; the first label of a field wins."""
    fields: dict[str, Any] = {}
    for label, cell in labelled_cells(root, frozenset(GUIDE_LABELS)).items():
        field = GUIDE_LABELS[label]
        if field not in fields:
            fields[field] = _value(field, cell, base)
    return {name: value for name, value in fields.items() if value not in ("", [], None)}


def extract_guide(
    url: str, html: str, *, site: str = "", region: str = "", region_code: str = ""
) -> ServiceGuide | None:
    """A ServiceGuide from a guide page, or None when neither a 事项名称 row nor an h1 names the item."""
    tree = parse_html(html)
    root = tree.css_first("#guide") or tree.body
    if root is None:
        return None
    fields = guide_fields(root, url)
    if not fields.get("item_name"):
        fields["item_name"] = inline_text(tree.css_first("h1"))
    if not fields["item_name"]:
        return None
    where = {"url": url, "site": site, "region": region, "region_code": region_code}
    return ServiceGuide.model_validate(where | fields)
