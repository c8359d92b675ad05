"""A crawl of one site profile: seeds, sitemaps and feeds → polite fetch → follow list pages →
extract detail pages → documents (and withdrawals) handed to the caller."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import dataclass, replace

from crawler.dedup import DuplicateIndex
from crawler.fetcher import USER_AGENT, Fetcher, HostThrottle
from crawler.frontier import Frontier
from crawler.profiles import SiteProfile
from crawler.report import CrawlOptions, CrawlProgress, CrawlReport
from crawler.sink import Document, DocumentHandler, DocumentSink, Lookup, Withdraw, extract_document
from crawler.visit import CrawlRun, crawl_delay
from indexer.storage import Database

__all__ = [
    "CrawlOptions",
    "CrawlProgress",
    "CrawlReport",
    "Document",
    "Shared",
    "crawl",
    "crawl_all",
    "crawl_sync",
    "extract_document",
]


async def crawl(
    profile: SiteProfile,
    database: Database,
    *,
    on_document: DocumentSink,
    on_progress: Callable[[CrawlProgress], None] | None = None,
    on_withdraw: Withdraw | None = None,
    lookup: Lookup | None = None,
    recrawl: bool = False,
    delay_override: float | None = None,
    options: CrawlOptions | None = None,
    shared: Shared | None = None,
) -> CrawlReport:
    """Crawl `profile`, calling `on_document` for every policy or guide extracted (new or changed) and
    `on_withdraw(doc_id)` for documents whose pages vanished. Prints nothing; logs to
    'govsearch.crawler'.

    The frontier lives in `database` (tables crawl_*): a second call continues where the first stopped.
    `lookup(doc_id)` reads a stored document back; with it, reposts are folded into one canonical copy.
    `delay_override` replaces the profile's delay; a larger robots.txt Crawl-delay still wins.
    `shared` (from `crawl_all`) makes runs share per-host turns and the pages-in-flight limit.
    """
    options = options or CrawlOptions()
    if recrawl:
        options = replace(options, recrawl=True)
    if delay_override is not None:
        options = replace(options, delay=delay_override)
    delay = crawl_delay(profile, options)
    with Frontier(database, profile.name) as frontier:
        frontier.start_run(recrawl=options.recrawl)
        duplicates = DuplicateIndex(frontier.database) if options.dedup else None
        handler = DocumentHandler(profile, on_document, on_withdraw, lookup, duplicates)
        async with Fetcher(
            user_agent=profile.user_agent or USER_AGENT,
            delay=delay,
            timeout=options.timeout,
            max_bytes=options.max_bytes,
            retries=options.retries,
            backoff=options.backoff,
            host_allowed=profile.host_allowed,
            throttle=shared.throttle if shared else None,
        ) as fetcher:
            slots = shared.slots if shared else None
            return await CrawlRun(profile, frontier, fetcher, handler, options, on_progress, slots).run()


@dataclass(frozen=True)
class Shared:
    """What concurrent runs share: one request at a time per host, and the pages in flight overall."""

    throttle: HostThrottle
    slots: asyncio.Semaphore


async def crawl_all(
    profiles: list[SiteProfile],
    database: Database,
    *,
    on_document: DocumentSink,
    on_progress: Callable[[str, CrawlProgress], None] | None = None,
    on_withdraw: Withdraw | None = None,
    lookup: Lookup | None = None,
    options: CrawlOptions | None = None,
) -> dict[str, CrawlReport]:
    """Crawl several profiles at once (the nightly run): `options.concurrency` pages in flight across
    all of them, one request at a time per host even when two profiles share a host."""
    options = options or CrawlOptions()
    shared = Shared(HostThrottle(options.default_delay), asyncio.Semaphore(max(1, options.concurrency)))

    def progress_of(name: str) -> Callable[[CrawlProgress], None] | None:
        return None if on_progress is None else (lambda progress: on_progress(name, progress))

    reports = await asyncio.gather(
        *(
            crawl(
                profile,
                database,
                on_document=on_document,
                on_progress=progress_of(profile.name),
                on_withdraw=on_withdraw,
                lookup=lookup,
                options=options,
                shared=shared,
            )
            for profile in profiles
        )
    )
    return {profile.name: report for profile, report in zip(profiles, reports, strict=True)}


def crawl_sync(
    profile: SiteProfile,
    database: Database,
    *,
    on_document: DocumentSink,
    on_progress: Callable[[CrawlProgress], None] | None = None,
    on_withdraw: Withdraw | None = None,
    lookup: Lookup | None = None,
    recrawl: bool = False,
    delay_override: float | None = None,
    options: CrawlOptions | None = None,
) -> CrawlReport:
    """`crawl` for callers without an event loop (the CLI)."""
    return asyncio.run(
        crawl(
            profile,
            database,
            on_document=on_document,
            on_progress=on_progress,
            on_withdraw=on_withdraw,
            lookup=lookup,
            recrawl=recrawl,
            delay_override=delay_override,
            options=options,
        )
    )
