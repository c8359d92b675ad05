"""Typos: an unknown stretch of the query replaced by a known word that sounds the same (社报卡 → 社保卡),
alike (3+ characters: z/zh, n/l, in/ing) or, for 3+ characters, differs in one look-alike character
(公枳金 → 公积金).

Every unknown stretch may offer a fix; the fixes are weighed against each other by how well the
corrected characters fit their neighbours (`_support`) rather than taken left to right: in 校车驾使资格 the
stretch 使资格 sounds like 师资格 (a word of 教师资格) and 驾使 like 驾驶, and only 驾驶 makes, with its
neighbours, a phrase titles hold (校车驾驶资格). A word of the language is no slip, though no title holds it
(`_breaks_a_word`: 反映 is not 反应, 火车站 not 货车站), unless the fix joins a longer title phrase. Pure
functions of the query, the `Corpus` and its `Lexicon`.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import NamedTuple

from indexer.analysis import common_words, dictionary_cut, dictionary_word, query_stopwords, segment_query
from search_api.engine.corpus import Corpus
from search_api.engine.pinyin import Lexicon, is_cjk
from search_api.engine.query import MASKED_PLACE_IN_TEXT, AnalyzedQuery
from search_api.engine.shapes import look_alike

WINDOWS = (4, 3, 2)  # lengths of stretches checked for typos
KNOWN_WORD_MIN = 3  # a known two-character part (公积 of 公积今) does not vouch for its neighbours
CONTEXT_REACH = 8  # characters either side looked at when measuring how far a fix fits its neighbours
# A fix that changes or cuts a word of the language as typed (反映, 火车站, 发放) must make, with its
# neighbours, a phrase titles hold this many characters longer than the fix (职业技能坚定 → 职业技能鉴定).
WORD_FIX_REACH = 2


class Fix(NamedTuple):
    start: int
    window: str
    word: str


def near_forms(window: str, lexicon: Lexicon) -> list[str]:
    """Known words that differ from the window in one character that looks alike (社保卞 → 社保卡)."""
    return [w for w, i in lexicon.one_character_away(window) if look_alike(window[i], w[i])]


def _shared(a: str, b: str) -> int:
    return sum(x == y for x, y in zip(a, b, strict=True))


def candidates(window: str, lexicon: Lexicon) -> list[str]:
    """Known words the window may be a slip for. Of two characters, only a homophone that keeps one of
    them: one slip makes a non-word (报按), a whole other word (保安) is no slip of it."""
    found = lexicon.homophones(window) or lexicon.sound_alikes(window) or near_forms(window, lexicon)
    if len(window) == 2:
        found = [w for w in found if _shared(w, window)]
    return found


def correct_spelling(query: AnalyzedQuery, corpus: Corpus, lexicon: Lexicon) -> str | None:
    """The query with unknown stretches replaced by the best-fitting known words, or None."""
    if query.protected or query.pinyin is not None:
        return None
    text = query.compact
    settled = _known_words(text, query.tokens, corpus)  # inside a known whole word: left alone
    stray = [not paired for paired in _in_pairs(text, corpus)]
    found = [
        Fix(start, window, word)
        for size in WINDOWS
        for start in range(len(text) - size + 1)
        if not any(settled[start : start + size])
        and any(stray[start : start + size])
        and is_cjk(window := text[start : start + size])
        and not corpus.known(window)
        for word in candidates(window, lexicon)
    ]
    support = {fix: _support(text, fix, corpus, lexicon) for fix in found}
    words = _dictionary_spans(text)
    fixes = [
        f for f in found if not _breaks_a_word(f, words) or support[f][0] >= len(f.word) + WORD_FIX_REACH
    ]
    if not fixes:
        return None
    fixes.sort(key=support.__getitem__, reverse=True)
    taken: list[Fix] = []
    for fix in fixes:  # best first; a fix overlapping a better one is dropped
        if all(fix.start >= t.start + len(t.window) or t.start >= fix.start + len(fix.window) for t in taken):
            taken.append(fix)
    for fix in sorted(taken, key=lambda f: f.start, reverse=True):
        text = text[: fix.start] + fix.word + text[fix.start + len(fix.window) :]
    return text


def _support(text: str, fix: Fix, corpus: Corpus, lexicon: Lexicon) -> tuple[int, int, int, float]:
    """How well a fix fits: the longest stretch around it that titles or citizens' terms hold (驾驶资格 in
    校车驾驶资格), then how many characters of the corrected query stand in a pair titles hold (a fix
    that leaves a stray character, 证言正, fits worse than 证验证), then characters kept, then frequency."""
    end = fix.start + len(fix.window)
    fixed = text[: fix.start] + fix.word + text[end:]
    return (
        _longest_known(fixed, fix.start, end, corpus),
        sum(_in_pairs(fixed, corpus)),
        _shared(fix.word, fix.window),
        lexicon.weight.get(fix.word, 0.0),
    )


def _longest_known(text: str, start: int, end: int, corpus: Corpus) -> int:
    best = end - start
    for left in range(start, max(-1, start - CONTEXT_REACH - 1), -1):
        if left < start and not corpus.known(text[left:end]):
            break
        right = end
        while right < min(len(text), end + CONTEXT_REACH) and corpus.known(text[left : right + 1]):
            right += 1
        best = max(best, right - left)
    return best


def _in_pairs(text: str, corpus: Corpus) -> list[bool]:
    """For each character: does it stand in a pair of characters titles or citizens' terms hold? A
    fix must change a character that does not (in 护照加急 every character does: nothing to fix)."""
    pairs = [text[i : i + 2] in corpus.pairs or text[i : i + 2] in corpus.terms for i in range(len(text) - 1)]
    return [(i > 0 and pairs[i - 1]) or (i < len(pairs) and pairs[i]) for i in range(len(text))]


class _Word(NamedTuple):
    start: int
    end: int
    everyday: bool  # a word of everyday text (`common_words`), not one of the dictionary's rarest


def _dictionary_spans(text: str) -> list[_Word]:
    """The words of two or more Han characters that the segmenter's dictionary reads in `text` as typed,
    its guesses left out: words of the language, though no title may hold them."""
    spans, at, everyday = [], 0, common_words()
    for word in dictionary_cut(text):
        if len(word) >= 2 and all(is_cjk(c) for c in word):
            spans.append(_Word(at, at + len(word), word in everyday))
        at += len(word)
    return spans


def _breaks_a_word(fix: Fix, words: list[_Word]) -> bool:
    """Does the fix change a character of a word of the language (医务 → 义务, 反映 → 反应) or cut a word
    of everyday text (不发放 → 补发放 cuts 发放)? In citizens' own accounts such fixes were nearly all
    wrong: a word no title holds, next to a character that makes a title word with one of its own. A
    rare dictionary word may be cut: 证验 of 教师资格证验正 is the slip's chance neighbour."""
    end = fix.start + len(fix.window)
    changed = {fix.start + i for i, (a, b) in enumerate(zip(fix.window, fix.word, strict=True)) if a != b}
    touched = [w for w in words if fix.start < w.end and w.start < end]
    return any(
        changed.intersection(range(w.start, w.end)) or (w.everyday and (fix.start > w.start or end < w.end))
        for w in touched
    )


def _known_words(text: str, tokens: tuple[str, ...], corpus: Corpus) -> list[bool]:
    """The stretches of `text` that are whole words of the query known to titles or rules (an
    official term such as 社会保障卡 is not a typo of 社会保险卡 because no window of it is), the
    question and function words, which are no typo of a title word (请问一下 is not 请文艺下), and a
    masked place name (A市, K3县: its 市 is no slip for 交 of 交社保)."""
    settled = [False] * len(text)
    for masked in MASKED_PLACE_IN_TEXT.finditer(text):
        settled[masked.start() : masked.end() + 1] = [True] * (masked.end() + 1 - masked.start())
    start = 0
    function_words = query_stopwords()
    for token in tokens:
        found = text.find(token, start)
        known = len(token) >= KNOWN_WORD_MIN and corpus.known(token)
        if found >= 0 and (known or token in function_words):
            settled[found : found + len(token)] = [True] * len(token)
            start = found + len(token)
    return settled


def fixes_non_words(typed: str, fixed: str, corpus: Corpus) -> bool:
    """Does the correction only turn non-words into known words? Each word of the corrected text that
    holds a changed character has 2+ characters, titles or rules hold it, and as typed it is neither
    known nor a word of the segmenter's dictionary, and no word the query as typed holds there is one
    (虎照 → 护照, 身粉证 → 身份证; a real word such as 轮椅, which no title holds, is not rewritten into
    something the citizen did not say)."""
    if len(typed) != len(fixed) or typed == fixed:
        return False
    changed = {i for i, (a, b) in enumerate(zip(typed, fixed, strict=True)) if a != b}
    if any(len(w) > 1 and dictionary_word(w) for w in _words_at(typed, changed)):
        return False  # 电动轮椅去哪里买 is not 电动轮异趣哪里买: 轮椅 is a word
    for start, token in _spans(fixed):
        if start < 0:
            return False
        at = start + len(token)
        if not changed.intersection(range(start, at)):
            continue
        was = typed[start:at]
        if len(token) < 2 or not corpus.known(token) or corpus.known(was) or dictionary_word(was):
            return False
        changed -= set(range(start, at))
    return not changed


def _spans(text: str) -> Iterator[tuple[int, str]]:
    """(start, word) of the words of `text` as the segmenter reads it; start -1 for a word not found
    as such in `text`."""
    at = 0
    for token in segment_query(text):
        start = text.find(token, at)
        if start >= 0:
            at = start + len(token)
        yield start, token


def _words_at(text: str, places: set[int]) -> list[str]:
    """The words of `text` (as the segmenter reads it) that hold one of the places."""
    return [t for at, t in _spans(text) if at >= 0 and places.intersection(range(at, at + len(t)))]
