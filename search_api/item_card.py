"""Which catalogue item a query names or describes: the item card above the results. Pure matching.

A query covers an item when every word of it (or a synonym of it) appears in the item's name or one of
its 简称/日常用语, question words aside, and the covered words make up at least half of that name — so
“律所查询” finds 律师事务所基本信息查询 but “退休” alone finds no card.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from indexer.analysis import query_stopwords
from indexer.documents import CatalogueItem
from indexer.linking import compact
from synonyms.expansion import SynonymMatch

MIN_COVERAGE = 0.5


@dataclass(frozen=True)
class _Entry:
    key: str
    names: tuple[str, ...]  # compact name, name without its sub-item, aliases
    has_guide: bool
    length: int


class ItemMatcher:
    def __init__(self, items: Iterable[CatalogueItem]) -> None:
        self._entries: list[_Entry] = []
        for item in items:
            name = compact(item.name)
            base = name.split("(", 1)[0].split("（", 1)[0]
            names = tuple(dict.fromkeys([name, base, *(compact(a) for a in item.aliases)]))
            self._entries.append(_Entry(item.key, names, item.guide_id is not None, len(name)))

    def best(self, tokens: Sequence[str], matches: Sequence[SynonymMatch]) -> str | None:
        """The key of the item the query names, or None."""
        stop = query_stopwords()
        words = [compact(t) for t in tokens]
        if not any(w and w not in stop for w in words):
            return None
        best: tuple[float, bool, int, str] | None = None
        for entry in self._entries:
            coverage = max(_coverage(words, matches, text, stop) for text in entry.names)
            if coverage < MIN_COVERAGE:
                continue
            rank = (coverage, entry.has_guide, -entry.length, entry.key)
            if best is None or rank[:3] > best[:3]:
                best = rank
        return best[3] if best else None


def _coverage(words: list[str], matches: Sequence[SynonymMatch], text: str, stop: frozenset[str]) -> float:
    """Share of `text` the query accounts for; 0 when a meaningful query word is missing from it."""
    covered = [False] * len(words)
    chars = 0
    for i, word in enumerate(words):
        if word and word in text:
            covered[i] = True
            chars += len(word)
    for match in matches:
        if all(covered[match.start : match.end]):
            continue
        for alt in match.alternatives:
            parts = [compact(t) for t in alt]
            if parts and all(p in text for p in parts):
                for i in range(match.start, match.end):
                    covered[i] = True
                chars += sum(len(p) for p in parts)
                break
    if not all(c or words[i] in stop or not words[i] for i, c in enumerate(covered)):
        return 0.0
    return min(1.0, chars / max(1, len(text)))
