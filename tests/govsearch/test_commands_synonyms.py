"""`govsearch synonyms …` and `govsearch users …` as staff run them."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest

from govsearch.cli import main
from indexer.storage import Database
from web.admin.accounts import Accounts


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    status = main(list(args))
    out, err = capsys.readouterr()
    return status, out, err


def test_check_passes_the_packaged_files_and_names_file_and_line_of_problems(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    status, out, _ = run(capsys, "synonyms", "check")
    assert status == 0 and "没有问题" in out
    bad = tmp_path / "bad.txt"
    bad.write_text("甲方 => 乙方  # a\n乙方 => 甲方  # b\n丙方 => 丙方\n", encoding="utf-8")
    status, _, err = run(capsys, "synonyms", "check", str(bad))
    assert status == 1
    assert (
        "bad.txt:2: 规则形成循环：甲方 => 乙方 => 甲方" in err
        and "bad.txt:3: 规则把“丙方”映射到它自己" in err
    )


def test_import_catalogue_writes_a_candidates_file_that_is_not_live(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    items = tmp_path / "items.jsonl"
    item = {"事项名称": "居民户口簿", "事项编码": "Z1", "_raw": {"matter_daily": "户口本,要户口本"}}
    items.write_text(json.dumps(item, ensure_ascii=False) + "\n", encoding="utf-8")
    out_file = tmp_path / "cands.txt"
    status, out, _ = run(capsys, "synonyms", "import-catalogue", str(items), "--out", str(out_file))
    assert status == 0 and "生成候选规则 1 条" in out and "未生效" in out
    assert "要户口本 => 居民户口簿" in out_file.read_text(encoding="utf-8")  # 户口本 is already a rule
    status, _, err = run(capsys, "synonyms", "import-catalogue", str(tmp_path / "none.jsonl"))
    assert status == 2 and err.startswith("错误：无法读取")


def test_users_add_hashes_the_password_and_refuses_bad_input(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    data = ["--data-dir", str(tmp_path)]
    monkeypatch.setattr("sys.stdin", io.StringIO("long enough secret\n"))
    status, out, _ = run(capsys, *data, "users", "add", "wang", "--role", "reviewer", "--password-stdin")
    assert status == 0 and "已创建账号 wang（reviewer）" in out
    stored = b"".join(p.read_bytes() for p in tmp_path.glob("store.sqlite3*"))  # with the WAL file
    assert b"wang" in stored and b"long enough secret" not in stored
    assert (
        Accounts(Database.for_path(tmp_path / "store.sqlite3")).login("wang", "long enough secret")
        is not None
    )
    monkeypatch.setattr("sys.stdin", io.StringIO("short\n"))
    status, _, err = run(capsys, *data, "users", "add", "li", "--role", "editor", "--password-stdin")
    assert status == 2 and "密码至少 10 个字符" in err
    monkeypatch.setattr("sys.stdin", io.StringIO("long enough secret\n"))
    status, _, err = run(capsys, *data, "users", "add", "wang", "--role", "editor", "--password-stdin")
    assert status == 2 and "已存在" in err
    status, out, _ = run(capsys, *data, "users", "list")
    assert out == "wang\treviewer\n"


def test_import_catalogue_can_file_the_candidates_as_a_pending_proposal(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from synonyms.staff_store import StaffStore

    items = tmp_path / "items.jsonl"
    item = {"事项名称": "公证员信息查询", "事项编码": "Z1", "_raw": {"matter_daily": "找公证员"}}
    items.write_text(json.dumps(item, ensure_ascii=False) + "\n", encoding="utf-8")
    data = ["--data-dir", str(tmp_path / "d")]
    out_file = str(tmp_path / "c.txt")
    args = ["synonyms", "import-catalogue", str(items), "--out", out_file, "--propose-as", "wang"]
    status, _, err = run(capsys, *data, *args)
    assert status == 2 and "没有管理后台账号 wang" in err
    Accounts(Database.for_path(tmp_path / "d" / "store.sqlite3")).add_user(
        "wang", "editor", "long enough secret"
    )
    status, out, _ = run(capsys, *data, *args)
    assert status == 0 and "待审核提议#1" in out
    store = StaffStore(Database.for_path(tmp_path / "d" / "store.sqlite3"))
    (proposal,) = store.proposals("pending")
    assert proposal.author == "wang" and proposal.change.action == "import"
    assert [r.line for r in proposal.change.imported] == [
        "找公证员 => 公证员信息查询   # 目录日常用语，事项编码 Z1"
    ]
    assert store.current_version() == 0  # nothing live until a reviewer approves
