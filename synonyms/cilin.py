"""A general-vocabulary layer from 同义词词林扩展版, used at low weight under the reviewed rules.

The thesaurus is read by path (a setting) and never copied into the repository. Only classes that
pass a filter become equivalence groups:

- only true-synonym classes (code ending in "="), not "#" (related) or "@" (single word);
- no single characters (一字词 are too ambiguous to expand);
- no rare senses: a word listed in more than one synonym class is dropped from all of them, and so is
  a rare or archaic word (frequency below ``MIN_WORD_FREQUENCY`` in jieba's general dictionary);
- small classes only (at most ``MAX_CLASS_SIZE`` words after filtering), since large classes are loose.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable
from functools import lru_cache
from itertools import combinations
from pathlib import Path

from pypinyin import lazy_pinyin

from indexer.analysis import normalize
from synonyms.expansion import SynonymSet
from synonyms.rules import MAX_TERM_LENGTH, SynonymRule

CILIN_WEIGHT = 0.3  # relative to a reviewed rule (1.0); the citizen's own words count more than both
MAX_CLASS_SIZE = 5
MIN_WORD_LENGTH = 2
MIN_WORD_FREQUENCY = 20  # jieba dict.txt counts: 省亲 34 stays, 兴利除弊 13 and 户口册 3 go


class CilinFileError(ValueError):
    """The thesaurus file cannot be read or has no synonym classes."""


def parse_cilin(lines: Iterable[str]) -> list[tuple[str, tuple[str, ...]]]:
    """(class code, words) for every "=" line; header and "#"/"@" lines are skipped."""
    classes: list[tuple[str, tuple[str, ...]]] = []
    for raw in lines:
        parts = raw.split()
        if len(parts) < 2 or len(parts[0]) != 8 or not parts[0].endswith("="):
            continue
        words = tuple(dict.fromkeys(normalize(w) for w in parts[1:]))
        classes.append((parts[0], words))
    return classes


@lru_cache(maxsize=1)
def _jieba_frequencies() -> dict[str, int]:
    import logging

    import jieba

    jieba.setLogLevel(logging.WARNING)
    jieba.initialize()
    frequencies: dict[str, int] = jieba.dt.FREQ
    return frequencies


def word_frequency(word: str) -> int:
    """How common a word is in jieba's general dictionary (0 when it is not listed)."""
    return int(_jieba_frequencies().get(word) or 0)


def filter_classes(
    classes: list[tuple[str, tuple[str, ...]]], frequency: Callable[[str], int] = word_frequency
) -> list[tuple[str, tuple[str, ...]]]:
    """The classes safe to expand with, each reduced to its unambiguous, common multi-character words."""
    senses = Counter(w for _code, words in classes for w in words)
    kept: list[tuple[str, tuple[str, ...]]] = []
    for code, words in classes:
        good = tuple(
            w
            for w in words
            if MIN_WORD_LENGTH <= len(w) <= MAX_TERM_LENGTH
            and senses[w] == 1
            and frequency(w) >= MIN_WORD_FREQUENCY
        )
        if 2 <= len(good) <= MAX_CLASS_SIZE:
            kept.append((code, good))
    return kept


def cilin_rules(classes: list[tuple[str, tuple[str, ...]]]) -> list[SynonymRule]:
    return [
        SynonymRule(
            kind="equivalent",
            terms_from=words,
            comment="同义词词林扩展版",
            owner="词林",
            category="通用词汇",
            weight=CILIN_WEIGHT,
            source=f"词林 {code}",
        )
        for code, words in classes
    ]


@lru_cache(maxsize=2)
def load_cilin(path: Path) -> SynonymSet:
    """The filtered thesaurus at ``path`` as a low-weight ``SynonymSet`` (loaded once per path)."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise CilinFileError(f"同义词词林文件无法读取：{path}：{exc}") from exc
    classes = parse_cilin(text.splitlines())
    if not classes:
        raise CilinFileError(f"{path}: 没有同义词类（需要 “Aa01A01= 词 词 …” 格式的行）")
    return SynonymSet.from_rules(cilin_rules(filter_classes(classes)), variant_characters(classes))


# A pair of characters is a variant pair (异形: 沙/砂, 帐/账, 交/缴) when this many pairs of words of
# one "=" class differ in it alone and sound the same (沙子/砂子, 沙砾/砂砾, 沙漠/砂漠): one such pair
# can be a coincidence, three are a spelling habit.
MIN_VARIANT_WORDS = 3


def variant_characters(classes: list[tuple[str, tuple[str, ...]]]) -> dict[str, str]:
    """Characters written for one another in the words of the thesaurus: character → its variants."""
    seen: Counter[tuple[str, str]] = Counter()
    for _code, words in classes:
        for a, b in combinations((w for w in words if len(w) >= 2), 2):
            place = _one_difference(a, b)
            if place is not None and lazy_pinyin(a) == lazy_pinyin(b):
                seen[(a[place], b[place])] += 1
    found: dict[str, str] = {}
    for (x, y), count in seen.items():
        if count + seen[(y, x)] >= MIN_VARIANT_WORDS:
            found[x] = "".join(dict.fromkeys(found.get(x, "") + y))
            found[y] = "".join(dict.fromkeys(found.get(y, "") + x))
    return found


def _one_difference(a: str, b: str) -> int | None:
    """The one place where two words of the same length differ, else None."""
    if len(a) != len(b):
        return None
    places = [i for i in range(len(a)) if a[i] != b[i]]
    return places[0] if len(places) == 1 else None
