"""The one search call. The JSON API and the HTML pages both render what `search()` returns.

validate → normalise → segment → expand synonyms → backend query → fetch from store → highlight.
"""

from __future__ import annotations

import math
import threading
import time
from urllib.parse import urlencode

from indexer.analysis import normalize, segment_query
from indexer.backends.base import BackendHit, SearchBackend
from indexer.documents import (
    Correction,
    Document,
    DocumentKind,
    PolicyDocument,
    SearchHit,
    SearchRequest,
    SearchResponse,
    ServiceGuide,
)
from indexer.fields import code_key
from indexer.store import Store
from search_api import ranking
from search_api.best_bets import BestBets
from search_api.catalogue_search import CatalogueSearch
from search_api.facets import facet_counts
from search_api.highlight import highlight_terms, mark, snippet
from search_api.knowledge import Knowledge, KnowledgeCache
from search_api.params import filter_params
from search_api.query_builder import build_query, query_words
from search_api.query_log import linked_item_names, related_queries
from search_api.rerank import rerank
from search_api.understanding import abbreviation, correct_spelling, read_pinyin
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


def make_hit(doc: Document, score: float, terms: list[str], status: str = "") -> SearchHit:
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
        status_label=status,
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
        denylist: frozenset[str] = frozenset(),
    ) -> None:
        self.backend = backend
        self.store = store
        self.synonyms = synonyms
        self.best_bets = BestBets(store.database)
        self.knowledge = KnowledgeCache(store.database, synonyms.reviewed_terms(), denylist, reload_seconds)
        self._log_queries = log_queries
        self._reload_seconds = reload_seconds
        self._last_reload = time.monotonic()
        self._reload_lock = threading.Lock()
        self._counts: dict[str, int] | None = None
        self.catalogue = CatalogueSearch(store)

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

    def search(self, request: SearchRequest, *, correct: bool = True) -> SearchResponse:
        """Search; when the query reads better corrected (typo, pinyin) say so, and show the corrected
        results if the query as typed finds fewer than FEW_RESULTS (`correct=False`: never)."""
        started = time.perf_counter()
        self._maybe_reload()
        know = self.knowledge.get()
        response = self._search(request, know)
        correction = self._correction(request.q, know) if correct else None
        if correction and response.total < ranking.FEW_RESULTS:
            try:
                corrected = self._search(request.model_copy(update={"q": correction.text}), know)
            except PageOutOfRange:  # a deep page of a query that found nothing: keep what it found
                corrected = response
            if corrected.total > response.total:
                correction.applied = True
                response = corrected.model_copy(update={"query": request.q})
        response.correction = correction
        if request.page == 1 and not (correction and correction.applied):
            response.hits = self._pinned(request, response.hits, response.tokens)
        synonyms = [alt for e in response.expansions for alt in e.alternatives]
        items = linked_item_names(response.hits)
        response.related = related_queries(request.q, response.tokens, know.popular, synonyms, items)
        if self._log_queries:
            kind = request.type.value if request.type else None
            others = {k: v for k, v in filter_params(request).items() if k != "type"}
            filters = urlencode(others)
            self.store.log_query(request.q, kind, request.page, response.total, filters)
        response.took_ms = round((time.perf_counter() - started) * 1000, 2)
        return response

    def _correction(self, query: str, know: Knowledge) -> Correction | None:
        reading = read_pinyin(query, know.corpus, know.lexicon)
        if reading:
            return Correction(text=reading, reason="pinyin", applied=False)
        fixed = correct_spelling(query, know.corpus, know.lexicon)
        return Correction(text=fixed, reason="typo", applied=False) if fixed else None

    def _search(self, request: SearchRequest, know: Knowledge) -> SearchResponse:
        normalized = normalize(request.q)
        tokens = segment_query(request.q)
        matches = self.synonyms.expand(tokens)
        long_forms = {t: a for t in tokens if (a := abbreviation(t, know.corpus))}
        query = build_query(
            normalized, tokens, matches, request, abbreviations=long_forms, depth=ranking.RERANK_DEPTH
        )
        result = self.backend.search(query)
        pages = max(1, math.ceil(min(result.total, 10_000) / request.size))
        if result.total and request.page > pages:
            raise PageOutOfRange(request.page, pages)
        found = result.hits
        if query.offset == 0 and not query.sort_by_date:
            words = query_words(tokens, matches, long_forms)
            offset = (request.page - 1) * request.size
            depth = ranking.RERANK_DEPTH  # always the same window, so that pages of any size agree
            top = rerank(found[:depth], words, normalized, know.corpus, exact_codes=query.exact_codes)
            reranked = top + found[depth:]
            found = reranked[offset : offset + request.size]
        docs = self.store.get_many([h.id for h in found])
        terms = highlight_terms(
            [
                *tokens,
                *(t for m in matches for alt in m.alternatives for t in alt),
                *long_forms.values(),
                "".join(normalized.split()),
            ]
        )
        hits = [self._hit(docs[h.id], h, terms, know, query.exact_codes) for h in found if h.id in docs]
        response = SearchResponse(
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
            took_ms=0.0,
            sort=request.sort,
            facets=facet_counts(self.backend, query, know.corpus.years),
        )
        return self.catalogue.decorate(response, request, tokens, matches)

    def _hit(
        self, doc: Document, hit: BackendHit, terms: list[str], know: Knowledge, codes: tuple[str, ...]
    ) -> SearchHit:
        info = know.corpus.docs.get(doc.id)
        made = make_hit(doc, hit.score, terms, info.invalid if info else "")
        own = [doc.doc_number] if isinstance(doc, PolicyDocument) else [doc.item_code, doc.catalogue_code]
        made.exact_code = any(code and code_key(code) in codes for code in own)
        return made

    def _pinned(self, request: SearchRequest, hits: list[SearchHit], tokens: list[str]) -> list[SearchHit]:
        """Staff best bets above the ranked hits (at most two), the same documents not repeated."""
        bets = self.best_bets.for_query(request.q)
        if not bets:
            return hits
        ids = [b.doc_id for b in bets]
        docs = self.store.get_many(ids)
        linked = self.catalogue.linked_items(ids)  # “可办理” like every other result
        terms = highlight_terms([*tokens, "".join(normalize(request.q).split())])
        pinned = [
            make_hit(docs[i], 0.0, terms).model_copy(update={"best_bet": True, "items": linked.get(i, [])})
            for i in ids
            if i in docs
        ]
        shown = {h.id for h in pinned}
        return pinned + [h for h in hits if h.id not in shown]

    def suggest(self, prefix: str, limit: int = SUGGEST_LIMIT) -> list[str]:
        """Prefix matches (characters, pinyin, initials), then titles holding the words typed."""
        prefix = prefix[:MAX_SUGGEST_PREFIX]
        found = self.knowledge.get().suggester.suggest(prefix, limit)
        if len(found) < limit and (words := segment_query(prefix)):
            self._maybe_reload()
            denylist = self.knowledge.denylist
            more = [t for t in self.backend.suggest(words, limit) if not any(w in t for w in denylist)]
            found = list(dict.fromkeys([*found, *more]))[:limit]
        return found

    def hot_queries(self, limit: int = 10) -> list[str]:
        """热搜: the most searched queries that found something, without the staff denylist."""
        return [q for q, _ in self.knowledge.get().popular[:limit]]

    def get_document(self, doc_id: str) -> Document | None:
        return self.store.get(doc_id)

    def counts(self) -> dict[str, int]:
        """Documents per kind for the home page; counted again only after an index reload."""
        self._maybe_reload()
        if self._counts is None:
            self._counts = {kind.value: self.store.count(kind) for kind in DocumentKind}
        return self._counts
