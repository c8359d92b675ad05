"""The `govsearch` commands as a user runs them: messages, exit codes, and nothing lost."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from govsearch.cli import main
from indexer.storage import Database
from indexer.store import Store


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    status = main(list(args))
    out, err = capsys.readouterr()
    return status, out, err


def test_import_items_reports_bad_lines_and_keeps_the_rest(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    items = tmp_path / "items.jsonl"
    good = {"事项名称": "律师执业证书注销审核", "事项编码": "X1", "实施主体": "广东省司法厅"}
    items.write_text(json.dumps(good, ensure_ascii=False) + "\n{oops\n", encoding="utf-8")
    status, _, err = run(capsys, "--data-dir", str(tmp_path / "d"), "import-items", str(items))
    assert status == 0
    assert f"{items}:2:" in err and "导入完成：1 项，跳过 1 行" in err
    assert "索引完成：写入 1 篇" in err
    assert Store(Database.for_path(tmp_path / "d" / "store.sqlite3")).count() == 1

    status, _, err = run(capsys, "--data-dir", str(tmp_path / "d"), "index")
    assert status == 0 and "写入 0 篇" in err


def test_missing_files_and_profiles_are_one_line_errors(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    status, _, err = run(capsys, "--data-dir", str(tmp_path), "import-items", str(tmp_path / "none.jsonl"))
    assert status == 2 and err.startswith("错误：文件不存在")
    status, _, err = run(capsys, "--data-dir", str(tmp_path), "crawl", "no-such-site")
    assert status == 2 and "no-such-site" in err


def test_eval_prints_the_summary_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from tests.factories import build_data_dir

    build_data_dir(tmp_path)
    queries = tmp_path / "q.tsv"
    queries.write_text(
        "query\trelevant\tnote\n换身份证\t居民身份证换领\t\n量子\t不存在的标题\t\n", encoding="utf-8"
    )
    status, out, _ = run(capsys, "--data-dir", str(tmp_path), "eval", str(queries))
    assert status == 0
    assert out.splitlines()[-1] == "success@10=0.500 MRR@10=0.500 nDCG@10=0.500 queries=2"
    assert "FAIL 量子" in out

    queries.write_text("query\trelevant\tnote\n只有查询\n", encoding="utf-8")
    status, _, err = run(capsys, "--data-dir", str(tmp_path), "eval", str(queries))
    assert status == 2 and f"{queries}:2" in err


def test_crawl_a_mirrored_directory_then_search(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from fastapi.testclient import TestClient

    from govsearch.app import create_app
    from govsearch.settings import Settings
    from tests.shared_data import shared_path

    pages = shared_path("data/pages/govcn_2019")
    args = (
        "--data-dir",
        str(tmp_path),
        "crawl",
        "govcn_2019",
        "--mirror-dir",
        str(pages),
        "--delay",
        "0",
        "--index",
    )
    status, _, err = run(capsys, *args)
    assert status == 0
    assert "新增或更新 60 篇" in err and "索引中共 60 篇" in err
    with TestClient(create_app(Settings(data_dir=tmp_path))) as client:
        hit = client.get("/api/v1/search", params={"q": "国办函〔2018〕71号"}).json()["hits"][0]
    assert hit["title"] == "国务院办公厅关于印发《政府网站集约化试点工作方案》的通知"
    assert hit["site"] == "中国政府网"


def test_an_index_of_another_format_gets_a_rebuild_hint(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    import tantivy

    builder = tantivy.SchemaBuilder()
    builder.add_text_field("other", stored=True)
    (tmp_path / "index").mkdir()
    tantivy.Index(builder.build(), path=str(tmp_path / "index"))
    status, _, err = run(capsys, "--data-dir", str(tmp_path), "index")
    assert status == 2 and "govsearch index --rebuild" in err
    status, _, err = run(capsys, "--data-dir", str(tmp_path), "index", "--rebuild")
    assert status == 0 and "索引完成" in err
