"""The storage contract: the same repositories on every database govsearch runs on (SQLite, the
embedded default, and PostgreSQL, the shared store), through the `store_db` fixture (tests/conftest.py:
one throwaway PostgreSQL database per test session, emptied per test).

PostgreSQL tests are skipped when no server answers at 127.0.0.1:5432 (trust auth), except under
CI=true, where a missing server is a failure."""

from __future__ import annotations

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from crawler.dedup import DuplicateIndex, Fingerprint
from crawler.frontier import Frontier, UrlStatus
from indexer.storage import Database, SchemaMismatch
from indexer.storage.logs import QueryLog
from indexer.storage.synonyms import AuditEntry, SynonymRows
from indexer.store import Store
from search_api.engine.best_bets import BestBets
from search_api.engine.query_log import Popularity, popular_documents, popular_queries
from synonyms.staff_rules import StaffRule
from synonyms.staff_store import StaffStore
from tests.factories import SAMPLE_DOCUMENTS, policy
from tests.postgres import fresh_database
from tests.storage.schema import schema_differences
from web.admin.accounts import Accounts
from web.admin.worklist import work_list

PROPOSED = AuditEntry(0, "", "editor1", "提议新增", "", "x", "r", "待审核", None)


def test_postgresql_migrations_from_nothing_match_the_models() -> None:
    with fresh_database() as url:
        postgres = Database(url)
        assert postgres.check().current is None
        with pytest.raises(SchemaMismatch, match="govsearch db upgrade"):
            Database.open(url)  # a shared database is upgraded on purpose only
        postgres.upgrade()
        postgres.upgrade()  # a second opener finds the schema current
        assert postgres.check().up_to_date
        assert schema_differences(postgres) == []
        Database.open(url).close()
        postgres.close()


def test_the_database_refuses_to_rewrite_the_audit(store_db: Database) -> None:
    SynonymRows(store_db).propose("editor1", "{}", "r", PROPOSED)
    statements = ["UPDATE synonym_audit SET actor = 'someone'", "DELETE FROM synonym_audit"]
    if store_db.dialect == "store_dbql":
        statements.append("TRUNCATE synonym_audit")
    for statement in statements:
        with pytest.raises(DBAPIError, match="append-only"), store_db.write() as conn:
            conn.execute(text(statement))
    with store_db.read() as conn:
        assert conn.execute(text("SELECT COUNT(*) FROM synonym_audit")).scalar_one() == 1


# The code paths that depend on the dialect (ON CONFLICT, JSON fields, 64-bit SimHash, insertion
# order, the exclusive write lock) behave alike on both.


def test_documents_and_duplicates(store_db: Database) -> None:
    store = Store(store_db)
    assert store.upsert(SAMPLE_DOCUMENTS) == len(SAMPLE_DOCUMENTS)
    assert store.upsert(SAMPLE_DOCUMENTS) == 0  # unchanged: ON CONFLICT … WHERE kept them
    ids = [doc.id for doc in SAMPLE_DOCUMENTS]
    assert set(store.get_many(ids)) == set(ids) and store.count_pending() == len(ids)
    dated = [row for row in store.corpus_rows() if row.date]
    assert dated and all(row.date == "2024-03-01" for row in dated)  # read from the JSON text
    body = "各区县人民政府：为提高城乡居民基本养老保险待遇水平，经研究决定调整基础养老金标准1。" * 10
    first = policy("关于调整基础养老金标准的通知", "", body)
    assert Fingerprint.of(first).simhash >= 1 << 63
    duplicates = DuplicateIndex(store_db)
    duplicates.remember(first)
    copy = first.model_copy(update={"url": "http://127.0.0.1/other.html"})
    assert duplicates.canonical_for(copy) == first.id  # the SimHash survived BIGINT


def test_crawl_logs_and_best_bets(store_db: Database) -> None:
    frontier = Frontier(store_db, "p")
    assert frontier.enqueue("http://example.com/a") and not frontier.enqueue("http://example.com/a")
    assert frontier.claim() is not None and frontier.count(UrlStatus.FETCHING) == 1
    assert BestBets(store_db).add("社保卡", SAMPLE_DOCUMENTS[0].id, "张工") > 0
    assert [b.author for b in BestBets(store_db).for_query("社保卡")] == ["张工"]
    store = Store(store_db)
    for visitor, total in (("a", 3), ("b", 3), ("b", 0)):
        store.log_query("社保卡" if total else "没有的", None, 1, total, visitor=visitor)
    assert popular_queries(store_db, frozenset(), Popularity(min_visitors=2)) == [("社保卡", 2)]
    assert QueryLog(store_db).salt_of("2026-12-01") == QueryLog(store_db).salt_of("2026-12-01")
    assert [w.query for w in work_list(store_db)] == ["没有的"]


def test_popular_documents_count_different_visitors_who_opened_them(store_db: Database) -> None:
    """A result opened by many people is popular; one client clicking it again and again, or clicks
    logged without a visitor hash (before revision 0006), are one visitor or none."""
    store = Store(store_db)
    for visitor in ("a", "b", "c"):
        store.log_click("hz", "passport", 1, visitor=visitor)
    for _ in range(5):
        store.log_click("hz", "approval", 2, visitor="a")
        store.log_click("hz", "approval", 2)
    store.log_click("hz", "approval", 2, visitor="b")
    rules = Popularity(min_visitors=2)
    assert popular_documents(store_db, rules) == [("passport", 3), ("approval", 2)]
    assert popular_documents(store_db, Popularity(min_visitors=3)) == [("passport", 3)]
    assert popular_documents(store_db, Popularity(min_visitors=1, window_days=-1)) == []  # all too old


def test_staff_accounts_and_versions(store_db: Database) -> None:
    Accounts(store_db).add_user("wang", "reviewer", "long enough secret")
    assert Accounts(store_db).login("wang", "long enough secret") is not None
    staff = StaffStore(store_db)
    entry = AuditEntry(0, "", "a", "新增", "", "x", "r", "b 批准", None)
    base = staff.current_version()
    assert staff.commit((StaffRule(id=1, line="二代证 => 居民身份证"),), entry, base=base) == base + 1
    with pytest.raises(ValueError, match=f"当前版本 {base + 1}"):
        staff.commit((StaffRule(id=1, line="准迁证 => 户口迁移"),), entry, base=base)


def test_the_change_signature_sees_every_change_within_one_second(store_db: Database) -> None:
    """Serving processes rebuild their knowledge when the signature changes: a correction or a re-crawl
    of a document made in the same second as the previous change must change it too."""
    from indexer.storage.documents import Documents

    store = Store(store_db)
    store.upsert(list(SAMPLE_DOCUMENTS))
    seen = {Documents(store_db).signature()}
    first = next(d for d in SAMPLE_DOCUMENTS if d.title == "示例市住房公积金提取管理办法")  # a policy
    for body in ("改版一", "改版二", "改版三"):  # well within one second
        store.upsert([first.model_copy(update={"body": first.body + body})])
        signature = Documents(store_db).signature()
        assert signature not in seen
        seen.add(signature)
