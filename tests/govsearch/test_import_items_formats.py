"""`govsearch import-items` on both catalogue shapes, bad rows and an unknown format."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from govsearch.cli import main
from indexer.catalogue.store import ItemStore
from indexer.storage import Database
from indexer.store import Store


def test_both_formats_import_into_one_catalogue(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    jsonl = tmp_path / "gd.jsonl"
    record = {"事项名称": "社会保障卡挂失", "事项编码": "GD1", "行政区划": "广东省", "区划代码": "440000"}
    jsonl.write_text(json.dumps(record, ensure_ascii=False) + "\n", encoding="utf-8")
    csv = tmp_path / "sc.csv"
    csv.write_text(
        "部门,主项,事项名称,itemCode(实施编码)\n区人社局,社会保障卡挂失与解挂,社会保障卡挂失,SC1\n"
        "区人社局,未分类,,SC2\n",
        encoding="utf-8",
    )
    data = str(tmp_path / "d")
    assert main(["--data-dir", data, "import-items", str(jsonl)]) == 0
    assert main(["--data-dir", data, "import-items", str(csv), "--no-index"]) == 0
    err = capsys.readouterr().err
    assert f"跳过 {csv}:3: " in err and "导入完成：1 项，跳过 1 行" in err
    items = ItemStore(Store(Database.for_path(tmp_path / "d" / "store.sqlite3")))
    assert [i.key for i in items.group("社会保障卡挂失")] == ["GD1", "SC1"]

    other = tmp_path / "notes.csv"
    other.write_text("标题,内容\n", encoding="utf-8")
    assert main(["--data-dir", data, "import-items", str(other)]) == 2
    assert "无法识别的事项文件格式" in capsys.readouterr().err
    assert items.count() == 2
