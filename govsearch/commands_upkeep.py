"""`govsearch check [--repair]`, `backup DIR` and `restore DIR`: is the index complete, and a copy of
store and index to go back to.

A backup is a folder with `store.sqlite3` (SQLite's online backup: consistent while serving) and
`index/` (a copy of the live index generation). Restore puts the store back (atomically replacing the
file) and makes the copied index a new generation, switched to atomically; restart `serve` afterwards
so that its workers reopen the store.
"""

from __future__ import annotations

import argparse
import os
import shutil
from pathlib import Path

from govsearch.console import CommandError
from govsearch.database import open_database
from govsearch.settings import Settings
from indexer.backends import BackendError, generations, open_backend
from indexer.consistency import check_index, repair_index
from indexer.store import Store
from indexer.vectors import VectorFields

STORE_FILE = "store.sqlite3"
INDEX_DIR = "index"


def add_parsers(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    check = sub.add_parser("check", help="核对索引与存储（数量、编号、抽查内容），可修复")
    check.add_argument("--repair", action="store_true", help="发现问题时修复并报告")
    backup = sub.add_parser("backup", help="把存储和索引备份到一个新目录")
    backup.add_argument("target", type=Path)
    restore = sub.add_parser("restore", help="从 backup 做的目录恢复存储和索引（之后请重启 serve）")
    restore.add_argument("source", type=Path)


def check(settings: Settings, args: argparse.Namespace) -> int:
    store = Store(open_database(settings))
    try:
        backend = open_backend(
            settings.backend,
            settings.data_dir,
            writable=args.repair,
            elasticsearch=settings.elasticsearch,
            vectors=VectorFields(settings.data_dir, settings.models),  # a repaired document keeps them
        )
        try:
            report = check_index(store, backend)
            print("\n".join(report.lines()))
            if report.ok or not args.repair:
                return 0 if report.ok else 1
            fixed = repair_index(store, backend, report)
            print(f"已修复：写入 {fixed.written} 篇，删除 {len(report.extra)} 篇")
            after = check_index(store, backend)
            print("\n".join(after.lines()))
            return 0 if after.ok else 1
        finally:
            backend.close()
    except BackendError as exc:
        raise CommandError(str(exc)) from exc
    finally:
        store.close()


def backup(settings: Settings, args: argparse.Namespace) -> int:
    target: Path = args.target
    if target.exists() and any(target.iterdir()):
        raise CommandError(f"备份目录 {target} 已存在且不为空")
    target.mkdir(parents=True, exist_ok=True)
    database = open_database(settings)
    try:
        database.backup(target / STORE_FILE)
    except ValueError as exc:
        raise CommandError(str(exc)) from exc
    finally:
        database.close()
    live = generations.live(settings.data_dir / INDEX_DIR)
    shutil.copytree(live, target / INDEX_DIR)
    print(f"已备份到 {target}：存储 {STORE_FILE}，索引 {INDEX_DIR}/（来自 {live.name}）")
    return 0


def restore(settings: Settings, args: argparse.Namespace) -> int:
    source: Path = args.source
    if settings.database_url:  # the backup holds an SQLite store; this one lives elsewhere
        raise CommandError(
            "restore 只能恢复数据目录中的 SQLite 存储；"
            "已设置 GOVSEARCH_DATABASE_URL（PostgreSQL 请用 pg_restore）"
        )
    if not (source / STORE_FILE).is_file() or not (source / INDEX_DIR).is_dir():
        raise CommandError(f"{source} 不是 govsearch backup 做的备份（缺少 {STORE_FILE} 或 {INDEX_DIR}/）")
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    base = settings.data_dir / INDEX_DIR
    generation = generations.new_directory(base)
    shutil.copytree(source / INDEX_DIR, generation, dirs_exist_ok=True)
    staged = settings.store_path.with_name(STORE_FILE + ".restoring")
    shutil.copyfile(source / STORE_FILE, staged)
    for suffix in ("-wal", "-shm"):  # the old store's journal must not be replayed onto the restored one
        settings.store_path.with_name(STORE_FILE + suffix).unlink(missing_ok=True)
    os.replace(staged, settings.store_path)
    generations.switch(base, generation)
    print(f"已从 {source} 恢复存储和索引；请重启 govsearch serve")
    return 0
