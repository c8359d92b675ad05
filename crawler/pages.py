"""What the crawler knows about each detail page it has stored (`crawl_pages`, beside the frontier):
the validators for a conditional GET, the document it produced and a hash of that document, so a
recrawl sends If-None-Match/If-Modified-Since, re-indexes only changed pages and withdraws vanished ones.
"""

from __future__ import annotations

from dataclasses import dataclass

from crawler.fetcher import Validators
from indexer.storage import Database
from indexer.storage.crawl_pages import PageRows


@dataclass(frozen=True)
class PageRecord:
    url: str
    validators: Validators
    doc_id: str | None
    doc_hash: str | None
    withdrawn: bool


class PageStore:
    """Pages of one profile in the store's database."""

    def __init__(self, database: Database, profile: str) -> None:
        self.profile = profile
        self._rows = PageRows(database, profile)

    def get(self, url: str) -> PageRecord | None:
        row = self._rows.get(url)
        if row is None:
            return None
        etag, last_modified, doc_id, doc_hash, withdrawn = row
        return PageRecord(url, Validators(etag, last_modified), doc_id, doc_hash, bool(withdrawn))

    def record(self, url: str, validators: Validators, doc_id: str | None, doc_hash: str | None) -> None:
        self._rows.record(url, validators.etag, validators.last_modified, doc_id, doc_hash)

    def withdraw(self, url: str) -> str | None:
        """Mark the page gone; the id of the document it had produced, if any, not withdrawn yet, and not
        still produced by another live page (two URLs with one rel=canonical share a document)."""
        record = self.get(url)
        if record is None or record.withdrawn:
            return None
        others = self._rows.withdraw(url, record.doc_id)
        return record.doc_id if not others else None

    def forget_hash(self, url: str) -> None:
        """Make the next fetch of `url` store its document even if unchanged."""
        self._rows.forget_hash(url)
