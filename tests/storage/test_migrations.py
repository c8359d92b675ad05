"""Migrations build the whole schema from nothing, it agrees with the table modules, and the database
itself keeps the audit trail append-only."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
from pathlib import Path

from indexer.storage import Database, metadata
from tests.storage.schema import assert_audit_append_only, schema_differences

OPEN_STORE = (
    "import sys; from pathlib import Path; from indexer.storage import Database; "
    "print(Database.for_path(Path(sys.argv[1])).check().current)"
)


def test_migrations_create_every_table_from_nothing(tmp_path: Path) -> None:
    database = Database.for_path(tmp_path / "store.sqlite3")
    status = database.check()
    assert status.up_to_date and status.current == status.head
    with sqlite3.connect(tmp_path / "store.sqlite3") as conn:
        tables = {row[0] for row in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    assert set(metadata.tables) <= tables
    assert schema_differences(database) == []
    database.close()


def test_a_database_without_schema_reports_no_revision(tmp_path: Path) -> None:
    database = Database(f"sqlite:///{tmp_path / 'empty.sqlite3'}")
    status = database.check()
    assert status.current is None and not status.up_to_date
    database.upgrade()
    assert database.check().up_to_date
    database.close()


def test_sqlite_store_uses_wal(tmp_path: Path) -> None:
    Database.for_path(tmp_path / "store.sqlite3").close()
    with sqlite3.connect(tmp_path / "store.sqlite3") as conn:
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def test_processes_opening_a_fresh_store_at_once_all_succeed(tmp_path: Path) -> None:
    path = tmp_path / "store.sqlite3"
    command = [sys.executable, "-c", OPEN_STORE, str(path)]
    processes = [subprocess.Popen(command, stdout=subprocess.PIPE, text=True) for _ in range(4)]
    outputs = [p.communicate(timeout=120)[0].strip() for p in processes]
    assert [p.returncode for p in processes] == [0] * 4
    head = Database(f"sqlite:///{path}").check().head
    assert outputs == [head] * 4


def test_the_audit_trail_refuses_update_and_delete_on_sqlite(tmp_path: Path) -> None:
    from indexer.storage.synonyms import AuditEntry, SynonymRows

    proposed = AuditEntry(0, "", "editor1", "提议新增", "", "x", "r", "待审核", None)
    database = Database.for_path(tmp_path / "store.sqlite3")
    SynonymRows(database).propose("editor1", "{}", "r", proposed)
    database.close()
    assert_audit_append_only(tmp_path / "store.sqlite3")
