"""Find synonym rules in a segmented query and say which official terms to add.

Rule sides go through ``indexer.analysis.segment_query``, the segmenter queries use, so a rule
and a query agree on tokens. A term is looked up by the concatenation of its tokens, which also
lets it fire when the query segments it differently in context (e.g. 换身份证 → 换 / 身份证).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Protocol

from indexer.analysis import normalize, segment_query
from synonyms.loader import load_synonym_files
from synonyms.rules import SynonymRule

DATA_DIR = Path(__file__).resolve().parent / "data"

Tokens = tuple[str, ...]


def display(tokens: Sequence[str]) -> str:
    """Tokens back to text: no space between CJK tokens, one between two ASCII words."""
    out = ""
    for token in tokens:
        if out and out[-1].isascii() and out[-1].isalnum() and token[:1].isascii() and token[:1].isalnum():
            out += " "
        out += token
    return out


@dataclass(frozen=True, slots=True)
class SynonymMatch:
    """Query tokens ``[start, end)`` matched ``term``; add each alternative (a token tuple)."""

    start: int
    end: int
    term: str
    alternatives: tuple[Tokens, ...]
    source: str
    weight: float = 1.0


@dataclass(frozen=True, slots=True)
class _Entry:
    term: str
    alternatives: tuple[Tokens, ...]
    source: str
    weight: float


class Expander(Protocol):
    """What the search service needs: the synonym matches for a segmented query."""

    def expand(self, tokens: Sequence[str]) -> list[SynonymMatch]: ...

    def reviewed_terms(self) -> list[str]:
        """Every term of the reviewed rules (not a general layer): vocabulary for suggestions and spelling."""
        ...

    def variant_characters(self) -> Mapping[str, str]:
        """Characters written for one another in words (沙 → 砂): character → its variants."""
        ...


def _key(text: str) -> str:
    return "".join(text.split())


class SynonymSet:
    """Immutable lookup table built from rules; ``expand`` is pure dict work."""

    __slots__ = ("_entries", "_max_key_length", "rules", "variants")

    def __init__(
        self,
        entries: dict[str, _Entry],
        rules: tuple[SynonymRule, ...],
        variants: Mapping[str, str] | None = None,
    ) -> None:
        self._entries = entries
        self._max_key_length = max((len(k) for k in entries), default=0)
        self.rules = rules
        self.variants: Mapping[str, str] = variants or {}

    @classmethod
    def from_rules(
        cls, rules: Iterable[SynonymRule], variants: Mapping[str, str] | None = None
    ) -> SynonymSet:
        """Index every typed term of every rule; a term in several rules gets all their targets."""
        rule_list = tuple(rules)
        token_cache: dict[str, Tokens] = {}

        def tokens_of(term: str) -> Tokens:
            if term not in token_cache:
                token_cache[term] = tuple(segment_query(term))
            return token_cache[term]

        terms: dict[str, str] = {}
        alternatives: dict[str, dict[Tokens, None]] = {}
        sources: dict[str, dict[str, None]] = {}
        weights: dict[str, float] = {}
        for rule in rule_list:
            for term in rule.terms_from:
                own = tokens_of(term)
                keys = dict.fromkeys(k for k in (_key(normalize(term)), "".join(own)) if k)
                for key in keys:
                    terms.setdefault(key, normalize(term).strip())
                    found = alternatives.setdefault(key, {})
                    for target in rule.targets(term):
                        target_tokens = tokens_of(target)
                        if target_tokens and target_tokens != own:
                            found[target_tokens] = None
                    sources.setdefault(key, {})[rule.source] = None
                    weights[key] = max(weights.get(key, 0.0), rule.weight)
        entries = {
            key: _Entry(terms[key], tuple(alts), ", ".join(s for s in sources[key] if s), weights[key])
            for key, alts in alternatives.items()
            if alts
        }
        return cls(entries, rule_list, variants)

    def __len__(self) -> int:
        """The number of distinct lookup keys (typed terms)."""
        return len(self._entries)

    def __contains__(self, term: object) -> bool:
        return isinstance(term, str) and _key(normalize(term)) in self._entries

    def reviewed_terms(self) -> list[str]:
        return [t for rule in self.rules for t in (*rule.terms_from, *rule.terms_to)]

    def variant_characters(self) -> Mapping[str, str]:
        return self.variants

    def expand(self, tokens: Sequence[str]) -> list[SynonymMatch]:
        """Rule terms found in ``tokens`` (from ``segment_query``): greedy longest match, left to right,
        non-overlapping. A match covers whole tokens whose concatenation is the term's text."""
        norm = [normalize(t).strip() for t in tokens]
        matches: list[SynonymMatch] = []
        limit = self._max_key_length
        i = 0
        while i < len(norm):
            best: tuple[int, _Entry] | None = None
            text = ""
            for j in range(i, len(norm)):
                text += _key(norm[j])
                if len(text) > limit:
                    break
                entry = self._entries.get(text)
                if entry is not None:
                    best = (j + 1, entry)
            if best is None:
                i += 1
                continue
            end, entry = best
            alternatives = tuple(a for a in entry.alternatives if not _spelled_out(norm, i, end, a))
            if alternatives:
                matches.append(SynonymMatch(i, end, entry.term, alternatives, entry.source, entry.weight))
            i = end
        return matches


class LayeredSynonyms:
    """Reviewed rules first; a lower layer (the general 词林 vocabulary) only where no reviewed rule fired.

    ``pins`` are the staff best bets of the same curated version ((query, document id, expiry)
    triples) and ``denied`` its denylist ((word, feature) pairs): they travel with the rules so that a
    preview or golden-set check of a candidate version sees them too, and the engine reads them from
    the one live version."""

    __slots__ = ("denied", "layers", "pins")

    def __init__(
        self,
        *layers: SynonymSet,
        pins: tuple[tuple[str, str, str], ...] = (),
        denied: tuple[tuple[str, str], ...] = (),
    ) -> None:
        self.layers = layers
        self.pins = pins
        self.denied = denied

    def staff_pins(self) -> tuple[tuple[str, str, str], ...]:
        return self.pins

    def staff_denylist(self, feature: str) -> frozenset[str]:
        """Words staff keep out of a feature ("suggest", "hot"); "*" switches the feature off."""
        return frozenset(word for word, where in self.denied if where == feature)

    def reviewed_terms(self) -> list[str]:
        return self.layers[0].reviewed_terms() if self.layers else []

    def variant_characters(self) -> Mapping[str, str]:
        tables = [layer.variants for layer in self.layers if layer.variants]
        if len(tables) <= 1:  # the usual case (only the 词林 layer has any): no copy per search
            return tables[0] if tables else {}
        found: dict[str, str] = {}
        for layer in self.layers:
            for char, others in layer.variants.items():
                found[char] = "".join(dict.fromkeys(found.get(char, "") + others))
        return found

    def expand(self, tokens: Sequence[str]) -> list[SynonymMatch]:
        matches: list[SynonymMatch] = []
        covered: set[int] = set()
        for layer in self.layers:
            for match in layer.expand(tokens):
                span = set(range(match.start, match.end))
                if not span & covered:
                    matches.append(match)
                    covered |= span
        return sorted(matches, key=lambda m: m.start)


def _spelled_out(tokens: Sequence[str], start: int, end: int, alternative: Tokens) -> bool:
    """Whether the query already holds ``alternative`` around the match (入学 inside 义务教育 入学)."""
    size = len(alternative)
    first = max(0, end - size)
    return any(tuple(tokens[s : s + size]) == alternative for s in range(first, start + 1))


def default_synonym_paths() -> list[Path]:
    """The packaged dictionaries, ``synonyms/data/*.txt``, in name order."""
    return sorted(DATA_DIR.glob("*.txt"))


@lru_cache(maxsize=1)
def load_default_synonyms() -> SynonymSet:
    """The packaged dictionaries as one ``SynonymSet`` (loaded once, then shared; it is immutable)."""
    return SynonymSet.from_rules(load_synonym_files(default_synonym_paths()))
