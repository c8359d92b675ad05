"""What a crawl run tells its caller: progress while it runs and the report it ends with."""

from __future__ import annotations

from dataclasses import dataclass, field


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
