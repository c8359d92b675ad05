"""Query and click log rows on PostgreSQL leave the request path: queued, written within a second by
the process's writer thread, written at close; this process's own reads see them at once."""

from __future__ import annotations

import time

from sqlalchemy import func, select

from indexer.storage import Database
from indexer.storage.log_writer import FLUSH_SECONDS, writer_for
from indexer.storage.logs import QueryLog, click_log, query_log
from indexer.store import Store
from web.admin.worklist import work_list


def _rows(database: Database) -> tuple[int, int]:
    with database.read() as conn:
        queries = conn.execute(select(func.count()).select_from(query_log)).scalar_one()
        clicks = conn.execute(select(func.count()).select_from(click_log)).scalar_one()
        return int(queries), int(clicks)


def test_sqlite_writes_each_row_straight_away(store_db: Database) -> None:
    if store_db.dialect != "sqlite":
        assert writer_for(store_db) is not None
        return
    assert writer_for(store_db) is None
    Store(store_db).log_query("社保卡", None, 1, 0)
    assert _rows(store_db) == (1, 0)


def test_postgresql_rows_are_written_by_the_writer_within_a_second(store_db: Database) -> None:
    if store_db.dialect == "sqlite":
        return
    elsewhere = Database(store_db.url)  # another server's view of the same database
    store = Store(store_db)
    started = time.monotonic()
    for _ in range(20):
        store.log_query("社保卡", None, 1, 0, visitor="v")
    store.log_click("社保卡", "g-1", 1)
    if time.monotonic() - started < FLUSH_SECONDS / 2:  # a loaded machine may reach the first flush
        assert _rows(elsewhere) == (0, 0)  # the searches did not wait for the database
    deadline = time.monotonic() + FLUSH_SECONDS * 5
    while _rows(elsewhere) != (20, 1):
        assert time.monotonic() < deadline, "the writer thread never wrote the queued rows"
        time.sleep(0.05)
    elsewhere.close()


def test_own_reads_and_close_write_what_is_queued(store_db: Database) -> None:
    store = Store(store_db)
    store.log_query("没有的", None, 1, 0)
    assert [w.query for w in work_list(store_db)] == ["没有的"]  # read-your-writes in one process
    QueryLog(store_db).log_query("公积金", None, 1, 0)
    store_db.close()  # a process that stops normally loses nothing
    assert _rows(Database(store_db.url)) == (2, 0)
