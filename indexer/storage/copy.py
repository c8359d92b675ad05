"""Copy a whole store from one database to another (`govsearch db copy`): the move of an embedded
installation onto a shared PostgreSQL server.

Both stores are brought to the same (newest) schema first; the target must be empty. Every table of
the shared `MetaData` is copied in dependency order, in batches, inside one write transaction on the
target (a failed copy leaves it empty), then PostgreSQL's id sequences are moved past the copied ids
and the row counts of both sides are compared.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, Connection, Integer, Table, func, insert, select, text

from indexer.storage.database import Database, StorageError
from indexer.storage.sql import insertion_order, metadata

BATCH_ROWS = 2000  # rows read and written at a time: bounded memory for the query log's millions


@dataclass(frozen=True)
class CopiedTable:
    name: str
    source_rows: int
    target_rows: int

    @property
    def matches(self) -> bool:
        return self.source_rows == self.target_rows


def copy_store(
    source: Database, target: Database, on_table: Callable[[CopiedTable], None] | None = None
) -> list[CopiedTable]:
    """Copy every table from `source` to `target`; the counts of both sides, per table."""
    for database in (source, target):
        database.upgrade()
    tables = list(metadata.sorted_tables)
    copied: list[CopiedTable] = []
    with target.write(exclusive=True) as out:
        occupied = [t.name for t in tables if _count(out, t)]
        if occupied:
            raise StorageError(f"目标数据库不是空的（已有数据的表：{'、'.join(occupied)}），为避免重复不复制")
        for table in tables:
            with source.read() as src:
                source_rows = _count(src, table)
                _copy_rows(src, out, table)
            result = CopiedTable(table.name, source_rows, _count(out, table))
            if not result.matches:
                counts = f"源 {source_rows}，目标 {result.target_rows}"
                raise StorageError(f"表 {table.name} 复制后行数不符：{counts}")
            copied.append(result)
            if on_table is not None:
                on_table(result)
        if target.dialect == "postgresql":
            _advance_sequences(out, tables)
    return copied


def _count(conn: Connection, table: Table) -> int:
    return int(conn.execute(select(func.count()).select_from(table)).scalar_one())


def _copy_rows(src: Connection, out: Connection, table: Table) -> None:
    """Rows in primary-key order (ids keep their order: the audit trail, the logs); a table with an
    insertion sequence in insertion order, its `seq` left to the target to number (SQLite has none)."""
    order: list[ColumnElement[Any]] = list(table.primary_key.columns)
    columns = list(table.columns)
    if "seq" in table.c:
        order = insertion_order(src.dialect.name, table)
        columns = [c for c in columns if c.name != "seq"]
    rows = src.execution_options(yield_per=BATCH_ROWS).execute(select(*columns).order_by(*order))
    for batch in rows.partitions(BATCH_ROWS):
        out.execute(insert(table), [dict(row._mapping) for row in batch])


def _advance_sequences(out: Connection, tables: list[Table]) -> None:
    """Copied rows keep their ids; the id sequence must start after them or the next insert collides."""
    for table in tables:
        keys = list(table.primary_key.columns)
        if len(keys) != 1 or not isinstance(keys[0].type, Integer) or keys[0].autoincrement is False:
            continue
        key = keys[0].name
        sequence = out.execute(
            text("SELECT pg_get_serial_sequence(:table, :column)"), {"table": table.name, "column": key}
        ).scalar_one()
        if sequence is None:
            continue
        last = out.execute(select(func.max(table.c[key]))).scalar_one()
        out.execute(
            text("SELECT setval(CAST(:seq AS regclass), :value, :called)"),
            {"seq": sequence, "value": last or 1, "called": last is not None},
        )
