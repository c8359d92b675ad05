"""The one search call. The JSON API and the HTML pages both render what `search()` returns.

validate → normalise → segment → expand synonyms → backend query → fetch from store → highlight.
"""

from __future__ import annotations

import math
import threading
import time

from indexer.analysis import normalize, segment_query
from indexer.backends.base import SearchBackend
from indexer.documents import (
    Document,
    DocumentKind,
    PolicyDocument,
    SearchHit,
    SearchRequest,
    SearchResponse,
    ServiceGuide,
)
from indexer.store import Store
from search_api.highlight import highlight_terms, mark, snippet
from search_api.query_builder import build_query
from synonyms.expansion import Expander

SUGGEST_LIMIT = 8
MAX_SUGGEST_PREFIX = 30


class PageOutOfRange(ValueError):
    """The requested page lies beyond the last page of results."""

    def __init__(self, page: int, pages: int) -> None:
        super().__init__(f"页码超出范围：第 {page} 页不存在，共 {pages} 页")
        self.page = page
        self.pages = pages


def snippet_source(doc: Document) -> str:
    if isinstance(doc, PolicyDocument):
        return _without_heading(doc.body, (doc.title, doc.doc_number))
    materials = "、".join(doc.materials)
    parts = [doc.conditions, f"申请材料：{materials}" if materials else "", doc.location]
    return " ".join(p for p in parts if p)


def _without_heading(body: str, heading: tuple[str, ...]) -> str:
    """Policy bodies repeat the title and 发文字号 on top; the snippet should not."""
    text = body.lstrip()
    for part in heading:
        flat = "".join(text[: len(part) + 8].split())
        if part and flat.startswith(part):
            consumed, seen = 0, 0
            while seen < len(part) and consumed < len(text):
                seen += 0 if text[consumed].isspace() else 1
                consumed += 1
            text = text[consumed:].lstrip()
    return text


def make_hit(doc: Document, score: float, terms: list[str]) -> SearchHit:
    return SearchHit(
        id=doc.id,
        kind=doc.kind,
        kind_label=doc.kind.label,
        title=doc.title,
        title_html=mark(doc.title, terms),
        snippet_html=snippet(snippet_source(doc), terms),
        url=doc.url,
        site=doc.site,
        publisher=doc.publisher,
        doc_number=doc.doc_number if isinstance(doc, PolicyDocument) else "",
        date=doc.date,
        online_url=doc.online_url if isinstance(doc, ServiceGuide) else "",
        score=score,
    )


class SearchService:
    def __init__(
        self,
        backend: SearchBackend,
        store: Store,
        synonyms: Expander,
        *,
        log_queries: bool = True,
        reload_seconds: float = 2.0,
    ) -> None:
        self.backend = backend
        self.store = store
        self.synonyms = synonyms
        self._log_queries = log_queries
        self._reload_seconds = reload_seconds
        self._last_reload = time.monotonic()
        self._reload_lock = threading.Lock()
        self._counts: dict[str, int] | None = None

    def _maybe_reload(self) -> None:
        """Serving processes only read; pick up the indexer's commits every few seconds."""
        now = time.monotonic()
        if now - self._last_reload < self._reload_seconds:
            return
        with self._reload_lock:
            if now - self._last_reload >= self._reload_seconds:
                self.backend.refresh()
                self._counts = None
                self._last_reload = now

    def search(self, request: SearchRequest) -> SearchResponse:
        started = time.perf_counter()
        self._maybe_reload()
        normalized = normalize(request.q)
        tokens = segment_query(request.q)
        matches = self.synonyms.expand(tokens)
        query = build_query(normalized, tokens, matches, request)
        result = self.backend.search(query)
        pages = max(1, math.ceil(min(result.total, 10_000) / request.size))
        if result.total and request.page > pages:
            raise PageOutOfRange(request.page, pages)
        docs = self.store.get_many([h.id for h in result.hits])
        terms = highlight_terms(
            [
                *tokens,
                *(t for m in matches for alt in m.alternatives for t in alt),
                "".join(normalized.split()),
            ]
        )
        hits = [make_hit(docs[h.id], h.score, terms) for h in result.hits if h.id in docs]
        if self._log_queries:
            self.store.log_query(
                request.q, request.type.value if request.type else None, request.page, result.total
            )
        return SearchResponse(
            query=request.q,
            normalized_query=normalized,
            tokens=tokens,
            expansions=[m.to_expansion() for m in matches if m.alternatives],
            type=request.type,
            total=result.total,
            page=request.page,
            size=request.size,
            pages=pages,
            hits=hits,
            took_ms=round((time.perf_counter() - started) * 1000, 2),
        )

    def suggest(self, prefix: str, limit: int = SUGGEST_LIMIT) -> list[str]:
        words = segment_query(prefix[:MAX_SUGGEST_PREFIX])
        if not words:
            return []
        self._maybe_reload()
        return self.backend.suggest(words, limit)

    def get_document(self, doc_id: str) -> Document | None:
        return self.store.get(doc_id)

    def counts(self) -> dict[str, int]:
        """Documents per kind for the home page; counted again only after an index reload."""
        self._maybe_reload()
        if self._counts is None:
            self._counts = {kind.value: self.store.count(kind) for kind in DocumentKind}
        return self._counts
