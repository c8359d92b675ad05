"""What the service knows beyond the index, built from the store and kept fresh: the corpus (titles and
per-document facts), its pinyin lexicon, the suggester and the popular queries.

Built on first use and again when the store changes (checked at most every `refresh_seconds`); the
popular queries are re-read on the same clock.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass

import rjieba

from indexer.storage import Database
from search_api.engine import ranking
from search_api.engine.corpus import Corpus, build_corpus, store_signature
from search_api.engine.pinyin import Lexicon
from search_api.engine.query_log import DEFAULT_POPULARITY, Popularity, popular_queries
from search_api.engine.suggest import Suggester

FIRST_BUILD_WAIT_SECONDS = 10.0  # longest a search waits for the first build before going without
POPULAR_SECONDS = 60.0  # popular queries change slowly; rebuilding for them costs a pinyin pass


@dataclass(frozen=True)
class Knowledge:
    corpus: Corpus
    lexicon: Lexicon
    suggester: Suggester
    popular: list[tuple[str, int]]


# Parts of speech that never make a suggestion or a pinyin reading on their own: conjunctions (或者),
# prepositions (关于), particles, pronouns, adverbs, numerals, measure words, directions, interjections.
FUNCTION_TAGS = ("c", "p", "u", "r", "d", "m", "q", "f", "y", "e", "o")


def content_word(word: str) -> bool:
    tags = rjieba.tag(word)
    return not (len(tags) == 1 and tags[0][1] in FUNCTION_TAGS)


EMPTY = Knowledge(Corpus(), Lexicon(), Suggester(), [])


def build_knowledge(
    database: Database, terms: list[str], denylist: frozenset[str], rules: Popularity = DEFAULT_POPULARITY
) -> Knowledge:
    popular = popular_queries(database, denylist, rules)
    corpus = build_corpus(database, [*terms, *(q for q, _ in popular)])
    words = {w: df for w, df in corpus.word_df.items() if content_word(w)}
    weights: dict[str, float] = {w: float(df) for w, df in words.items()}
    for term in corpus.terms:
        weights[term] = max(weights.get(term, 0.0), ranking.SUGGEST_TERM_WEIGHT)
    entries = [(t, ranking.SUGGEST_TITLE_WEIGHT) for t in corpus.titles]
    least = ranking.SUGGEST_MIN_WORD_TITLES
    entries += [(w, float(df)) for w, df in words.items() if df >= least and len(w) >= 2]
    entries += [(t, ranking.SUGGEST_TERM_WEIGHT) for t in terms]
    entries += [(q, ranking.SUGGEST_POPULAR_WEIGHT + count) for q, count in popular]
    return Knowledge(corpus, Lexicon.build(weights), Suggester.build(entries, denylist), popular)


class KnowledgeCache:
    """Thread-safe holder of the current `Knowledge`."""

    def __init__(
        self,
        database: Database,
        terms: list[str],
        denylist: frozenset[str],
        refresh_seconds: float = 2.0,
        popular_seconds: float = POPULAR_SECONDS,
        popularity: Popularity = DEFAULT_POPULARITY,
    ) -> None:
        self._database = database
        self._terms = terms
        self.denylist = denylist
        self.popularity = popularity
        self._refresh_seconds = refresh_seconds
        self._lock = threading.Lock()
        self._knowledge: Knowledge | None = None
        self._checked = 0.0
        self._popular_seconds = popular_seconds
        self._popular_checked = 0.0

    def get(self) -> Knowledge:
        """The current knowledge. Only the first build makes callers wait; later, one caller checks for
        changes and rebuilds while the others keep using what there is."""
        current = self._knowledge
        if current is None:
            if not self._lock.acquire(timeout=FIRST_BUILD_WAIT_SECONDS):
                return EMPTY  # a large collection is still being read: search without, for now
            try:
                if self._knowledge is None:
                    self._knowledge = build_knowledge(
                        self._database, self._terms, self.denylist, self.popularity
                    )
                    self._checked = self._popular_checked = time.monotonic()
                return self._knowledge
            finally:
                self._lock.release()
        if time.monotonic() - self._checked < self._refresh_seconds or not self._lock.acquire(blocking=False):
            return current
        try:
            if self._stale(current):
                current = self._knowledge = build_knowledge(
                    self._database, self._terms, self.denylist, self.popularity
                )
                self._popular_checked = time.monotonic()
            self._checked = time.monotonic()
        finally:
            self._lock.release()
        return current

    def _stale(self, current: Knowledge) -> bool:
        if store_signature(self._database) != current.corpus.signature:
            return True
        if time.monotonic() - self._popular_checked < self._popular_seconds:
            return False
        self._popular_checked = time.monotonic()
        return popular_queries(self._database, self.denylist, self.popularity) != current.popular

    def forget(self) -> None:
        """Drop what is known (e.g. after the denylist changed); the next `get()` rebuilds."""
        with self._lock:
            self._knowledge = None
