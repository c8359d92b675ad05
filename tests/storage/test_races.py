"""Two writers at once, each through its own `Database` (as two servers or two processes would be),
on SQLite and on PostgreSQL: no change is lost, the audit trail is complete, and two crawlers never
claim the same URL."""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass

import pytest

from crawler.frontier import Frontier
from indexer.catalogue.store import ItemStore
from indexer.documents import CatalogueItem
from indexer.storage import Database
from indexer.storage.synonyms import AuditEntry
from indexer.store import Store
from synonyms.staff_rules import ChangeError, StaffRule
from synonyms.staff_store import StaffStore

ROUNDS = 15


def _together(*work: Callable[[], None]) -> None:
    """Run each callable in its own thread, started at the same moment; re-raise the first error."""
    start = threading.Barrier(len(work))
    errors: list[BaseException] = []

    def run(job: Callable[[], None]) -> None:
        start.wait()
        try:
            job()
        except BaseException as exc:  # reported in the test's thread
            errors.append(exc)

    threads = [threading.Thread(target=run, args=(job,)) for job in work]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    if errors:
        raise errors[0]


@dataclass(frozen=True)
class Committed:
    version: int
    base: int
    rules: tuple[StaffRule, ...]


def _writer(
    database: Database,
    name: str,
    change: Callable[[StaffStore], tuple[StaffRule, ...]],
    grouped: bool = False,
) -> list[Committed]:
    """A reviewer who commits ROUNDS changes; on a conflict (someone committed since they looked)
    they look again and redo the change, as the staff tool asks them to. `grouped`: the commit runs
    inside the caller's own write transaction (as when grouped with the proposal's decision)."""
    staff = StaffStore(database)
    done: list[Committed] = []
    while len(done) < ROUNDS:
        live = staff.current()
        rules = change(staff)
        entry = AuditEntry(0, "", name, "新增", "", str(len(rules)), "race", f"{name} 批准", None)
        try:
            if grouped:
                with database.write():
                    version = staff.commit(rules, entry, base=live.id)
            else:
                version = staff.commit(rules, entry, base=live.id)
        except ChangeError:
            continue
        done.append(Committed(version, live.id, rules))
    return done


@pytest.mark.parametrize("grouped", [False, True], ids=["alone", "grouped"])
def test_approve_and_rollback_racing_lose_nothing(store_db: Database, grouped: bool) -> None:
    other = Database(store_db.url)
    staff = StaffStore(store_db)
    first = (StaffRule(id=1, line="二代证 => 居民身份证"),)
    base_entry = AuditEntry(0, "", "a", "新增", "", "x", "r", "a 批准", None)
    assert staff.commit(first, base_entry, base=0) == 1
    results: dict[str, list[Committed]] = {}

    def approve(store: StaffStore) -> tuple[StaffRule, ...]:
        rules = store.current().rules
        next_id = max(r.id for r in rules) + 1
        return (*rules, StaffRule(id=next_id, line=f"说法{next_id} => 规范{next_id}"))

    def roll_back(_store: StaffStore) -> tuple[StaffRule, ...]:
        return first  # back to version 1's rules

    _together(
        lambda: results.__setitem__("approve", _writer(store_db, "approver", approve, grouped)),
        lambda: results.__setitem__("rollback", _writer(other, "rollbacker", roll_back, grouped)),
    )
    commits = sorted(results["approve"] + results["rollback"], key=lambda c: c.version)
    assert [c.version for c in commits] == list(range(2, 2 * ROUNDS + 2))
    # Every commit was computed from the version just before it: none overwrote a change unseen.
    assert all(c.base == c.version - 1 for c in commits)
    for commit in commits:
        assert StaffStore(store_db).version(commit.version).rules == commit.rules  # type: ignore[union-attr]
    audit = staff.audit()
    assert len(audit) == 2 * ROUNDS + 1
    assert sorted(e.version for e in audit if e.version) == list(range(1, 2 * ROUNDS + 2))
    other.close()


def _items(start: int, stop: int, tag: str) -> list[CatalogueItem]:
    return [
        CatalogueItem(name=f"事项{n}", code=f"C{n:05d}", authority=f"部门{tag}", region="示例市")
        for n in range(start, stop)
    ]


def test_two_imports_at_once_keep_every_item_and_every_version_bump(store_db: Database) -> None:
    other = Database(store_db.url)
    bumps: list[int] = []

    def importer(database: Database, items: list[CatalogueItem]) -> Callable[[], None]:
        def run() -> None:
            store = ItemStore(Store(database))
            for at in range(0, len(items), 20):
                if store.upsert_items(items[at : at + 20]):
                    bumps.append(1)

        return run

    # Overlapping catalogues (items 100–199 in both, written in opposite orders within a batch).
    _together(
        importer(store_db, _items(0, 200, "甲")),
        importer(other, list(reversed(_items(100, 300, "乙")))),
    )
    items = ItemStore(Store(store_db))
    assert items.count() == 300
    assert items.version() == str(len(bumps))  # no two imports wrote the same next version
    other.close()


def test_two_crawlers_never_claim_the_same_url(store_db: Database) -> None:
    frontier = Frontier(store_db, "p")
    for n in range(60):
        frontier.enqueue(f"http://example.com/{n}.html")
    other = Database(store_db.url)
    claimed: dict[str, list[str]] = {"a": [], "b": []}

    def crawler(database: Database, name: str) -> Callable[[], None]:
        def run() -> None:
            mine = Frontier(database, "p")
            while (entry := mine.claim()) is not None:
                claimed[name].append(entry.url)

        return run

    _together(crawler(store_db, "a"), crawler(other, "b"))
    every = claimed["a"] + claimed["b"]
    assert len(every) == len(set(every)) == 60
    other.close()


def test_a_starting_crawler_leaves_a_live_crawlers_claims_alone(store_db: Database) -> None:
    first = Frontier(store_db, "p")
    for n in range(5):
        first.enqueue(f"http://example.com/{n}.html")
    first.start_run()
    in_flight = [first.claim(), first.claim()]
    assert all(in_flight)
    other = Database(store_db.url)
    Frontier(other, "p").start_run()  # a second crawler process of the same profile
    fetching = [u for u, s in first.statuses().items() if s == "fetching"]
    if store_db.dialect == "postgresql":
        assert len(fetching) == 2  # still the first crawler's: nobody else will fetch them
        first.close()  # the first run ends (a SIGKILL closes its connection just the same)
        Frontier(other, "p").start_run()
    fetching = [u for u, s in first.statuses().items() if s == "fetching"]
    assert fetching == []  # a gone run's claims are queued again
    other.close()
