"""Which catalogue item a query names or describes: the item card above the results. Pure matching.

A query covers an item when every word of it (or a synonym of it) appears in the item's name or one of
its 简称/日常用语, question words aside, and the covered words make up most (60 %) of that name — so
“律所查询” finds 律师事务所基本信息查询 but “身份证” alone does not pick 临时身份证明.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cached_property
from typing import NamedTuple, Protocol

import numpy as np
import numpy.typing as npt

from indexer.analysis import compact, query_stopwords
from indexer.linking import ACTION_WORDS
from search_api.engine.postings import Numbers, PackedStrings, Postings, intersection, union
from synonyms.expansion import SynonymMatch

MIN_COVERAGE = 0.6
MIN_ALIAS_LENGTH = 3  # “结婚” as an alias of a notary guide is not what “我要结婚” asks for


class Named(Protocol):
    """What the matcher reads of an item: a `CatalogueItem`, or an `ItemName` read without the rest."""

    @property
    def key(self) -> str: ...
    @property
    def name(self) -> str: ...
    @property
    def aliases(self) -> list[str]: ...
    @property
    def guide_id(self) -> str | None: ...


class ItemName(NamedTuple):
    key: str
    name: str
    aliases: list[str]
    guide_id: str | None


@dataclass(frozen=True, slots=True)
class _Entry:
    key: str
    names: tuple[str, ...]  # compact name, name without its sub-item, aliases
    has_guide: bool
    length: int


def _bigrams(text: str) -> set[str]:
    return {text[i : i + 2] for i in range(len(text) - 1)}


class ItemMatcher:
    """Entries are kept as arrays (keys, names, flags; bigram postings), not an object each: 101 MB of
    Python objects at 100k items before, and a worker opens them from a file (`knowledge_file`)."""

    def __init__(self, items: Iterable[Named]) -> None:
        keys: list[str] = []
        names_of: list[str] = []  # an entry's names joined by newlines
        flags: list[tuple[bool, int]] = []  # has a guide, length of the name
        grams: dict[str, list[int]] = {}  # character bigram → entries whose names contain it
        # The same item implemented in many regions is one entry: the card shows the variant of the
        # citizen's region from the item's whole group anyway (`CatalogueSearch.item_card`), so one
        # key per group and guide flag is enough, and the matcher grows with the distinct names.
        seen: set[tuple[tuple[str, ...], bool]] = set()
        for item in items:
            name = compact(item.name)
            base = name.split("(", 1)[0].split("（", 1)[0]
            aliases = [a for a in (compact(a) for a in item.aliases) if len(a) >= MIN_ALIAS_LENGTH]
            names = tuple(dict.fromkeys([name, base, *aliases]))
            if (names, item.guide_id is not None) in seen:
                continue
            seen.add((names, item.guide_id is not None))
            for gram in set().union(*(_bigrams(n) for n in names)):
                grams.setdefault(gram, []).append(len(keys))
            keys.append(item.key)
            names_of.append("\n".join(names))
            flags.append((item.guide_id is not None, len(name)))
        self._keys = PackedStrings.of(keys)
        self._names = PackedStrings.of(names_of)
        self._guides = np.array([f[0] for f in flags], dtype=np.bool_)
        self._lengths = np.array([f[1] for f in flags], dtype=np.int32)
        self._postings = Postings.of(grams)
        self.warm()  # with the matcher, so its file keeps them too: not worked out again at each start

    def __len__(self) -> int:
        return len(self._keys)

    def entry(self, number: int) -> _Entry:
        return _Entry(
            self._keys[number],
            tuple(self._names[number].split("\n")),
            bool(self._guides[number]),
            int(self._lengths[number]),
        )

    @cached_property
    def _shortest(self) -> npt.NDArray[np.int64]:
        """Each entry's shortest name in characters: worked out once per matcher (a matcher opened
        from a file written before this existed has it too)."""
        return shortest_names(self._names)

    @cached_property
    def _by_length(self) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.int64]]:
        """The entries ordered by their shortest name, and those lengths in that order."""
        order = np.argsort(self._shortest, kind="stable")
        return order, self._shortest[order]

    def warm(self) -> None:
        """Work out the name lengths now rather than in the first search that needs them (~50 ms at
        100k documents); a no-op once done, and for a matcher opened from a file that kept them."""
        self._by_length  # noqa: B018 (a cached property: computed once, here)

    def _short_enough(self, longest: int) -> Numbers:
        """The entries with a name of at most `longest` characters, in order."""
        order, lengths = self._by_length
        return np.sort(order[: np.searchsorted(lengths, longest, side="right")]).astype(np.int32)

    def _containing(self, form: str) -> Numbers | None:
        """Entries that may contain `form` (None: too short to narrow anything down)."""
        grams = _bigrams(form)
        if not grams:
            return None
        return intersection([self._postings.get(g) for g in grams])

    def _holding_all(self, parts: Sequence[str]) -> Numbers | None:
        """Entries that may contain every one of `parts` (None: none of them narrows anything down)."""
        found = [f for f in (self._containing(compact(p)) for p in parts) if f is not None]
        return intersection(found) if found else None

    def _word_entries(self, i: int, word: str, matches: Sequence[SynonymMatch]) -> Numbers | None:
        """Entries that may hold query word `i`: the word itself, or every part of one alternative of
        a synonym match over it (what `_coverage` asks of a name); None: no bound."""
        alternatives = [alt for m in matches if m.start <= i < m.end for alt in m.alternatives if alt]
        found = [self._containing(word), *(self._holding_all(alt) for alt in alternatives)]
        return None if any(f is None for f in found) else union(f for f in found if f is not None)

    def _candidates(
        self, words: list[str], matches: Sequence[SynonymMatch], stop: frozenset[str], most: int
    ) -> list[int]:
        """Entries that may hold every meaningful query word (or its synonym) and have a name short
        enough for the query's `most` characters to make up MIN_COVERAGE of it: only those can be the
        card. A word of one character has no bigram to look up; without the length bound,
        one-character queries scanned every entry in Python (56 ms at 10k documents), and a word
        whose synonym shares a common part (办理) read thousands of entries."""
        longest = longest_coverable(most)
        result: Numbers | None = None
        for i, word in enumerate(words):
            if word and word not in stop and (here := self._word_entries(i, word, matches)) is not None:
                result = here if result is None else intersection([result, here])
        kept: Numbers = (
            self._short_enough(longest) if result is None else result[self._shortest[result] <= longest]
        )
        return [int(n) for n in kept]

    def best(self, tokens: Sequence[str], matches: Sequence[SynonymMatch]) -> str | None:
        """The key of the item the query names, or None."""
        stop = query_stopwords()
        words = [compact(t) for t in tokens]
        if not any(w and w not in stop and w not in ACTION_WORDS for w in words):
            return None  # “申请”, “办理” alone name no item
        best: tuple[float, bool, int, str] | None = None
        spans = prepared(matches)
        for index in self._candidates(words, matches, stop, most_covered(words, spans)):
            entry = self.entry(index)
            coverage = max(_coverage(words, spans, text, stop) for text in entry.names)
            if coverage < MIN_COVERAGE:
                continue
            rank = (coverage, entry.has_guide, -entry.length, entry.key)
            if best is None or rank[:3] > best[:3]:
                best = rank
        return best[3] if best else None


@dataclass(frozen=True)
class _Span:
    """A synonym match with its alternatives in compact form, made once per query rather than once
    per candidate item (normalising is the costly part of matching against thousands of names)."""

    start: int
    end: int
    alternatives: tuple[tuple[str, ...], ...]


def prepared(matches: Sequence[SynonymMatch]) -> list[_Span]:
    return [
        _Span(m.start, m.end, tuple(tuple(compact(t) for t in alt) for alt in m.alternatives))
        for m in matches
    ]


def longest_coverable(most: int) -> int:
    """The longest name `most` characters can make up MIN_COVERAGE of, as `_coverage` divides
    (-1: none)."""
    longest = int(most / MIN_COVERAGE) + 1
    while longest > 0 and most / max(1, longest) < MIN_COVERAGE:
        longest -= 1
    return longest if most / max(1, longest) >= MIN_COVERAGE else -1


def most_covered(words: list[str], matches: Sequence[_Span]) -> int:
    """The most characters of any name `_coverage` can count for the query: every word, and each
    synonym match adding at most its longest alternative."""
    added = sum(max((sum(len(p) for p in alt) for alt in m.alternatives), default=0) for m in matches)
    return sum(len(w) for w in words) + added


def shortest_names(names: PackedStrings) -> npt.NDArray[np.int64]:
    """Per entry of newline-joined names (UTF-8), the length of its shortest name in characters,
    counted over the bytes in numpy (no string per entry); 0 for an entry with an empty name."""
    data, ends = np.asarray(names.data), np.asarray(names.ends)  # no memmap wrapper per operation
    starts = np.zeros(len(ends), dtype=np.int64)
    starts[1:] = ends[:-1]
    newline = data == ord("\n")
    first = np.zeros(len(data) + 1, dtype=np.bool_)  # where a name begins
    first[starts] = True
    first[np.flatnonzero(newline) + 1] = True
    begins = np.flatnonzero(first[: len(data)])
    characters = ((data & 0xC0) != 0x80) & ~newline  # UTF-8 lead bytes: one per character
    counted = np.concatenate(([0], np.cumsum(characters, dtype=np.int64)))
    lengths = counted[np.append(begins[1:], len(data))] - counted[begins]
    owner = np.searchsorted(ends, begins, side="right")  # names in entry order: groups of one owner
    groups = np.flatnonzero(np.diff(owner, prepend=-1))
    shortest = np.zeros(len(ends), dtype=np.int64)
    shortest[owner[groups]] = np.minimum.reduceat(lengths, groups) if len(groups) else []
    last = np.maximum(ends - 1, 0)
    empty_last = (ends > starts) & newline[last] if len(data) else np.zeros(len(ends), dtype=np.bool_)
    shortest[empty_last] = 0  # an empty name after the last newline; an entry without bytes stays 0
    return shortest


def _coverage(words: list[str], matches: Sequence[_Span], text: str, stop: frozenset[str]) -> float:
    """Share of `text` the query accounts for; 0 when a meaningful query word is missing from it."""
    covered = [False] * len(words)
    counted = [0] * len(words)  # characters of `text` each query word accounts for
    for i, word in enumerate(words):
        if word and word in text:
            covered[i] = True
            counted[i] = len(word)
    for match in matches:
        for parts in match.alternatives:
            if parts and all(p in text for p in parts):
                span = range(match.start, match.end)
                gain = sum(len(p) for p in parts) - sum(counted[i] for i in span)
                for i in span:
                    covered[i] = True
                if gain > 0:  # the official wording accounts for more of the name than the citizen's
                    counted[match.start] += gain
                break
    chars = sum(counted)
    if not all(c or words[i] in stop or not words[i] for i, c in enumerate(covered)):
        return 0.0
    return min(1.0, chars / max(1, len(text)))
