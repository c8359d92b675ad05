"""`govsearch import-items`: catalogue files of either known shape into the store, then links and index."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from govsearch.commands import index_workers, run_index
from govsearch.console import CommandError, status
from govsearch.database import open_database
from govsearch.settings import Settings
from indexer.catalogue.formats import UnknownFormat, read_catalogue
from indexer.catalogue.store import ItemStore
from indexer.catalogue.upkeep import update_links
from indexer.documents import CatalogueItem, ServiceGuide
from indexer.importer import ImportReport
from indexer.store import Store

BATCH = 500


def _linking(done: int, total: int) -> None:
    status(f"关联事项：{done}/{total}")


def import_items(settings: Settings, args: argparse.Namespace) -> int:
    path: Path = args.file
    if not path.is_file():
        raise CommandError(f"文件不存在：{path}")
    store = Store(open_database(settings))
    items = ItemStore(store)
    report = ImportReport()
    guides: list[ServiceGuide] = []
    batch: list[CatalogueItem] = []
    derived: set[str] = set()  # guides whose items were written here, from the parsed record

    def flush() -> None:
        store.upsert(guides)
        items.upsert_items(batch)
        guides.clear()
        batch.clear()

    try:
        for imported in read_catalogue(path, report):
            batch.append(imported.item)
            if imported.guide is not None:
                guides.append(imported.guide)
                derived.add(imported.guide.id)
            if len(batch) >= BATCH:
                flush()
                status(f"导入：{report.imported} 项")
        flush()
    except UnknownFormat as exc:
        store.close()
        raise CommandError(str(exc)) from exc
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
