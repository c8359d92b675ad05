"""The same migrations and repositories on PostgreSQL, in a throwaway database.

Skipped when no server answers at 127.0.0.1:5432 (trust auth), except under CI=true, where a missing
server is a failure."""

from __future__ import annotations

import os
import secrets
from collections.abc import Iterator

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.exc import DBAPIError, OperationalError

from indexer.storage import Database
from indexer.storage.synonyms import AuditRow, SynonymRows
from tests.storage.schema import schema_differences

SERVER = "postgresql+psycopg://postgres@127.0.0.1:5432/"


@pytest.fixture(scope="module")
def postgres() -> Iterator[Database]:
    admin = create_engine(f"{SERVER}postgres", isolation_level="AUTOCOMMIT")
    name = f"govsearch_test_{secrets.token_hex(4)}"
    try:
        with admin.connect() as conn:
            conn.execute(text(f"CREATE DATABASE {name}"))
    except OperationalError as exc:
        admin.dispose()
        if os.environ.get("CI") == "true":
            pytest.fail(f"PostgreSQL is required under CI=true: {exc}")
        pytest.skip(f"PostgreSQL not reachable at {SERVER}: {exc.orig}")
    database = Database(f"{SERVER}{name}")
    try:
        yield database
    finally:
        database.close()
        with admin.connect() as conn:
            conn.execute(text(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
        admin.dispose()


def test_migrations_from_nothing_match_the_models(postgres: Database) -> None:
    assert postgres.check().current is None
    postgres.upgrade()
    postgres.upgrade()  # a second opener finds the schema current
    assert postgres.check().up_to_date
    assert schema_differences(postgres) == []


def test_the_audit_trigger_refuses_update_and_delete(postgres: Database) -> None:
    postgres.upgrade()
    SynonymRows(postgres).propose("editor1", "{}", "r", AuditRow("editor1", "提议新增", "", "x", "r", "待审核"))
    for statement in ("UPDATE synonym_audit SET actor = 'someone'", "DELETE FROM synonym_audit"):
        with pytest.raises(DBAPIError, match="append-only"), postgres.write() as conn:
            conn.execute(text(statement))
    with postgres.read() as conn:
        assert conn.execute(text("SELECT COUNT(*) FROM synonym_audit")).scalar_one() >= 1
