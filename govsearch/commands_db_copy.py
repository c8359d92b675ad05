"""`govsearch db copy --from URL --to URL`: move a whole store to another database, counts verified."""

from __future__ import annotations

from govsearch.console import CommandError
from indexer.storage import Database, shown_url
from indexer.storage.copy import CopiedTable, copy_store


def copy_command(source_url: str, target_url: str) -> int:
    def report(table: CopiedTable) -> None:
        print(f"{table.name}：{table.target_rows} 行（源 {table.source_rows} 行）", flush=True)

    try:
        source, target = Database(source_url), Database(target_url)
    except Exception as exc:  # a malformed URL or an unknown driver: SQLAlchemy's own message
        raise CommandError(f"数据库地址无法使用：{exc}") from exc
    try:
        tables = copy_store(source, target, report)
    finally:
        source.close()
        target.close()
    rows = sum(t.target_rows for t in tables)
    where = f"{shown_url(source_url)} → {shown_url(target_url)}"
    print(f"已复制 {len(tables)} 张表共 {rows} 行：{where}，行数一致")
    return 0
