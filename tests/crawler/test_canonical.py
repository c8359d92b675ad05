"""<link rel=canonical>: two URLs of one page make one document under the canonical URL, and losing
one of the two URLs does not withdraw it."""

from __future__ import annotations

from pathlib import Path

from crawler.options import CrawlOptions
from crawler.run import crawl_sync
from crawler.sink import CrawlSink
from indexer.documents import PolicyDocument, ServiceGuide
from indexer.storage import Database
from tests.crawler.fault_site import Page, fault_site, policy_profile
from tests.crawler.test_fault_crawl import links, policy


def test_canonical_url_names_the_document(tmp_path: Path) -> None:
    canonical = policy("关于规范统一的通知").replace(
        "<title>", '<link rel="canonical" href="/p/a.html"><title>'
    )
    pages = {
        "/": Page(links("/p/a.html", "/p/a.html?from=list")),
        "/p/a.html": Page(canonical),
        "/p/a.html?from=list": Page(canonical),
    }
    stored: dict[str, PolicyDocument | ServiceGuide] = {}
    withdrawn: list[str] = []
    with fault_site(pages) as site:
        profile = policy_profile("canon", site.url("/"))

        def run(recrawl: bool) -> None:
            crawl_sync(
                profile,
                Database.for_path(tmp_path / "db"),
                CrawlSink(
                    on_document=lambda doc: stored.__setitem__(doc.id, doc), on_withdraw=withdrawn.append
                ),
                CrawlOptions(recrawl=recrawl, delay=0.0, backoff=0.0),
            )

        run(recrawl=False)
        assert [doc.url for doc in stored.values()] == [site.url("/p/a.html")]
        del site.pages["/p/a.html?from=list"]
        run(recrawl=True)
        assert withdrawn == []  # /p/a.html still produces the document
        del site.pages["/p/a.html"]
        run(recrawl=True)
    assert withdrawn == list(stored)
