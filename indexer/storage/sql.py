"""What every table module shares: the one `MetaData`, dialect-neutral helpers, the clock.

The dialect-specific corners live here and in `database.py`: INSERT … ON CONFLICT (SQLite and
PostgreSQL spell it alike but SQLAlchemy builds it from each dialect's own `insert`), and reading a
field of a JSON document kept as text.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Column,
    ColumnElement,
    CursorResult,
    MetaData,
    Row,
    Table,
    literal_column,
)
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.sql.functions import FunctionElement

metadata = MetaData()

# A result row: a named tuple of the selected columns (`row.id`, `row[0]`).
Record = Row[*tuple[Any, ...]]


def now() -> str:
    """Timestamps are ISO-8601 text in UTC, as the first release wrote them: they sort as text."""
    return datetime.now(UTC).isoformat(timespec="seconds")


def change_stamp() -> str:
    """`now()` to the microsecond, for `documents.updated_at`: the store's change signature must tell
    two changes within one second apart. It still sorts as text after a `now()` of the same second."""
    return datetime.now(UTC).isoformat(timespec="microseconds")


def upsert(dialect: str, table: Table) -> sqlite.Insert | postgresql.Insert:
    """An INSERT that can take `.on_conflict_do_nothing()` / `.on_conflict_do_update()` on either
    dialect (both support the same ON CONFLICT clause; SQLAlchemy keeps it per dialect). Its result's
    rowcount says whether a row was written (psycopg reports it for INSERT only when asked to keep it)."""
    insert = postgresql.insert(table) if dialect == "postgresql" else sqlite.insert(table)
    return insert.execution_options(preserve_rowcount=True)


def insertion_order(dialect: str, table: Table) -> list[ColumnElement[Any]]:
    """ORDER BY terms for "oldest row first". SQLite's rowid is the insertion order the first release
    relied on; PostgreSQL has none, so the tables ordered this way carry a column `seq` numbered by a
    sequence (revision 0004_i11; left empty on SQLite)."""
    if dialect == "sqlite":
        return [literal_column(f"{table.name}.rowid")]
    return [table.c.seq]


def insertion_sequence() -> Column[int]:
    """The `seq` column of `insertion_order`: numbered by PostgreSQL (a sequence, the column's server
    default), NULL on SQLite. Never written by the code."""
    return Column("seq", BigInteger)


class _JsonDocument(FunctionElement[Any]):
    """A TEXT column that holds a JSON document, seen as JSON (so `["key"].as_string()` works).

    Why not a JSON-typed column: documents are stored and read as the exact text pydantic wrote
    (`validate_json` on the raw string is the fast path of every search), and the first release's
    stores have TEXT columns. Only the few queries that look inside the document need this view."""

    type = JSON()
    inherit_cache = True
    name = "json_document"


@compiles(_JsonDocument)
def _json_document_default(element: _JsonDocument, compiler: SQLCompiler, **kw: Any) -> str:
    # SQLite's JSON functions take text as it is (CAST(… AS JSON) would mean NUMERIC there).
    return compiler.process(element.clauses, **kw)


@compiles(_JsonDocument, "postgresql")
def _json_document_postgresql(element: _JsonDocument, compiler: SQLCompiler, **kw: Any) -> str:
    return f"CAST({compiler.process(element.clauses, **kw)} AS JSON)"


def json_field(column: ColumnElement[str], key: str) -> ColumnElement[str]:
    """The text of `key` in the JSON document held in `column`; NULL when the key is missing."""
    field: ColumnElement[str] = _JsonDocument(column)[key].as_string()
    return field


def new_id(result: CursorResult[Any]) -> int:
    """The integer primary key of the row an INSERT just wrote."""
    key = result.inserted_primary_key
    assert key is not None  # an INSERT of one row always has one
    return int(key[0])
