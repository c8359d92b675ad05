"""A store made by release 0.1 (no `alembic_version`) is adopted by migration 0001 and every kind of
row it holds reads back through the repositories.

`tests/data/store_release_0_1.sql` was dumped from a store built by release 0.1's own code;
`tests/data/make_store_release_0_1.py` regenerates it."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from crawler.dedup import DuplicateIndex
from crawler.frontier import Frontier, UrlStatus
from crawler.pages import PageStore
from indexer.catalogue.store import ItemStore
from indexer.documents import DocumentKind, PolicyDocument
from indexer.storage import Database, metadata
from indexer.storage.logs import QueryLog
from indexer.store import Store
from search_api.engine.best_bets import BestBets
from search_api.engine.corpus import build_corpus
from search_api.engine.query_log import popular_queries
from synonyms.staff_store import StaffStore
from tests.storage.schema import assert_audit_append_only, schema_differences
from web.admin.accounts import Accounts
from web.admin.worklist import work_list

DUMP = Path(__file__).parents[1] / "data" / "store_release_0_1.sql"
PASSWORD = "release 0.1 password"
NUMBER, TITLE = "国办函〔2018〕71号", "国务院办公厅关于印发《政府网站集约化试点工作方案》的通知"


@pytest.fixture
def upgraded(tmp_path: Path) -> Database:
    path = tmp_path / "store.sqlite3"
    with sqlite3.connect(path) as conn:
        conn.executescript(DUMP.read_text(encoding="utf-8"))
        assert "alembic_version" not in {r[0] for r in conn.execute("SELECT name FROM sqlite_master")}
    database = Database.for_path(path)
    yield database
    database.close()


def test_the_release_store_is_stamped_and_matches_the_models(upgraded: Database) -> None:
    assert upgraded.check().up_to_date
    # Release 0.1 declared single-column keys as `id … PRIMARY KEY` without NOT NULL, which SQLite
    # reflects as nullable; rebuilding 14 tables to add the words is not worth it (no NULL key exists:
    # every writer sets them). Everything else must agree.
    found = schema_differences(upgraded)
    differences = [d for diff in found for d in (diff if isinstance(diff, list) else [diff])]
    keys = {(table.name, column.name) for table in metadata.tables.values() for column in table.primary_key}
    unexpected = [d for d in differences if d[0] != "modify_nullable" or (d[2], d[3]) not in keys]
    assert unexpected == []


def test_documents_links_and_items_read_back(upgraded: Database) -> None:
    store = Store(upgraded)
    assert store.count() == 5 and store.count(DocumentKind.POLICY) == 2
    policy_id = next(r.id for r in store.corpus_rows() if r.numbers[0] == NUMBER)
    policy = store.get(policy_id)
    assert isinstance(policy, PolicyDocument) and policy.title == TITLE
    assert store.policy_id(policy.title) == policy_id
    assert {doc_id for doc_id, _ in store.pending()} and store.count_pending() == 5  # one was indexed
    items = ItemStore(store)
    assert items.count() == 4 and items.version() == "1"
    linked = items.links_of_docs([r.id for r in store.corpus_rows()], 0.0)
    assert sum(len(links) for links in linked.values()) == 3
    corpus = build_corpus(upgraded)
    assert policy_id in corpus.docs and corpus.docs[policy_id].date is not None


def test_staff_accounts_and_synonym_history_read_back(upgraded: Database) -> None:
    accounts = Accounts(upgraded)
    assert [(s.name, s.role) for s in accounts.users()] == [("editor1", "editor"), ("reviewer1", "reviewer")]
    assert accounts.login("reviewer1", PASSWORD) is not None
    assert accounts.wait_seconds("editor1") == 0
    staff = StaffStore(upgraded)
    assert staff.current_version() == 1
    assert [r.line for r in staff.current().rules] == ["二代证 => 居民身份证  # 俗称"]
    assert [p.status for p in staff.proposals()] == ["rejected", "approved"]
    assert [e.action for e in staff.audit()] == ["驳回", "提议新增", "新增", "提议新增"]


def test_the_audit_stays_append_only_after_the_upgrade(upgraded: Database, tmp_path: Path) -> None:
    assert_audit_append_only(tmp_path / "store.sqlite3")


def test_best_bets_and_logs_read_back(upgraded: Database) -> None:
    bets = BestBets(upgraded).for_query("政府网站集约化")
    assert [(b.author, b.comment) for b in bets] == [("张工", "群众常问")]
    # The release logged no visitors: its old queries read back, but count towards no one's 热搜.
    assert QueryLog(upgraded).zero_result_queries(5) == [("没有结果的查询", 1)]
    assert popular_queries(upgraded, frozenset()) == []
    assert [(w.query, w.zero_results) for w in work_list(upgraded)] == [("没有结果的查询", True)]
    Store(upgraded).log_query("新的查询", None, 1, 1, "year=2024")  # the release's tables take new rows


def test_crawl_state_reads_back(upgraded: Database) -> None:
    frontier = Frontier(upgraded, "govcn_2019")
    assert frontier.count(UrlStatus.DONE) == 3 and frontier.count(UrlStatus.FAILED) == 1
    frontier.start_run()
    assert frontier.count(UrlStatus.QUEUED) == 1  # the failure is retried
    store = Store(upgraded)
    policy_id = next(r.id for r in store.corpus_rows() if r.numbers[0] == NUMBER)
    policy = store.get(policy_id)
    assert isinstance(policy, PolicyDocument)
    record = PageStore(upgraded, "govcn_2019").get(policy.url)
    assert record is not None and record.doc_id == policy_id and record.validators.etag == '"etag-1"'
    duplicates = DuplicateIndex(upgraded)
    assert [link.site for link in duplicates.reposts(policy_id)] == ["示例省人民政府", "示例市人民政府"]
    copy = policy.model_copy(update={"url": "http://www.example.gov.cn/copy.html"})
    assert duplicates.canonical_for(copy) == policy_id  # same 发文字号 and title
    unnumbered = copy.model_copy(update={"doc_number": ""})
    assert duplicates.canonical_for(unnumbered) == policy_id  # the stored (signed) SimHash still matches
