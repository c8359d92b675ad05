from __future__ import annotations

import json
from pathlib import Path

from indexer.importer import ImportReport, read_service_items
from tests.shared_data import shared_path


def test_imports_guangdong_items_keeping_codes() -> None:
    path = shared_path("data/service_items/guangdong.jsonl")
    report = ImportReport()
    guides = list(read_service_items(path, report))
    assert report.errors == []
    assert len(guides) == report.imported == 2262
    first = guides[0]
    assert first.item_name == "临时价格干预范围事项提价申报"
    assert first.item_code == "11440000006939756B2440101007000"
    assert first.catalogue_code == "440101007000"
    assert first.authority == "广东省发展和改革委员会"
    assert first.location == "广州市越秀区东风中路305号5号楼808房"
    assert first.level == "省级" and first.region_code == "440000"
    assert "自然人" in first.service_objects
    assert len({g.id for g in guides}) == len({g.item_code for g in guides})


def test_bad_lines_are_reported_and_skipped(tmp_path: Path) -> None:
    good = {"事项名称": "律师执业证书注销审核", "事项编码": "X1", "申请材料说明": "申请书；身份证"}
    path = tmp_path / "items.jsonl"
    lines = [json.dumps(good, ensure_ascii=False), "{not json", json.dumps({"事项编码": "X2"}), "[1, 2]", ""]
    path.write_text("\n".join(lines), encoding="utf-8")
    report = ImportReport()
    guides = list(read_service_items(path, report))
    assert [g.item_code for g in guides] == ["X1"]
    assert guides[0].materials == ["申请书", "身份证"]
    assert [e.split(": ")[0] for e in report.errors] == [f"{path}:2", f"{path}:3", f"{path}:4"]
    assert "事项名称" in report.errors[1]
