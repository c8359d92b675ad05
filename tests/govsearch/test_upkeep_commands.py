"""`govsearch check` finds and repairs a disagreeing index; `backup` and `restore` make a round trip."""

from __future__ import annotations

from pathlib import Path

import pytest

from govsearch.cli import main
from indexer.backends.tantivy_backend import TantivyBackend
from indexer.fields import to_index_doc
from indexer.storage import Database
from indexer.store import Store
from tests.factories import SAMPLE_DOCUMENTS, build_data_dir, guide


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str]:
    status = main(list(argv))
    captured = capsys.readouterr()
    return status, captured.out + captured.err


def test_check_reports_and_repairs_missing_extra_and_stale_documents(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    build_data_dir(tmp_path)
    status, out = run(capsys, "--data-dir", str(tmp_path), "check")
    assert status == 0 and "索引与存储一致" in out
    store = Store(Database.for_path(tmp_path / "store.sqlite3"))
    missing = SAMPLE_DOCUMENTS[0].id
    index = TantivyBackend(tmp_path / "index", writable=True)
    index.delete([missing])
    index.index([to_index_doc(guide("不在存储中的事项", "Z999"))])
    index.close()
    store.close()
    status, out = run(capsys, "--data-dir", str(tmp_path), "check")
    assert status == 1 and "索引缺少 1 篇" in out and missing in out and "索引多出 1 篇" in out
    status, out = run(capsys, "--data-dir", str(tmp_path), "check", "--repair")
    assert status == 0 and "已修复" in out and out.rstrip().endswith("索引与存储一致")


def test_backup_and_restore_round_trip(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    data = tmp_path / "data"
    build_data_dir(data)
    assert run(capsys, "--data-dir", str(data), "backup", str(tmp_path / "copy"))[0] == 0
    store = Store(Database.for_path(data / "store.sqlite3"))
    store.upsert([guide("备份之后新增的事项", "N001")])
    store.close()
    assert run(capsys, "--data-dir", str(data), "index")[0] == 0
    assert TantivyBackend(data / "index").count() == len(SAMPLE_DOCUMENTS) + 1
    status, out = run(capsys, "--data-dir", str(data), "restore", str(tmp_path / "copy"))
    assert status == 0 and "已从" in out
    store = Store(Database.for_path(data / "store.sqlite3"))
    assert store.count() == len(SAMPLE_DOCUMENTS)
    store.close()
    assert TantivyBackend(data / "index").count() == len(SAMPLE_DOCUMENTS)
    status, out = run(capsys, "--data-dir", str(data), "check")
    assert status == 0 and "索引与存储一致" in out
    assert run(capsys, "--data-dir", str(data), "backup", str(tmp_path / "copy"))[0] == 2  # not empty


def test_restore_refuses_a_folder_that_is_not_a_backup(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    status, out = run(capsys, "--data-dir", str(tmp_path / "d"), "restore", str(tmp_path))
    assert status == 2 and "不是 govsearch backup 做的备份" in out


def test_restore_refuses_when_the_store_is_a_database_elsewhere(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """A backup holds an SQLite store; with GOVSEARCH_DATABASE_URL set, restoring it into the data
    directory would write a file no server reads, so restore says so and changes nothing."""
    build_data_dir(tmp_path / "d")
    status, _ = run(capsys, "--data-dir", str(tmp_path / "d"), "backup", str(tmp_path / "b"))
    assert status == 0
    monkeypatch.setenv("GOVSEARCH_DATABASE_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/elsewhere")
    status, out = run(capsys, "--data-dir", str(tmp_path / "d"), "restore", str(tmp_path / "b"))
    assert status == 2 and "GOVSEARCH_DATABASE_URL" in out
    assert not list((tmp_path / "d").glob("*.restoring"))
