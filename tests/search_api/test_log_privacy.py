"""Query-log privacy: ID-card, mobile and bank-card numbers masked before an entry exists; entries older
than the retention purged."""

from __future__ import annotations

import asyncio
import sqlite3
import time
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from govsearch.app import create_app, purge_query_log
from indexer.storage import Database
from indexer.storage.logs import QueryLog
from indexer.store import Store
from search_api.engine.privacy import BANK_CARD, ID_CARD, MOBILE, mask_personal
from tests.factories import build_data_dir


def _luhn_complete(prefix: str) -> str:
    """`prefix` plus the check digit that makes it pass the Luhn check."""
    for last in "0123456789":
        digits, total = prefix + last, 0
        for position, char in enumerate(reversed(digits)):
            value = int(char) * (2 if position % 2 else 1)
            total += value - 9 if value > 9 else value
        if total % 10 == 0:
            return digits
    raise AssertionError


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("查社保 110101199003071234", f"查社保 {ID_CARD}"),
        ("身份证11010119900307123X丢了", f"身份证{ID_CARD}丢了"),
        ("旧证 110101900307123", f"旧证 {ID_CARD}"),
        ("13800138000 110101199003071234", f"{MOBILE} {ID_CARD}"),
        ("电话+8613800138000", f"电话{MOBILE}"),
        ("138 0013 8000 回电", f"{MOBILE} 回电"),
        ("１３８００１３８０００", MOBILE),  # full-width digits
        ("卡号6222020200001234567", f"卡号{BANK_CARD}"),
        (f"卡 {_luhn_complete('411111111111111')}", f"卡 {BANK_CARD}"),
    ],
)
def test_personal_numbers_are_masked(typed: str, stored: str) -> None:
    assert mask_personal(typed) == stored


@pytest.mark.parametrize(
    "kept",
    ["国办发〔2018〕104号", "114400000069401674244010900200501", "0999-12333 社保", "12345", "2024年 补贴"],
)
def test_what_people_search_for_is_kept(kept: str) -> None:
    assert mask_personal(kept) == kept


def test_a_search_with_an_id_number_is_logged_masked(tmp_path: Path) -> None:
    settings = build_data_dir(tmp_path)
    with TestClient(create_app(settings)) as client:
        client.get("/api/v1/search", params={"q": "身份证 110101199003071234 换领"})
        click = {"query": "13800138000", "doc_id": "x", "position": 1}
        client.post("/api/v1/clicks", json=click)
    with sqlite3.connect(settings.store_path) as conn:
        searched = [q for (q,) in conn.execute("SELECT query FROM query_log")]
        clicked = [q for (q,) in conn.execute("SELECT query FROM click_log")]
    assert searched == [f"身份证 {ID_CARD} 换领"] and clicked == [MOBILE]


def test_entries_older_than_the_retention_are_purged(tmp_path: Path) -> None:
    settings = build_data_dir(tmp_path)
    store = Store(Database.for_path(settings.store_path))
    store.log_query("公积金", None, 1, 3)
    with sqlite3.connect(settings.store_path) as conn:
        conn.execute(
            "INSERT INTO query_log (at, query, page, total) VALUES ('2020-01-01T00:00:00', '旧', 1, 0)"
        )

    async def one_pass() -> None:
        task = asyncio.create_task(purge_query_log(store, 180))
        await asyncio.sleep(0.5)
        task.cancel()

    asyncio.run(one_pass())
    with sqlite3.connect(settings.store_path) as conn:
        assert [q for (q,) in conn.execute("SELECT query FROM query_log")] == ["公积金"]
    store.close()


def test_a_worker_that_stops_waits_for_a_purge_under_way_before_closing_the_store(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The purge runs in a thread that cannot be cancelled: closing the store under its statement
    crashed a worker stopped right after it started (SQLite) or warned of a lost transaction."""
    settings = build_data_dir(tmp_path)
    events: list[str] = []
    original_purge, original_close = QueryLog.purge, Store.close

    def slow_purge(self: QueryLog, before: str) -> int:
        time.sleep(0.5)
        events.append("purged")
        return original_purge(self, before)

    def close(self: Store) -> None:
        events.append("closed")
        original_close(self)

    monkeypatch.setattr(QueryLog, "purge", slow_purge)
    monkeypatch.setattr(Store, "close", close)
    with TestClient(create_app(settings)):
        pass  # stops while the first purge still sleeps
    assert events == ["purged", "closed"]
