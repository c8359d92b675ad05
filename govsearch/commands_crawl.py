"""`govsearch crawl` with several profiles (or `--all`): one run, pages in flight shared across sites."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from urllib.parse import urlsplit

from crawler.profiles import SiteProfile
from crawler.run import CrawlOptions, CrawlReport, crawl_all
from govsearch.crawl_output import ProgressPrinter, report_lines
from govsearch.settings import Settings
from indexer.documents import PolicyDocument, ServiceGuide
from indexer.storage import Database
from indexer.store import Store

LOOPBACK = frozenset({"127.0.0.1", "localhost", "::1"})


def live_profiles(profiles: list[SiteProfile]) -> tuple[list[SiteProfile], list[SiteProfile]]:
    """(profiles of real sites, profiles of local mirrors): `--all` crawls only the first."""
    local = [p for p in profiles if all(urlsplit(seed).hostname in LOOPBACK for seed in p.seeds)]
    return [p for p in profiles if p not in local], local


def run_crawl_all(
    settings: Settings,
    profiles: list[SiteProfile],
    options: CrawlOptions,
    status: Callable[..., None],
) -> dict[str, CrawlReport]:
    """Crawl every profile at once into the store; prints progress per profile and a report each."""
    database = Database.for_path(settings.store_path)
    store = Store(database)

    def on_document(doc: PolicyDocument | ServiceGuide) -> None:
        store.upsert([doc])

    try:
        reports = asyncio.run(
            crawl_all(
                profiles,
                database,
                on_document=on_document,
                on_progress=ProgressPrinter(status),
                on_withdraw=lambda doc_id: store.withdraw([doc_id]),
                lookup=store.get,
                options=options,
            )
        )
    finally:
        store.close()
    for name, report in reports.items():
        status(f"【{name}】", final=True)
        for line in report_lines(report):
            status(line, final=True)
    total = sum(report.fetched for report in reports.values())
    documents = sum(report.documents for report in reports.values())
    status(f"全部 {len(reports)} 个站点：抓取 {total} 页，新增或更新文档 {documents} 篇", final=True)
    return reports
