"""`govsearch db upgrade|check|copy` and what every command does when the store is not usable: one
line naming the problem, exit status 2, no traceback."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
from sqlalchemy import func, select

from govsearch.cli import main
from indexer.storage import Database, metadata
from indexer.storage.logs import QueryLog
from indexer.storage.synonyms import AuditEntry, SynonymRows
from indexer.store import Store
from tests.factories import SAMPLE_DOCUMENTS
from tests.postgres import fresh_database
from web.admin.accounts import Accounts

ENTRY = AuditEntry(0, "", "editor1", "提议新增", "", "x", "r", "待审核", None)


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    status = main(list(args))
    out, err = capsys.readouterr()
    return status, out, err


def test_a_shared_database_is_upgraded_on_purpose_then_used(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with fresh_database() as url:
        monkeypatch.setenv("GOVSEARCH_DATABASE_URL", url)
        monkeypatch.setenv("GOVSEARCH_DATA_DIR", str(tmp_path))
        status, _, err = run(capsys, "users", "list")
        assert status == 2 and "govsearch db upgrade" in err and "Traceback" not in err
        status, out, _ = run(capsys, "db", "check")
        assert status == 1 and "尚未建表" in out
        status, out, _ = run(capsys, "db", "upgrade")
        assert status == 0 and "升级到" in out
        status, out, _ = run(capsys, "db", "check")
        assert status == 0 and "状态：最新" in out
        monkeypatch.setattr("sys.stdin", io.StringIO("a long enough secret\n"))
        assert run(capsys, "users", "add", "wang", "--role", "reviewer", "--password-stdin")[0] == 0
        assert "wang" in run(capsys, "users", "list")[1]
        assert not (tmp_path / "store.sqlite3").exists()  # nothing went to the embedded file


def test_an_unreachable_server_is_one_line(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("GOVSEARCH_DATABASE_URL", "postgresql+psycopg://govsearch:secret@127.0.0.1:9/none")
    for command in (["users", "list"], ["db", "check"]):
        status, _, err = run(capsys, *command)
        assert status == 2 and err.startswith("错误：无法连接数据库")
        assert "secret" not in err and "***" in err and "Traceback" not in err


def test_the_embedded_store_still_upgrades_itself(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    status, out, _ = run(capsys, "--data-dir", str(tmp_path), "db", "check")
    assert status == 1 and "sqlite" in out
    assert run(capsys, "--data-dir", str(tmp_path), "best-bets", "list")[0] == 0
    assert run(capsys, "--data-dir", str(tmp_path), "db", "check")[0] == 0


def _counts(database: Database) -> dict[str, int]:
    with database.read() as conn:
        return {
            t.name: int(conn.execute(select(func.count()).select_from(t)).scalar_one())
            for t in metadata.sorted_tables
        }


def test_copy_moves_a_whole_store_and_checks_counts(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "store.sqlite3"
    source = Database.for_path(path)
    Store(source).upsert(SAMPLE_DOCUMENTS)
    Accounts(source).add_user("wang", "reviewer", "a long enough secret")
    SynonymRows(source).propose("editor1", "{}", "r", ENTRY)
    QueryLog(source).log_query("社保卡", None, 1, 3, visitor="v")
    expected = _counts(source)
    source.close()
    with fresh_database() as url:
        status, out, err = run(capsys, "db", "copy", "--from", f"sqlite:///{path}", "--to", url)
        assert status == 0, err
        assert "行数一致" in out and "synonym_audit：1 行（源 1 行）" in out
        target = Database.open(url)
        assert _counts(target) == expected
        assert Accounts(target).login("wang", "a long enough secret") is not None
        # the id sequences start after the copied rows: new rows get new ids
        assert SynonymRows(target).propose("editor2", "{}", "r", ENTRY) == 2
        QueryLog(target).log_query("公积金", None, 1, 1)
        target.close()
        status, _, err = run(capsys, "db", "copy", "--from", f"sqlite:///{path}", "--to", url)
        assert status == 2 and "目标数据库不是空的" in err


def test_the_commands_work_unchanged_on_postgresql(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """import-items, index, best-bets, users, synonyms and eval with only GOVSEARCH_DATABASE_URL set
    (crawl: tests/crawler/test_kill_resume.py; serve: tests/govsearch/test_two_servers.py)."""
    items = tmp_path / "items.jsonl"
    rows = [
        {
            "事项名称": "居民身份证换领",
            "事项编码": "X1",
            "实施主体": "示例市公安局",
            "_raw": {"matter_daily": "换二代证"},
        },
        {"事项名称": "社会保障卡挂失", "事项编码": "X2", "实施主体": "示例市人社局"},
    ]
    items.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
    queries = tmp_path / "q.tsv"
    queries.write_text("query\trelevant\tnote\n身份证换领\t居民身份证换领\t\n", encoding="utf-8")
    with fresh_database() as url:
        monkeypatch.setenv("GOVSEARCH_DATABASE_URL", url)
        monkeypatch.setenv("GOVSEARCH_DATA_DIR", str(tmp_path / "d"))
        assert run(capsys, "db", "upgrade")[0] == 0
        status, _, err = run(capsys, "import-items", str(items))
        assert status == 0 and "导入完成：2 项" in err and "索引完成：写入 2 篇" in err
        assert run(capsys, "index")[0] == 0
        doc_id = Store(Database.open(url)).corpus_rows()[0].id
        assert run(capsys, "best-bets", "add", "社保卡", doc_id, "--author", "张工")[0] == 0
        assert "张工" in run(capsys, "best-bets", "list")[1]
        monkeypatch.setattr("sys.stdin", io.StringIO("a long enough secret\n"))
        assert run(capsys, "users", "add", "wang", "--role", "editor", "--password-stdin")[0] == 0
        args = [
            "synonyms",
            "import-catalogue",
            str(items),
            "--out",
            str(tmp_path / "c.txt"),
            "--propose-as",
            "wang",
        ]
        status, out, _ = run(capsys, *args)
        assert status == 0 and "待审核提议#1" in out
        status, out, _ = run(capsys, "eval", str(queries))
        assert status == 0 and out.splitlines()[-1].startswith("success@10=1.000")
        assert not (tmp_path / "d" / "store.sqlite3").exists()
