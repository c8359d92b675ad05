"""The synonyms a serving worker uses: packaged files + the live staff version + the 词林 layer.

``expand`` asks the staff store for the live version number on every query (one indexed SQLite
read) and rebuilds its table only when that number changed, so an approved change applies to the
next query in every worker, with no re-indexing and no restart.
"""

from __future__ import annotations

import threading
from collections.abc import Mapping, Sequence
from functools import lru_cache
from pathlib import Path

from indexer.analysis import normalize
from synonyms.cilin import load_cilin
from synonyms.expansion import LayeredSynonyms, SynonymMatch, SynonymSet, default_synonym_paths
from synonyms.loader import load_synonym_files
from synonyms.rules import SynonymRule
from synonyms.staff_rules import (
    StaffRule,
    denied_words,
    live_rules,
    packaged_in_force,
    pins,
    vocabulary_switches,
)
from synonyms.staff_store import StaffStore


def excluded(rule: SynonymRule, words: frozenset[str]) -> bool:
    """Whether staff left this 词林 class out: by its class code or by one of its words."""
    code = rule.source.removeprefix("词林 ")
    return code in words or any(t in words for t in rule.terms_from)


@lru_cache(maxsize=8)
def _general_without(general: SynonymSet, words: frozenset[str]) -> SynonymSet:
    return SynonymSet.from_rules((r for r in general.rules if not excluded(r, words)), general.variants)


def general_layer(general: SynonymSet | None, staff: Sequence[StaffRule]) -> SynonymSet | None:
    """The 词林 layer as staff switched it: off, or without the classes they excluded."""
    on, words = vocabulary_switches(staff)
    if general is None or not on:
        return None
    if not words:
        return general
    return _general_without(general, frozenset(w for raw in words for w in (raw.strip(), normalize(raw))))


def combined(
    fixed: Sequence[SynonymRule], staff: Sequence[StaffRule], general: SynonymSet | None
) -> LayeredSynonyms:
    """Reviewed rules (packaged ones staff did not replace + staff) at full weight, the general layer
    below them."""
    reviewed = SynonymSet.from_rules([*packaged_in_force(fixed, staff), *live_rules(staff)])
    layer = general_layer(general, staff)
    layers = (reviewed, layer) if layer is not None else (reviewed,)
    return LayeredSynonyms(*layers, pins=pins(staff), denied=denied_words(staff))


class LiveSynonyms:
    def __init__(self, fixed: Sequence[SynonymRule], store: StaffStore, general: SynonymSet | None = None):
        self.fixed = tuple(fixed)
        self.store = store
        self.general = general
        self._lock = threading.Lock()
        self._version = -1
        self._current = combined(self.fixed, (), general)

    @property
    def version(self) -> int:
        return self._version

    def current(self) -> LayeredSynonyms:
        """The table for the live version, rebuilt here if another worker approved a change."""
        live = self.store.current_version()
        if live != self._version:
            with self._lock:
                if live != self._version:
                    version = self.store.version(live)
                    rules = version.rules if version is not None else ()
                    self._current = combined(self.fixed, rules, self.general)
                    self._version = live
        return self._current

    def expand(self, tokens: Sequence[str]) -> list[SynonymMatch]:
        return self.current().expand(tokens)

    def variant_characters(self) -> Mapping[str, str]:
        """The 词林 layer's variant characters, as staff switched the layer (off: none)."""
        return self.current().variant_characters()

    def reviewed_terms(self) -> list[str]:
        return self.current().reviewed_terms()

    def staff_pins(self) -> tuple[tuple[str, str, str], ...]:
        """The live version's best bets (query, document id, expiry)."""
        return self.current().staff_pins()

    def staff_denylist(self, feature: str) -> frozenset[str]:
        """The live version's denylist of a feature ("suggest", "hot")."""
        return self.current().staff_denylist(feature)

    def with_staff_rules(self, staff: Sequence[StaffRule]) -> LayeredSynonyms:
        """The table a proposed staff rule list would give (for previews and the golden-set check)."""
        return combined(self.fixed, staff, self.general)


def build_live_synonyms(
    store: StaffStore, extra_files: Sequence[Path] = (), cilin_path: Path | None = None
) -> LiveSynonyms:
    """What a serving worker expands with: the packaged dictionaries and `extra_files` (reviewed files),
    the live staff version from `store`, and the 词林 layer when `cilin_path` is given."""
    fixed = load_synonym_files([*default_synonym_paths(), *extra_files])
    general = load_cilin(cilin_path) if cilin_path else None
    return LiveSynonyms(fixed, store, general)
