"""An HNSW graph (usearch) over the distinct rows of a large int8 title-vector matrix, built by
`govsearch index` and saved beside the vector file, so that a serving process maps it from disk instead of
building it.

Titles repeat (the same item in every region: ~290,000 distinct of 1M titles in the scale corpus), so the
graph holds each distinct row once: a fraction of the nodes to build and map, and no clusters of equal
nodes for the walk to get lost in. Up to `ANN_ROWS` distinct rows no graph is made: the exact scan costs
nothing to build and answers within milliseconds there (`bench/vector_bench.py`; README, "The semantic
signal").
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

Int8Matrix = npt.NDArray[np.int8]

ANN_ROWS = 200_000
ANN_EXPANSION = 128  # candidates kept while walking the graph when building it
# … and when searching it: at 1M titles 512 kept 93 % of the exact top 60's summed score at ~1 ms a
# query, 128 only 88 % (bench/vector_bench.py).
ANN_SEARCH_EXPANSION = 512
ANN_CONNECTIVITY = 16


class Groups:
    """The distinct rows of a matrix and the rows each stands for: titles repeat (the same item in every
    region: 31,427 distinct of 100,000 titles in the scale corpus), and one product per distinct row is
    enough. `members[starts[g]:starts[g + 1]]` are the rows (ascending) equal to `distinct[g]`."""

    def __init__(self, distinct: Int8Matrix, members: npt.NDArray[np.int32], starts: npt.NDArray[np.int64]):
        self.distinct, self.members, self.starts = distinct, members, starts

    @classmethod
    def of(cls, matrix: Int8Matrix) -> Groups:
        if not len(matrix):
            return cls(matrix, np.zeros(0, dtype=np.int32), np.zeros(1, dtype=np.int64))
        rows = np.ascontiguousarray(matrix)
        # Each row as one opaque value: numpy sorts these as bytes, far faster than `unique(axis=0)`.
        keys = rows.view(np.dtype((np.void, rows.shape[1] * rows.itemsize))).ravel()
        _, first, owner = np.unique(keys, return_index=True, return_inverse=True)
        members = np.argsort(owner, kind="stable").astype(np.int32)
        starts = np.zeros(len(first) + 1, dtype=np.int64)
        np.cumsum(np.bincount(owner, minlength=len(first)), out=starts[1:])
        return cls(rows[first], members, starts)


def graph_path(vectors_file: Path) -> Path:
    # Named for what its nodes are: a graph of every row (`titles.usearch`, before 2026-12) is not read,
    # and is removed by the next `govsearch index`, which writes this one.
    return vectors_file.with_name(f"{vectors_file.stem}.distinct.usearch")


def _every_row_graph(vectors_file: Path) -> Path:
    return vectors_file.with_suffix(".usearch")


def build_graph(matrix: Int8Matrix, threads: int = 0, expansion: int = ANN_SEARCH_EXPANSION) -> Any:
    """The graph over the rows (keys are row numbers), inner product on int8."""
    from usearch.index import Index  # imported here: only large collections need it

    graph = Index(
        ndim=matrix.shape[1],
        metric="ip",
        dtype="i8",
        connectivity=ANN_CONNECTIVITY,
        expansion_add=ANN_EXPANSION,
        expansion_search=expansion,
    )
    if len(matrix):
        graph.add(np.arange(len(matrix), dtype=np.uint64), matrix, threads=threads)
    return graph


def write_graph(
    vectors_file: Path, matrix: Int8Matrix, ann_rows: int = ANN_ROWS, groups: Groups | None = None
) -> None:
    """Save the graph of a large matrix's distinct rows (`groups`, when worked out already) beside its
    vector file (written aside, then renamed); remove a stale one when they are few."""
    path = graph_path(vectors_file)
    _every_row_graph(vectors_file).unlink(missing_ok=True)
    if groups is None and len(matrix) > ann_rows:  # never more distinct rows than rows
        groups = Groups.of(matrix)
    distinct = groups.distinct if groups is not None else matrix
    if len(distinct) <= ann_rows:
        path.unlink(missing_ok=True)
        return
    partial = path.with_suffix(".partial")
    build_graph(distinct).save(str(partial))
    os.replace(partial, path)


def read_graph(vectors_file: Path, rows: int) -> Any | None:
    """The saved graph, mapped from disk, when it was written for this vector file and its `rows`
    distinct rows; else None."""
    path = graph_path(vectors_file)
    if not path.exists() or not vectors_file.exists():
        return None
    if path.stat().st_mtime < vectors_file.stat().st_mtime:
        return None  # older than the vectors: built for another set of titles
    from usearch.index import Index

    graph = Index.restore(str(path), view=True)
    return graph if graph is not None and len(graph) == rows else None
