"""Alembic environment: always online, on the connection `indexer.storage.migrations` passes in."""

from __future__ import annotations

from alembic import context

import indexer.storage  # noqa: F401  (every table module, so the metadata is complete)
from indexer.storage.sql import metadata

connection = context.config.attributes.get("connection")
if connection is None:
    raise RuntimeError("migrations run through indexer.storage.Database.upgrade(), not the alembic CLI")

# The caller holds the transaction (and its lock): begin_transaction() below joins it.
context.configure(connection=connection, target_metadata=metadata)
with context.begin_transaction():
    context.run_migrations()
