"""An HNSW graph (usearch) over a large int8 title-vector matrix, built by `govsearch index` and saved
beside the vector file, so that a serving process maps it from disk instead of building it.

Below `ANN_ROWS` titles no graph is made: brute force is exact, costs nothing to build and answers
within milliseconds there (`bench/vector_bench.py`; README, "The semantic signal").
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

ANN_ROWS = 200_000
ANN_EXPANSION = 128  # candidates kept while walking the graph when building it
# … and when searching it: at 1M titles 512 kept 93 % of the exact top 60's summed score at ~1 ms a
# query, 128 only 88 % (bench/vector_bench.py).
ANN_SEARCH_EXPANSION = 512
ANN_CONNECTIVITY = 16


def graph_path(vectors_file: Path) -> Path:
    return vectors_file.with_suffix(".usearch")


def build_graph(matrix: npt.NDArray[np.int8], threads: int = 0, expansion: int = ANN_SEARCH_EXPANSION) -> Any:
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


def write_graph(vectors_file: Path, matrix: npt.NDArray[np.int8], ann_rows: int = ANN_ROWS) -> None:
    """Save the graph of a large matrix beside its vector file (written aside, then renamed); remove a
    stale one when the matrix is small."""
    path = graph_path(vectors_file)
    if len(matrix) <= ann_rows:
        path.unlink(missing_ok=True)
        return
    partial = path.with_suffix(".partial")
    build_graph(matrix).save(str(partial))
    os.replace(partial, path)


def read_graph(vectors_file: Path, rows: int) -> Any | None:
    """The saved graph, mapped from disk, when it was written for this vector file; else None."""
    path = graph_path(vectors_file)
    if not path.exists() or not vectors_file.exists():
        return None
    if path.stat().st_mtime < vectors_file.stat().st_mtime:
        return None  # older than the vectors: built for another set of titles
    from usearch.index import Index

    graph = Index.restore(str(path), view=True)
    return graph if graph is not None and len(graph) == rows else None
