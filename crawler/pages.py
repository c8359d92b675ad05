"""What the crawler knows about each detail page it has stored (table `crawl_pages`, beside the frontier):
the validators for a conditional GET, the document it produced and a hash of that document, so a
recrawl sends If-None-Match/If-Modified-Since, re-indexes only changed pages and withdraws vanished ones.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from datetime import UTC, datetime

from crawler.fetcher import Validators

SCHEMA = """
CREATE TABLE IF NOT EXISTS crawl_pages (
    profile       TEXT NOT NULL,
    url           TEXT NOT NULL,
    etag          TEXT NOT NULL DEFAULT '',
    last_modified TEXT NOT NULL DEFAULT '',
    doc_id        TEXT,
    doc_hash      TEXT,
    withdrawn     INTEGER NOT NULL DEFAULT 0,
    fetched_at    TEXT NOT NULL,
    PRIMARY KEY (profile, url)
);
"""


_UPSERT = """
INSERT INTO crawl_pages (profile, url, etag, last_modified, doc_id, doc_hash, withdrawn, fetched_at)
VALUES (?, ?, ?, ?, ?, ?, 0, ?)
ON CONFLICT (profile, url) DO UPDATE SET etag = excluded.etag, last_modified = excluded.last_modified,
    doc_id = excluded.doc_id, doc_hash = excluded.doc_hash, withdrawn = 0, fetched_at = excluded.fetched_at
"""


@dataclass(frozen=True)
class PageRecord:
    url: str
    validators: Validators
    doc_id: str | None
    doc_hash: str | None
    withdrawn: bool


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


class PageStore:
    """Rows of one profile in the crawl database; shares the frontier's connection."""

    def __init__(self, db: sqlite3.Connection, profile: str) -> None:
        self._db = db
        self.profile = profile
        self._db.executescript(SCHEMA)

    def get(self, url: str) -> PageRecord | None:
        row = self._db.execute(
            "SELECT etag, last_modified, doc_id, doc_hash, withdrawn FROM crawl_pages "
            "WHERE profile = ? AND url = ?",
            (self.profile, url),
        ).fetchone()
        if row is None:
            return None
        return PageRecord(url, Validators(row[0], row[1]), row[2], row[3], bool(row[4]))

    def record(self, url: str, validators: Validators, doc_id: str | None, doc_hash: str | None) -> None:
        values = (self.profile, url, validators.etag, validators.last_modified, doc_id, doc_hash, _now())
        self._db.execute(_UPSERT, values)

    def withdraw(self, url: str) -> str | None:
        """Mark the page gone; the id of the document it had produced, if any, not withdrawn yet, and not
        still produced by another live page (two URLs with one rel=canonical share a document)."""
        record = self.get(url)
        if record is None or record.withdrawn:
            return None
        self._db.execute(
            "UPDATE crawl_pages SET withdrawn = 1, etag = '', last_modified = '', fetched_at = ? "
            "WHERE profile = ? AND url = ?",
            (_now(), self.profile, url),
        )
        others = self._db.execute(
            "SELECT COUNT(*) FROM crawl_pages WHERE doc_id = ? AND withdrawn = 0", (record.doc_id,)
        ).fetchone()[0]
        return record.doc_id if not others else None

    def forget_hash(self, url: str) -> None:
        """Make the next fetch of `url` store its document even if unchanged."""
        self._db.execute("UPDATE crawl_pages SET doc_hash = NULL WHERE url = ?", (url,))
