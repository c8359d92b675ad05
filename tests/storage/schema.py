"""Helpers shared by the storage tests: the `alembic check` comparison and a raw SQLite connection."""

from __future__ import annotations

from typing import Any

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext

from indexer.storage import Database, metadata


def schema_differences(database: Database) -> list[Any]:
    """What `alembic check` would report: differences between the table modules and the database
    (tables, columns, types, nullability, indexes, unique constraints)."""
    with database.read() as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": True})
        return list(compare_metadata(context, metadata))
