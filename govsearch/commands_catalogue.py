"""`govsearch import-items`: catalogue files of either known shape into the store, then links and index."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from govsearch.commands import index_workers, run_index
from govsearch.console import CommandError, status
from govsearch.database import open_database
from govsearch.settings import Settings
from indexer.catalogue.formats import UnknownFormat
from indexer.catalogue.import_workers import CatalogueBatches, WorkerCrashed
from indexer.catalogue.store import ItemStore
from indexer.catalogue.upkeep import update_links
from indexer.importer import ImportReport
from indexer.store import Store


def _linking(done: int, total: int) -> None:
    status(f"关联事项：{done}/{total}")


def import_items(settings: Settings, args: argparse.Namespace) -> int:
    path: Path = args.file
    if not path.is_file():
        raise CommandError(f"文件不存在：{path}")
    report = ImportReport()
    try:  # the workers are forked before the store is opened
        batches = CatalogueBatches(path, report, index_workers(settings))
    except UnknownFormat as exc:
        raise CommandError(str(exc)) from exc
    store = Store(open_database(settings))
    derived: set[str] = set()  # guides whose items were written here, from the parsed record
    try:
        _write(store, batches, derived)
    except BaseException:
        store.close()
        raise
    finally:
        batches.close()
    for error in report.errors:
        print(f"跳过 {error}", file=sys.stderr)
    status(f"导入完成：{report.imported} 项，跳过 {len(report.errors)} 行", final=True)
    if args.no_index:
        linked = update_links(store, derived=derived, on_progress=_linking, workers=index_workers(settings))
        status(f"关联事项：{linked.documents_linked} 篇文档，{linked.links} 条关联", final=True)
        store.close()
    else:
        store.close()
        run_index(settings, derived=derived)
    return 1 if report.errors and not report.imported else 0


def _write(store: Store, batches: CatalogueBatches, derived: set[str]) -> None:
    """Each batch's documents and items in one transaction, in the order read."""
    items = ItemStore(store)
    try:
        for batch in batches:
            with store.database.write():
                store.upsert_rows(batch.documents)
                items.upsert_rows(batch.items)
            derived.update(batch.guide_ids)
            status(f"导入：{batches.report.imported} 项")
    except WorkerCrashed as exc:
        raise CommandError(f"导入进程意外退出（{exc}）：已写入的批次保留，重新运行本命令即可继续") from exc
