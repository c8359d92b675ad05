"""Which catalogue items a document concerns, with the sentence and rule as evidence. Pure functions.

Rules, strongest first:
- guide: a guide is the 办事指南 of its own item (same 实施编码);
- code: the text cites an item's 实施编码 or 基本编码;
- title_name / body_name: the item's name, or its name without the sub-item in brackets, or its parent
  item's name, appears in the title or in a sentence of the body;
- alias: a 简称/日常用语 of the item appears. Aliases that name a concept rather than something one
  applies for (知识产权, 劳动合同) are too vague to link on their own;
- subject: a short or vague name counts only when the policy's own subject (主题分类, title) is about it.
Only links at or above `MIN_CONFIDENCE` are kept.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass

import ahocorasick

from indexer.analysis import compact, compact_ascii
from indexer.documents import CatalogueItem, Document, ItemLink, PolicyDocument, ServiceGuide

Offer = Callable[[ItemLink], None]

MIN_CONFIDENCE = 0.6
MIN_NAME_LENGTH = 4  # shorter names (“设所”) match far too much
SPECIFIC_NAME_LENGTH = 7  # a name this long in a body sentence is specific enough on its own
MIN_CODE_LENGTH = 10
EVIDENCE_CHARS = 160
# Words that make a name something one applies for rather than a topic.
ACTION_WORDS = (
    "登记", "许可", "审批", "核准", "备案", "认定", "申领", "申请", "办理", "换领", "换证", "补领", "补办",
    "注销", "变更", "挂失", "查询", "证明", "资格", "考试", "补贴", "救助", "鉴定", "确认", "给付", "奖励",
    "审核", "审查", "延续", "设立", "签发", "公证",
)  # fmt: skip
_SENTENCE = re.compile(r"[^。！？；\n]+[。！？；]?")
_BRACKET = re.compile(r"[（(]")

# (title confidence, body confidence) per kind of name
_SPECIFIC = (0.95, 0.9)
_BASE = (0.9, 0.8)
_PARENT = (0.9, 0.55)  # a parent item's name in a sentence does not say which of its children
_ALIAS = (0.85, 0.55)  # 日常用语 are everyday words: in a body sentence they need the subject to agree
_SHORT_ACTION = (0.9, 0.7)  # a four-character name that ends in what one does: 失业登记
_VAGUE = (0.5, 0.4)
_SUBJECT_CONFIDENCE = 0.75
_OBJECT_ACTION_CONFIDENCE = 0.65
SPECIFIC_OBJECT_LENGTH = 6
_FILLER = ("的", "成立", "设立")


@dataclass(frozen=True)
class _Target:
    key: str
    rule: str
    title_confidence: float
    body_confidence: float


def _is_actionable(name: str) -> bool:
    return any(word in name for word in ACTION_WORDS)


def split_action(name: str) -> tuple[str, tuple[str, ...]]:
    """社会团体成立登记 → (社会团体, (登记,)): the object without its trailing action words, and those."""
    base = _BRACKET.split(name, maxsplit=1)[0]
    actions: list[str] = []
    changed = True
    while changed:
        changed = False
        for word in (*ACTION_WORDS, *_FILLER):
            if base.endswith(word) and len(base) > len(word):
                base, changed = base[: -len(word)], True
                if word in ACTION_WORDS:
                    actions.append(word)
    if not actions or len(base) < MIN_NAME_LENGTH:
        return "", ()
    return base, tuple(actions)


def object_of(name: str) -> str:
    return split_action(name)[0]


def _name_targets(item: CatalogueItem) -> Iterable[tuple[str, str, tuple[float, float]]]:
    name = compact(item.name)
    specific = len(name) >= SPECIFIC_NAME_LENGTH or (_is_actionable(name) and len(name) >= 5)
    short_action = _is_actionable(name) and name.endswith(ACTION_WORDS)  # 失业登记, 户口迁出
    yield name, "name", _SPECIFIC if specific else _SHORT_ACTION if short_action else _VAGUE
    base = _BRACKET.split(name, maxsplit=1)[0]
    for other, strength in ((base, _BASE), (compact(item.parent_name), _PARENT)):
        if other and other != name:
            long_enough = len(other) >= SPECIFIC_NAME_LENGTH or (_is_actionable(other) and len(other) >= 5)
            yield other, "name", strength if long_enough else _VAGUE
    obj = object_of(name)
    if obj:
        yield obj, "object", (0.0, 0.0)
    for alias in item.aliases:
        alias = compact(alias)
        specific = _is_actionable(alias) and len(alias) >= 5
        yield alias, "alias", _ALIAS if specific else _VAGUE


_Pattern = tuple[str, str, tuple[float, float]]  # text, rule, (title confidence, body confidence)
_Names = tuple[tuple[str, ...], list[_Pattern]]
Known = dict[tuple[str, str, tuple[str, ...]], _Names]
# What the linker takes of one item: key, 实施编码, action words, patterns. Plain data: a worker
# process can make it (`indexer.catalogue.link_workers.built_linker`).
Entry = tuple[str, str, tuple[str, ...], list[_Pattern]]


def _names_of(item: CatalogueItem, known: Known) -> _Names:
    """The item's action words and name patterns. They depend on its names alone, and one item is
    listed by every region that offers it: each set of names is compacted and split once."""
    names = (item.name, item.parent_name, tuple(item.aliases))
    found = known.get(names)
    if found is None:
        patterns = [p for p in _name_targets(item) if len(p[0]) >= MIN_NAME_LENGTH]
        found = known[names] = (split_action(compact(item.name))[1], patterns)
    return found


def item_entry(item: CatalogueItem, known: Known) -> Entry:
    """The item's `Entry`; `known` carries the names already compacted (start with an empty dict)."""
    actions, names = _names_of(item, known)
    codes = [p for p in _code_patterns(item.code, item.basic_code) if len(p[0]) >= MIN_NAME_LENGTH]
    return item.key, item.code, actions, [*names, *codes]


class Linker:
    """An Aho–Corasick automaton over every item's names, aliases and codes."""

    def __init__(self, items: Iterable[CatalogueItem]) -> None:
        known: Known = {}
        self._build(item_entry(item, known) for item in items)

    @classmethod
    def from_entries(cls, entries: Iterable[Entry]) -> Linker:
        """The linker of items given by their entries, in the order `Linker` reads items (key order)."""
        linker = cls.__new__(cls)
        linker._build(entries)
        return linker

    def _build(self, entries: Iterable[Entry]) -> None:
        self._automaton = ahocorasick.Automaton()
        self._by_code: dict[str, str] = {}
        self._actions: dict[str, tuple[str, ...]] = {}
        table: dict[str, list[_Target]] = {}
        for key, code, actions, patterns in entries:
            if code:
                self._by_code[code] = key
            self._actions[key] = actions
            for text, rule, (in_title, in_body) in patterns:
                table.setdefault(text, []).append(_Target(key, rule, in_title, in_body))
        for text, targets in table.items():
            self._automaton.add_word(text, (text, tuple(targets)))
        self._empty = not table
        if table:
            self._automaton.make_automaton()
        self._codes = _code_automaton(table)
        self._ascii_codes = all(
            text.isascii() for text, ts in table.items() if any(t.rule == "code" for t in ts)
        )
        self.guides_only = False

    @classmethod
    def for_guides(cls, codes: Iterable[tuple[str, str, str]]) -> Linker:
        """A linker of guides alone, from each item's (key, 实施编码, 基本编码) in key order, as `Linker`
        reads them: a guide is linked by codes only (its own item's, any in its 受理条件), so no name
        is read. Relinking one changed guide of a 100k catalogue spent most of its time on names."""
        linker = cls(())
        table: dict[str, list[_Target]] = {}
        for key, code, basic_code in codes:
            if code:
                linker._by_code[code] = key
            for text, rule, (in_title, in_body) in _code_patterns(code, basic_code):
                if len(text) >= MIN_NAME_LENGTH:
                    table.setdefault(text, []).append(_Target(key, rule, in_title, in_body))
        linker._codes = _code_automaton(table)
        linker._ascii_codes = all(text.isascii() for text in table)
        linker.guides_only = True
        return linker

    def _matches(self, text: str) -> Iterable[tuple[str, tuple[_Target, ...]]]:
        if self._empty:
            return ()
        return (value for _end, value in self._automaton.iter(text))

    def link(self, doc: Document) -> list[ItemLink]:
        best: dict[str, ItemLink] = {}

        def offer(link: ItemLink) -> None:
            old = best.get(link.item_key)
            if old is None or link.confidence > old.confidence:
                best[link.item_key] = link

        if isinstance(doc, ServiceGuide):
            own = self._by_code.get(doc.item_code)
            if own:
                offer(
                    ItemLink(
                        doc_id=doc.id, item_key=own, rule="guide", evidence=doc.item_name, confidence=1.0
                    )
                )
            self._link_codes(doc, [doc.conditions], offer)
        else:
            assert not self.guides_only, "a linker made for guides cannot link other documents"
            self._link_policy(doc, offer)
        return sorted(
            (link for link in best.values() if link.confidence >= MIN_CONFIDENCE),
            key=lambda ln: (-ln.confidence, ln.item_key),
        )

    def may_link_guide(self, item_code: str, conditions: str) -> bool:
        """Whether `link` can link a guide with this 实施编码 and 受理条件 to anything: its own item, or a
        code in its text (the same first check `_link_codes` makes)."""
        if item_code in self._by_code:
            return True
        if not len(self._codes):
            return False
        # Codes are ASCII (checked): the ASCII runs of the text are all they can match.
        text = compact_ascii(conditions) if self._ascii_codes else compact(conditions)
        return next(self._codes.iter(text), None) is not None

    def _link_codes(self, doc: ServiceGuide, texts: list[str], offer: Offer) -> None:
        text = "\n".join(texts)
        if not len(self._codes) or next(self._codes.iter(compact(text)), None) is None:
            return  # no code anywhere (the usual case): one pass over the text, not one per sentence
        for sentence in sentences(text):
            for _end, (_text, targets) in self._codes.iter(compact(sentence)):
                for t in targets:
                    if t.key != self._by_code.get(doc.item_code):
                        offer(_link(doc, t, sentence, t.body_confidence))

    def _link_policy(self, doc: PolicyDocument, offer: Offer) -> None:
        about = compact(f"{doc.title} {doc.subject}")
        for _text, targets in self._matches(compact(doc.title)):
            for t in targets:
                if t.rule != "object":
                    offer(_link(doc, t, doc.title, t.title_confidence, prefix="title_"))
        for sentence in sentences(doc.body):
            for text, targets in self._matches(compact(sentence)):
                for t in targets:
                    if t.rule == "alias" and t.body_confidence == _ALIAS[1] and text in about:
                        offer(_link(doc, t, sentence, _SUBJECT_CONFIDENCE, rule="alias_subject"))
                    elif t.rule != "object":
                        offer(_link(doc, t, sentence, t.body_confidence, prefix="body_"))
                    elif text in about and _is_actionable(sentence):
                        # The policy is about this object (title or 主题分类): every item on it concerns it.
                        offer(_link(doc, t, sentence, _SUBJECT_CONFIDENCE, rule="subject"))
                    elif len(text) >= SPECIFIC_OBJECT_LENGTH and all(
                        a in sentence for a in self._actions[t.key]
                    ):
                        # In passing, a specific object counts only with the item's own action in the same
                        # sentence: 民办非企业单位 … 登记 is 成立登记, not 注销登记.
                        offer(_link(doc, t, sentence, _OBJECT_ACTION_CONFIDENCE, rule="object_action"))


def _code_patterns(code: str, basic_code: str) -> list[tuple[str, str, tuple[float, float]]]:
    """An item's 实施编码 and 基本编码 as patterns (long enough ones; the 实施编码 is the surer)."""
    return [
        # a code is ASCII, which `compact_ascii` compacts as `compact` does, without OpenCC
        (compact_ascii(c) if c.isascii() else compact(c), "code", (0.98, 0.98) if c == code else (0.9, 0.9))
        for c in (code, basic_code)
        if len(c) >= MIN_CODE_LENGTH
    ]


def _code_automaton(table: dict[str, list[_Target]]) -> ahocorasick.Automaton:
    """A guide is only searched for codes: an automaton of its own, so that the many names in a guide's
    text are not walked and compacted sentence by sentence for nothing."""
    codes = ahocorasick.Automaton()
    for text, targets in table.items():
        found = tuple(t for t in targets if t.rule == "code")
        if found:
            codes.add_word(text, (text, found))
    if len(codes):
        codes.make_automaton()
    return codes


def _link(
    doc: Document, target: _Target, sentence: str, confidence: float, *, prefix: str = "", rule: str = ""
) -> ItemLink:
    name = rule or (target.rule if target.rule != "name" else f"{prefix}name")
    return ItemLink(
        doc_id=doc.id,
        item_key=target.key,
        rule=name,
        evidence=sentence.strip()[:EVIDENCE_CHARS],
        confidence=confidence,
    )


def sentences(text: str) -> list[str]:
    return [m.group(0) for m in _SENTENCE.finditer(text) if m.group(0).strip()]
