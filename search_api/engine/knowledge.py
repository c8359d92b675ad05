"""What the service knows beyond the index, built from the store and kept fresh: the corpus (titles and
per-document facts), its pinyin lexicon, the suggester, the popular queries and the documents people
open most.

Built on first use and again when the store changes (checked at most every `refresh_seconds`); the
popular queries and documents are re-read every `popular_seconds`.
"""

from __future__ import annotations

import dataclasses
import logging
import threading
import time
from collections.abc import Callable, Hashable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import NamedTuple, TypeVar, cast

import pypinyin
import rjieba

from indexer.storage import Database
from search_api.engine import knowledge_file, ranking
from search_api.engine.corpus import Corpus, build_corpus, store_signature
from search_api.engine.pinyin import Lexicon, Spellings, spelling_with
from search_api.engine.query_log import DEFAULT_POPULARITY, Popularity, popular_documents, popular_queries
from search_api.engine.suggest import Suggester

FIRST_BUILD_WAIT_SECONDS = 10.0  # longest a search waits for the first build before going without
POPULAR_SECONDS = 60.0  # popular queries change slowly; rebuilding for them costs a pinyin pass
MEMO_ENTRIES = 100_000  # remembered answers per knowledge build (a few tens of MB at most)
SPELLINGS_FILE = "spellings.bin"  # beside the knowledge file: the pinyin its build spelled, for the next
T = TypeVar("T")
log = logging.getLogger(__name__)
_SPELLINGS_KEY = ("spellings", pypinyin.__version__)  # another pypinyin may spell differently


class Memo:
    """Answers worked out from one `Knowledge` (abbreviations, corrections), kept while it is current:
    a new build starts with an empty memo, so a changed store or new popular queries are never
    answered from an old one. Bounded: emptied when full."""

    def __init__(self, limit: int = MEMO_ENTRIES) -> None:
        self._answers: dict[Hashable, object] = {}
        self._limit = limit

    def get(self, key: Hashable, compute: Callable[[], T]) -> T:
        if key in self._answers:
            return cast(T, self._answers[key])
        answer = compute()
        if len(self._answers) >= self._limit:
            self._answers.clear()
        self._answers[key] = answer
        return answer

    def clear(self) -> None:
        self._answers.clear()


class Given(NamedTuple):
    """What a knowledge build takes besides the store: the reviewed synonym terms, the denylist and the
    popularity rules. A change of any of them (or of the logs) updates the knowledge; only a change of
    the store reads every document again."""

    terms: tuple[str, ...] = ()
    denylist: tuple[str, ...] = ()
    popularity: Popularity = DEFAULT_POPULARITY

    @classmethod
    def of(cls, terms: Iterable[str], denylist: Iterable[str], popularity: Popularity) -> Given:
        return cls(tuple(sorted(set(terms))), tuple(sorted(denylist)), popularity)  # order means nothing


@dataclass(frozen=True)
class Knowledge:
    corpus: Corpus
    lexicon: Lexicon
    suggester: Suggester
    popular: list[tuple[str, int]]
    opened: list[tuple[str, int]] = field(default_factory=list)  # popular documents: (id, visitors)
    given: Given = field(default_factory=Given)
    memo: Memo = field(default_factory=Memo, compare=False)


# Parts of speech that never make a suggestion or a pinyin reading on their own: conjunctions (或者),
# prepositions (关于), particles, pronouns, adverbs, numerals, measure words, directions, interjections.
FUNCTION_TAGS = ("c", "p", "u", "r", "d", "m", "q", "f", "y", "e", "o")


def content_word(word: str) -> bool:
    tags = rjieba.tag(word)
    return not (len(tags) == 1 and tags[0][1] in FUNCTION_TAGS)


EMPTY = Knowledge(Corpus(), Lexicon(), Suggester(), [])


def build_knowledge(database: Database, given: Given) -> Knowledge:
    popular = popular_queries(database, frozenset(given.denylist), given.popularity)
    corpus = build_corpus(database, [*given.terms, *(q for q, _ in popular)])
    return _knowing(corpus, database, given, popular)


def updated(known: Knowledge, database: Database, given: Given) -> Knowledge:
    """`known` with other synonym terms, denylist or popularity rules, or with the popular queries and
    documents as they are now: the two logs are read again, not every document (at 1M documents the
    store read is most of a build), and the suggester's entries for titles and words are kept unless
    the denylist changed."""
    popular = popular_queries(database, frozenset(given.denylist), given.popularity)
    corpus = known.corpus.with_terms([*given.terms, *(q for q, _ in popular)])
    same_denylist = known.given.denylist == given.denylist
    return _knowing(corpus, database, given, popular, known.suggester if same_denylist else None)


def _knowing(
    corpus: Corpus,
    database: Database,
    given: Given,
    popular: list[tuple[str, int]],
    collection: Suggester | None = None,
) -> Knowledge:
    """The lexicon and suggester over a corpus, with what citizens search and open; `collection`: a
    suggester already made for the corpus's titles and words."""
    opened = popular_documents(database, given.popularity)
    corpus.opened = tuple((corpus.docs[d].title, n) for d, n in opened if d in corpus.docs)
    words = {w: df for w, df in corpus.word_df.items() if content_word(w)}
    weights: dict[str, float] = {w: float(df) for w, df in words.items()}
    for term in corpus.terms:
        weights[term] = max(weights.get(term, 0.0), ranking.SUGGEST_TERM_WEIGHT)
    if collection is None:
        entries = [(t, ranking.SUGGEST_TITLE_WEIGHT) for t in corpus.titles]
        least = ranking.SUGGEST_MIN_WORD_TITLES
        entries += [(w, float(df)) for w, df in words.items() if df >= least and len(w) >= 2]
        collection = Suggester.build(entries, frozenset(given.denylist))
    extra = [(t, ranking.SUGGEST_TERM_WEIGHT) for t in given.terms]
    extra += [(q, ranking.SUGGEST_POPULAR_WEIGHT + count) for q, count in popular]
    suggester = collection.with_extra(extra)
    return Knowledge(corpus, Lexicon.build(weights), suggester, popular, opened, given)


class KnowledgeCache:
    """Thread-safe holder of the current `Knowledge`."""

    def __init__(
        self,
        database: Database,
        terms: Sequence[str] | Callable[[], Sequence[str]],
        denylist: frozenset[str],
        refresh_seconds: float = 2.0,
        popular_seconds: float = POPULAR_SECONDS,
        popularity: Popularity = DEFAULT_POPULARITY,
        path: Path | None = None,
    ) -> None:
        """`terms`: the reviewed synonym terms, or a function giving them as they are now (live synonyms:
        followed at every check); `path`: where the knowledge is kept between runs (`knowledge_file`);
        None: not kept."""
        self._path = path
        self._database = database
        self._terms = terms if callable(terms) else (lambda: terms)
        self.denylist = denylist
        self.popularity = popularity
        self._refresh_seconds = refresh_seconds
        self._lock = threading.Lock()
        self._knowledge: Knowledge | None = None
        self._checked = 0.0
        self._popular_seconds = popular_seconds
        self._popular_checked = 0.0
        self._refreshing: threading.Thread | None = None
        self._saving: threading.Thread | None = None

    def get(self) -> Knowledge:
        """The current knowledge. Only the first build makes callers wait; later, one caller starts a
        check for changes (and a rebuild) in a thread of its own, and everyone keeps using what there is
        until the new knowledge is ready."""
        current = self._knowledge
        if current is None:
            if not self._lock.acquire(timeout=FIRST_BUILD_WAIT_SECONDS):
                return EMPTY  # a large collection is still being read: search without, for now
            try:
                if self._knowledge is None:
                    self._knowledge = self._opened_or_built()
                    self._checked = time.monotonic()
                return self._knowledge
            finally:
                self._lock.release()
        if time.monotonic() - self._checked < self._refresh_seconds or not self._lock.acquire(blocking=False):
            return current
        # Checked and rebuilt beside the searches, never inside one: at 100k documents a rebuild takes
        # tens of seconds, and the search that happened to notice the change used to wait for it.
        self._refreshing = threading.Thread(target=self._refresh, args=(current,), daemon=True)
        self._refreshing.start()
        return current

    def _refresh(self, current: Knowledge) -> None:
        """Runs holding the lock `get()` took (a Lock may be released by another thread)."""
        try:
            if store_signature(self._database) != current.corpus.signature:
                self._knowledge = self._opened_or_built()
            else:
                self._knowledge = self._brought_up_to_date(current, self._popular_due())
            self._checked = time.monotonic()
        finally:
            self._lock.release()

    def _given(self) -> Given:
        return Given.of(self._terms(), self.denylist, self.popularity)

    def _brought_up_to_date(
        self, known: Knowledge, look_at_logs: bool, held: knowledge_file.Exclusive | None = None
    ) -> Knowledge:
        """`known`, or `updated` from it when the synonym terms, denylist or popularity rules changed,
        or (`look_at_logs`) the popular queries or documents. `held` is released now, or once what was
        brought up to date is saved (the next worker opens that)."""
        given = self._given()
        if known.given == given and not (look_at_logs and self._popular_changed(known)):
            if held is not None:
                held.release()
            return known
        started = time.perf_counter()
        with spelling_with(spellings := Spellings(self._kept_spellings())):
            fresh = updated(known, self._database, given)
        self._popular_checked = time.monotonic()
        log.info("knowledge brought up to date in %.1f s", time.perf_counter() - started)
        self._keep(fresh, spellings, held)
        return fresh

    def _opened_or_built(self) -> Knowledge:
        """From the file when one was kept for the store as it is now (brought up to date), else built
        and kept: by one worker at a time, so the others open what it saved."""
        if self._path is None:
            return self._build()
        held = knowledge_file.Exclusive(self._path).__enter__()
        try:
            found = knowledge_file.load(self._path, store_signature(self._database))
            if isinstance(found, Knowledge):
                self._popular_checked = time.monotonic()
                return self._brought_up_to_date(found, look_at_logs=True, held=held)
        except BaseException:
            held.release()
            raise
        return self._build(held)

    def _build(self, held: knowledge_file.Exclusive | None = None) -> Knowledge:
        """Built from the store; saved beside the searches by a thread that then lets the next worker
        in (`held`), so the first answer does not wait for the write."""
        started = time.perf_counter()
        spellings = Spellings(self._kept_spellings())
        try:
            with spelling_with(spellings):
                built = build_knowledge(self._database, self._given())
        except BaseException:
            if held is not None:
                held.release()
            raise
        self._popular_checked = time.monotonic()
        log.info("knowledge built from the store in %.1f s", time.perf_counter() - started)
        self._keep(built, spellings, held)
        return built

    def _keep(
        self, known: Knowledge, spellings: Spellings, held: knowledge_file.Exclusive | None = None
    ) -> None:
        """Saved to the file (when there is one) by a thread beside the searches; `held` released after."""
        if self._path is None:
            if held is not None:
                held.release()
            return
        kept = dataclasses.replace(known, memo=Memo())
        # After the save before it: a large build's save must not finish last and put back what an
        # update beside it replaced.
        args = (known.corpus.signature, kept, spellings.used, held, self._saving)
        self._saving = threading.Thread(target=self._save, args=args, daemon=True)
        self._saving.start()

    def _kept_spellings(self) -> dict[str, tuple[str, ...]]:
        """What the last build spelled (a rebuild after a change spells only what is new)."""
        path = self._path.with_name(SPELLINGS_FILE) if self._path else None
        found = knowledge_file.load(path, _SPELLINGS_KEY) if path else None
        return found if isinstance(found, dict) else {}

    def _save(
        self,
        key: tuple[int, str],
        kept: Knowledge,
        spellings: dict[str, tuple[str, ...]],
        held: knowledge_file.Exclusive | None,
        after: threading.Thread | None,
    ) -> None:
        assert self._path is not None
        try:
            if after is not None:
                after.join()
            knowledge_file.save(self._path, key, kept)
            knowledge_file.save(self._path.with_name(SPELLINGS_FILE), _SPELLINGS_KEY, spellings)
        finally:
            if held is not None:
                held.release()

    def settle(self, timeout: float = 30.0) -> Knowledge:
        """The knowledge once a running check, rebuild or save has finished (shutdown, tests)."""
        if self._refreshing is not None:
            self._refreshing.join(timeout)
        if self._saving is not None:  # read after the rebuild that may have started it
            self._saving.join(timeout)
        return self._knowledge or self.get()

    def _popular_due(self) -> bool:
        """Popularity is looked at every `popular_seconds` (two queries over the logs)."""
        if time.monotonic() - self._popular_checked < self._popular_seconds:
            return False
        self._popular_checked = time.monotonic()
        return True

    def _popular_changed(self, known: Knowledge) -> bool:
        """Have the popular queries or the documents people open changed since `known` was built?"""
        if popular_queries(self._database, self.denylist, self.popularity) != known.popular:
            return True
        return popular_documents(self._database, self.popularity) != known.opened

    def forget(self) -> None:
        """Drop what is known (e.g. after the denylist changed); the next `get()` rebuilds."""
        with self._lock:
            self._knowledge = None
