"""The persistent crawl frontier: one row per normalised URL in the store (`indexer.storage.crawl_frontier`).

A crawl started again on the same database continues where it stopped: `done` pages are not fetched
again unless `recrawl=True`; pages claimed by a run that died are queued again.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from enum import StrEnum
from urllib.parse import urlsplit, urlunsplit

from indexer.storage import Database
from indexer.storage.crawl_frontier import FrontierRows

MAX_ATTEMPTS = 3
_DEFAULT_PORTS = {"http": 80, "https": 443}


class UrlStatus(StrEnum):
    QUEUED = "queued"
    FETCHING = "fetching"
    DONE = "done"
    FAILED = "failed"
    SKIPPED = "skipped"
    GONE = "gone"  # 404/410 or a soft 404: its document was withdrawn


@dataclass(frozen=True)
class FrontierEntry:
    url: str
    kind: str | None
    depth: int
    attempts: int


def normalize_url(url: str) -> str:
    """Drop the fragment, lower-case scheme and host, drop default ports, '' path → '/'."""
    parts = urlsplit(url.strip())
    scheme = parts.scheme.lower()
    host = (parts.hostname or "").lower()
    if ":" in host:
        host = f"[{host}]"
    if parts.port is not None and parts.port != _DEFAULT_PORTS.get(scheme):
        host = f"{host}:{parts.port}"
    if parts.username or parts.password:
        host = f"{parts.netloc.rsplit('@', 1)[0]}@{host}"
    return urlunsplit((scheme, host, parts.path or "/", parts.query, ""))


class Frontier:
    """URLs of one profile in the store's database (every change is committed when made)."""

    def __init__(self, database: Database, profile: str) -> None:
        self.profile = profile
        self.database = database
        self._rows = FrontierRows(database, profile)

    def close(self) -> None:
        """End this run's hold on its claims (the database itself belongs to the caller)."""
        self._rows.close()

    def __enter__(self) -> Frontier:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()

    def start_run(self, *, recrawl: bool = False) -> None:
        """Re-queue what a dead run left claimed, failures worth retrying and, with recrawl, everything."""
        statuses = [UrlStatus.FETCHING]
        if recrawl:
            statuses += [UrlStatus.DONE, UrlStatus.FAILED, UrlStatus.SKIPPED, UrlStatus.GONE]
        self._rows.start_run([s.value for s in statuses], reset_attempts=recrawl, max_attempts=MAX_ATTEMPTS)

    def enqueue(self, url: str, *, kind: str | None = None, depth: int = 0) -> bool:
        """Add a URL unless it is known already; True when it was new."""
        url = normalize_url(url)
        return self._rows.add(url, kind, depth, urlsplit(url).netloc)

    def claim(self, busy_hosts: frozenset[str] = frozenset()) -> FrontierEntry | None:
        """The next queued URL (shallowest first, then oldest) on a host not in `busy_hosts`, marked as
        being fetched, so that workers spread over hosts instead of queueing behind one."""
        row = self._rows.claim(busy_hosts)
        if row is None:
            return None
        url, kind, depth, attempts = row
        return FrontierEntry(url=url, kind=kind, depth=depth, attempts=attempts + 1)

    @contextmanager
    def transaction(self) -> Iterator[None]:
        """Several writes that land together or not at all (a kill between them loses neither)."""
        with self.database.write():
            yield

    def requeue(self, url: str) -> None:
        """Fetch a known URL again (in this run for this profile, in its next run for another profile),
        e.g. a repost whose canonical copy vanished."""
        self._rows.requeue_url(normalize_url(url))

    def mark(self, url: str, status: UrlStatus, error: str | None = None) -> None:
        self._rows.mark(normalize_url(url), status.value, error)

    def count(self, status: UrlStatus | None = None) -> int:
        return self._rows.count(None if status is None else status.value)

    def statuses(self) -> dict[str, str]:
        """url → status, for inspection and tests."""
        return self._rows.statuses()
