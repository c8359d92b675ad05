"""The frontier persists in the store (SQLite and PostgreSQL): a stopped crawl resumes without fetching
anything twice."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from crawler.frontier import Frontier, UrlStatus, normalize_url
from indexer.storage import Database
from tests.crawler.http_site import Route, serve
from tests.crawler.test_fetcher_politeness import links, policy_page, profile_for, run

DETAILS = [f"/zhengce/{n}.html" for n in range(1, 6)]
ROUTES = {
    "/robots.txt": Route("User-agent: *\nDisallow:\n", content_type="text/plain"),
    "/": Route(links("/policies.html")),
    "/policies.html": Route(links(*DETAILS)),
} | {path: Route(policy_page(f"第{n}号通知")) for n, path in enumerate(DETAILS, start=1)}


def page_requests(paths: list[str]) -> list[str]:
    return [path for path in paths if path != "/robots.txt"]


def test_resume_fetches_the_rest_and_nothing_twice(store_db: Database) -> None:
    db = store_db
    with serve(ROUTES) as site:
        first, first_titles = run(profile_for(site, delay=0.0, max_pages=4), db)
        after_first = page_requests(site.paths())
        second, second_titles = run(profile_for(site, delay=0.0), db)
        third, _ = run(profile_for(site, delay=0.0), db)
    fetched = page_requests(site.paths())
    assert first.fetched == 4 and len(after_first) == 4
    assert second.fetched == 4 and third.fetched == 0
    assert sorted(fetched) == sorted(["/", "/sitemap.xml", "/policies.html", *DETAILS])  # each exactly once
    assert sorted(first_titles + second_titles) == sorted(f"第{n}号通知" for n in range(1, 6))


def test_recrawl_fetches_everything_again(store_db: Database) -> None:
    db = store_db
    with serve(ROUTES) as site:
        run(profile_for(site, delay=0.0), db)
        again, titles = run(profile_for(site, delay=0.0), db, recrawl=True)
    assert again.fetched == 8 and len(titles) == 0  # all unchanged: nothing to store again
    assert again.unchanged == 5


def test_enqueue_dedupes_normalised_urls_and_uses_wal(tmp_path: Path) -> None:
    db = tmp_path / "store.db"
    with Frontier(Database.for_path(db), "p") as frontier:
        assert frontier.enqueue("HTTP://Example.COM:80/a.html#top")
        assert not frontier.enqueue("http://example.com/a.html")
        assert frontier.enqueue("http://example.com/a.html?page=2")
        entry = frontier.claim()
        assert entry is not None and entry.url == "http://example.com/a.html"
        frontier.mark(entry.url, UrlStatus.FAILED, "HTTP 500")
        assert frontier.count(UrlStatus.QUEUED) == 1
    with Frontier(Database.for_path(db), "p") as frontier:
        frontier.start_run()
        assert frontier.count(UrlStatus.QUEUED) == 2  # failures are retried (up to 3 attempts)
    with sqlite3.connect(db) as connection:
        assert connection.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def test_claimed_urls_of_a_dead_run_are_queued_again(store_db: Database) -> None:
    with Frontier(store_db, "p") as frontier:
        frontier.enqueue("http://example.com/")
        assert frontier.claim() is not None
        assert frontier.claim() is None
    with Frontier(Database(store_db.url), "p") as frontier:
        frontier.start_run()
        assert frontier.statuses() == {"http://example.com/": "queued"}


def test_normalize_url() -> None:
    assert normalize_url("https://Example.com:443") == "https://example.com/"
    assert normalize_url("http://example.com:8080/a?b=1#c") == "http://example.com:8080/a?b=1"
