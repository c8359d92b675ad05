"""Alembic migrations of the store, run from code: no alembic.ini is needed to upgrade a store.

`versions/0001_*` creates the first release's schema, or adopts a store that release made (its
tables exist but it has no `alembic_version`). Later revisions change the schema step by step; the
table modules of `indexer.storage` are the models that `tests/storage` compares against.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection

HERE = Path(__file__).parent


def config(connection: Connection | None = None) -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(HERE))
    cfg.attributes["connection"] = connection
    return cfg


@cache
def head_revision() -> str:
    head = ScriptDirectory.from_config(config()).get_current_head()
    assert head is not None  # the versions folder is never empty
    return head


@cache
def revisions() -> frozenset[str]:
    """Every revision this code ships."""
    return frozenset(script.revision for script in ScriptDirectory.from_config(config()).walk_revisions())


def current_revision(connection: Connection) -> str | None:
    return MigrationContext.configure(connection).get_current_revision()


def upgrade(connection: Connection) -> None:
    """`alembic upgrade head` inside the caller's transaction (env.py joins it)."""
    command.upgrade(config(connection), "head")
