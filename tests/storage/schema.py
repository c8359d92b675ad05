"""Helpers shared by the storage tests: the `alembic check` comparison, the audit trail check."""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext

from indexer.storage import Database, metadata


def schema_differences(database: Database) -> list[Any]:
    """What `alembic check` would report: differences between the table modules and the database
    (tables, columns, types, nullability, indexes, unique constraints)."""
    with database.read() as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": True})
        return list(compare_metadata(context, metadata))


def assert_audit_append_only(path: Path) -> None:
    """UPDATE and DELETE on the audit trail fail in SQLite itself, through a raw connection."""
    conn = sqlite3.connect(path)
    try:
        rows = conn.execute("SELECT COUNT(*) FROM synonym_audit").fetchone()[0]
        for statement in ("UPDATE synonym_audit SET actor = 'someone'", "DELETE FROM synonym_audit"):
            with pytest.raises(sqlite3.IntegrityError, match="append-only"):
                conn.execute(statement)
        assert rows and conn.execute("SELECT COUNT(*) FROM synonym_audit").fetchone()[0] == rows
    finally:
        conn.close()
