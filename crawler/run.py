"""A crawl of one site profile, or of several at once: seeds, sitemaps and feeds → polite fetch →
follow list pages → extract detail pages → documents (and withdrawals) handed to the caller's sink."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass

from crawler.dedup import DuplicateIndex
from crawler.fetcher import USER_AGENT, Fetcher, HostThrottle
from crawler.frontier import Frontier
from crawler.loop import CrawlLoop
from crawler.options import CrawlOptions
from crawler.profiles import SiteProfile
from crawler.report import CrawlReport
from crawler.sink import CrawlSink, DocumentHandler
from indexer.storage import Database


async def crawl(
    profile: SiteProfile, database: Database, sink: CrawlSink, options: CrawlOptions | None = None
) -> CrawlReport:
    """Crawl `profile`, calling `sink.on_document` for every policy or guide extracted (new or changed)
    and `sink.on_withdraw(doc_id)` for documents whose pages vanished. Prints nothing; logs to
    'govsearch.crawler'.

    The frontier lives in `database` (tables crawl_*): a second call continues where the first stopped.
    `sink.lookup(doc_id)` reads a stored document back; with it, reposts are folded into one canonical
    copy.
    """
    return await _crawl(profile, database, sink, options or CrawlOptions(), shared=None)


def crawl_sync(
    profile: SiteProfile, database: Database, sink: CrawlSink, options: CrawlOptions | None = None
) -> CrawlReport:
    """`crawl` for callers without an event loop (the CLI)."""
    return asyncio.run(crawl(profile, database, sink, options))


@dataclass(frozen=True)
class Shared:
    """What concurrent runs share: one request at a time per host, and the pages in flight overall."""

    throttle: HostThrottle
    slots: asyncio.Semaphore


async def crawl_all(
    profiles: list[SiteProfile], database: Database, sink: CrawlSink, options: CrawlOptions | None = None
) -> dict[str, CrawlReport]:
    """Crawl several profiles at once (the nightly run): `options.concurrency` pages in flight across
    all of them, one request at a time per host even when two profiles share a host. One profile is
    crawled exactly as `crawl` does."""
    options = options or CrawlOptions()
    # Alone, a profile keeps a throttle of its own: hosts it meets only through attachments wait its
    # delay, not the shared default (`govsearch crawl` with one profile comes this way).
    shared = None
    if len(profiles) > 1:
        shared = Shared(HostThrottle(options.default_delay), asyncio.Semaphore(max(1, options.concurrency)))
    reports = await asyncio.gather(
        *(_crawl(profile, database, sink, options, shared) for profile in profiles)
    )
    return {profile.name: report for profile, report in zip(profiles, reports, strict=True)}


async def _crawl(
    profile: SiteProfile, database: Database, sink: CrawlSink, options: CrawlOptions, shared: Shared | None
) -> CrawlReport:
    """`shared` (from `crawl_all`) makes runs share per-host turns and the pages-in-flight limit."""
    with Frontier(database, profile.name) as frontier:
        frontier.start_run(recrawl=options.recrawl)
        duplicates = DuplicateIndex(frontier.database) if options.dedup else None
        handler = DocumentHandler(profile, sink, duplicates)
        async with Fetcher(
            user_agent=profile.user_agent or USER_AGENT,
            delay=options.delay_for(profile),
            timeout=options.timeout,
            max_bytes=options.max_bytes,
            retries=options.retries,
            backoff=options.backoff,
            host_allowed=profile.host_allowed,
            private_addresses=profile.allows_private_addresses,
            throttle=shared.throttle if shared else None,
        ) as fetcher:
            slots = shared.slots if shared else None
            return await CrawlLoop(
                profile, frontier, fetcher, handler, options, sink.on_progress, slots
            ).run()
