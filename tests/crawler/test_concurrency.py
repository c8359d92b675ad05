"""Global concurrency across hosts, one request at a time per host with its delay."""

from __future__ import annotations

from itertools import pairwise
from pathlib import Path

from crawler.fetcher import USER_AGENT
from crawler.options import CrawlOptions
from crawler.profiles import DetailPattern, SiteProfile
from crawler.run import crawl_sync
from crawler.sink import CrawlSink
from indexer.documents import DocumentKind, PolicyDocument, ServiceGuide
from indexer.storage import Database
from tests.crawler.fault_site import FaultSite, Page, fault_site
from tests.crawler.test_fault_crawl import links, policy

DELAY = 0.15


def site_pages(name: str) -> dict[str, Page]:
    details = [f"/p/{n}.html" for n in range(5)]
    return {"/": Page(links(*details))} | {path: Page(policy(f"{name}{path}")) for path in details}


def arrivals(site: FaultSite) -> list[float]:
    return [hit.at for hit in site.hits]


def test_hosts_are_crawled_in_parallel_each_politely(tmp_path: Path) -> None:
    documents: list[PolicyDocument | ServiceGuide] = []
    with fault_site(site_pages("甲")) as a, fault_site(site_pages("乙")) as b:
        profile = SiteProfile(
            name="two",
            site="两站",
            seeds=[a.url("/"), b.url("/")],
            list_patterns=["^/$"],
            detail=[DetailPattern(pattern="^/p/", kind=DocumentKind.POLICY)],
        )
        report = crawl_sync(
            profile,
            Database.for_path(tmp_path / "db"),
            CrawlSink(on_document=documents.append),
            CrawlOptions(delay=DELAY, concurrency=4),
        )
    assert len(documents) == 10 and report.errors == {}
    for site in (a, b):
        times = arrivals(site)
        assert min(later - earlier for earlier, later in pairwise(times)) >= DELAY  # one at a time per host
        assert {hit.user_agent for hit in site.hits} == {USER_AGENT}
    # the hosts overlap in time: b did not wait for a to finish
    assert arrivals(b)[0] < arrivals(a)[-1] and arrivals(a)[0] < arrivals(b)[-1]
