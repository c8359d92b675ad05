"""Catalogue files of both shapes: detection, the shared files in full, bad rows by line."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from indexer.catalogue.formats import GUANGDONG, SICHUAN, UnknownFormat, detect_format, read_catalogue
from indexer.catalogue.sichuan import basic_code_of
from indexer.documents import CatalogueItem
from indexer.importer import ImportReport
from tests.shared_data import shared_path

HEADER = ",".join(
    [
        "部门",
        "主项",
        "事项名称",
        "itemCode(实施编码)",
        "taskType",
        "事项类型(按国标代码推断)",
        "areaCode",
        "deptCode",
        "办事指南URL",
    ]
)


def test_guangdong_items_come_with_guides_aliases_and_hierarchy() -> None:
    path = shared_path("data/service_items/guangdong.jsonl")
    assert detect_format(path) == GUANGDONG
    report = ImportReport()
    imported = list(read_catalogue(path, report))
    assert report.errors == [] and len(imported) == 2262
    assert all(x.guide is not None and x.item.guide_id == x.guide.id for x in imported)
    by_name: dict[str, CatalogueItem] = {}
    for x in imported:
        by_name.setdefault(x.item.name, x.item)  # the 省级 variant comes first
    lawyer = by_name["律师执业证书注销审核(律师执业证书注销)"]
    assert lawyer.aliases == ["注销律师证", "律师证注销"]
    assert lawyer.parent_name == "律师执业、变更、注销许可" and lawyer.sub_item == "律师执业证书注销"
    assert lawyer.level == "省" and lawyer.authority_code == "006940167"
    sub = by_name["实验动物生产许可(变更)"]
    assert sub.parent_code == "44010300100Y" and sub.basic_code == "440103001001"
    assert len({x.item.key for x in imported}) == 2262


def test_sichuan_items_have_codes_region_and_parent_items() -> None:
    path = shared_path("data/catalogue/sichuan_guangan.csv")
    assert detect_format(path) == SICHUAN
    report = ImportReport()
    items = [x.item for x in read_catalogue(path, report)]
    assert report.errors == [] and len(items) == 1135
    lost = next(i for i in items if i.name == "社会保障卡挂失")
    assert lost.parent_name == "社会保障卡挂失与解挂"
    assert lost.authority == "区人社局" and lost.level == "区县"
    assert lost.region == "四川省广安市广安区" and lost.region_code == "511602"
    assert lost.online_url.startswith("http://www.sczwfw.gov.cn/")
    assert all(x.guide_id is None for x in items)
    assert basic_code_of("G-000007-001-511602000000-000-1151-1-00", "511602000000") == "G-000007-001"


def test_bad_csv_rows_are_reported_by_line_and_the_rest_kept(tmp_path: Path) -> None:
    path = tmp_path / "items.csv"
    rows = [
        HEADER,
        "区民政局,未分类,结婚登记预约,A1-511602000000-1,20,公共服务,511602000000,D1,http://x/1",
        "区民政局,未分类,,A2-511602000000-1,20,公共服务,511602000000,D1,http://x/2",
        "区民政局,未分类,少了几列",
        "区民政局,未分类,补领结婚证,A3-511602000000-1,20,公共服务,511602000000,D1,http://x/3",
    ]
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    report = ImportReport()
    names = [x.item.name for x in read_catalogue(path, report)]
    assert names == ["结婚登记预约", "补领结婚证"]
    assert [e.split(": ")[0] for e in report.errors] == [f"{path}:3", f"{path}:4"]
    assert "事项名称" in report.errors[0] and "列数" in report.errors[1]


def test_bad_json_lines_are_reported_and_skipped(tmp_path: Path) -> None:
    path = tmp_path / "items.jsonl"
    good = {"事项名称": "律师执业证书注销审核", "事项编码": "X1", "_raw": {"matter_daily": "注销律师证"}}
    path.write_text(json.dumps(good, ensure_ascii=False) + "\n{broken\n", encoding="utf-8")
    report = ImportReport()
    imported = list(read_catalogue(path, report))
    assert [x.item.aliases for x in imported] == [["注销律师证"]]
    assert report.errors[0].startswith(f"{path}:2: ")


@pytest.mark.parametrize("content", ["标题,内容\n甲,乙\n", "just text\n", '{"title": "x"}\n', ""])
def test_unknown_formats_get_a_clear_error(tmp_path: Path, content: str) -> None:
    path = tmp_path / "other.txt"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(UnknownFormat, match="无法识别的事项文件格式"):
        list(read_catalogue(path, ImportReport()))
