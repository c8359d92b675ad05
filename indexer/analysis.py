"""Text analysis shared by indexing and querying: normalise, then segment with the same segmenter.

Normalisation maps one character to one character (traditional→simplified, full-width→half-width,
lower case) so that offsets found in normalised text also hold in the original for highlighting.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

import opencc
import rjieba

_T2S = opencc.OpenCC("t2s")
_FULL_WIDTH_OFFSET = 0xFEE0
_WORD_RE = re.compile(r"[\w]", re.UNICODE)


# Full-width ASCII (U+FF01–FF5E) to half-width and the ideographic space to a space, one character
# for one. str.translate with a dict looks up every character of the text (a fifth of normalising a
# build's text); these characters are rare, so they are found by one regex scan and each distinct one
# replaced by str.replace, both in C.
_WIDTH_MAP = {chr(code): chr(code - _FULL_WIDTH_OFFSET) for code in range(0xFF01, 0xFF5F)} | {"\u3000": " "}
_WIDE_RE = re.compile("[\uff01-\uff5e\u3000]")


def _fold_width(text: str) -> str:
    if text.isascii():  # codes, numbers: nothing to fold (one C scan)
        return text
    for char in set(_WIDE_RE.findall(text)):
        text = text.replace(char, _WIDTH_MAP[char])
    return text


def normalize(text: str) -> str:
    """Traditional→simplified, full-width→half-width, lower case; same length when OpenCC allows."""
    simplified = _T2S.convert(text)
    folded = _fold_width(simplified)
    lowered = folded.lower()
    # str.lower() can lengthen a few letters (e.g. 'İ'); keep 1:1 by falling back per character.
    if len(lowered) != len(folded):
        lowered = "".join(c.lower() if len(c.lower()) == 1 else c for c in folded)
    return lowered


def compact(text: str) -> str:
    """Normalised, without any white space: the form names, codes and queries are compared in."""
    return "".join(normalize(text).split())


def compact_ascii(text: str) -> str:
    """`compact` without the traditional→simplified step, which only ever changes Chinese characters:
    every run of ASCII characters comes out as in `compact` (a search for codes reads only those, at a
    fraction of the cost)."""
    return "".join(_fold_width(text).lower().split())


def _is_token(token: str) -> bool:
    # isalnum() (C, no regex) settles the common case: a word of letters or digits.
    return token.isalnum() or (bool(token.strip()) and bool(_WORD_RE.search(token)))


@lru_cache(maxsize=1)
def load_user_dictionary() -> int:
    """Load the packaged user dictionary into the segmenter, word by word (rjieba has no load_userdict)."""
    text = resources.files("indexer").joinpath("data/userdict.txt").read_text(encoding="utf-8")
    count = 0
    for line in text.splitlines():
        line = line.split("#", 1)[0].strip()
        if not line:
            continue
        parts = line.split()
        freq = int(parts[1]) if len(parts) > 1 and parts[1].isdigit() else None
        add_word(parts[0], freq)
        count += 1
    return count


def add_word(word: str, freq: int | None = None) -> None:
    """Teach the segmenter a word; all analysis goes through the same segmenter instance."""
    rjieba.add_word(normalize(word), freq, None)
    _long_inner_words.cache_clear()  # a new word can be inside tokens seen before
    _inner_bounds.cache_clear()


@lru_cache(maxsize=200_000)
def _long_inner_words(token: str) -> tuple[str, ...]:
    """Dictionary words of 4+ characters inside a longer token. Search mode only adds 2- and 3-character
    parts, so without this an official name taught to the dictionary (城乡居民基本养老保险) would hide
    the 4-character words inside it (养老保险, 城乡居民) from the index and partial queries would miss.
    Cached per token (cleared when a word is added): the same long words recur in every document, and
    each costs a segmentation per substring."""
    found: list[str] = []
    for size in range(len(token) - 1, 3, -1):
        for start in range(len(token) - size + 1):
            part = token[start : start + size]
            if rjieba.cut(part, False) == [part]:
                found.append(part)
    return tuple(found)


def segment_for_index(text: str) -> list[str]:
    """Search-mode segmentation of normalised text: whole words plus their dictionary sub-words."""
    load_user_dictionary()
    # Hundreds of tokens a document: a Python loop with a call per token cost as much as segmenting,
    # so the tokens are filtered in one comprehension (`isalnum` settles nearly all) and only the long
    # Han words, a few a document, are visited for the words inside them.
    tokens = [t for t in rjieba.cut_for_search(normalize(text)) if t.isalnum() or _is_token(t)]
    # codes and URLs are left whole: their inner "words" held every substring (n² junk)
    long_words = [i for i, t in enumerate(tokens) if len(t) > 4 and not t.isascii()]
    if not long_words:
        return tokens
    out: list[str] = []
    start = 0
    for i in long_words:
        out += tokens[start:i]
        out += _long_inner_words(tokens[i])
        start = i
    out += tokens[start:]
    return out


@dataclass(frozen=True)
class _Dictionary:
    """What the query side takes from jieba's dict.txt (the dictionary rjieba is built from), read once
    per process: reading its 350k lines took ~0.7 CPU-s a time, and three readers made a worker's
    warm-up ~2 CPU-s slower (seen at 1M)."""

    short_forms: frozenset[str]  # tagged 简称 (`j`)
    common_words: dict[str, int]  # → its count
    characters: tuple[str, ...]  # single Han characters, most counted first


@lru_cache(maxsize=1)
def _dictionary() -> _Dictionary:
    text = resources.files("jieba").joinpath("dict.txt").read_text(encoding="utf-8")
    rows = [
        (r[0], int(r[1]), r[2] if len(r) > 2 else "")
        for r in map(str.split, text.splitlines())
        if len(r) >= 2 and r[1].isdigit()
    ]
    short = sorted(count for _, count, tag in rows if tag == "j")
    bound = short[3 * len(short) // 4] if short else 0
    characters = {w: count for w, count, _ in rows if len(w) == 1 and "\u4e00" <= w <= "\u9fff"}
    return _Dictionary(
        short_forms=frozenset(w for w, _, tag in rows if tag == "j"),
        common_words={w: count for w, count, _ in rows if 2 <= len(w) <= 4 and count > bound},
        characters=tuple(sorted(characters, key=lambda c: (-characters[c], c))),
    )


def dictionary_short_forms() -> frozenset[str]:
    """The words the segmenter's dictionary tags as 简称 (part of speech `j`: 社保, 医保, 招投标)."""
    return _dictionary().short_forms


def common_words() -> Mapping[str, int]:
    """Words of 2–4 characters that jieba's dict.txt counts more often than three quarters of the
    words it tags 简称 (`j`; 51 counts in jieba 0.42): words in their own right in everyday text (工人,
    工地, 取证), which a citizen means as such, not as a clipping of some longer name (~70k words, with
    their counts)."""
    return _dictionary().common_words


def warm_dictionaries() -> None:
    """Read what a first query would otherwise read from the dictionaries (a serving worker's warm-up)."""
    _dictionary()
    load_user_dictionary()


def common_characters(limit: int) -> tuple[str, ...]:
    """The `limit` single Chinese characters jieba's dict.txt (the segmenter's dictionary) counts most
    often as words of their own, most counted first: 了, 是, 在 … 换, 领, 查."""
    return _dictionary().characters[:limit]


def word_bounds(text: str) -> set[int]:
    """Where the words of `text` begin and end: the precise-mode words, and inside a long one where it
    splits into a dictionary word and the rest (社会保险费: 0, 2, 4, 5; 行业协会: 0, 2, 4) — not where a
    word straddles two (国人 of 全国人大) or leaves a lone character in front (业协会), which are no
    boundaries a reader sees."""
    load_user_dictionary()
    bounds = {0, len(text)}
    at = 0
    for token in rjieba.cut(text):
        bounds.update(at + b for b in _inner_bounds(token))
        at += len(token)
    return bounds


@lru_cache(maxsize=4096)
def _inner_bounds(token: str) -> frozenset[int]:
    """The bounds inside one word: where it splits into a dictionary word and a rest that is a word or
    one character, and every bound of a way to tile it wholly with its dictionary sub-words
    (城镇职工基本医疗保险: 城镇 | 职工 | 基本 | 医疗 | 保险)."""
    bounds = {0, len(token)}
    words = (
        {w for w in rjieba.cut_for_search(token) if w != token and len(w) >= 2} if len(token) > 2 else set()
    )
    for word in words:
        rest = token[len(word) :]
        if token.startswith(word) and (len(rest) == 1 or rjieba.has_word(rest)):
            bounds.add(len(word))
        head = token[: len(token) - len(word)]
        if token.endswith(word) and len(head) > 1 and rjieba.has_word(head):
            bounds.add(len(head))
    return frozenset(bounds | _tiling_bounds(token, words))


def _tiling_bounds(token: str, words: set[str]) -> set[int]:
    """The places where some tiling of `token` by `words` (end to end, nothing left over) cuts it."""
    size = len(token)
    ahead = [False] * (size + 1)  # reachable from the start
    ahead[0] = True
    behind = [False] * (size + 1)  # the end reachable from here
    behind[size] = True
    for i in range(size):
        for word in words if ahead[i] else ():
            if token.startswith(word, i):
                ahead[i + len(word)] = True
    for i in range(size - 1, -1, -1):
        behind[i] = any(token.startswith(w, i) and behind[i + len(w)] for w in words)
    return {i for i in range(size + 1) if ahead[i] and behind[i]} if ahead[size] else set()


def segment_query(text: str) -> list[str]:
    """Precise-mode segmentation of a normalised query: the words the citizen typed."""
    load_user_dictionary()
    return [t.strip() for t in rjieba.cut(normalize(text)) if _is_token(t)]


def dictionary_word(text: str) -> bool:
    """Is the text one word of the segmenter's dictionary (jieba's, with ours), not a guess of its
    hidden Markov model: 轮椅 is, 虎照 and 身粉证 are not."""
    return dictionary_cut(text) == [text]


def dictionary_cut(text: str) -> list[str]:
    """The text cut into words of the segmenter's dictionary only, without the guesses of its hidden
    Markov model: 反映 公交车 监控, but 社 报 卡 (社报 would be a guess)."""
    load_user_dictionary()
    return list(rjieba.cut(text, False))


@lru_cache(maxsize=65_536)
def dictionary_tag(text: str) -> str:
    """jieba's part of speech for a word of its dictionary (`dictionary_word`: 网吧 n, 王八 nr), else ""."""
    if not dictionary_word(text):
        return ""
    tags = rjieba.tag(text)
    return tags[0][1] if len(tags) == 1 else ""


def sub_words(token: str) -> list[str]:
    """The dictionary words inside a longer token (what search mode indexes for it), without itself."""
    load_user_dictionary()
    if len(token) <= 2:
        return []
    return [t for t in rjieba.cut_for_search(token) if t != token and len(t) >= 2 and _is_token(t)]


_HAN_RUN = re.compile(r"[\u4e00-\u9fff]{2,}")


def cjk_bigrams(text: str) -> list[str]:
    """Every two adjacent Han characters of the normalised text, in order, repeats kept: what a stock
    `cjk` analyzer indexes. A word the segmenter keeps whole (社保卡挂失) still meets titles that
    split it, through the bigrams they share."""
    return [run[i : i + 2] for run in _HAN_RUN.findall(normalize(text)) for i in range(len(run) - 1)]


def index_text(text: str) -> str:
    """The form a text field takes in the index: search-mode tokens joined by spaces."""
    return " ".join(segment_for_index(text))


# A question asked as A-not-A (有没有, 是不是, 可不可以, 算不算): a grammatical form, any verb in it.
A_NOT_A = re.compile(r"(.)[不没]\1.?")


class FunctionWords(frozenset[str]):
    """The listed question and function words, and every A-not-A question word (`A_NOT_A`)."""

    def __contains__(self, word: object) -> bool:
        return super().__contains__(word) or (isinstance(word, str) and bool(A_NOT_A.fullmatch(word)))


@lru_cache(maxsize=1)
def query_stopwords() -> FunctionWords:
    """Question and function words of citizens' queries (weighted low, never dropped): the packaged
    list, derived from citizens' messages by `bench/function_words.py`, and the A-not-A forms."""
    text = resources.files("indexer").joinpath("data/query_stopwords.txt").read_text(encoding="utf-8")
    words = (line.split("#", 1)[0].strip() for line in text.splitlines())
    return FunctionWords(normalize(w) for w in words if w)
