"""A whole crawl of a local mirror of the 60 gov.cn pages in ../shared."""

from __future__ import annotations

from pathlib import Path

from crawler.options import CrawlOptions
from crawler.profiles import builtin_profile, profile_with_seeds
from crawler.report import CrawlProgress
from crawler.run import crawl_sync
from crawler.sink import CrawlSink
from indexer.documents import PolicyDocument, ServiceGuide
from indexer.storage import Database
from tests.crawler.http_site import serve_directory
from tests.shared_data import shared_path


def test_crawl_govcn_2019_mirror(tmp_path: Path) -> None:
    pages = shared_path("data/pages/govcn_2019")
    documents: list[PolicyDocument | ServiceGuide] = []
    progress: list[CrawlProgress] = []
    with serve_directory(pages) as root:
        profile = profile_with_seeds(builtin_profile("govcn_2019"), [root])
        report = crawl_sync(
            profile,
            Database.for_path(tmp_path / "store.db"),
            CrawlSink(
                on_document=documents.append, on_progress=lambda _name, update: progress.append(update)
            ),
            CrawlOptions(delay=0.0),
        )
    assert report.documents == 60 == len(documents) and report.fetched == 62  # with /sitemap.xml (404)
    assert report.errors == {} and report.not_extracted == 0
    assert all(isinstance(doc, PolicyDocument) and doc.site == "中国政府网" for doc in documents)
    assert {doc.url.rsplit("/", 1)[-1] for doc in documents} == {p.name for p in pages.glob("*.html")}
    assert 2 <= len(progress) < 62  # a few updates a second, and a last one
    assert progress[-1].fetched == 62 and progress[-1].queued == 0 and progress[-1].pages_per_second > 0
