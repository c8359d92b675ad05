"""Import service items with their guides from a catalogue export (JSON Lines, Chinese field names).

The format is that of 广东政务服务网 exports (`../shared/data/service_items/guangdong.jsonl`):
one JSON object per line with 事项名称, 事项编码, 目录编码, 实施主体, 服务对象, 受理条件, 申请材料说明 …
A bad line is reported with its number and skipped; the rest are imported.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import Any, TypeVar

from pydantic import ValidationError

from indexer.documents import ServiceGuide

T = TypeVar("T")

_FEE_WORDS = ("是", "否", "收费", "不收费", "免费")


@dataclass
class ImportReport:
    imported: int = 0
    errors: list[str] = field(default_factory=list)


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, list):
        return "、".join(_text(v) for v in value if v)
    text = str(value).strip()
    return "" if text in ("无", "null", "None") else text


def _list(value: Any) -> list[str]:
    if value is None:
        return []
    if isinstance(value, list):
        return [t for t in (_text(v) for v in value) if t]
    return [t.strip() for t in str(value).replace("；", "\n").splitlines() if t.strip() and t.strip() != "无"]


def _location(value: Any) -> str:
    text = _text(value)
    return text.removeprefix("办理地点：").removeprefix("办理地点:")


def _fee(record: dict[str, Any]) -> str:
    fee = _text(record.get("收费"))
    summary = _text(record.get("是否收费摘要"))
    if not fee and summary.startswith(_FEE_WORDS):
        fee = summary
    return fee


def guide_from_record(record: dict[str, Any], *, site: str = "") -> ServiceGuide:
    """Map one catalogue record (Chinese field names) to a `ServiceGuide`; keeps 事项编码."""
    name = _text(record.get("事项名称"))
    code = _text(record.get("事项编码"))
    url = _text(record.get("办事指南URL")) or f"urn:item:{code or name}"
    return ServiceGuide(
        url=url,
        site=site or _text(record.get("办理平台")) or "政务服务网",
        region=_text(record.get("行政区划")),
        region_code=_text(record.get("区划代码")),
        item_name=name,
        item_code=code,
        catalogue_code=_text(record.get("目录编码")),
        authority=_text(record.get("实施主体")),
        item_type=_text(record.get("事项类型")),
        service_objects=_list(record.get("服务对象")),
        subjects=_list(record.get("主题分类")),
        conditions=_text(record.get("受理条件")),
        materials=_list(record.get("申请材料说明")),
        legal_time_limit=_text(record.get("法定时限")),
        promised_time_limit=_text(record.get("承诺时限")),
        fee=_fee(record),
        location=_location(record.get("办理地点")),
        phone=_text(record.get("咨询电话")),
        online_url=_text(record.get("办事指南URL")),
        level=_text(record.get("层级")),
    )


def checked(report: ImportReport, where: str, make: Callable[[], T]) -> list[T]:
    """[make()], or [] with `where: reason` in `report.errors` when the row is bad."""
    try:
        value = make()
    except (ValueError, ValidationError) as exc:
        report.errors.append(f"{where}: {_short(exc)}")
        return []
    report.imported += 1
    return [value]


def _record(line: str) -> dict[str, Any]:
    record = json.loads(line)
    if not isinstance(record, dict):
        raise ValueError("不是 JSON 对象")
    if not _text(record.get("事项名称")):
        raise ValueError("缺少“事项名称”")
    return record


def parse_line(build: Callable[[dict[str, Any]], T], line: str) -> T:
    """`build(record)` of one JSON Lines line; ValueError (or ValidationError) when it is bad."""
    return build(_record(line))


def numbered_lines(path: Path) -> Iterator[tuple[int, str]]:
    """(line number, line) for each line of a JSON Lines file that is not blank."""
    with path.open(encoding="utf-8-sig") as handle:
        for number, line in enumerate(handle, start=1):
            if line.strip():
                yield number, line


def read_records(path: Path, report: ImportReport, build: Callable[[dict[str, Any]], T]) -> Iterator[T]:
    """`build(record)` for each line of a JSON Lines file; bad lines go to `report.errors` (file:line)."""
    for number, line in numbered_lines(path):
        yield from checked(report, f"{path}:{number}", partial(parse_line, build, line))


def read_service_items(path: Path, report: ImportReport) -> Iterator[ServiceGuide]:
    """Yield the guides of a JSON Lines file; bad lines go to `report.errors` as `file:line: reason`."""
    return read_records(path, report, guide_from_record)


def _short(exc: Exception) -> str:
    if isinstance(exc, ValidationError):
        return "; ".join(f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in exc.errors())
    return str(exc)
