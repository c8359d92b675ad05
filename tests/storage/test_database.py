"""The Database's transactions: nesting joins, rollback undoes every joined call, threads share it."""

from __future__ import annotations

import threading

import pytest

from indexer.storage import Database
from indexer.store import Store
from tests.factories import SAMPLE_DOCUMENTS
from web.admin.worklist import work_list


class Boom(Exception):
    pass


def test_calls_inside_write_join_it_and_roll_back_together(store_db: Database) -> None:
    database = store_db
    store = Store(database)
    with pytest.raises(Boom), database.write():
        store.upsert(SAMPLE_DOCUMENTS[:2])
        store.log_query("社保卡", None, 1, 0)  # the hot path joins the open transaction too
        assert store.count() == 2  # reads inside see the transaction's own writes
        raise Boom
    assert store.count() == 0 and work_list(database) == []
    with database.write():
        store.upsert(SAMPLE_DOCUMENTS[:2])
        store.log_query("社保卡", None, 1, 0)
    assert store.count() == 2 and [w.query for w in work_list(database)] == ["社保卡"]
    database.close()


def test_a_write_inside_a_read_gets_its_own_transaction(store_db: Database) -> None:
    database = store_db
    store = Store(database)
    with database.read():
        store.log_query("社保卡", None, 1, 0)  # committed on its own, not held by the read
    assert [w.query for w in work_list(database)] == ["社保卡"]
    database.close()


def test_threads_share_one_database(store_db: Database) -> None:
    database = store_db
    store = Store(database)
    store.upsert(SAMPLE_DOCUMENTS)
    ids = [doc.id for doc in SAMPLE_DOCUMENTS]
    errors: list[BaseException] = []

    def search() -> None:
        try:
            for _ in range(25):
                assert len(store.get_many(ids)) == len(ids)
                store.log_query("没有的", None, 1, 0)
        except BaseException as exc:  # reported below, in the test's thread
            errors.append(exc)

    threads = [threading.Thread(target=search) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert work_list(database)[0].searches == 8 * 25
    database.close()
