"""The semantic signal: titles near the query in meaning, fused with the word ranking by per-query
scores.

Words alone miss a citizen who describes a need instead of naming it (工伤住院吃饭的钱能报吗 →
工伤保险住院伙食补助费申领). The title vectors (`indexer.vectors`, computed at index time, one set per
model) give the titles nearest the query; `combine` puts several models' lists in one order and `fuse`
adds it to the reranked word order. Both work on scores placed within the query's own candidates, not
on a cosine threshold: no fixed cosine separates right from wrong across queries. A title only the
semantic side found joins the results when nothing restricts them (no filter other than 类型, no
portal scope), because the vectors know nothing of filters.
"""

from __future__ import annotations

import dataclasses
import re
import threading
from collections import OrderedDict
from collections.abc import Hashable, Sequence
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
import numpy.typing as npt

from indexer.backends.base import BackendHit, VectorSearch
from indexer.fields import doc_number_keys
from indexer.vectors import MODELS, USEM3, embed
from search_api.engine import ranking
from search_api.engine.corpus import Corpus
from search_api.engine.models import SearchRequest
from search_api.engine.query import MASKED_PLACE_IN_TEXT, AnalyzedQuery, long_account
from search_api.engine.rerank import QueryWord, title_features, unasked
from search_api.engine.vector_search import FileVectors

_CODE = re.compile(r"[a-z\-]*\d[0-9a-z\-]*")  # an 事项编码 or other code typed alone
NEAREST_CACHED = 4_096  # queries whose nearest titles are kept per state of the vectors (~1 KB each)


@lru_cache(maxsize=4096)
def query_vector(text: str, model: str) -> npt.NDArray[np.float32]:
    """Popular queries repeat; one embedding each per model."""
    vector: npt.NDArray[np.float32] = embed([text], model, query=True)[0]
    return vector


# A question mark or full stop at the end and spaces between Chinese characters change the vector of
# the same words (注册公司？ and 注册 公司 met other titles than 注册公司): they are not embedded.
_END_PUNCTUATION = re.compile(r"[?!.,;:~。、，；：！？…\s]+$")
_SPACE_IN_HAN = re.compile(r"(?<=[\u4e00-\u9fff])\s+(?=[\u4e00-\u9fff])")


def semantic_query(query: AnalyzedQuery) -> str:
    """The text to embed, or "" when meaning is not the way to read it: a 文号 or code goes to its
    document. Pinyin (shebao) is embedded too: its nearest titles are noise, but a query in pinyin
    finds no words, so its reading replaces those results (`SearchEngine._corrected`)."""
    text = MASKED_PLACE_IN_TEXT.sub("", query.normalized).strip()
    text = _SPACE_IN_HAN.sub("", _END_PUNCTUATION.sub("", text))
    if not text or doc_number_keys(text) or _CODE.fullmatch(text):
        return ""
    return text


class SemanticIndex:
    """The titles nearest a query in meaning, by one model or several, from wherever the vectors are
    searched (`VectorSearch`: the data directory's files, or Elasticsearch's kNN)."""

    def __init__(
        self, source: VectorSearch, models: Sequence[str] = (USEM3.name,), *, always: bool = False
    ) -> None:
        self.source = source
        # Title models in their order; each description model goes with the title model of its encoder.
        self.models = tuple(m for m in models if MODELS[m].reads == "title")
        self.descriptions = {
            m: tuple(d for d in models if MODELS[d].reads == "description" and MODELS[d].encoder_name == m)
            for m in self.models
        }
        self.always = always  # every model for every query, not the second ones only when words are weak
        self._nearest: OrderedDict[Hashable, list[tuple[str, float]]] = OrderedDict()
        self._lock = threading.Lock()

    def forget(self) -> None:
        """Drop the remembered nearest titles (the engine does when its index changed)."""
        with self._lock:
            self._nearest.clear()

    def _state(self, models: Sequence[str]) -> Hashable:
        """What the nearest titles depend on besides the query: the vector files' versions for the
        embedded index (the indexer writes them after its commit, so a commit alone does not say they
        changed); for a backend's own vectors, `forget()` on each refresh that may show something new."""
        if not isinstance(self.source, FileVectors):
            return None
        return self.source.versions([*models, *(d for m in models for d in self.descriptions.get(m, ()))])

    def models_for(self, second_opinion: bool) -> tuple[str, ...]:
        """The first model always; the others (slower) only for a second opinion: a long account the
        words answer weakly (`with_meaning`), or every query when `always`."""
        return self.models if second_opinion or self.always else self.models[:1]

    def nearest(self, text: str, limit: int, models: Sequence[str] | None = None) -> list[tuple[str, float]]:
        """The `limit` titles nearest `text` (id, summed per-query z-score), nearest first."""
        models = tuple(m for m in models or self.models if self.source.has(m))
        if not text or not models:
            return []
        key = (text, limit, models, self._state(models))
        with self._lock:
            found = self._nearest.get(key)
            if found is not None:
                self._nearest.move_to_end(key)
                return found
        # Popular queries repeat: scoring every title (brute force up to 200,000) costs as much as
        # embedding the query did.
        depth = max(limit, ranking.SEMANTIC_DEPTH)
        found = combine([self._near(m, text, depth) for m in models], limit)
        with self._lock:
            self._nearest[key] = found
            if len(self._nearest) > NEAREST_CACHED:
                self._nearest.popitem(last=False)
        return found

    def _near(self, model: str, text: str, depth: int) -> list[tuple[str, float]]:
        """One title model's nearest documents; with its description vectors, each document scored by
        the nearer of its title and its description (the same encoder: the cosines compare)."""
        vector = query_vector(text, model)
        found = self.source.nearest(model, vector, depth)
        for description in self.descriptions.get(model, ()):
            found = nearer(found, self.source.nearest(description, vector, depth), depth)
        return found


def nearer(
    titles: Sequence[tuple[str, float]], descriptions: Sequence[tuple[str, float]], depth: int
) -> list[tuple[str, float]]:
    """Two nearest-lists of one encoder as one: each document's higher cosine, the `depth` best, ties
    by id (as every nearest-list)."""
    best = dict(titles)
    for doc_id, cosine in descriptions:
        best[doc_id] = max(cosine, best.get(doc_id, cosine))
    return sorted(best.items(), key=lambda pair: (-pair[1], pair[0]))[:depth]


def combine(lists: Sequence[Sequence[tuple[str, float]]], limit: int) -> list[tuple[str, float]]:
    """Several models' nearest titles in one order: each model's scores as per-query z-scores over its
    own nearest `SEMANTIC_DEPTH` titles, summed. A cosine means something different from one model to
    another (and from one query to the next), its place among the query's nearest titles does not. A
    title outside one model's list counts as that model's last one. With one model the order is its
    cosine order."""
    scored: list[tuple[dict[str, float], float]] = []
    for near in lists:
        if not near:
            continue
        values = np.array([score for _, score in near], dtype=np.float64)
        spread = float(values.std()) or 1.0
        z = {doc_id: (score - float(values.mean())) / spread for doc_id, score in near}
        scored.append((z, min(z.values())))
    ids = {doc_id for z, _ in scored for doc_id in z}
    summed = {doc_id: sum(z.get(doc_id, floor) for z, floor in scored) for doc_id in ids}
    return sorted(summed.items(), key=lambda pair: (-pair[1], pair[0]))[:limit]


def words_coverage(
    lexical: Sequence[BackendHit], words: Sequence[QueryWord], corpus: Corpus, *, typed: bool = True
) -> float:
    """The share of the query's words that the best word hit's title holds: with `typed`, every typed
    word counts fully, question words too; else each weighs as in ranking (`QueryWord.weight`)."""
    info = corpus.docs.get(lexical[0].id) if lexical else None
    if info is None:
        return 0.0
    counted = [dataclasses.replace(word, weight=1.0) for word in words] if typed else words
    return title_features(counted, info.title, info.kind)[0]


def words_answer_weakly(lexical: Sequence[BackendHit], words: Sequence[QueryWord], corpus: Corpus) -> bool:
    """The best word hit covers little of what the citizen typed (a long everyday description, words
    no title uses): where a second opinion on meaning is worth its milliseconds. Every typed word counts
    here, question words too: in ranking they weigh little (`QueryWord.weight`), but a question asked in
    the citizen's own words (查医生有没有执业资格) is where the words answer weakly and meaning helps."""
    return words_coverage(lexical, words, corpus) < ranking.WEAK_WORDS_COVERAGE


def judgment(lexical: Sequence[BackendHit], words: Sequence[QueryWord], corpus: Corpus) -> float:
    """How far meaning judges the word hits (`Fusion.judge`): the less of the query's content the best
    word hit holds, the more; nothing from WEAK_WORDS_COVERAGE up. Question words weigh here as in
    ranking: 可不可以 says nothing of what is asked, so it must not make meaning reorder the hits."""
    coverage = words_coverage(lexical, words, corpus, typed=False)
    return ranking.SEMANTIC_JUDGES_WEAK_WORDS * max(0.0, 1 - coverage / ranking.WEAK_WORDS_COVERAGE)


def exact_first(lexical: Sequence[BackendHit], query: AnalyzedQuery, corpus: Corpus) -> bool:
    """The first word hit is the query's own title: it stays first, meaning has nothing to add."""
    info = corpus.docs.get(lexical[0].id) if lexical else None
    return info is not None and "".join(info.title.split()) == query.compact


def words_settle_first(
    lexical: Sequence[BackendHit], words: Sequence[QueryWord], corpus: Corpus, page_size: int
) -> bool:
    """The words answer strongly: they fill the first page, the best word hit's title holds every
    query word, and it leads every other hit by more than meaning can add (`fuse`: at most
    SEMANTIC_WEIGHT on a scale where the best word hit is 1), so it stays first whatever the titles
    nearest in meaning are. Then embedding the query and scoring every title cannot change the first
    result; below it, the relevance sets measure what skipping it costs (README, "Search and
    suggestion latency")."""
    info = corpus.docs.get(lexical[0].id) if len(lexical) >= page_size else None
    if info is None or title_features(words, info.title, info.kind)[0] < 1.0:
        return False
    best = lexical[0].score
    if best <= 0 or any(hit.score > best for hit in lexical):
        return False
    runner_up = max((hit.score for hit in lexical[1:]), default=0.0)
    return runner_up / best < 1 - ranking.SEMANTIC_WEIGHT


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


@dataclass(frozen=True)
class Fusion:
    """How much meaning counts in one query's order (`fuse`)."""

    weight: float = ranking.SEMANTIC_WEIGHT  # the nearest title's credit; the best word hit counts 1
    # How far meaning also judges the word hits it does not list among its first SEMANTIC_CANDIDATES
    # (0: not at all): where the words answer weakly (`with_meaning`).
    judge: float = 0.0
    words: Sequence[QueryWord] = ()  # the query's words: titles holding every one share one credit


def fuse(
    lexical: Sequence[BackendHit],
    near: Sequence[tuple[str, float]],
    request: SearchRequest,
    query: AnalyzedQuery,
    corpus: Corpus,
    fusion: Fusion = Fusion(),
) -> list[BackendHit]:
    """The reranked word hits and the nearest titles in one order.

    Per-query scores, not raw ones: the word score is divided by the best word score, the score of
    meaning is placed between the SEMANTIC_CANDIDATES-th and the first of the nearest titles (0 … 1).
    Neither scale means the same from one query to the next; inside one query both order the
    candidates. `near` may list more titles than SEMANTIC_CANDIDATES: they place the word hits meaning
    judges (`Fusion.judge`) below its first ones, down to −SEMANTIC_JUDGE_FLOOR."""
    best = max((hit.score for hit in lexical), default=0.0) or 1.0
    fused = {hit.id: hit.score / best for hit in lexical}
    shown = near[: ranking.SEMANTIC_CANDIDATES]
    if len(shown) >= 2:
        high, low = shown[0][1], shown[-1][1]
        span = (high - low) or 1.0
        credit = {doc_id: (score - low) / span for doc_id, score in near}
        candidates = _candidates(lexical, shown, request, query, corpus)
        meaning = {doc_id: credit[doc_id] for doc_id, _ in candidates}
        for doc_id in meaning.keys() - fused.keys():  # found by meaning alone: the reranker never saw it
            if (info := corpus.docs.get(doc_id)) is not None:
                meaning[doc_id] *= unasked(info, fusion.words, query.normalized)
        if fusion.judge:  # placed by its own score, the last one's when not listed; lowered at most so far
            last, floor = credit[near[-1][0]], -ranking.SEMANTIC_JUDGE_FLOOR
            for hit in lexical:
                if hit.id not in meaning:
                    meaning[hit.id] = fusion.judge * max(credit.get(hit.id, last), floor)
        for doc_id, value in _shared_by_complete_titles(lexical, meaning, fusion.words, corpus).items():
            fused[doc_id] = fused.get(doc_id, 0.0) + fusion.weight * value
    order = sorted(fused.items(), key=lambda pair: -pair[1])
    return [BackendHit(id=doc_id, score=round(score, 6)) for doc_id, score in order]


def _shared_by_complete_titles(
    lexical: Sequence[BackendHit], meaning: dict[str, float], words: Sequence[QueryWord], corpus: Corpus
) -> dict[str, float]:
    """Word hits whose titles hold every word of the query all take the best meaning credit among them.
    Such titles (《残疾人证》新办证申请, 《残疾人证》查询, 《残疾人证》换领 for 残疾人证) differ only in
    what the citizen did not say; there the reranker's features (a follow-up action, a qualifier, a
    longer title) know more than a small difference of meaning, which would otherwise reorder them."""
    complete = [hit.id for hit in lexical if _holds_every_word(hit.id, words, corpus)]
    if len(complete) < 2:
        return meaning
    shared = max(meaning.get(doc_id, 0.0) for doc_id in complete)
    return meaning | dict.fromkeys(complete, shared)


def _holds_every_word(doc_id: str, words: Sequence[QueryWord], corpus: Corpus) -> bool:
    """The title's coverage of the query is 1 (`title_features`), read without scoring it (up to 60
    titles a search): every word that weighs is in the title, or an alternative that counts fully."""
    info = corpus.docs.get(doc_id)
    if info is None or not any(word.weight for word in words):
        return False
    title = info.title
    return all(
        word.text in title or any(credit >= 1.0 and alt in title for alt, credit in word.alternatives)
        for word in words
        if word.weight
    )


def with_meaning(
    semantic: SemanticIndex | None,
    top: list[BackendHit],
    words: Sequence[QueryWord],
    request: SearchRequest,
    query: AnalyzedQuery,
    corpus: Corpus,
) -> list[BackendHit]:
    """The reranked word hits fused with the titles nearest in meaning: the search's semantic step."""
    text = semantic_query(query)
    if semantic is None or not text or exact_first(top, query, corpus):
        return top
    if words_settle_first(top, words, corpus, request.size):
        return top  # bounded by SEMANTIC_WEIGHT: words that settle the first result are not weak
    weak = words_answer_weakly(top, words, corpus)
    if weak:
        fusion = Fusion(ranking.SEMANTIC_WEIGHT_WEAK_WORDS, judgment(top, words, corpus), words)
    else:
        fusion = Fusion(ranking.SEMANTIC_WEIGHT, 0.0, words)
    depth = ranking.SEMANTIC_DEPTH if fusion.judge else ranking.SEMANTIC_CANDIDATES
    account = weak and long_account(query)
    near = semantic.nearest(text, depth, semantic.models_for(account))
    fused = fuse(top, near, request, query, corpus, fusion)
    if not account:
        return fused
    return on_first_page(fused, [doc_id for doc_id, _ in near[: ranking.SEMANTIC_FIRST_PAGE]], request.size)


def on_first_page(fused: list[BackendHit], nearest: Sequence[str], size: int) -> list[BackendHit]:
    """The fused order with the `nearest` titles it holds below the first `size` moved to the end of the
    first page, in their fused order (`ranking.SEMANTIC_FIRST_PAGE`); the rest keeps its order. Only
    titles the fusion admitted move: a filter or a portal's scope still holds."""
    low = {hit.id for hit in fused[size:]} & set(nearest)
    if not low:
        return fused
    kept = [hit for hit in fused if hit.id not in low]
    moved = [hit for hit in fused if hit.id in low]
    at = max(size - len(moved), 0)
    return kept[:at] + moved + kept[at:]
