"""A crawl of one site profile: seeds → polite fetch → follow list pages → extract detail pages."""

from __future__ import annotations

import asyncio
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from crawler.extract.common import extract_links
from crawler.extract.guide import extract_guide
from crawler.extract.policy import extract_policy
from crawler.fetcher import USER_AGENT, Fetcher, FetchResult
from crawler.frontier import Frontier, FrontierEntry, UrlStatus
from crawler.profiles import PageRole, SiteProfile, host_key
from crawler.robots import RobotsCache
from indexer.documents import PolicyDocument, ServiceGuide

Document = PolicyDocument | ServiceGuide
DocumentSink = Callable[[Document], None]
WORKERS = 4
_IDLE_POLL = 0.02


@dataclass(frozen=True)
class CrawlProgress:
    fetched: int
    queued: int
    errors: int
    pages_per_second: float
    current_url: str


@dataclass
class CrawlReport:
    fetched: int = 0
    documents: int = 0
    skipped_by_robots: int = 0
    not_extracted: int = 0  # detail pages that yielded no document
    errors: dict[str, int] = field(default_factory=dict)  # host → failed fetches
    elapsed: float = 0.0


def extract_document(role: PageRole, url: str, html: str, profile: SiteProfile) -> Document | None:
    where = {"site": profile.site, "region": profile.region, "region_code": profile.region_code}
    if role is PageRole.POLICY:
        return extract_policy(url, html, **where, publisher=profile.publisher, rules=profile.extract)
    if role is PageRole.GUIDE:
        return extract_guide(url, html, **where)
    return None


class _Crawl:
    """The state of one run; `run()` drives workers until the frontier is empty or max_pages is reached."""

    def __init__(
        self,
        profile: SiteProfile,
        frontier: Frontier,
        fetcher: Fetcher,
        on_document: DocumentSink,
        on_progress: Callable[[CrawlProgress], None] | None,
        base_delay: float,
    ) -> None:
        self.profile, self.frontier, self.fetcher = profile, frontier, fetcher
        self.robots = RobotsCache(fetcher)
        self.on_document, self.on_progress = on_document, on_progress
        self.base_delay = base_delay
        self.report = CrawlReport()
        self.errors: Counter[str] = Counter()
        self.started = time.monotonic()
        self.claimed = 0
        self.in_flight = 0

    async def run(self) -> CrawlReport:
        for seed in self.profile.seeds:
            self.frontier.enqueue(seed, kind=PageRole.LIST.value)
        await asyncio.gather(*(self._worker() for _ in range(WORKERS)))
        self.report.errors = dict(self.errors)
        self.report.elapsed = time.monotonic() - self.started
        return self.report

    async def _worker(self) -> None:
        while self.claimed < self.profile.max_pages:
            entry = self.frontier.claim()
            if entry is None:
                if self.in_flight == 0:
                    return
                await asyncio.sleep(_IDLE_POLL)
                continue
            self.claimed += 1
            self.in_flight += 1
            try:
                await self._visit(entry)
            finally:
                self.in_flight -= 1

    async def _visit(self, entry: FrontierEntry) -> None:
        if not await self.robots.allowed(entry.url):
            self.report.skipped_by_robots += 1
            self.frontier.mark(entry.url, UrlStatus.SKIPPED, "disallowed by robots.txt")
            return
        await self._apply_delay(entry.url)
        result = await self.fetcher.fetch(entry.url, permit=self.robots.allowed)
        self.report.fetched += 1
        if result.text is None:
            self._record_failure(entry, result)
        else:
            self._handle_page(entry, result, result.text)
        self._progress(entry.url)

    async def _apply_delay(self, url: str) -> None:
        asked = await self.robots.crawl_delay(url)
        self.fetcher.throttle.set_delay(host_key(url), max(self.base_delay, asked or 0.0))

    def _record_failure(self, entry: FrontierEntry, result: FetchResult) -> None:
        if result.skipped:
            self.frontier.mark(entry.url, UrlStatus.SKIPPED, result.error)
            return
        self.errors[host_key(entry.url)] += 1
        self.frontier.mark(entry.url, UrlStatus.FAILED, result.error)

    def _handle_page(self, entry: FrontierEntry, result: FetchResult, html: str) -> None:
        role = PageRole(entry.kind) if entry.kind else self.profile.role(entry.url)
        if role is PageRole.LIST:
            self._follow_links(result.final_url, html, entry.depth + 1)
            self.frontier.mark(entry.url, UrlStatus.DONE)
            return
        document = extract_document(role, result.final_url, html, self.profile) if role else None
        if document is None:
            self.report.not_extracted += 1
            self.frontier.mark(entry.url, UrlStatus.DONE, "no document extracted")
            return
        self.on_document(document)
        self.report.documents += 1
        self.frontier.mark(entry.url, UrlStatus.DONE)

    def _follow_links(self, url: str, html: str, depth: int) -> None:
        for link in extract_links(url, html):
            role = self.profile.role(link)
            if role is not None:
                self.frontier.enqueue(link, kind=role.value, depth=depth)

    def _progress(self, url: str) -> None:
        if self.on_progress is None:
            return
        elapsed = max(time.monotonic() - self.started, 1e-9)
        self.on_progress(
            CrawlProgress(
                fetched=self.report.fetched,
                queued=self.frontier.count(UrlStatus.QUEUED),
                errors=sum(self.errors.values()),
                pages_per_second=self.report.fetched / elapsed,
                current_url=url,
            )
        )


async def crawl(
    profile: SiteProfile,
    db_path: str | Path,
    *,
    on_document: DocumentSink,
    on_progress: Callable[[CrawlProgress], None] | None = None,
    recrawl: bool = False,
    delay_override: float | None = None,
) -> CrawlReport:
    """Crawl `profile`, calling `on_document` for every policy or guide extracted. Prints nothing.

    The frontier lives in `db_path` (tables crawl_*): a second call continues where the first stopped.
    `delay_override` replaces the profile's delay; a larger robots.txt Crawl-delay still wins.
    """
    delay = profile.delay_seconds if delay_override is None else delay_override
    with Frontier(db_path, profile.name) as frontier:
        frontier.start_run(recrawl=recrawl)
        async with Fetcher(
            user_agent=profile.user_agent or USER_AGENT, delay=delay, host_allowed=profile.host_allowed
        ) as fetcher:
            return await _Crawl(profile, frontier, fetcher, on_document, on_progress, delay).run()


def crawl_sync(
    profile: SiteProfile,
    db_path: str | Path,
    *,
    on_document: DocumentSink,
    on_progress: Callable[[CrawlProgress], None] | None = None,
    recrawl: bool = False,
    delay_override: float | None = None,
) -> CrawlReport:
    """`crawl` for callers without an event loop (the CLI)."""
    return asyncio.run(
        crawl(
            profile,
            db_path,
            on_document=on_document,
            on_progress=on_progress,
            recrawl=recrawl,
            delay_override=delay_override,
        )
    )
