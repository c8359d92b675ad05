"""The options of a crawl run, the progress it reports while running and the report it ends with."""

from __future__ import annotations

from dataclasses import dataclass, field

from crawler.fetcher import MAX_BYTES


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


@dataclass(frozen=True)
class CrawlProgress:
    fetched: int
    queued: int
    errors: int
    pages_per_second: float
    current_url: str
    errors_by_host: dict[str, int] = field(default_factory=dict)


@dataclass
class CrawlReport:
    fetched: int = 0  # pages visited (each counted once, however many attempts it took)
    requests: int = 0  # HTTP requests sent, retries, robots.txt and attachments included
    documents: int = 0  # documents written (new or changed)
    changed: int = 0  # of which were already known with different content
    unchanged: int = 0  # fetched again, same document
    not_modified: int = 0  # 304 answers to a conditional GET
    withdrawn: int = 0  # pages gone (404/410/soft 404/noindex) whose documents left the index
    duplicates: int = 0  # documents folded into a canonical copy found on another page
    attachments: int = 0  # attachment files whose text was extracted
    discovered: int = 0  # URLs found in sitemaps and feeds
    skipped_by_robots: int = 0
    noindex: int = 0
    not_extracted: int = 0  # detail pages that yielded no document
    errors: dict[str, int] = field(default_factory=dict)  # host → failed fetches
    error_samples: dict[str, str] = field(default_factory=dict)  # host → last error message
    elapsed: float = 0.0

    @property
    def pages_per_second(self) -> float:
        return self.fetched / self.elapsed if self.elapsed > 0 else 0.0
