"""Pinyin of Chinese text (pypinyin, tones dropped), a lexicon from pinyin back to indexed words, and the
everyday words of the segmenter's dictionary that full pinyin may spell where no indexed word does."""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Collection, Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import lru_cache
from itertools import product
from typing import Any

from pypinyin import lazy_pinyin

from indexer.analysis import common_characters, common_words, dictionary_tag, dictionary_word, query_stopwords

_LATIN_QUERY = re.compile(r"[a-z][a-z' ]*")
_CJK = re.compile(r"[\u4e00-\u9fff]")
BEAM = 40  # partial readings kept per position
PER_SPAN = 40  # words tried for one stretch of letters
SYLLABLE_CACHE = 50_000  # spelled texts kept (a few MB)
EVERYDAY_CHARACTERS = 4000  # common characters a reading in pinyin may use between the collection's words
EVERYDAY_PER_SPELLING = 6  # of those, the most counted for one spelling (cha: 茶, 差, 插, 查 …)
# A word of the segmenter's dictionary that no title holds may be read from 2–3 syllables of full pinyin,
# spelled with the commonest characters of each syllable: 60 for two syllables (椅 is 31st for yi: 3,600
# spellings at most), 20 for three (贸 is 11th for mao: 8,000 at most).
DICTIONARY_SYLLABLES = 3
CHARACTERS_PER_SYLLABLE = {2: 60, 3: 20}
DICTIONARY_PER_SPAN = 3  # the most counted such words tried for one stretch (shishi: 实施, 事实, 史诗 …)
# jieba's tags for names of things (noun, other proper noun, verbal noun, fixed phrase): a citizen typing
# pinyin names a thing (网吧, 驾校) before anything else spelled alike (家小, tagged 简称); a person's name
# (王八, tagged nr) never.
NOMINAL_TAGS = frozenset({"n", "nz", "vn", "l"})
LONGEST_SYLLABLE = 6  # zhuang


def is_cjk(text: str) -> bool:
    return bool(text) and all(_CJK.fullmatch(c) for c in text)


def _each_character(chunk: str) -> Any:  # pypinyin's stubs say str; a list keeps one entry per character
    return list(chunk)


class Spellings:
    """The spellings one knowledge build made, kept for the next (`spelling_with`): spelling every title
    and title word is most of a build's time, and a changed document changes few of them."""

    def __init__(self, known: Mapping[str, tuple[str, ...]]) -> None:
        self.known = known  # from the last build
        self.used: dict[str, tuple[str, ...]] = {}  # what this build spelled: the next one's `known`


_spellings: Spellings | None = None


@contextmanager
def spelling_with(spellings: Spellings) -> Iterator[Spellings]:
    """Within: texts are spelled from `spellings` when it knows them, and every spelling is added to it.
    One build at a time (the knowledge builds under a lock); searches meanwhile only add a few."""
    global _spellings
    _spellings = spellings
    try:
        yield spellings
    finally:
        _spellings = None


def syllables(text: str) -> list[str]:
    """One entry per character: the toneless syllable of a Chinese character, else the character."""
    kept = _spellings
    if kept is None:
        return list(_syllables(text))
    found = kept.known.get(text)
    if found is None:
        found = _syllables(text)
    kept.used[text] = found
    return list(found)


@lru_cache(maxsize=SYLLABLE_CACHE)
def _syllables(text: str) -> tuple[str, ...]:
    """Cached: a typo check spells the same few-character stretches of many queries again."""
    out = lazy_pinyin(text, errors=_each_character)
    if len(out) != len(text):  # pypinyin merged or split something unusual; go character by character
        out = [lazy_pinyin(c, errors=_each_character)[0] if c.strip() else c for c in text]
    return tuple(s.lower() for s in out)


def full_pinyin(text: str) -> str:
    return "".join(syllables(text))


def initials(text: str) -> str:
    return "".join(s[:1] for s in syllables(text))


_FUZZY_INITIALS = (("zh", "z"), ("ch", "c"), ("sh", "s"), ("n", "l"), ("f", "h"))
_FUZZY_FINALS = (("ing", "in"), ("eng", "en"), ("ang", "an"), ("ong", "on"))


def fuzzy_spelling(spelled: list[str]) -> str:
    """Syllables folded where speakers of many dialects do not tell sounds apart."""
    out = []
    for syllable in spelled:
        for old, new in _FUZZY_INITIALS:
            if syllable.startswith(old):
                syllable = new + syllable[len(old) :]
                break
        for old, new in _FUZZY_FINALS:
            if syllable.endswith(old):
                syllable = syllable[: -len(old)] + new
                break
        out.append(syllable)
    return "'".join(out)


def latin_letters(query: str) -> str | None:
    """The letters of a query typed in pinyin (shebaoka, sbk, can ji), or None for any other query."""
    folded = query.strip().lower()
    if len(folded) < 2 or not _LATIN_QUERY.fullmatch(folded):
        return None
    return folded.replace("'", "").replace(" ", "")


@lru_cache(maxsize=1)
def everyday_words() -> dict[str, tuple[str, ...]]:
    """Full pinyin → words citizens say around the words of titles, which titles may never hold: the
    question and function words of citizens' queries (怎么办, 哪里, 了), then the single characters the
    segmenter's dictionary counts most (换, 领, 查, 丢), EVERYDAY_PER_SPELLING per spelling, most
    counted first (`_characters_by_syllable`, spelled once for this and the dictionary's words). Read once
    per process, on the first query in pinyin that needs it or at warm-up."""
    table: dict[str, list[str]] = {}
    spelled = [(full_pinyin(word), (word,)) for word in sorted(query_stopwords())]
    for spelling, words in [*spelled, *_characters_by_syllable().items()]:
        found = table.setdefault(spelling, [])
        for word in words:
            if word not in found and (len(word) > 1 or len(found) < EVERYDAY_PER_SPELLING):
                found.append(word)
    return {k: tuple(v) for k, v in table.items() if is_cjk("".join(v))}


def warm() -> None:
    """Build what the first query in pinyin would: the characters of each syllable and, from them, the
    everyday words."""
    everyday_words()


@lru_cache(maxsize=1)
def _characters_by_syllable() -> dict[str, tuple[str, ...]]:
    """Full pinyin of one syllable → the commonest characters spelled so, most counted first."""
    table: dict[str, list[str]] = {}
    for character in common_characters(EVERYDAY_CHARACTERS):
        found = table.setdefault(full_pinyin(character), [])
        if len(found) < max(CHARACTERS_PER_SYLLABLE.values()):
            found.append(character)
    return {k: tuple(v) for k, v in table.items() if k.isascii()}


def _syllable_splits(letters: str, most: int) -> Iterator[tuple[str, ...]]:
    """The ways to read all of `letters` as at most `most` syllables that characters are spelled with,
    longest first syllables first (huanhu: huan hu before hu an hu)."""
    if not letters:
        yield ()
        return
    if most == 0:
        return
    table = _characters_by_syllable()
    for end in range(min(LONGEST_SYLLABLE, len(letters)), 0, -1):
        if letters[:end] in table:
            for rest in _syllable_splits(letters[end:], most - 1):
                yield (letters[:end], *rest)


def names_a_thing(word: str) -> bool:
    """A dictionary word a citizen may type in pinyin to name what they need: tagged a noun, verbal noun or
    fixed phrase (`NOMINAL_TAGS`: 驾校, 自贸区), or a common word of everyday text (位置, which jieba
    tags a verb) — not an abbreviation of the news (家小, tagged 简称) nor a person's name."""
    tag = dictionary_tag(word)
    return tag in NOMINAL_TAGS or (word in common_words() and tag != "j" and not tag.startswith("nr"))


@lru_cache(maxsize=SYLLABLE_CACHE)
def dictionary_words(letters: str) -> tuple[str, ...]:
    """Words of the segmenter's dictionary spelled `letters` in 2–3 syllables, names of things first
    (`names_a_thing`), then the most counted, three at most: the everyday names citizens type in pinyin
    that no title may hold (dianziyan: 电子眼, zimaoqu: 自贸区, tingchefei: 停车费). The letters are read as
    syllables the way an input method reads them, longest syllable first (huanhu is huan hu, never hu an
    hu: not 湖岸), and each spelling of common characters is checked against the dictionary (a few µs a
    check, `CHARACTERS_PER_SYLLABLE`); remembered per stretch of letters."""
    if len(letters) > DICTIONARY_SYLLABLES * LONGEST_SYLLABLE:
        return ()
    table = _characters_by_syllable()
    spelled = next(_syllable_splits(letters, DICTIONARY_SYLLABLES), ())
    if len(spelled) < 2:
        return ()
    most = CHARACTERS_PER_SYLLABLE[len(spelled)]
    found = [w for w in map("".join, product(*(table[s][:most] for s in spelled))) if dictionary_word(w)]
    counts = common_words()
    named = sorted(
        (w for w in found if not dictionary_tag(w).startswith("nr")),
        key=lambda word: (not names_a_thing(word), -counts.get(word, 0)),
    )
    return tuple(named[:DICTIONARY_PER_SPAN])


@dataclass
class Lexicon:
    """Words of the collection keyed by full pinyin and by initials, most frequent first."""

    full: dict[str, list[str]] = field(default_factory=dict)
    initial: dict[str, list[str]] = field(default_factory=dict)
    weight: dict[str, float] = field(default_factory=dict)
    fuzzy: dict[str, list[str]] = field(default_factory=dict)  # by fuzzy spelling (zh=z, in=ing, n=l …)
    one_off: dict[str, list[str]] = field(default_factory=dict)  # 公积? → 公积金, for words of 3+ characters
    # character → how many of the words hold it: how much titles use 查 (查询 …) against 茶 or 差
    character: Counter[str] = field(default_factory=Counter)
    longest: int = 0

    @classmethod
    def build(cls, weights: Mapping[str, float]) -> Lexicon:
        lexicon = cls()
        for word, weight in sorted(weights.items(), key=lambda kv: (-kv[1], kv[0])):
            if not is_cjk(word):
                continue
            lexicon.weight[word] = weight
            spelled = syllables(word)
            lexicon.full.setdefault("".join(spelled), []).append(word)
            if len(word) >= 2:
                lexicon.initial.setdefault("".join(s[0] for s in spelled), []).append(word)
            lexicon.longest = max(lexicon.longest, len("".join(spelled)))
            if len(word) >= 3:
                lexicon.fuzzy.setdefault(fuzzy_spelling(spelled), []).append(word)
                for i in range(len(word)):
                    lexicon.one_off.setdefault(word[:i] + "?" + word[i + 1 :], []).append(word)
        lexicon.character = Counter("".join(lexicon.weight))  # one pass in C
        return lexicon

    def sound_alikes(self, word: str) -> list[str]:
        """Words of 3+ characters that sound alike under the usual regional confusions (z/zh, n/l,
        in/ing …): 申份证 → 身份证 once tones and those are set aside."""
        if len(word) < 3:
            return []
        found = [
            w
            for w in self.fuzzy.get(fuzzy_spelling(syllables(word)), [])
            if w != word and len(w) == len(word)
        ]
        return sorted(found, key=lambda w: -sum(a == b for a, b in zip(w, word, strict=True)))

    def homophones(self, word: str) -> list[str]:
        """Words spelled the same in pinyin, with as many characters: most characters in common with
        `word` first (公积今 → 公积金 before 公基金), then most frequent."""
        found = [w for w in self.full.get(full_pinyin(word), []) if len(w) == len(word) and w != word]
        return sorted(found, key=lambda w: -sum(a == b for a, b in zip(w, word, strict=True)))

    def one_character_away(self, word: str) -> list[tuple[str, int]]:
        """Known words of 3+ characters that differ from `word` in one place: (word, place)."""
        if len(word) < 3:
            return []
        return [
            (w, i)
            for i in range(len(word))
            for w in self.one_off.get(word[:i] + "?" + word[i + 1 :], [])
            if w != word
        ]

    def readings(self, letters: str, *, use_initials: bool, everyday: bool = False) -> list[tuple[str, ...]]:
        """Ways to read the letters as a sequence of words (beam search, fewest words first); with
        `everyday`, full pinyin may also use `everyday_words` (huanhuzhao: 换 护照) and the segmenter's
        dictionary (`dictionary_words`: zimaoqu zhengce: 自贸区 政策)."""
        table = self.initial if use_initials else self.full
        spoken = everyday and not use_initials
        extra = everyday_words() if spoken else {}
        longest = max(self.longest, DICTIONARY_SYLLABLES * LONGEST_SYLLABLE) if spoken else self.longest
        beams: dict[int, list[tuple[str, ...]]] = {0: [()]}
        for start in range(len(letters)):
            partials = beams.pop(start, [])
            partials.sort(key=lambda words: (len(words), -self._score(words)))
            for words in partials[:BEAM]:
                for end in range(start + 1, min(len(letters), start + longest) + 1):
                    span = letters[start:end]
                    found = [*table.get(span, [])[:PER_SPAN], *extra.get(span, ())]
                    if spoken:
                        found += [w for w in dictionary_words(span) if w not in found]
                    for word in found:
                        beams.setdefault(end, []).append((*words, word))
        return beams.get(len(letters), [])

    def _score(self, words: Iterable[str]) -> float:
        return sum(math.log1p(self.weight.get(w, 0.0)) for w in words)

    def led_reading(self, letters: str, terms: Collection[str], best: str, vouched: bool) -> str | None:
        """Initials of a verb and a term citizens say (lylj: 领 养老金, bjz: 补 驾照), instead of the `best`
        reading when that stands on nothing: not one word of the collection (zyb: 职业病 stays) and not
        `vouched` for by citizens' terms and queries (lylj: 林业 链接). The verb is one of
        `action_leads(terms)`, the rest reads as one of `terms`; the most frequent such term wins."""
        if len(letters) < 3 or vouched or best in self.weight:
            return None
        found: list[tuple[float, str]] = []
        for verb in action_leads(terms):
            if initials(verb) == letters[0]:
                for words in self.readings(letters[1:], use_initials=True):
                    if (term := "".join(words)) in terms:
                        found.append((self._score(words), verb + term))
        return max(found)[1] if found else None


def action_leads(terms: Collection[str]) -> frozenset[str]:
    """The verbs citizens put before a term they say, as the terms themselves show: a term's first
    character when the rest is a term too (补 of 补身份证, 换 of 换驾照, 交 of 交社保)."""
    return frozenset(t[0] for t in terms if len(t) >= 3 and t[1:] in terms)
