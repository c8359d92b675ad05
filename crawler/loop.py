"""The crawl loop of one run: workers claim URLs from the frontier (one page per host at a time), fetch
them politely, follow list pages, sitemaps and feeds, and turn detail pages into documents."""

from __future__ import annotations

import asyncio
import hashlib
import logging
import time
from collections import Counter
from collections.abc import Callable

from crawler.discovery import feed_links, parse_feed, parse_sitemap
from crawler.extract.common import extract_links
from crawler.fetcher import Accept, Fetcher, FetchResult
from crawler.frontier import Frontier, FrontierEntry, UrlStatus
from crawler.options import CrawlOptions
from crawler.pages import PageStore
from crawler.profiles import PageRole, SiteProfile, host_key
from crawler.report import CrawlProgress, CrawlReport
from crawler.robots import RobotsCache
from crawler.signals import page_signals
from crawler.sink import DocumentHandler, extract_document
from indexer.documents import PolicyDocument, ServiceGuide

log = logging.getLogger("govsearch.crawler")
_IDLE_POLL = 0.02
PROGRESS_EVERY = 0.25  # seconds between progress callbacks
SITEMAP, FEED = "sitemap", "feed"  # frontier kinds besides the page roles


class CrawlLoop:
    """The state of one run; `run()` drives workers until the frontier is empty or max_pages is reached."""

    def __init__(
        self,
        profile: SiteProfile,
        frontier: Frontier,
        fetcher: Fetcher,
        handler: DocumentHandler,
        options: CrawlOptions,
        on_progress: Callable[[str, CrawlProgress], None] | None,
        slots: asyncio.Semaphore | None = None,
    ) -> None:
        self.profile, self.frontier, self.fetcher = profile, frontier, fetcher
        self.pages = PageStore(frontier.database, profile.name)
        self.robots = RobotsCache(fetcher, obey=options.robots)
        self.handler, self.options, self.on_progress = handler, options, on_progress
        self.base_delay = options.delay_for(profile)
        self.report = CrawlReport()
        self.errors: Counter[str] = Counter()
        self.started = time.monotonic()
        self.claimed = 0
        self.active: Counter[str] = Counter()  # host → pages being visited
        self.last_progress = float("-inf")
        self.slots = slots or asyncio.Semaphore(max(1, options.concurrency))  # shared by concurrent runs

    async def run(self) -> CrawlReport:
        for seed in self.profile.seeds:
            self.frontier.enqueue(seed, kind=PageRole.LIST.value)
        for feed in self.profile.feeds:
            self.frontier.enqueue(feed, kind=FEED)
        if self.profile.sitemaps:
            await self._enqueue_sitemaps()
        workers = max(1, self.options.concurrency)
        await asyncio.gather(*(self._worker() for _ in range(workers)))
        self._progress("", final=True)
        self.report.errors = dict(self.errors)
        self.report.requests = self.fetcher.requests
        self.report.elapsed = time.monotonic() - self.started
        log.info(
            "crawl finished", extra={"event": "finished", "profile": self.profile.name, **self._summary()}
        )
        return self.report

    def _summary(self) -> dict[str, object]:
        report = self.report
        return {"fetched": report.fetched, "documents": report.documents, "errors": dict(self.errors)}

    async def _enqueue_sitemaps(self) -> None:
        """Sitemaps named in each seed host's robots.txt, else /sitemap.xml, as frontier entries."""
        for seed in self.profile.seeds:
            rules = await self.robots.rules(seed)
            root = seed.split("/", 3)
            named = list(rules.sitemaps) or [f"{root[0]}//{root[2]}/sitemap.xml"]
            for sitemap in named:
                if self.profile.host_allowed(sitemap):
                    self.frontier.enqueue(sitemap, kind=SITEMAP)

    async def _worker(self) -> None:
        while self.claimed < self.profile.max_pages:
            busy = frozenset(host for host, count in self.active.items() if count)
            entry = self.frontier.claim(busy)
            if entry is None:
                if not any(self.active.values()):
                    return
                await asyncio.sleep(_IDLE_POLL)
                continue
            host = host_key(entry.url)
            self.claimed += 1
            self.active[host] += 1
            try:
                async with self.slots:
                    await self._visit(entry)
            except Exception as exc:  # one bad page must not end the run; it is retried next run
                log.exception("visit failed", extra={"event": "crash", "url": entry.url})
                self._fail(entry, f"{type(exc).__name__}: {exc}")
            finally:
                self.active[host] -= 1

    async def _visit(self, entry: FrontierEntry) -> None:
        rules = await self.robots.rules(entry.url)
        if rules.parser is None and not rules.allow_all:  # robots.txt unreachable: try again next run
            self._fail(entry, rules.reason)
            return
        if not await self.robots.allowed(entry.url):
            self.report.skipped_by_robots += 1
            self.frontier.mark(entry.url, UrlStatus.SKIPPED, "disallowed by robots.txt")
            return
        await self._apply_delay(entry.url)
        record = self.pages.get(entry.url)
        validators = record.validators if record and not record.withdrawn else None
        accept: Accept = "any" if entry.kind in (SITEMAP, FEED) else "html"
        result = await self.fetcher.fetch(
            entry.url, accept=accept, permit=self.robots.allowed, validators=validators
        )
        self.report.fetched += 1
        if result.not_modified:
            self.report.not_modified += 1
            self.frontier.mark(entry.url, UrlStatus.DONE)
        elif result.gone:
            self._gone(entry, f"HTTP {result.status}")
        elif result.text is None:
            self._record_failure(entry, result)
        elif entry.kind in (SITEMAP, FEED):
            self._discover(entry, result, result.text)
        else:
            await self._handle_page(entry, result, result.text)
        self._progress(entry.url)

    async def _apply_delay(self, url: str) -> None:
        asked = await self.robots.crawl_delay(url)
        self.fetcher.throttle.set_delay(host_key(url), max(self.base_delay, asked or 0.0))

    def _record_failure(self, entry: FrontierEntry, result: FetchResult) -> None:
        if result.skipped:
            self.frontier.mark(entry.url, UrlStatus.SKIPPED, result.error)
            return
        self._fail(entry, result.error or f"HTTP {result.status}")

    def _fail(self, entry: FrontierEntry, error: str) -> None:
        host = host_key(entry.url)
        self.errors[host] += 1
        self.report.error_samples[host] = error
        log.warning("fetch failed", extra={"event": "error", "url": entry.url, "host": host, "error": error})
        self.frontier.mark(entry.url, UrlStatus.FAILED, error)

    def _gone(self, entry: FrontierEntry, reason: str) -> None:
        """A page that no longer exists: its document leaves the index, its reposts get a new canonical."""
        doc_id = self.pages.withdraw(entry.url)
        if doc_id:
            self.report.withdrawn += 1
            for url in self.handler.withdraw(doc_id, entry.url):
                self.pages.forget_hash(url)
                self.frontier.requeue(url)
            fields = {"event": "withdrawn", "url": entry.url, "doc_id": doc_id, "reason": reason}
            log.info("withdrawn", extra=fields)
        self.frontier.mark(entry.url, UrlStatus.GONE, reason)

    def _discover(self, entry: FrontierEntry, result: FetchResult, text: str) -> None:
        if entry.kind == SITEMAP:
            sitemap = parse_sitemap(result.final_url, text)
            for nested in sitemap.sitemaps:
                if self.profile.host_allowed(nested):
                    self.frontier.enqueue(nested, kind=SITEMAP, depth=entry.depth + 1)
            found = sitemap.pages
        else:
            found = parse_feed(result.final_url, text)
        self.report.discovered += self._enqueue_links(found, entry.depth + 1)
        self.frontier.mark(entry.url, UrlStatus.DONE)

    def _enqueue_links(self, links: list[str], depth: int) -> int:
        added = 0
        for link in links:
            role = self.profile.role(link)
            if role is not None:
                added += self.frontier.enqueue(link, kind=role.value, depth=depth)
        return added

    async def _handle_page(self, entry: FrontierEntry, result: FetchResult, html: str) -> None:
        signals = page_signals(result.final_url, html, result.headers)
        if signals.soft_404:
            self._gone(entry, "soft 404")
            return
        role = PageRole(entry.kind) if entry.kind else self.profile.role(entry.url)
        if role is PageRole.LIST:
            if not signals.nofollow:
                self._enqueue_links(extract_links(result.final_url, html), entry.depth + 1)
                for feed in feed_links(result.final_url, html):
                    if self.profile.host_allowed(feed):
                        self.frontier.enqueue(feed, kind=FEED, depth=entry.depth + 1)
            self.frontier.mark(entry.url, UrlStatus.DONE)
            return
        if signals.noindex:
            self.report.noindex += 1
            self._gone(entry, "noindex")
            return
        canonical = signals.canonical
        url = canonical if canonical and self.profile.host_allowed(canonical) else result.final_url
        document = extract_document(role, url, html, self.profile) if role else None
        if document is None:
            self.report.not_extracted += 1
            self.frontier.mark(entry.url, UrlStatus.DONE, "no document extracted")
            return
        if isinstance(document, PolicyDocument) and self.options.attachments:
            document = await self.handler.with_attachments(
                document, self.fetcher, self.robots.allowed, self.report
            )
        self._store(entry, result, document)

    def _store(
        self, entry: FrontierEntry, result: FetchResult, document: PolicyDocument | ServiceGuide
    ) -> None:
        digest = hashlib.sha1(document.model_dump_json().encode("utf-8")).hexdigest()
        record = self.pages.get(entry.url)
        if record and not record.withdrawn and record.doc_hash == digest:
            self.report.unchanged += 1
        else:
            outcome = self.handler.put(document)
            if outcome == "duplicate":
                self.report.duplicates += 1
            else:
                self.report.documents += 1
                self.report.changed += record is not None and not record.withdrawn
        with self.frontier.transaction():
            self.pages.record(entry.url, result.validators(), document.id, digest)
            self.frontier.mark(entry.url, UrlStatus.DONE)

    def _progress(self, url: str, *, final: bool = False) -> None:
        now = time.monotonic()
        if self.on_progress is None or (now - self.last_progress < PROGRESS_EVERY and not final):
            return  # counting the queue costs a query; a few updates a second are enough to watch
        self.last_progress = now
        elapsed = max(time.monotonic() - self.started, 1e-9)
        self.on_progress(
            self.profile.name,
            CrawlProgress(
                fetched=self.report.fetched,
                queued=self.frontier.count(UrlStatus.QUEUED),
                errors=sum(self.errors.values()),
                pages_per_second=self.report.fetched / elapsed,
                current_url=url,
                errors_by_host=dict(self.errors),
            ),
        )
