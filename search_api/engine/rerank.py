"""Second-phase ranking: re-score the backend's first hits with features of their titles.

BM25 likes long titles that repeat a word (律师事务所 … 律师事务所 …); a citizen wants the short title
that says what they typed. Every weight lives in `search_api.engine.ranking`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

from indexer.backends.base import BackendHit
from search_api.engine import ranking
from search_api.engine.corpus import Corpus, DocInfo
from search_api.engine.query import AnalyzedQuery

# Actions that make an item a follow-up of the basic one (新办, 申领). Without a hint in the query a
# citizen wants the basic item; a character of the action in the query (换, 补, 迁, 进度) is a hint.
SECONDARY_ACTIONS = (
    "变更",
    "注销",
    "迁出",
    "迁入",
    "换领",
    "换发",
    "补领",
    "补发",
    "补办",
    "挂失",
    "撤销",
    "延续",
    "延期",  # an extension (养殖证的审核（延期）), like 延续 and 续期
    "续期",
    "进度",
    "停发",
    "续发",
    "重核",
    "增补",
    "作废",
)


# Qualifiers that narrow a service to a population most citizens do not belong to (foreigners and
# foreign investors: 外国公民, 外商投资; residents of 港澳台, also spelt 香港, 澳门; overseas Chinese; the
# armed forces and their families: 随军配偶). A title with one the citizen did not say (换身份证 →
# 换发外国人永久居留身份证) is for somebody else more often than not: it ranks below a plain title.
# 企业 is not one: in a service's name it is either the ordinary employee's own scheme (企业职工基本养老保险,
# the pension of most working citizens) or the business the asker is dealing with — it names no
# population the asker is unlikely to be part of.
RESTRICTING_QUALIFIERS = (
    "外国",
    "外籍",
    "外商",
    "境外",
    "港澳台",
    "港澳",
    "香港",
    "澳门",
    "台湾",
    "华侨",
    "军人",
    "军队",
    "随军",
    "武警",
)


# Words that name a kind of document rather than what it is about. A citizen asks for 体育赛事的政策 or
# 有什么扶持政策; a policy document's title names its form (意见, 通知, 办法) and not the word: 1 of the 60
# State Council titles and 2 of the 3,423 laws' titles in the shared data say 政策, while 22 of 2,262
# Guangdong guides do (政策咨询, 政策解读: services about policy, rarely what is asked). So a document of
# that kind holds the word by its kind: the word counts as covered, without making the title look
# compact.
KIND_WORDS: dict[str, str] = {"政策": "policy"}


@dataclass(frozen=True)
class Preference:
    """What the citizen chose to see first: their 地区 (a name or 区划代码) and 个人 or 法人."""

    region: str = ""
    audience: str = ""

    def factor(self, info: DocInfo) -> float:
        value = ranking.REGION_PREFERENCE_FACTOR if self.region and self.region in info.areas else 1.0
        if self.audience and self.audience in info.audiences:
            value *= ranking.AUDIENCE_PREFERENCE_FACTOR
        return value


NO_PREFERENCE = Preference()


@dataclass(frozen=True)
class QueryWord:
    """One word of the query as the reranker sees it: the word, its alternatives with their credit."""

    text: str
    alternatives: tuple[tuple[str, float], ...] = ()
    weight: float = 1.0


def _credit(word: QueryWord, title: str, kind: str = "") -> tuple[float, list[str]]:
    """How well the title covers one query word, and which strings of the title matched it."""
    if word.text in title:
        return 1.0, [word.text]
    if kind and KIND_WORDS.get(word.text) == kind:
        return 1.0, []
    best, matched = 0.0, list[str]()
    for alternative, credit in word.alternatives:
        if credit > best and alternative in title:
            best, matched = credit, [alternative]
    chars = [c for c in word.text if c in title]
    partial = ranking.PARTIAL_CHAR_CREDIT * len(chars) / max(len(word.text), 1)
    if partial > best:
        return partial, chars
    return best, matched


def _covered_share(title: str, matched: list[str]) -> float:
    covered = [False] * len(title)
    for text in matched:
        start = title.find(text)
        while start != -1 and text:
            for i in range(start, start + len(text)):
                covered[i] = True
            start = title.find(text, start + len(text))
    letters = [c for c in title if not c.isspace()]
    return sum(covered) / max(len(letters), 1)


def title_features(words: Sequence[QueryWord], title: str, kind: str = "") -> tuple[float, float]:
    """(coverage, compactness) of a normalised title for the query words, both in [0, 1]; with the
    document's `kind`, a word naming that kind (`KIND_WORDS`) is covered."""
    total = sum(w.weight for w in words)
    if not total:
        return 0.0, 0.0
    gained, matched = 0.0, list[str]()
    for word in words:
        credit, strings = _credit(word, title, kind)
        gained += word.weight * credit
        matched += strings
    return gained / total, min(_covered_share(title, matched), 1.0)


def unasked_qualifier(title: str, query: str, words: Sequence[QueryWord]) -> bool:
    """The title narrows the service with a qualifier neither the query nor its expansions say."""
    if any(c.isascii() and c.isalpha() for c in query):  # Hong Kong 通行证: English may say it
        return False
    said = query + "".join(alt for w in words for alt, _credit in w.alternatives)
    return any(q in title and q not in said for q in RESTRICTING_QUALIFIERS)


# What a citizen says happened instead of naming the follow-up action (证丢了 asks for 补办, not 新办):
# the everyday cue → the actions it asks for. The pairs are the law's and the catalogue's own:
# 居民身份证法 第十一条 (有效期满、姓名变更、严重损坏 → 换领; 丢失 → 补领), 行政许可法 第五十条
# (有效期届满 → 延续), and the 受理条件 of the catalogue's 补发/补办/挂失/换发 guides (遗失 or 损毁, 19).
_REPLACE = ("挂失", "补领", "补发", "补办")
_RENEW = ("换领", "换发")
ACTION_CUES: dict[str, tuple[str, ...]] = {
    **dict.fromkeys(("丢", "掉了", "遗失", "不见了"), _REPLACE),
    **dict.fromkeys(("损坏", "坏了"), (*_RENEW, "补领", "补发", "补办")),
    **dict.fromkeys(("过期", "到期"), (*_RENEW, "延续", "延期", "续期", "续发")),
    "改": ("变更",),
    "搬": ("迁出", "迁入"),
}


@lru_cache(maxsize=1024)
def _asked(query: str) -> frozenset[str]:
    """The follow-up actions what the query says happened asks for (once per query, not per hit)."""
    return frozenset(a for cue, actions in ACTION_CUES.items() if cue in query for a in actions)


def secondary_action(title: str, query: str) -> bool:
    """The title is a follow-up action (换领, 注销 …) the query neither names, hints at by its first
    character (换, 补, 迁) nor asks for by what happened (丢了 → 补办)."""
    asked = _asked(query)
    return any(
        a in title and a not in query and a[0] not in query and a not in asked for a in SECONDARY_ACTIONS
    )


def freshness(date: dt.date | None, today: dt.date) -> float:
    if date is None:
        return 1.0
    years = max((today - date).days, 0) / 365.25
    return 1.0 + ranking.FRESHNESS_MAX * float(0.5 ** (years / ranking.FRESHNESS_HALF_LIFE_YEARS))


def unasked(info: DocInfo, words: Sequence[QueryWord], query: str) -> float:
    """The factor of a guide for something the citizen did not ask: a follow-up action, a population
    the query does not name (1.0 for neither); also applied to titles found by meaning alone."""
    value = 1.0
    if info.kind == "guide" and secondary_action(info.title, query):
        value *= ranking.SECONDARY_ACTION_FACTOR
    if info.kind == "guide" and unasked_qualifier(info.title, query, words):
        value *= ranking.QUALIFIER_FACTOR
    return value


def factor(
    info: DocInfo,
    words: Sequence[QueryWord],
    query: str,
    today: dt.date,
    prefer: Preference = NO_PREFERENCE,
    best_coverage: float = 0.0,
) -> float:
    """The reranking factor of one hit; `best_coverage` is the best title coverage among the hits:
    the citizen's region and audience count only for a title about as good as the best, so that a
    region-matching but unrelated document never passes a relevant one of another level."""
    coverage, compactness = title_features(words, info.title, info.kind)
    value = 1.0 + ranking.COVERAGE_WEIGHT * coverage + ranking.COMPACTNESS_WEIGHT * compactness
    if coverage >= best_coverage - ranking.PREFERENCE_COVERAGE_MARGIN:
        value *= prefer.factor(info)
    value *= unasked(info, words, query)
    if info.kind == "policy":
        value *= freshness(info.date, today)
    if info.high_level:
        value *= ranking.AUTHORITY_FACTOR
    if info.invalid:
        value *= ranking.INVALID_FACTOR
    return value


def _best_coverage(hits: Sequence[BackendHit], words: Sequence[QueryWord], corpus: Corpus) -> float:
    infos = (corpus.docs.get(hit.id) for hit in hits)
    return max((title_features(words, info.title, info.kind)[0] for info in infos if info), default=0.0)


def rerank(
    hits: Sequence[BackendHit],
    words: Sequence[QueryWord],
    query: AnalyzedQuery,
    corpus: Corpus,
    today: dt.date | None = None,
    prefer: Preference = NO_PREFERENCE,
) -> list[BackendHit]:
    """The hits re-scored and re-sorted; a hit the corpus does not know keeps its backend score.

    A document whose 发文字号/事项编码 or whole title is the query stays on top whatever the features say."""
    day = today or dt.date.today()
    codes = set(query.codes)
    best = _best_coverage(hits, words, corpus) if prefer != NO_PREFERENCE else 0.0
    rescored: list[tuple[bool, BackendHit]] = []
    for hit in hits:
        info = corpus.docs.get(hit.id)
        if info is None:
            rescored.append((False, hit))
            continue
        exact = bool(codes.intersection(info.codes)) or "".join(info.title.split()) == query.compact
        score = hit.score * factor(info, words, query.normalized, day, prefer, best)
        rescored.append((exact, BackendHit(id=hit.id, score=score)))
    return [hit for _exact, hit in sorted(rescored, key=lambda pair: (not pair[0], -pair[1].score))]
