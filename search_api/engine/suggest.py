"""Suggestions as you type: prefix matches on item names, titles, popular queries and known words,
typed in characters, in full pinyin (shebaoka) or in initials (sbk).

Three sorted key lists (text, full pinyin, initials) answer a prefix with two binary searches, so a
suggestion costs microseconds whatever the size of the collection.
"""

from __future__ import annotations

import bisect
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
        numbers = self._prefixed("text", typed)
        letters = latin_letters(typed)
        if letters:
            numbers += self._prefixed("full", letters) + self._prefixed("initials", letters)
        ranked = sorted(dict.fromkeys(numbers), key=lambda n: (-self.weights[n], len(self.texts[n]), n))
        return [self.texts[n] for n in ranked[:limit]]
