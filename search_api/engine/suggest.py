"""Suggestions as you type: prefix matches on item names, titles, popular queries and known words,
typed in characters, in full pinyin (shebaoka) or in initials (sbk).

Three sorted key lists (text, full pinyin, initials) answer a prefix with two binary searches, so a
suggestion costs microseconds whatever the size of the collection.
"""

from __future__ import annotations

import bisect
import dataclasses
from collections.abc import Iterable
from dataclasses import dataclass, field

from indexer.analysis import normalize
from search_api.engine.pinyin import full_pinyin, initials, latin_letters
from search_api.engine.query_log import denied

SCAN_LIMIT = 400  # prefix matches looked at before ranking; popular entries sort early anyway
MAX_ENTRY_LENGTH = 40  # longer titles are poor suggestions


@dataclass
class Suggester:
    texts: list[str] = field(default_factory=list)
    weights: list[float] = field(default_factory=list)
    keys: dict[str, list[tuple[str, int]]] = field(default_factory=dict)  # kind → sorted (key, entry)
    denylist: frozenset[str] = frozenset()
    # Entries that change without the collection (synonym terms, popular queries), made apart so that a
    # change of them does not make the collection's hundreds of thousands of entries again (`with_extra`).
    extra: Suggester | None = None

    def with_extra(self, entries: Iterable[tuple[str, float]]) -> Suggester:
        """These entries (those of an earlier `with_extra` dropped) with `entries` beside them."""
        return dataclasses.replace(self, extra=Suggester.build(entries, self.denylist))

    @classmethod
    def build(cls, entries: Iterable[tuple[str, float]], denylist: frozenset[str] = frozenset()) -> Suggester:
        """Entries are (text, weight); a text seen twice keeps its highest weight."""
        best: dict[str, tuple[str, float]] = {}
        for text, weight in entries:
            text = " ".join(text.split())
            key = normalize(text)
            if not key or len(key) > MAX_ENTRY_LENGTH or denied(key, denylist):
                continue
            if key not in best or best[key][1] < weight:
                best[key] = (text, weight)
        suggester = cls(denylist=denylist)
        text_keys, full_keys, initial_keys = [], [], []
        for number, (key, (text, weight)) in enumerate(best.items()):
            suggester.texts.append(text)
            suggester.weights.append(weight)
            text_keys.append((key, number))
            compact = "".join(key.split())
            full_keys.append((full_pinyin(compact), number))
            initial_keys.append((initials(compact), number))
        suggester.keys = {
            "text": sorted(text_keys),
            "full": sorted(full_keys),
            "initials": sorted(initial_keys),
        }
        return suggester

    def _prefixed(self, kind: str, prefix: str) -> list[int]:
        keys = self.keys.get(kind, [])
        start = bisect.bisect_left(keys, (prefix, -1))
        found: list[int] = []
        for key, number in keys[start : start + SCAN_LIMIT]:
            if not key.startswith(prefix):
                break
            found.append(number)
        return found

    def suggest(self, prefix: str, limit: int = 8) -> list[str]:
        typed = normalize(prefix).strip()
        if not typed or denied(typed, self.denylist):
            return []
        found = self._found(typed, 0)
        if self.extra is not None:  # numbered after these entries, as if built together
            found += self.extra._found(typed, len(self.texts))
        best: dict[str, tuple[float, int, int]] = {}
        for weight, length, number, text in sorted(found):  # a text in both: its higher weight
            best.setdefault(text, (weight, length, number))
        return sorted(best, key=best.__getitem__)[:limit]

    def _found(self, typed: str, offset: int) -> list[tuple[float, int, int, str]]:
        """(−weight, length, number, text) of the entries `typed` begins, as characters or letters."""
        numbers = self._prefixed("text", typed)
        letters = latin_letters(typed)
        if letters:
            numbers += self._prefixed("full", letters) + self._prefixed("initials", letters)
        texts, weights = self.texts, self.weights
        return [(-weights[n], len(texts[n]), n + offset, texts[n]) for n in dict.fromkeys(numbers)]
