"""The one search call. The JSON API and the HTML pages both render what `SearchEngine.search()` returns.

analyse the query once → expand synonyms and abbreviations → backend query → rerank → documents from the
store → highlight → facet counts; a reading that fixes a typo or pinyin is searched too when the query as
typed finds little; then the response is assembled in one place: best bets, 可办理 items, the item and
scenario cards, related searches.
"""

from __future__ import annotations

import dataclasses
import math
import threading
import time
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from urllib.parse import urlencode

from indexer.analysis import segment_query, warm_dictionaries
from indexer.backends.base import SearchBackend
from indexer.documents import Document, DocumentKind
from indexer.store import Store
from search_api.engine import pinyin, ranking, shapes
from search_api.engine.best_bets import MAX_PER_QUERY, BestBets, staff_pin_ids
from search_api.engine.browse import BrowseBy, browse_values, browse_values_in
from search_api.engine.catalogue_search import MATCHER_FILE, CatalogueSearch
from search_api.engine.dead_ends import broader_search, help_contacts
from search_api.engine.doc_numbers import missing_number
from search_api.engine.facets import FacetCache
from search_api.engine.filters import Scope, within
from search_api.engine.highlight import highlight_terms
from search_api.engine.hits import make_hit, ranked_hit
from search_api.engine.knowledge import Knowledge, KnowledgeCache
from search_api.engine.law_bridge import LawBridge, first_hits, lend_if_weak
from search_api.engine.models import (
    Correction,
    Expansion,
    FacetValue,
    ItemCard,
    PageOutOfRange,
    SearchHit,
    SearchRequest,
    SearchResponse,
    SortOrder,
)
from search_api.engine.privacy import mask_personal
from search_api.engine.query import AnalyzedQuery, analyse, emphasis_quotes, unquoted
from search_api.engine.query_builder import build_query, query_words
from search_api.engine.query_log import (
    DEFAULT_POPULARITY,
    DENY_ALL,
    Popularity,
    denied,
    linked_item_names,
    related_queries,
    staff_denylist,
)
from search_api.engine.readings import together
from search_api.engine.regional import enclosing_markers
from search_api.engine.rerank import Preference, rerank
from search_api.engine.semantic import SemanticIndex, with_meaning
from search_api.engine.understanding import long_form, reading, reads_better
from search_api.engine.visitors import Visitors
from synonyms.expansion import Expander, SynonymMatch

SUGGEST_LIMIT = 8
SCOPE_CANDIDATES = 3  # inside a scope, check this many times the limit (some find nothing there)
MAX_SUGGEST_PREFIX = 30
MAX_TOTAL = 10_000  # results counted towards the number of pages


@dataclass
class _Run:
    """One pass of a query through the index: the parts of the response that depend on its wording."""

    query: AnalyzedQuery
    matches: list[SynonymMatch]
    total: int
    matched: int  # what the words matched; `total` adds the titles only the semantic signal found
    pages: int
    hits: list[SearchHit]
    facets: dict[str, list[FacetValue]]
    long_forms: dict[str, str]  # abbreviations and variant spellings among its words (`_long_forms`)


class SearchEngine:
    def __init__(
        self,
        backend: SearchBackend,
        store: Store,
        synonyms: Expander,
        *,
        log_queries: bool = True,
        reload_seconds: float = 2.0,
        denylist: frozenset[str] = frozenset(),
        popularity: Popularity = DEFAULT_POPULARITY,
        semantic: SemanticIndex | None = None,
        knowledge_path: Path | None = None,
        laws: LawBridge | None = None,
    ) -> None:
        self.backend = backend
        self.semantic, self.laws = semantic, laws
        self.store = store
        self.synonyms = synonyms
        self.best_bets = BestBets(store.database)
        terms = synonyms.reviewed_terms  # read at each check: a staff rule reaches it without a restart
        self.knowledge = KnowledgeCache(
            store.database, terms, denylist, reload_seconds, popularity=popularity, path=knowledge_path
        )
        self.visitors = Visitors(store.log)
        matcher_path = knowledge_path.with_name(MATCHER_FILE) if knowledge_path else None
        self.catalogue = CatalogueSearch(store, matcher_path)
        self._log_queries = log_queries
        self._reload_seconds = reload_seconds
        self._last_reload = time.monotonic()
        self._reload_lock = threading.Lock()
        self._counts: dict[str, int] | None = None
        self.facets = FacetCache()  # emptied when the index changes (`_maybe_reload`)

    def warm(self) -> None:
        """What the first searches would otherwise build: the knowledge, the item matcher, the dictionaries'
        short forms and common words (~0.3 s), the typo check's parts, pinyin's tables (`pinyin.warm`)."""
        self.knowledge.get()
        self.catalogue.matcher().warm()
        warm_dictionaries()
        shapes.warm()
        pinyin.warm()

    def _maybe_reload(self) -> None:
        """Serving processes only read; pick up the indexer's commits every few seconds."""
        now = time.monotonic()
        if now - self._last_reload < self._reload_seconds:
            return
        with self._reload_lock:
            if now - self._last_reload >= self._reload_seconds:
                if self.backend.refresh():
                    self._counts = None
                    self.facets.clear()
                    if self.semantic is not None:
                        self.semantic.forget()
                self._last_reload = now

    def search(
        self,
        request: SearchRequest,
        *,
        synonyms: Expander | None = None,
        record: bool = True,
        visitor: str = "",
        portal: str | None = None,
    ) -> SearchResponse:
        """Search; when the query reads better corrected (typo, pinyin) say so, and show the corrected
        results if the query as typed finds fewer than FEW_RESULTS (`request.spellcheck=False`: never).

        `synonyms` replaces the live rules for this call (a staff preview of a rule change); `record`
        says whether the query goes to the query log, `visitor` is who asked (`Visitors.key`), `portal`
        which embedding portal asked."""
        started = time.perf_counter()
        self._maybe_reload()
        know = self.knowledge.get()
        expander = synonyms or self.synonyms
        typed = analyse(request.q)
        missing = missing_number(typed, know.corpus) if not request.listing else None
        if missing:  # say so rather than list documents that merely mention the year and 号
            run, correction = _Run(typed, expander.expand(typed.tokens), 0, 0, 1, [], {}, {}), None
        else:
            run, correction = self._corrected(request, typed, know, expander)
        response = self._respond(request, typed, run, correction, know, expander)
        response.missing_number = missing
        if record and self._log_queries and not request.listing:  # a listing is browsing, not a query
            others = {k: v for k, v in request.params().items() if k not in ("type", "nc")}
            kind, q = (request.kind.value if request.kind else None), mask_personal(request.q)  # no ID no.
            self.store.log_query(
                q, kind, request.page, response.total, urlencode(others), visitor, portal=portal
            )
        response.took_ms = round((time.perf_counter() - started) * 1000, 2)
        return response

    def _corrected(
        self, request: SearchRequest, typed: AnalyzedQuery, know: Knowledge, expander: Expander
    ) -> tuple[_Run, Correction | None]:
        """The run of the query as typed, or of a better reading: a typo or pinyin reading when the query
        finds little or the reading is a known phrase and the query is not (`reads_better`), letters that
        find no word always; the words without their “quotes” when quotes for emphasis find nothing."""
        run = self._run(request, typed, know, expander)
        correction = self._correction(typed, know) if request.spellcheck and typed.text else None
        clearer = correction is not None and reads_better(typed, correction, know.corpus, run.long_forms)
        if correction is None and not run.matched and emphasis_quotes(typed):
            correction = Correction(text=unquoted(typed.text), reason="quotes", applied=False)
        if correction and (run.matched < ranking.FEW_RESULTS or clearer):
            try:
                better = together(request, correction, lambda r, q: self._run(r, analyse(q), know, expander))
            except PageOutOfRange:  # a deep page of a query that found nothing: keep what it found
                better = run
            wins = better.matched > run.matched or (clearer and better.matched)
            if wins or (typed.pinyin and not run.matched):  # letters that found no word: their reading
                correction.applied = True
                run = better
        return run, correction

    def _correction(self, query: AnalyzedQuery, know: Knowledge) -> Correction | None:
        found = know.memo.get(("correction", query.text), lambda: reading(query, know.corpus, know.lexicon))
        return found.correction() if found else None

    def _long_forms(self, query: AnalyzedQuery, know: Knowledge, expander: Expander) -> dict[str, str]:
        """Abbreviations (律所 → 律师事务所) and variant spellings (沙石 → 砂石) among the query's words."""
        found: dict[str, str] = {}
        variants = expander.variant_characters()
        for token in query.tokens:
            if form := know.memo.get(("long form", token), partial(long_form, token, know.corpus, variants)):
                found[token] = form
        return found

    def _run(self, request: SearchRequest, query: AnalyzedQuery, know: Knowledge, expander: Expander) -> _Run:
        matches = expander.expand(query.tokens)
        long_forms = self._long_forms(query, know, expander)
        unknown = [t for t in query.tokens if len(t) >= ranking.BIGRAM_MIN_WORD and not know.corpus.known(t)]
        build = partial(
            build_query,
            query,
            request=request,
            abbreviations=long_forms,
            depth=ranking.RERANK_DEPTH,
            unknown_words=unknown if ranking.BIGRAM_BOOST else (),
            enclosing_regions=enclosing_markers(request.filters.get("region", ""), know.corpus.regions),
        )
        backend_query = build(matches)
        result = self.backend.search(backend_query)
        words = query_words(query.tokens, matches, long_forms)
        probe = partial(first_hits, self.backend, backend_query, result)
        if lent := lend_if_weak(self.laws, query, know, words, probe):
            backend_query = build([*matches, *lent])  # the lent words stand for no typed word
            result = self.backend.search(backend_query)
        found, total = result.hits, result.total
        if backend_query.offset == 0 and not backend_query.sort_by_date:
            depth = ranking.RERANK_DEPTH  # always the same window, so that pages of any size agree
            prefer = Preference(request.prefer_region, request.prefer_audience or "")
            top = rerank(found[:depth], words, query, know.corpus, prefer=prefer)
            fused = with_meaning(self.semantic, top, words, request, query, know.corpus)
            total += len(fused) - len(top)
            offset = (request.page - 1) * request.size
            found = (fused + found[depth:])[offset : offset + request.size]
        pages = max(1, math.ceil(min(total, MAX_TOTAL) / request.size))
        if total and request.page > pages:
            raise PageOutOfRange(request.page, pages)
        docs = self.store.get_many([h.id for h in found])
        expanded = (t for m in [*matches, *lent] for alt in m.alternatives for t in alt)
        terms = highlight_terms([*query.tokens, *expanded, *long_forms.values(), query.compact])
        status = {i: info.invalid for i in docs if (info := know.corpus.docs.get(i))}
        hits = [
            ranked_hit(docs[h.id], h.score, terms, status.get(h.id, ""), query.codes)
            for h in found
            if h.id in docs
        ]
        facets = self.facets.counts(self.backend, backend_query, know.corpus.years, fixed=request.scope)
        return _Run(query, matches, total, result.total, pages, hits, facets, long_forms)

    def _respond(
        self,
        request: SearchRequest,
        typed: AnalyzedQuery,
        run: _Run,
        correction: Correction | None,
        know: Knowledge,
        expander: Expander,
    ) -> SearchResponse:
        """The response, assembled here and only here."""
        linked = self.catalogue.linked_items([h.id for h in run.hits])
        hits = [h.model_copy(update={"items": linked.get(h.id, [])}) for h in run.hits]
        first_page = request.page == 1
        if first_page and not (correction and correction.applied):
            hits = self._pinned(typed, hits, request.scope, expander)
        expansions = [Expansion.of(m) for m in run.matches if m.alternatives]
        synonyms = [alt for e in expansions for alt in e.alternatives]
        hidden = staff_denylist(self.synonyms, "hot")
        popular = [] if DENY_ALL in hidden else [p for p in know.popular if not denied(p[0], hidden)]
        related = related_queries(typed, run.query.tokens, popular, synonyms, linked_item_names(hits))
        region = request.filters.get("region") or request.prefer_region
        card = self._item_card(run, region, request.scope) if first_page else None
        weak = run.matched < ranking.FEW_RESULTS
        return SearchResponse(
            query=request.q,
            normalized_query=run.query.normalized,
            tokens=list(run.query.tokens),
            expansions=expansions,
            type=request.kind,
            total=run.total,
            page=request.page,
            size=request.size,
            pages=run.pages,
            hits=hits,
            took_ms=0.0,
            sort=SortOrder.DATE if request.listing else request.sort,
            facets=run.facets,
            correction=correction,
            related=related,
            item_card=card,
            # A scenario spans departments and regions: not shown inside a portal's scope.
            scenario=self.catalogue.scenarios.card_for(run.query.compact, region)
            if first_page and not request.scope
            else None,
            broader=broader_search(request, self._count) if weak and first_page else None,
            help=help_contacts(request, card, hits, know.corpus.phones) if weak else [],
        )

    def _item_card(self, run: _Run, region: str | None, scope: Scope) -> ItemCard | None:
        """The item card; inside a portal's scope only when its guide lies in the scope."""
        card = self.catalogue.item_card(run.query, run.matches, region)
        if card and scope and not (card.guide and within(card.guide, scope)):
            return None
        return card

    def _count(self, request: SearchRequest) -> int:
        """How many documents a search finds (no ranking, no documents read)."""
        query = analyse(request.q)
        backend_query = build_query(query, self.synonyms.expand(query.tokens), request)
        return self.backend.search(dataclasses.replace(backend_query, offset=0, limit=1)).total

    def _pinned(
        self, query: AnalyzedQuery, hits: list[SearchHit], scope: Scope, expander: Expander
    ) -> list[SearchHit]:
        """Staff best bets (reviewed in the staff tool, then those added with `govsearch best-bets`)
        above the ranked hits, at most two, the same documents not repeated; inside a portal's scope
        only the pins that lie in it."""
        reviewed = staff_pin_ids(expander, query.text)
        listed = [b.doc_id for b in self.best_bets.for_query(query.text)]
        ids = list(dict.fromkeys([*reviewed, *listed]))[:MAX_PER_QUERY]
        if not ids:
            return hits
        docs = {i: d for i, d in self.store.get_many(ids).items() if within(d, scope)}
        linked = self.catalogue.linked_items(ids)  # “可办理” like every other result
        terms = highlight_terms([*query.tokens, query.compact])
        pinned = [
            make_hit(docs[i], 0.0, terms).model_copy(update={"best_bet": True, "items": linked.get(i, [])})
            for i in ids
            if i in docs
        ]
        shown = {h.id for h in pinned}
        return pinned + [h for h in hits if h.id not in shown]

    def suggest(self, prefix: str, limit: int = SUGGEST_LIMIT, scope: Scope | None = None) -> list[str]:
        """Prefix matches (characters, pinyin, initials), then titles holding the words typed; inside
        a portal's scope only suggestions that find something there."""
        staff = staff_denylist(self.synonyms, "suggest")
        if DENY_ALL in staff:  # staff switched suggestions off
            return []
        prefix = prefix[:MAX_SUGGEST_PREFIX]
        wanted = limit * SCOPE_CANDIDATES if scope else limit
        found = self.knowledge.get().suggester.suggest(prefix, wanted)
        if len(found) < wanted and (words := segment_query(prefix)):
            self._maybe_reload()
            denylist = self.knowledge.denylist
            more = [t for t in self.backend.suggest(words, wanted) if not any(w in t for w in denylist)]
            found = list(dict.fromkeys([*found, *more]))[:wanted]
        if staff:
            found = [text for text in found if not denied(text, staff)]
        if scope:
            found = [text for text in found if self._finds(text, scope)][:limit]
        return found

    def _finds(self, text: str, scope: Scope) -> bool:
        """Whether a document inside `scope` holds all of `text`'s words together (one backend count):
        a suggested title of another region must not be offered because its first word is common."""
        query = analyse(text)
        request = SearchRequest(q=text, size=1, scope=scope)
        built = build_query(query, [], request)
        return self.backend.search(dataclasses.replace(built, required=(query.tokens,))).total > 0

    def hot_queries(self, limit: int = 10, scope: Scope | None = None) -> list[str]:
        """热搜: the queries the most different visitors searched lately that found something, without
        what may not be shown (`query_log.showable`); inside a scope, only those that find something there."""
        staff = staff_denylist(self.synonyms, "hot")
        if DENY_ALL in staff:  # staff switched 热搜 off
            return []
        popular = [q for q, _ in self.knowledge.get().popular if not denied(q, staff)]
        if not scope:
            return popular[:limit]
        candidates = popular[: limit * SCOPE_CANDIDATES]
        return [text for text in candidates if self._finds(text, scope)][:limit]

    def browse(self, kind: DocumentKind, by: BrowseBy, scope: Scope | None = None) -> list[FacetValue]:
        """Every 部门 or 主题 of documents of `kind` with its count; inside a scope, counted there."""
        if not scope:
            return browse_values(self.knowledge.get().corpus, kind, by)
        listing = SearchRequest(q="", filters={"type": kind.value}).within(scope)  # OutOfScope: another kind
        return browse_values_in(self.backend, build_query(analyse(""), [], listing), by)

    def get_document(self, doc_id: str) -> Document | None:
        return self.store.get(doc_id)

    def counts(self) -> dict[str, int]:
        """Documents per kind for the home page; counted again only after an index reload."""
        self._maybe_reload()
        if self._counts is None:
            self._counts = {kind.value: self.store.count(kind) for kind in DocumentKind}
        return self._counts
