"""The semantic signal: titles near the query in meaning, fused with the word ranking by rank.

Words alone miss a citizen who describes a need instead of naming it (工伤住院吃饭的钱能报吗 →
工伤保险住院伙食补助费申领). The title vectors (`indexer.vectors`, computed at index time) give the
titles nearest the query; reciprocal-rank fusion (RRF) adds that order to the reranked word order.
Fusion is by rank, not by a cosine threshold: no fixed cosine separates right from wrong across
queries. A title only the semantic side found joins the results when nothing restricts them (no filter
other than 类型, no portal scope), because the vectors know nothing of filters.
"""

from __future__ import annotations

import os
import re
import threading
import time
from collections.abc import Sequence
from functools import lru_cache
from pathlib import Path

import numpy as np
import numpy.typing as npt

from indexer.backends.base import BackendHit
from indexer.fields import doc_number_keys
from indexer.vectors import QUANT, TitleVectors, embed, load_vectors
from search_api.engine import ranking
from search_api.engine.corpus import Corpus
from search_api.engine.models import SearchRequest
from search_api.engine.query import MASKED_PLACE_IN_TEXT, AnalyzedQuery

CHUNK = 65_536  # rows multiplied at once: bounds the float32 copy at 1M titles to 128 MB
# Up to this many titles a float32 copy is kept (≤ 200 MB): numpy multiplies int8 by float32 outside
# BLAS, 10–50× slower than float32 × float32. Above it, int8 chunks are widened one at a time.
FLOAT_ROWS = 100_000
_CODE = re.compile(r"[a-z\-]*\d[0-9a-z\-]*")  # an 事项编码 or other code typed alone


@lru_cache(maxsize=2048)
def _query_vector(text: str) -> npt.NDArray[np.float32]:
    """Popular queries repeat; one embedding each."""
    vector: npt.NDArray[np.float32] = embed([text])[0]
    return vector


def semantic_query(query: AnalyzedQuery) -> str:
    """The text to embed, or "" when meaning is not the way to read it: a 文号 or code goes to its
    document. Pinyin (shebao) is embedded too: its nearest titles are noise, but a query in pinyin
    finds no words, so its reading replaces those results (`SearchEngine._corrected`)."""
    text = MASKED_PLACE_IN_TEXT.sub("", query.normalized).strip()
    if not text or doc_number_keys(text) or _CODE.fullmatch(text):
        return ""
    return text


class SemanticIndex:
    """The title vectors of one data directory, re-read when the indexer writes a new file."""

    def __init__(self, path: Path, reload_seconds: float = 2.0) -> None:
        self.path = path
        self._reload_seconds = reload_seconds
        self._vectors = TitleVectors.empty()
        self._wide: npt.NDArray[np.float32] | None = None
        self._mtime = -1.0
        self._checked = -1e9
        self._lock = threading.Lock()

    def vectors(self) -> TitleVectors:
        now = time.monotonic()
        if now - self._checked >= self._reload_seconds:
            with self._lock:
                self._checked = now
                mtime = os.stat(self.path).st_mtime if self.path.exists() else -1.0
                if mtime != self._mtime:
                    vectors = load_vectors(self.path)
                    small = len(vectors) <= FLOAT_ROWS
                    self._wide = vectors.matrix.astype(np.float32) / QUANT if small else None
                    self._vectors, self._mtime = vectors, mtime
        return self._vectors

    def _scores(self, vectors: TitleVectors, query: npt.NDArray[np.float32]) -> npt.NDArray[np.float32]:
        wide = self._wide
        if wide is not None and len(wide) == len(vectors):
            scores: npt.NDArray[np.float32] = wide @ query
            return scores
        parts = [
            vectors.matrix[s : s + CHUNK].astype(np.float32) @ (query / QUANT)
            for s in range(0, len(vectors), CHUNK)
        ]
        return np.concatenate(parts)

    def nearest(self, text: str, limit: int) -> list[tuple[str, float]]:
        """The `limit` titles nearest `text` (id, cosine), nearest first."""
        vectors = self.vectors()
        if not len(vectors) or not text:
            return []
        scores = self._scores(vectors, _query_vector(text))
        limit = min(limit, len(scores))
        top = np.argpartition(-scores, limit - 1)[:limit]
        top = top[np.argsort(-scores[top])]
        return [(vectors.ids[i], float(scores[i])) for i in top]


def exact_first(lexical: Sequence[BackendHit], query: AnalyzedQuery, corpus: Corpus) -> bool:
    """The first word hit is the query's own title: it stays first, meaning has nothing to add."""
    info = corpus.docs.get(lexical[0].id) if lexical else None
    return info is not None and "".join(info.title.split()) == query.compact


def _open_to_new(request: SearchRequest, query: AnalyzedQuery) -> bool:
    """May a title found only by meaning join? Not when filters, a scope or a “quoted” phrase (a
    search operator: these words, exactly) restrict the results."""
    return not request.scope and not set(request.filters) - {"type"} and not query.quoted


def _candidates(
    lexical: Sequence[BackendHit],
    near: Sequence[tuple[str, float]],
    request: SearchRequest,
    query: AnalyzedQuery,
    corpus: Corpus,
) -> list[tuple[str, float]]:
    """The nearest titles that may take part: any word hit, and titles only meaning found when
    nothing restricts the results and their kind is the one asked for."""
    kind = request.kind.value if request.kind else None
    words = {hit.id for hit in lexical}
    open_to_new = _open_to_new(request, query)
    kept = []
    for doc_id, cosine in near:
        info = corpus.docs.get(doc_id)
        new_ok = open_to_new and info is not None and not (kind and info.kind != kind)
        if doc_id in words or new_ok:
            kept.append((doc_id, cosine))
    return kept


def fuse(
    lexical: Sequence[BackendHit],
    near: Sequence[tuple[str, float]],
    request: SearchRequest,
    query: AnalyzedQuery,
    corpus: Corpus,
) -> list[BackendHit]:
    """The reranked word hits and the nearest titles in one order.

    Per-query scores, not raw ones: the word score is divided by the best word score, the cosine is
    placed between the last and the first of the nearest titles (0 … 1). Neither scale means the
    same from one query to the next; inside one query both order the candidates."""
    best = max((hit.score for hit in lexical), default=0.0) or 1.0
    fused = {hit.id: hit.score / best for hit in lexical}
    kept = _candidates(lexical, near, request, query, corpus)
    if len(near) >= 2:
        high, low = near[0][1], near[-1][1]
        span = (high - low) or 1.0
        for doc_id, cosine in kept:
            fused[doc_id] = fused.get(doc_id, 0.0) + ranking.SEMANTIC_WEIGHT * (cosine - low) / span
    order = sorted(fused.items(), key=lambda pair: -pair[1])
    return [BackendHit(id=doc_id, score=round(score, 6)) for doc_id, score in order]
