"""The backend contract: what the search service needs from an index, whatever engine is behind it.

Analysis happens in Python before a backend sees anything, so every backend receives the same
whitespace-separated tokens and the same structured query and must return the same results.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Protocol, runtime_checkable

import numpy as np
import numpy.typing as npt

from indexer.fields import KEYWORD_FIELDS, IndexDoc

# The facet `SearchBackend.facets` gives the per-year counts under (no keyword field has this name).
YEAR_FACET = "year"


@dataclass(frozen=True)
class Clause:
    """One way of matching a word: a single token or a phrase of tokens, with its weight."""

    tokens: tuple[str, ...]
    boost: float = 1.0


@dataclass(frozen=True)
class Group:
    """One word of the query; a document scores with its best-matching clause (dis-max)."""

    clauses: tuple[Clause, ...]


@dataclass(frozen=True)
class BackendQuery:
    groups: tuple[Group, ...]
    field_weights: dict[str, float]
    exact_codes: tuple[str, ...] = ()  # match IndexDoc.codes; a strong boost
    code_boost: float = 1.0
    title_key: str = ""  # exact normalised title match; a strong boost
    title_key_boost: float = 1.0
    filters: dict[str, tuple[str, ...]] = field(default_factory=dict)
    offset: int = 0
    limit: int = 10
    proximity: tuple[str, ...] = ()  # the query's words as a phrase: close together scores on top
    proximity_boost: float = 1.0
    required: tuple[tuple[str, ...], ...] = ()  # phrases every hit must contain (a quoted “…” query)
    date_range: tuple[int, int] | None = None  # inclusive date ordinals; documents without a date drop out
    sort_by_date: bool = False  # newest first instead of by score
    match_all: bool = False  # no words: every document the filters let through (a listing)
    # The query's Han bigrams against the title bigram field (`IndexDoc.bigrams`), as one more
    # low-weight word: recall for a compound the segmenter keeps whole and no title holds whole.
    bigrams: tuple[str, ...] = ()
    bigram_boost: float = 1.0


def document_fields(doc: IndexDoc) -> dict[str, str | int | list[str]]:
    """Every index field of a document and its value(s), as each backend stores it."""
    fields: dict[str, str | int | list[str]] = {
        "id": doc.id,
        "title": doc.title,
        "meta": doc.meta,
        "body": doc.body,
        "title_key": doc.title_key,
        "bigrams": doc.bigrams,
        "codes": list(doc.codes),
        "date": doc.date_ordinal,
    }
    for name in KEYWORD_FIELDS:
        fields[name] = list(doc.keywords.get(name, ()))
    return fields


@dataclass(frozen=True)
class BackendHit:
    id: str
    score: float


@dataclass(frozen=True)
class BackendResult:
    total: int
    hits: list[BackendHit]


class BackendError(RuntimeError):
    """The index could not be used (missing, locked by another writer, corrupt)."""


@runtime_checkable
class SearchBackend(Protocol):
    """Every backend implements this; `tests/indexer/test_backend_contract.py` checks each one."""

    def index(self, docs: Iterable[IndexDoc]) -> int:
        """Add or replace documents (by id) and make them durable; returns how many were written."""
        ...

    def delete(self, ids: Sequence[str]) -> None:
        """Remove documents by id and make the removal durable."""
        ...

    def search(self, query: BackendQuery) -> BackendResult: ...

    def suggest(self, words: Sequence[str], limit: int = 10) -> list[str]:
        """Titles containing all `words` (segmented input; the last may be unfinished, so it matches as a
        prefix), titles that start with the input first."""
        ...

    def facets(
        self, query: BackendQuery, fields: Sequence[str], years: Sequence[int] = ()
    ) -> dict[str, dict[str, int]]:
        """Counts of each facet value among all documents matching the query; with `years`, also
        `YEAR_FACET`: how many were published in each of those years (every year, as text), counted in
        the same pass over the matches."""
        ...

    def year_counts(self, query: BackendQuery, years: Sequence[int]) -> dict[int, int]:
        """How many documents matching the query were published in each of the given years."""
        ...

    def count(self) -> int: ...

    def refresh(self) -> bool:
        """Make the newest committed state visible to searches in this process. True when searches
        may now see something different (what is cached per index state must go); a backend that
        cannot tell says True."""
        ...

    def close(self) -> None: ...


@runtime_checkable
class Rebuildable(Protocol):
    """A backend that rebuilds without downtime (`govsearch index --rebuild`): a new generation of the
    index is written beside the live one while searches keep using the live one, checked, then made
    live atomically; the generation it replaces is kept for one rollback. The embedded backend keeps
    generations as directories, Elasticsearch as indices behind an alias."""

    def new_generation(self) -> SearchBackend:
        """A writable, empty index beside the live one; nothing a search sees changes."""
        ...

    def activate(self, generation: SearchBackend, expected: int) -> None:
        """Make `generation` live for every search at once, after checking that it holds `expected`
        documents (else `BackendError`, and the live index stays); keep the replaced generation for
        `rollback` and delete older ones."""
        ...

    def rollback(self) -> None:
        """Make the previous generation live again (`govsearch index --rollback`)."""
        ...


@runtime_checkable
class VectorSearch(Protocol):
    """Where the title vectors of the semantic signal are searched: the data directory's files
    (`search_api.engine.vector_search.FileVectors`, for the embedded backend) or the backend itself
    (Elasticsearch keeps them as `dense_vector` fields and answers by kNN). Both return the same
    scores: the exact dot product of the int8 title vector with the int8-quantised query ÷ 127²."""

    def nearest(self, model: str, query: npt.NDArray[np.float32], k: int) -> list[tuple[str, float]]:
        """The `k` titles nearest the query (a unit vector of `model`), nearest first: (id, score)."""
        ...

    def has(self, model: str) -> bool:
        """Are there vectors of `model` to search? (The indexer leaves a slow model out of a large
        collection, `indexer.vectors.sync_all`: serving then neither loads it nor embeds with it.)"""
        ...
