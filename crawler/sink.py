"""Where extracted documents go: attachment text is added, reposts fold into their canonical copy,
and the caller's `CrawlSink` writes to (or withdraws from) the store."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Literal

from crawler.dedup import DuplicateIndex
from crawler.extract.attachments import AttachmentError
from crawler.extract.guide import extract_guide
from crawler.extract.policy import extract_policy
from crawler.fetcher import Fetcher
from crawler.parse_worker import attachment_text_limited
from crawler.profiles import PageRole, SiteProfile
from crawler.report import CrawlProgress, CrawlReport
from indexer.documents import Document, PolicyDocument

Lookup = Callable[[str], Document | None]
Permit = Callable[[str], Awaitable[bool]]
MAX_ATTACHMENTS = 20
log = logging.getLogger("govsearch.crawler")


@dataclass(frozen=True)
class CrawlSink:
    """What the caller does with what a crawl finds; only `on_document` is required."""

    on_document: Callable[[Document], None]  # a new or changed policy or guide
    on_withdraw: Callable[[str], None] | None = None  # the id of a document whose page vanished
    lookup: Lookup | None = None  # reads a stored document back; without it, reposts are not folded
    on_progress: Callable[[str, CrawlProgress], None] | None = None  # (profile name, progress)


def extract_document(role: PageRole, url: str, html: str, profile: SiteProfile) -> Document | None:
    where = {"site": profile.site, "region": profile.region, "region_code": profile.region_code}
    if role is PageRole.POLICY:
        return extract_policy(url, html, **where, publisher=profile.publisher, rules=profile.extract)
    if role is PageRole.GUIDE:
        return extract_guide(url, html, **where)
    return None


class DocumentHandler:
    """Hands one run's documents to the caller's sink. Without `sink.lookup` (no store to read canonical
    copies from), no dedup."""

    def __init__(self, profile: SiteProfile, sink: CrawlSink, duplicates: DuplicateIndex | None) -> None:
        self.profile = profile
        self.on_document, self.on_withdraw = sink.on_document, sink.on_withdraw
        self.lookup: Lookup = sink.lookup or (lambda _doc_id: None)
        self.duplicates = duplicates if sink.lookup is not None else None

    def put(self, doc: Document) -> Literal["stored", "duplicate"]:
        """Store `doc`, or add it to the reposts of the canonical copy it duplicates."""
        if self.duplicates is None or not isinstance(doc, PolicyDocument):
            self.on_document(doc)
            return "stored"
        canonical_id = self.duplicates.canonical_for(doc)
        canonical = self.lookup(canonical_id) if canonical_id else None
        if canonical_id and isinstance(canonical, PolicyDocument):
            self.duplicates.add_repost(canonical_id, doc.url, doc.site)
            self.on_document(self.duplicates.with_reposts(canonical))
            if self.on_withdraw and self.lookup(doc.id) is not None:  # it was a canonical copy before
                self.on_withdraw(doc.id)
                self.duplicates.forget(doc.id)
            log.info("duplicate", extra={"event": "duplicate", "url": doc.url, "canonical": canonical_id})
            return "duplicate"
        self.duplicates.remember(doc)
        self.on_document(self.duplicates.with_reposts(doc))
        return "stored"

    def withdraw(self, doc_id: str, url: str) -> list[str]:
        """Take the document of a vanished page out; URLs of reposts that need a new canonical copy."""
        canonical_id = self.duplicates.remove_repost(url) if self.duplicates else None
        if canonical_id and self.duplicates:
            canonical = self.lookup(canonical_id)
            if isinstance(canonical, PolicyDocument):
                self.on_document(self.duplicates.with_reposts(canonical))
            return []
        if self.on_withdraw:
            self.on_withdraw(doc_id)
        return self.duplicates.forget(doc_id) if self.duplicates else []

    async def with_attachments(
        self, doc: PolicyDocument, fetcher: Fetcher, permit: Permit, report: CrawlReport
    ) -> PolicyDocument:
        """`doc` with the text of its PDF/DOCX/XLS(X) attachments on allowed hosts."""
        attachments = []
        for index, attachment in enumerate(doc.attachments):
            allowed = index < MAX_ATTACHMENTS and self.profile.host_allowed(attachment.url)
            if not allowed or not await permit(attachment.url):
                attachments.append(attachment)
                continue
            result = await fetcher.fetch(attachment.url, accept="document", permit=permit)
            text = ""
            if result.content:
                try:
                    text = await attachment_text_limited(result.content)
                    report.attachments += 1
                except AttachmentError as exc:
                    log.info(
                        "attachment not read",
                        extra={"event": "attachment", "url": attachment.url, "error": str(exc)},
                    )
            elif result.error:
                log.info(
                    "attachment not fetched",
                    extra={"event": "attachment", "url": attachment.url, "error": result.error},
                )
            attachments.append(attachment.model_copy(update={"text": text}))
        return doc.model_copy(update={"attachments": attachments})
