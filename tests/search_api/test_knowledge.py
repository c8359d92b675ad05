"""The in-memory knowledge: built once, rebuilt when the store changes, never a long wait."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from indexer.storage import Database
from indexer.storage.logs import QueryLog
from search_api.engine import knowledge
from search_api.engine.knowledge import EMPTY, KnowledgeCache
from search_api.engine.query_log import DEFAULT_POPULARITY
from search_api.engine.suggest import Suggester
from tests.factories import build_app, build_data_dir, guide


def _store_and_file(tmp_path: Path) -> tuple[Database, Path]:
    """The sample store, and where its knowledge is kept."""
    return Database.for_path(build_data_dir(tmp_path).store_path), tmp_path / "knowledge.bin"


def test_built_once_then_rebuilt_when_the_store_changes(tmp_path: Path) -> None:
    settings = build_data_dir(tmp_path)
    cache = KnowledgeCache(Database.for_path(settings.store_path), ["社保卡"], frozenset(), refresh_seconds=0)
    first = cache.get()
    assert "居民身份证换领" in first.corpus.titles and "社保卡" in first.corpus.terms
    cache.get()
    assert cache.settle() is first  # nothing changed
    build_data_dir(tmp_path, [guide("出生医学证明补发", "G100")])
    assert "出生医学证明补发" not in cache.get().corpus.titles  # a search never waits for a rebuild …
    assert "出生医学证明补发" in cache.settle().corpus.titles  # … which happens beside it


def test_a_search_does_not_wait_long_for_the_first_build(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings = build_data_dir(tmp_path)
    cache = KnowledgeCache(Database.for_path(settings.store_path), [], frozenset())
    monkeypatch.setattr(knowledge, "FIRST_BUILD_WAIT_SECONDS", 0.05)
    cache._lock.acquire()  # as if the startup thread were still reading a large collection
    try:
        assert cache.get() is EMPTY
    finally:
        cache._lock.release()
    assert cache.get() is not EMPTY


def test_kept_between_runs_for_the_same_store(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    database, path = _store_and_file(tmp_path)
    built = KnowledgeCache(database, ["社保卡"], frozenset(), path=path).get()
    for _ in range(100):  # saved by a thread beside the searches
        if path.exists():
            break
        time.sleep(0.05)

    def no_build(*args: object, **kwargs: object) -> None:
        raise AssertionError("built again although the store did not change")

    with monkeypatch.context() as patched:
        patched.setattr(knowledge, "build_knowledge", no_build)
        loaded = KnowledgeCache(database, ["社保卡"], frozenset(), path=path).get()
    assert loaded.corpus.titles == built.corpus.titles and loaded.lexicon.full == built.lexicon.full
    # Other synonym terms, or a changed store: the file is not used.
    assert "出生医学证明补发" not in loaded.corpus.titles
    assert "公积金" in KnowledgeCache(database, ["公积金"], frozenset(), path=path).get().corpus.terms
    build_data_dir(tmp_path, [guide("出生医学证明补发", "G100")])
    assert (
        "出生医学证明补发" in KnowledgeCache(database, ["社保卡"], frozenset(), path=path).get().corpus.titles
    )


def test_a_damaged_file_is_ignored(tmp_path: Path) -> None:
    settings = build_data_dir(tmp_path)
    path = tmp_path / "knowledge.bin"
    path.write_bytes(b"not a pickle")
    cache = KnowledgeCache(Database.for_path(settings.store_path), [], frozenset(), path=path)
    assert "居民身份证换领" in cache.get().corpus.titles


def test_workers_starting_together_build_once_and_share_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import threading

    database, path = _store_and_file(tmp_path)
    builds: list[int] = []
    real = knowledge.build_knowledge

    def counted(*args: object, **kwargs: object) -> knowledge.Knowledge:
        builds.append(1)
        time.sleep(0.3)  # the other worker arrives while this one is still building
        return real(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(knowledge, "build_knowledge", counted)
    workers = [KnowledgeCache(database, ["社保卡"], frozenset(), path=path) for _ in range(2)]
    found: list[knowledge.Knowledge] = []
    threads = [threading.Thread(target=lambda c=c: found.append(c.get())) for c in workers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(builds) == 1
    assert found[0].corpus.titles == found[1].corpus.titles and "居民身份证换领" in found[1].corpus.titles


def _searched_by_three(database: Database, query: str) -> None:
    log = QueryLog(database)
    for person in ("a", "b", "c"):
        log.log_query(query, None, 1, 2, visitor=person)


def _no_store_read(*args: object, **kwargs: object) -> None:
    raise AssertionError("the store was read again although only popularity changed")


def test_a_change_of_popularity_alone_keeps_what_was_read_from_the_store(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings = build_data_dir(tmp_path)
    database = Database.for_path(settings.store_path)
    cache = KnowledgeCache(database, ["社保卡"], frozenset(), refresh_seconds=0, popular_seconds=0)
    first = cache.get()
    _searched_by_three(database, "身份证到期换领")
    monkeypatch.setattr(knowledge, "build_corpus", _no_store_read)
    cache.get()
    fresh = cache.settle()
    assert fresh.popular == [("身份证到期换领", 3)] and "身份证到期换领" in fresh.corpus.terms
    assert fresh.corpus.docs is first.corpus.docs and "社保卡" in fresh.corpus.terms
    monkeypatch.undo()
    # … and it is what a full build makes of the store and logs as they are now.
    built = knowledge.build_knowledge(database, knowledge.Given.of(["社保卡"], (), DEFAULT_POPULARITY))
    assert fresh.corpus.terms == built.corpus.terms and fresh.lexicon.full == built.lexicon.full
    assert fresh.suggester.suggest("身份证") == built.suggester.suggest("身份证")
    assert "身份证到期换领" in fresh.suggester.suggest("身份证")


def test_a_kept_file_with_old_popularity_is_brought_up_to_date_without_reading_the_store(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    database, path = _store_and_file(tmp_path)
    first = KnowledgeCache(database, ["社保卡"], frozenset(), path=path)
    first.get()
    first.settle()
    _searched_by_three(database, "身份证到期换领")
    monkeypatch.setattr(knowledge, "build_corpus", _no_store_read)
    second = KnowledgeCache(database, ["社保卡"], frozenset(), path=path)
    assert second.get().popular == [("身份证到期换领", 3)]
    second.settle()
    third = KnowledgeCache(database, ["社保卡"], frozenset(), path=path)  # opens what the second kept
    assert "身份证到期换领" in third.get().corpus.terms


def test_a_synonym_change_at_run_time_reaches_the_knowledge_without_reading_the_store(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    database, path = _store_and_file(tmp_path)
    terms = ["社保卡"]
    cache = KnowledgeCache(database, lambda: terms, frozenset(), refresh_seconds=0, path=path)
    first = cache.get()
    assert "医保电子凭证" not in first.corpus.terms
    terms.append("医保电子凭证")  # a staff rule approved while the server runs
    monkeypatch.setattr(knowledge, "build_corpus", _no_store_read)
    cache.get()
    fresh = cache.settle()
    assert "医保电子凭证" in fresh.corpus.terms and fresh.corpus.docs is first.corpus.docs
    assert "医保电子凭证" in fresh.suggester.suggest("医保")
    # The next worker to start opens the file kept for the new terms, and brings nothing up to date.
    monkeypatch.setattr(knowledge, "updated", _no_store_read)
    assert "医保电子凭证" in KnowledgeCache(database, terms, frozenset(), path=path).get().corpus.terms


def test_the_suggesters_changing_entries_are_made_apart_and_rank_as_if_built_together() -> None:
    titles = [("社会保障卡申领", 2.0), ("社会保障卡挂失", 2.0), ("社保卡", 2.0), ("居民身份证换领", 2.0)]
    changing = [("社保卡", 5.0), ("社保卡挂失怎么办", 24.0), ("身份证", 5.0)]
    together = Suggester.build([*titles, *changing])
    apart = Suggester.build(titles).with_extra(changing)
    for prefix in ("社", "社保", "sbk", "shebao", "身份", "s"):
        assert apart.suggest(prefix) == together.suggest(prefix), prefix
    assert apart.suggest("社保")[0] == "社保卡挂失怎么办"  # a popular query first
    # The next change replaces the changing entries: a query no longer popular is no longer suggested.
    assert "社保卡挂失怎么办" not in apart.with_extra([("身份证", 5.0)]).suggest("社保")


def test_a_staff_rule_approved_while_the_server_runs_reaches_its_suggestions(tmp_path: Path) -> None:
    from synonyms.staff_rules import StaffRule
    from synonyms.staff_store import AuditEntry, StaffStore

    def suggested(client: TestClient) -> list[str]:
        return list(client.get("/api/v1/suggest", params={"q": "医保电"}).json()["suggestions"])

    with TestClient(build_app(tmp_path, warm_first=True)) as client:
        assert "医保电子凭证" not in suggested(client)
        staff = StaffStore(Database.for_path(tmp_path / "store.sqlite3"))
        line = "医保码 => 医保电子凭证"
        approval = AuditEntry(0, "", "editor", "新增", "", line, "群众常说", "reviewer 批准", None)
        staff.commit((StaffRule(id=1, line=line),), approval, base=staff.current_version())
        deadline = time.monotonic() + 20  # brought up to date beside the searches, not inside one
        while "医保电子凭证" not in suggested(client) and time.monotonic() < deadline:
            time.sleep(0.1)
        assert "医保电子凭证" in suggested(client)
