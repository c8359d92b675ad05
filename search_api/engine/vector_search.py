"""The nearest rows of an int8 title-vector matrix: an exact scan, or an HNSW index (usearch) for large
collections.

Scores are exact integer dot products of the int8 rows with the int8-quantised query, divided by
127² (≈ the cosine): the same numbers Elasticsearch computes for a `byte` dense_vector with
`dot_product`, so both backends order and score the nearest titles alike. An approximate index only
proposes the candidates; their scores are recomputed exactly from the matrix.

Measured in `bench/vector_bench.py` (README, "The semantic signal: models, Elasticsearch, memory"):
brute force is exact and costs nothing to build, but its time grows with the collection; above
`ANN_ROWS` distinct titles an HNSW graph over them answers in about a millisecond. Serving scans exactly
with `ExactScan` (one int8 product per distinct row, usearch's SIMD kernel); `BruteForce` (BLAS over
float32) is the reference it is tested against.
"""

from __future__ import annotations

import contextlib
import os
import threading
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any, NamedTuple, Protocol

import numpy as np
import numpy.typing as npt
from threadpoolctl import ThreadpoolController
from usearch.index import search as search_exact

from indexer.ann import ANN_ROWS, ANN_SEARCH_EXPANSION, Groups, build_graph, read_graph
from indexer.vector_arrays import derived, ids_array
from indexer.vectors import QUANT, load_vectors, quantise, vectors_path

CHUNK = 65_536  # rows multiplied at once: bounds the float32 copy at 1M titles to 128 MB
# Up to this many titles `BruteForce` keeps a float32 copy (≤ 200 MB): numpy multiplies int8 by float32
# outside BLAS, 10–50× slower than float32 × float32. Above it, int8 chunks are widened one at a time.
FLOAT_ROWS = 100_000
# Distinct rows asked of the exact scan beyond k: room for rows tied with the k-th (asked again, twice as
# many, in the rare case the ties reach past them).
EXACT_MARGIN = 32
# Discovered once (scanning the loaded libraries costs more than a product); `_one_thread()` per query.
_BLAS = ThreadpoolController()

Int8Matrix = npt.NDArray[np.int8]
FloatVector = npt.NDArray[np.float32]
Rows = npt.NDArray[np.int64]
Scores = npt.NDArray[np.float64]


class NearestIndex(Protocol):
    def top(self, query: FloatVector, k: int) -> tuple[Rows, Scores]:
        """The rows of the `k` best dot products with the query (a unit vector), best first, and their
        scores (exact integer dot ÷ 127²)."""
        ...


def _one_thread() -> Any:
    """One BLAS thread for a query's products, as the query's embedding has (`indexer.vectors`): a
    matrix-vector product is bound by memory, not arithmetic, and a second OpenBLAS thread only spins,
    on the core another request needs: 7.1 CPU ms for 10k titles against 1.6 ms on one thread."""
    return _BLAS.limit(limits=1, user_api="blas")


def _best(scores: FloatVector, k: int) -> tuple[Rows, Scores]:
    k = min(k, len(scores))
    if k <= 0:
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.float64)
    top = np.argpartition(-scores, k - 1)[:k]
    # Every row tied with the k-th joins before the cut, and ties go by row: which rows are kept must
    # not depend on the partition's internals (Elasticsearch's side keeps the lower id).
    top = np.flatnonzero(scores >= scores[top].min())
    top = top[np.lexsort((top, -scores[top]))][:k]
    # In float64: the exact integer dot ÷ 127², the very number Elasticsearch's side computes.
    return top.astype(np.int64), scores[top].astype(np.float64) / QUANT**2


class BruteForce:
    """Every row scored. Integer products below 2²⁴ are exact in float32, so BLAS gives the exact dot."""

    def __init__(self, matrix: Int8Matrix, float_rows: int = FLOAT_ROWS) -> None:
        self.matrix = matrix
        self._wide = matrix.astype(np.float32) if len(matrix) <= float_rows else None

    def scores(self, query: FloatVector) -> FloatVector:
        q8 = quantise(query).astype(np.float32)
        with _one_thread():
            if self._wide is not None:
                wide: FloatVector = self._wide @ q8
                return wide
            parts = [
                self.matrix[s : s + CHUNK].astype(np.float32) @ q8 for s in range(0, len(self.matrix), CHUNK)
            ]
        return np.concatenate(parts) if parts else np.zeros(0, dtype=np.float32)

    def top(self, query: FloatVector, k: int) -> tuple[Rows, Scores]:
        return _best(self.scores(query), k)


class _Ranked(NamedTuple):
    """Distinct rows and their integer dots in brute force's order (score, then row), each one's number
    of equal rows, and the score of the k-th row they stand for."""

    distinct: Rows
    dots: Scores
    sizes: Rows
    cut: float

    @classmethod
    def of(cls, groups: Groups, distinct: Rows, dots: Scores, k: int) -> _Ranked:
        sizes = groups.starts[distinct + 1] - groups.starts[distinct]
        order = np.lexsort((distinct, -dots))
        dots, distinct, sizes = dots[order], distinct[order], sizes[order]
        return cls(
            distinct, dots, sizes, float(dots[min(int(np.searchsorted(np.cumsum(sizes), k)), len(dots) - 1)])
        )

    def rows(self, groups: Groups, k: int) -> tuple[Rows, Scores]:
        """The rows of the distinct rows scoring at least the cut, best first, ties by row, at most k."""
        keep = self.dots >= self.cut
        rows = np.concatenate(
            [groups.members[groups.starts[g] : groups.starts[g + 1]] for g in self.distinct[keep].tolist()]
        ).astype(np.int64)
        scores = np.repeat(self.dots[keep], self.sizes[keep])
        best = np.lexsort((rows, -scores))[:k]
        return rows[best], scores[best] / QUANT**2


class ExactScan:
    """Every distinct row scored exactly by usearch's SIMD int8 kernel (no graph; integer dot products,
    about twice as fast as BLAS over a float32 copy that is four times the bytes), then each distinct
    row's equal rows: the very rows and scores of `BruteForce`, ties by row."""

    def __init__(self, matrix: Int8Matrix, groups: Groups | None = None) -> None:
        self.matrix = matrix
        self.groups = groups if groups is not None else Groups.of(matrix)

    def top(self, query: FloatVector, k: int) -> tuple[Rows, Scores]:
        groups = self.groups
        if k <= 0 or not len(groups.distinct):
            return _best(np.zeros(0, dtype=np.float32), k)
        q8, k = quantise(query), min(k, len(self.matrix))
        ask = min(len(groups.distinct), k + EXACT_MARGIN)
        while True:
            found = search_exact(groups.distinct, q8, ask, "ip", exact=True, threads=1)
            dots = np.rint(1.0 - np.asarray(found.distances, dtype=np.float64))  # usearch's ip: 1 - dot
            ranked = _Ranked.of(groups, np.asarray(found.keys, dtype=np.int64), dots, k)
            # Every distinct row tied with the k-th row's score must be among those returned.
            if ask == len(groups.distinct) or ranked.dots[-1] < ranked.cut:
                break
            ask = min(len(groups.distinct), ask * 2)
        return ranked.rows(groups, k)


class UsearchIndex:
    """An HNSW graph over the distinct int8 rows (usearch, `indexer.ann`): candidates re-scored exactly,
    then each one's equal rows, as `ExactScan` gives them (the graph may miss a near row, not a tie)."""

    def __init__(
        self,
        matrix: Int8Matrix,
        threads: int = 0,
        expansion: int = ANN_SEARCH_EXPANSION,
        graph: Any = None,
        groups: Groups | None = None,
    ) -> None:
        """`graph`: one `govsearch index` saved over `groups.distinct`; else built here."""
        self.matrix = matrix
        self.groups = groups if groups is not None else Groups.of(matrix)
        self._index: Any = (
            graph if graph is not None else build_graph(self.groups.distinct, threads, expansion)
        )
        self._index.expansion_search = expansion

    def top(self, query: FloatVector, k: int) -> tuple[Rows, Scores]:
        groups = self.groups
        if k <= 0 or not len(groups.distinct):
            return _best(np.zeros(0, dtype=np.float32), k)
        q8, k = quantise(query), min(k, len(self.matrix))
        found = self._index.search(q8, min(len(groups.distinct), k + EXACT_MARGIN), threads=1)
        candidates = np.asarray(found.keys, dtype=np.int64)
        with _one_thread():
            dots = np.rint(groups.distinct[candidates].astype(np.float32) @ q8.astype(np.float32))
        return _Ranked.of(groups, candidates, dots.astype(np.float64), k).rows(groups, k)


def nearest_index(matrix: Int8Matrix, ann_rows: int = ANN_ROWS, graph: Any = None) -> NearestIndex:
    """An exact scan up to `ann_rows` distinct titles (nothing to build), an HNSW graph over them above
    (the saved one when given)."""
    groups = Groups.of(matrix)
    if len(groups.distinct) > ann_rows:
        return UsearchIndex(matrix, graph=graph, groups=groups)
    return ExactScan(matrix, groups)


class _Source:
    """The vector file read at most once, and only when a derived array has to be made."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._vectors: Any = None

    def vectors(self) -> Any:
        if self._vectors is None:
            self._vectors = load_vectors(self.path)
        return self._vectors


def _mapped(path: Path) -> tuple[npt.NDArray[np.bytes_], NearestIndex]:
    """The ids and nearest index of one vector file, from arrays memory-mapped beside it."""
    source = _Source(path)
    ids = derived(path, "ids", lambda: ids_array(source.vectors().ids))
    matrix = derived(path, "int8", lambda: source.vectors().matrix)
    made: list[Groups] = []

    def grouped() -> Groups:  # worked out once, and only when one of its arrays is missing
        if not made:
            made.append(Groups.of(np.asarray(matrix)))
        return made[0]

    groups = Groups(
        derived(path, "distinct", lambda: grouped().distinct),
        derived(path, "members", lambda: grouped().members),
        derived(path, "starts", lambda: grouped().starts),
    )
    for stale in path.parent.glob(f".{path.name}.*.float32.npy"):  # the float32 copy earlier versions made
        with contextlib.suppress(OSError):
            stale.unlink()
    if len(groups.distinct) > ANN_ROWS:
        return ids, UsearchIndex(matrix, graph=read_graph(path, len(groups.distinct)), groups=groups)
    return ids, ExactScan(matrix, groups)


class FileVectors:
    """The title vectors of one data directory, one file per model (`indexer.vectors`), each re-read
    when the indexer writes a new one: what the embedded backend searches (Elasticsearch keeps the
    vectors in its own index)."""

    def __init__(self, data_dir: Path, reload_seconds: float = 2.0) -> None:
        self.data_dir = data_dir
        self._reload_seconds = reload_seconds
        self._loaded: dict[str, tuple[float, npt.NDArray[np.bytes_], NearestIndex]] = {}
        self._checked: dict[str, float] = {}
        self._lock = threading.Lock()

    def _current(self, model: str) -> tuple[npt.NDArray[np.bytes_], NearestIndex] | None:
        now = time.monotonic()
        if now - self._checked.get(model, -1e9) >= self._reload_seconds:
            with self._lock:
                self._checked[model] = now
                path = vectors_path(self.data_dir, model)
                mtime = os.stat(path).st_mtime if path.exists() else -1.0
                if model not in self._loaded or self._loaded[model][0] != mtime:
                    if path.exists():
                        self._loaded[model] = (mtime, *_mapped(path))
                    else:
                        self._loaded.pop(model, None)
        loaded = self._loaded.get(model)
        return (loaded[1], loaded[2]) if loaded else None

    def versions(self, models: Sequence[str]) -> tuple[float, ...]:
        """The version (file time) of each model's vectors as loaded now, -1 for none: what a nearest
        answer was computed from, checked no more often than the reload interval."""
        found = []
        for model in models:
            self._current(model)
            loaded = self._loaded.get(model)
            found.append(loaded[0] if loaded else -1.0)
        return tuple(found)

    def has(self, model: str) -> bool:
        current = self._current(model)
        return current is not None and len(current[0]) > 0

    def nearest(self, model: str, query: FloatVector, k: int) -> list[tuple[str, float]]:
        """The `k` titles nearest the query (a unit vector) by this model, nearest first."""
        current = self._current(model)
        if current is None or not len(current[0]):
            return []
        ids, index = current
        rows, scores = index.top(query, k)
        found = [
            (bytes(ids[r]).decode(), float(s)) for r, s in zip(rows.tolist(), scores.tolist(), strict=True)
        ]
        return sorted(found, key=lambda pair: (-pair[1], pair[0]))  # ties by id, as Elasticsearch's side
