"""How to crawl (the profile says what): politeness, retries, limits and what to fetch besides pages."""

from __future__ import annotations

from dataclasses import dataclass

from crawler.fetcher import MAX_BYTES
from crawler.profiles import SiteProfile


@dataclass(frozen=True)
class CrawlOptions:
    """How to crawl; the profile says what. Defaults are the polite production values."""

    recrawl: bool = False  # fetch finished pages again (conditional GET), to find changed and vanished ones
    delay: float | None = None  # seconds between requests to one host; None → the profile's delay
    default_delay: float = 1.0  # when neither `delay` nor the profile sets one
    concurrency: int = 4  # pages in flight across all hosts (one per host at a time)
    retries: int = 3  # extra attempts after a 5xx/429 or a network error
    backoff: float = 1.0  # first retry wait in seconds, doubled each time (unless Retry-After says)
    timeout: float = 20.0  # seconds for one whole request
    max_bytes: int = MAX_BYTES
    attachments: bool = True  # fetch PDF/DOCX/XLS(X) attachments of policies and index their text
    dedup: bool = True  # fold reposts of one policy into one canonical document
    robots: bool = True  # obey robots.txt (off only for benchmarks against our own server)

    def delay_for(self, profile: SiteProfile) -> float:
        """`delay`, else the profile's, else `default_delay` (a larger robots.txt Crawl-delay still wins)."""
        if self.delay is not None:
            return self.delay
        return self.default_delay if profile.delay_seconds is None else profile.delay_seconds
