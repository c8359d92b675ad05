"""`import-items` parsing records in worker processes: the same store as a read in one process, bad
records named and skipped without losing the others, and a worker that dies leaving only whole
batches, from which running the command again completes the store."""

from __future__ import annotations

import argparse
import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from govsearch.commands_catalogue import import_items
from govsearch.console import CommandError
from govsearch.database import open_database
from govsearch.settings import Settings
from indexer.catalogue import import_workers
from indexer.catalogue.import_workers import Lines, Prepared, prepare_lines
from indexer.importer import ImportReport, numbered_lines
from indexer.store import Store
from tests.indexer.catalogue_excerpt import write_excerpt

BATCH = 25
BAD = {7: "{不是 JSON\n", 58: '{"事项编码": "X1"}\n', 121: "[1, 2]\n"}  # line number → bad line
CRASH_AT = 140  # the line whose batch kills its worker in the crash test
_TABLES = (
    "SELECT id, kind, url, title, data, content_hash, indexed_hash, withdrawn FROM documents ORDER BY id",
    "SELECT key, group_key, name, level, region_code, guide_id, data, content_hash FROM items ORDER BY key",
    "SELECT doc_id, item_key, rule, evidence, confidence FROM item_links ORDER BY doc_id, item_key",
    "SELECT doc_id, doc_hash, catalogue_version FROM link_state ORDER BY doc_id",
)


@pytest.fixture(scope="module")
def catalogue(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """200 real 广东 items with their guides, three bad lines and a blank one among them."""
    path = write_excerpt(tmp_path_factory.mktemp("catalogue"), items=200)
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    for number, bad in BAD.items():
        lines.insert(number - 1, bad)
    lines.insert(150, "\n")  # after the bad ones: their numbers hold
    path.write_text("".join(lines), encoding="utf-8")
    return path


@pytest.fixture(autouse=True)
def small_batches(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(import_workers, "BATCH", BATCH)  # several batches, several per worker


def _import(data_dir: Path, catalogue: Path, workers: int) -> Settings:
    settings = Settings(data_dir=data_dir, index_workers=workers, semantic=False, log_queries=False)
    import_items(settings, argparse.Namespace(file=catalogue, no_index=True))
    return settings


def _tables(settings: Settings) -> list[list[tuple[object, ...]]]:
    store = Store(open_database(settings))
    with store.database.read() as conn:
        found = [[tuple(row) for row in conn.exec_driver_sql(sql).all()] for sql in _TABLES]
    store.close()
    return found


def test_a_parallel_import_writes_what_a_serial_one_does_and_names_the_bad_records(
    tmp_path: Path, catalogue: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    serial = _tables(_import(tmp_path / "serial", catalogue, workers=1))
    serial_err = capsys.readouterr().err
    parallel = _tables(_import(tmp_path / "parallel", catalogue, workers=2))
    parallel_err = capsys.readouterr().err
    documents, items, links, states = serial
    assert len(documents) == len(items) == 200 and len(states) == 200
    assert {rule for _d, _k, rule, _e, _c in links} >= {"guide"}
    assert parallel == serial
    skipped = [line for line in parallel_err.splitlines() if line.startswith("跳过 ")]
    assert [line.split(": ")[0] for line in skipped] == [f"跳过 {catalogue}:{n}" for n in sorted(BAD)]
    assert "缺少“事项名称”" in skipped[1] and "不是 JSON 对象" in skipped[2]
    assert skipped == [line for line in serial_err.splitlines() if line.startswith("跳过 ")]
    assert "导入完成：200 项，跳过 3 行" in parallel_err


def test_batches_come_from_worker_processes_in_the_order_read(catalogue: Path) -> None:
    report = ImportReport()
    with import_workers.CatalogueBatches(catalogue, report, workers=2) as batches:
        assert batches.pool is not None
        pids = set(batches.pool._processes)  # the workers forked before any batch was read
        order = [row["key"] for batch in batches for row in batch.items]
    alone = ImportReport()
    with import_workers.CatalogueBatches(catalogue, alone, workers=1) as batches:
        assert batches.pool is None
        assert [row["key"] for batch in batches for row in batch.items] == order
    assert len(pids) == 2 and os.getpid() not in pids
    assert report.imported == alone.imported == 200 and report.errors == alone.errors


def _crashing(where: str, lines: Lines) -> Prepared:
    if any(number == CRASH_AT for number, _line in lines):
        os._exit(3)  # as a worker killed by the OOM killer would end
    return prepare_lines(where, lines)


def test_a_dead_worker_leaves_whole_batches_and_a_second_run_completes_the_store(
    tmp_path: Path, catalogue: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(import_workers, "prepare_lines", _crashing)
    with pytest.raises(CommandError, match=r"导入进程意外退出.*重新运行本命令即可继续"):
        _import(tmp_path / "crashed", catalogue, workers=2)
    settings = Settings(data_dir=tmp_path / "crashed", semantic=False, log_queries=False)
    _documents, items, _links, _states = _tables(settings)
    written = {str(row[0]) for row in items}
    chunks = list(import_workers._chunks(numbered_lines(catalogue)))
    dead = next(i for i, chunk in enumerate(chunks) if any(n == CRASH_AT for n, _line in chunk))
    batches = [prepare_lines(str(catalogue), chunk) for chunk in chunks]
    prefixes = [{str(r["key"]) for b in batches[:k] for r in b.items} for k in range(1, dead + 1)]
    assert written in prefixes  # whole batches, in order, none of the dead worker's or after it
    monkeypatch.undo()
    monkeypatch.setattr(import_workers, "BATCH", BATCH)
    resumed = _tables(_import(tmp_path / "crashed", catalogue, workers=2))
    assert resumed == _tables(_import(tmp_path / "serial", catalogue, workers=1))


def test_the_file_is_read_as_the_batches_are_taken_not_at_once(
    catalogue: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    read = 0

    def counted(path: Path) -> Iterator[tuple[int, str]]:
        nonlocal read
        for numbered in numbered_lines(path):
            read += 1
            yield numbered

    monkeypatch.setattr(import_workers, "numbered_lines", counted)
    with import_workers.CatalogueBatches(catalogue, ImportReport(), workers=1) as batches:
        assert read == 2 * BATCH  # the first two batches: enough to know whether to fork
        taken = iter(batches)
        next(taken)
        assert read <= 3 * BATCH
