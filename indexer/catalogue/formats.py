"""Read catalogue files of either known shape into (item, guide) pairs, whatever the file is called.

- 广东政务服务网 export (JSON Lines, Chinese keys: 事项名称, 事项编码, 目录编码 … with guides);
- 四川政务服务网 item list (CSV: 部门, 主项, 事项名称, itemCode(实施编码), …; names and codes only).

Detection looks at the content, not the file name. A bad row is reported as `file:line: reason` and
skipped; the rest are read.
"""

from __future__ import annotations

import csv
from collections.abc import Iterator
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Any

from indexer.catalogue.guangdong import item_from_record
from indexer.catalogue.sichuan import SICHUAN_COLUMNS, item_from_row
from indexer.documents import CatalogueItem, ServiceGuide
from indexer.importer import ImportReport, checked, guide_from_record, read_records

GUANGDONG = "guangdong-jsonl"
SICHUAN = "sichuan-csv"


class UnknownFormat(ValueError):
    """The file is neither of the catalogue shapes we read."""


@dataclass(frozen=True)
class Imported:
    item: CatalogueItem
    guide: ServiceGuide | None


def _first_line(path: Path) -> str:
    with path.open(encoding="utf-8-sig", errors="replace") as handle:
        for line in handle:
            if line.strip():
                return line.strip()
    return ""


def detect_format(path: Path) -> str:
    first = _first_line(path)
    if first.startswith("{") and "事项名称" in first:
        return GUANGDONG
    header = next(csv.reader([first]), [])
    if all(col in header for col in SICHUAN_COLUMNS):
        return SICHUAN
    raise UnknownFormat(
        f"{path}:1: 无法识别的事项文件格式。支持：广东政务服务网 JSON Lines（每行一个含“事项名称”的对象）；"
        f"四川政务服务网 CSV（表头含 {'、'.join(SICHUAN_COLUMNS)}）"
    )


def from_record(record: dict[str, Any]) -> Imported:
    """The item and guide of one 广东 record."""
    guide = guide_from_record(record)
    return Imported(item_from_record(record, guide), guide)


def _from_row(row: dict[str, Any], width: int) -> Imported:
    if None in row or any(value is None for value in row.values()):
        raise ValueError(f"列数不对：应为 {width} 列")
    return Imported(item_from_row(row), None)


def _read_sichuan(path: Path, report: ImportReport) -> Iterator[Imported]:
    with path.open(encoding="utf-8-sig", newline="") as handle:
        reader = csv.DictReader(handle)
        for row in reader:
            width = len(reader.fieldnames or [])
            yield from checked(report, f"{path}:{reader.line_num}", partial(_from_row, row, width))


def read_catalogue(path: Path, report: ImportReport) -> Iterator[Imported]:
    """Items (and guides, where the file has them) of a catalogue file; raises `UnknownFormat`."""
    kind = detect_format(path)
    return read_records(path, report, from_record) if kind == GUANGDONG else _read_sichuan(path, report)
