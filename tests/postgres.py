"""A throwaway PostgreSQL database for tests: created on the server at 127.0.0.1:5432 (trust auth),
dropped afterwards. When no server answers the test is skipped with the reason, except under
CI=true, where a missing server is a failure."""

from __future__ import annotations

import os
import secrets
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.exc import OperationalError

from indexer.storage import Database, metadata
from indexer.storage.log_writer import writer_for

SERVER = "postgresql+psycopg://postgres@127.0.0.1:5432/"


@contextmanager
def fresh_database() -> Iterator[str]:
    """The URL of a new, empty database, dropped (with its connections) when the block ends."""
    admin = create_engine(
        f"{SERVER}postgres", isolation_level="AUTOCOMMIT", connect_args={"connect_timeout": 5}
    )
    name = f"govsearch_test_{secrets.token_hex(4)}"
    try:
        with admin.connect() as conn:
            conn.execute(text(f"CREATE DATABASE {name}"))
    except OperationalError as exc:
        admin.dispose()
        if os.environ.get("CI") == "true":
            pytest.fail(f"PostgreSQL is required under CI=true: {exc}")
        pytest.skip(f"PostgreSQL not reachable at {SERVER}: {exc.orig}")
    try:
        yield f"{SERVER}{name}"
    finally:
        with admin.connect() as conn:
            conn.execute(text(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
        admin.dispose()


def emptied(database: Database) -> Database:
    """`database` (upgraded) with every table emptied and its ids restarted: a clean store per test
    without migrating a new database each time. The audit trail's triggers refuse TRUNCATE, so they
    are switched off for this one transaction (the test role is a superuser)."""
    database.upgrade()
    writer = writer_for(database)
    if writer is not None:
        writer.flush()  # rows an earlier test queued land before the tables are emptied, not after
    names = ", ".join(table.name for table in metadata.sorted_tables)
    with database.write() as conn:
        conn.execute(text("SET LOCAL session_replication_role = replica"))
        conn.execute(text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
    return database
