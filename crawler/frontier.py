"""The persistent crawl frontier: one row per normalised URL in the store's SQLite file (tables `crawl_*`).

A crawl started again on the same database continues where it stopped: `done` pages are not fetched
again unless `recrawl=True`; pages claimed by a run that died are queued again.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from enum import StrEnum
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

MAX_ATTEMPTS = 3
_DEFAULT_PORTS = {"http": 80, "https": 443}

SCHEMA = """
CREATE TABLE IF NOT EXISTS crawl_urls (
    profile    TEXT NOT NULL,
    url        TEXT NOT NULL,
    status     TEXT NOT NULL DEFAULT 'queued',
    kind       TEXT,
    depth      INTEGER NOT NULL DEFAULT 0,
    attempts   INTEGER NOT NULL DEFAULT 0,
    last_error TEXT,
    fetched_at TEXT,
    host       TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (profile, url)
);
CREATE INDEX IF NOT EXISTS crawl_urls_status ON crawl_urls (profile, status, depth);
"""


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


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


class Frontier:
    """URLs of one profile in a SQLite database (WAL mode)."""

    def __init__(self, db_path: str | Path, profile: str) -> None:
        self.profile = profile
        self._db = sqlite3.connect(str(db_path), isolation_level=None)
        self._db.execute("PRAGMA journal_mode=WAL")
        # NORMAL is durable in WAL mode when the process is killed (only a power cut may lose the tail)
        self._db.execute("PRAGMA synchronous=NORMAL")
        self._db.execute("PRAGMA busy_timeout=5000")
        self._db.executescript(SCHEMA)
        columns = {row[1] for row in self._db.execute("PRAGMA table_info(crawl_urls)")}
        if "host" not in columns:  # a database from before per-host scheduling
            self._db.execute("ALTER TABLE crawl_urls ADD COLUMN host TEXT NOT NULL DEFAULT ''")

    @property
    def connection(self) -> sqlite3.Connection:
        return self._db

    def close(self) -> None:
        self._db.close()

    def __enter__(self) -> Frontier:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()

    def start_run(self, *, recrawl: bool = False) -> None:
        """Re-queue what a dead run left claimed, failures worth retrying and, with recrawl, everything."""
        statuses = [UrlStatus.FETCHING]
        if recrawl:
            statuses += [UrlStatus.DONE, UrlStatus.FAILED, UrlStatus.SKIPPED, UrlStatus.GONE]
            self._db.execute("UPDATE crawl_urls SET attempts = 0 WHERE profile = ?", (self.profile,))
        marks = ",".join("?" * len(statuses))
        self._db.execute(
            f"UPDATE crawl_urls SET status = 'queued' WHERE profile = ? AND status IN ({marks})",
            (self.profile, *statuses),
        )
        self._db.execute(
            "UPDATE crawl_urls SET status = 'queued' "
            "WHERE profile = ? AND status = 'failed' AND attempts < ?",
            (self.profile, MAX_ATTEMPTS),
        )

    def enqueue(self, url: str, *, kind: str | None = None, depth: int = 0) -> bool:
        """Add a URL unless it is known already; True when it was new."""
        url = normalize_url(url)
        cursor = self._db.execute(
            "INSERT OR IGNORE INTO crawl_urls (profile, url, kind, depth, host) VALUES (?, ?, ?, ?, ?)",
            (self.profile, url, kind, depth, urlsplit(url).netloc),
        )
        return cursor.rowcount > 0

    def claim(self, busy_hosts: frozenset[str] = frozenset()) -> FrontierEntry | None:
        """The next queued URL (shallowest first, then oldest) on a host not in `busy_hosts`, marked as
        being fetched, so that workers spread over hosts instead of queueing behind one."""
        marks = ",".join("?" * len(busy_hosts))
        row = self._db.execute(
            "SELECT url, kind, depth, attempts FROM crawl_urls WHERE profile = ? AND status = 'queued' "
            f"AND host NOT IN ({marks}) ORDER BY depth, rowid LIMIT 1",
            (self.profile, *sorted(busy_hosts)),
        ).fetchone()
        if row is None:
            return None
        self._db.execute(
            "UPDATE crawl_urls SET status = 'fetching', attempts = attempts + 1 "
            "WHERE profile = ? AND url = ?",
            (self.profile, row[0]),
        )
        return FrontierEntry(url=row[0], kind=row[1], depth=row[2], attempts=row[3] + 1)

    @contextmanager
    def transaction(self) -> Iterator[None]:
        """Several writes that land together or not at all (a kill between them loses neither)."""
        self._db.execute("BEGIN IMMEDIATE")
        try:
            yield
        except BaseException:
            self._db.execute("ROLLBACK")
            raise
        self._db.execute("COMMIT")

    def requeue(self, url: str) -> None:
        """Fetch a known URL again (in this run for this profile, in its next run for another profile),
        e.g. a repost whose canonical copy vanished."""
        self._db.execute(
            "UPDATE crawl_urls SET status = 'queued', attempts = 0 WHERE url = ?", (normalize_url(url),)
        )

    def mark(self, url: str, status: UrlStatus, error: str | None = None) -> None:
        self._db.execute(
            "UPDATE crawl_urls SET status = ?, last_error = ?, fetched_at = ? WHERE profile = ? AND url = ?",
            (status.value, error, _now(), self.profile, normalize_url(url)),
        )

    def count(self, status: UrlStatus | None = None) -> int:
        args: tuple[str, ...]
        if status is None:
            query, args = "SELECT COUNT(*) FROM crawl_urls WHERE profile = ?", (self.profile,)
        else:
            query = "SELECT COUNT(*) FROM crawl_urls WHERE profile = ? AND status = ?"
            args = (self.profile, status.value)
        return int(self._db.execute(query, args).fetchone()[0])

    def statuses(self) -> dict[str, str]:
        """url → status, for inspection and tests."""
        rows = self._db.execute("SELECT url, status FROM crawl_urls WHERE profile = ?", (self.profile,))
        return {url: status for url, status in rows}
