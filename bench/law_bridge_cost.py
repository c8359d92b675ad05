"""Benchmark: what the words the laws lend (`search_api.engine.law_bridge`) cost a search, against the same
engine without them, measured in the same run.

    python bench/law_bridge_cost.py --data-dir DIR [--laws ../shared/data/laws] [--shared ../shared]

Two engines over one data directory, one with the laws' articles and one without, in process; each of
the 645 citizens' message titles (mostly long accounts, the queries the bridge reads) is searched once
by each, in turns, with the query's embedding and nearest titles forgotten before every search, so that
both pay for what a new query pays. The articles' cache must exist (`govsearch index` with
`GOVSEARCH_LAWS_DIR` makes it).
"""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # run as a script from a checkout

from bench.reporting import bench_parser, percentiles, tsv_column, write_results  # noqa: E402
from govsearch.app import build_engine  # noqa: E402
from govsearch.settings import Settings  # noqa: E402
from search_api.engine import semantic  # noqa: E402
from search_api.engine.models import SearchRequest  # noqa: E402
from search_api.engine.query import analyse  # noqa: E402
from search_api.engine.search import SearchEngine  # noqa: E402


def message_titles(shared: Path) -> list[str]:
    return [
        q[:100] for q in tsv_column(shared / "data/messages/queries_from_message_titles.tsv", "query_title")
    ]


def timed(engine: SearchEngine, query: str) -> float:
    semantic.query_vector.cache_clear()
    if engine.semantic is not None:
        engine.semantic.forget()
    started = time.perf_counter()
    engine.search(SearchRequest(q=query), record=False)
    return (time.perf_counter() - started) * 1000


def measure(data_dir: Path, laws: Path, shared: Path) -> dict[str, Any]:
    without = build_engine(Settings(data_dir=data_dir, log_queries=False, reload_seconds=3600, laws_dir=None))
    engine = build_engine(Settings(data_dir=data_dir, log_queries=False, reload_seconds=3600, laws_dir=laws))
    if engine.laws is None or not engine.laws.path.exists():
        raise SystemExit(f"no articles' cache for {laws}: run `govsearch index` with GOVSEARCH_LAWS_DIR set")
    for each in (without, engine):
        each.warm()
        each.search(SearchRequest(q="社会保障卡补办"), record=False)
    queries = message_titles(shared)
    times: dict[str, list[float]] = {"without": [], "with": []}
    for query in queries:
        times["without"].append(timed(without, query))
        times["with"].append(timed(engine, query))
    lent = sum(1 for q in queries if engine.laws.matches(analyse(q), engine.knowledge.get().corpus))
    return {
        "queries": len(queries),
        "queries_the_laws_would_lend_to": lent,
        "without_laws": percentiles(times["without"]),
        "with_laws": percentiles(times["with"]),
        "load_average": os.getloadavg(),
    }


def markdown(report: dict[str, Any]) -> str:
    a, b = report["without_laws"], report["with_laws"]
    return (
        "| in process, new queries | p50 | p95 | p99 |\n|---|---|---|---|\n"
        f"| without the laws (same run) | {a['p50_ms']} ms | {a['p95_ms']} ms | {a['p99_ms']} ms |\n"
        f"| with the laws | {b['p50_ms']} ms | {b['p95_ms']} ms | {b['p99_ms']} ms |\n"
        f"| ratio | {b['p50_ms'] / a['p50_ms']:.2f}× | {b['p95_ms'] / a['p95_ms']:.2f}× | "
        f"{b['p99_ms'] / a['p99_ms']:.2f}× |\n\n"
        f"{report['queries']} message titles; the articles would lend words to "
        f"{report['queries_the_laws_would_lend_to']} of them (before the weak-words check). "
        "Load average {:.1f} {:.1f} {:.1f}.\n".format(*report["load_average"])
    )


def main() -> int:
    parser = bench_parser(__doc__, "the data directory (built as bench/relevance.sh builds it)")
    parser.add_argument("--laws", type=Path, default=ROOT.parent / "shared" / "data" / "laws")
    args = parser.parse_args()
    if args.data_dir is None:
        parser.error("--data-dir is required")
    report = measure(args.data_dir, args.laws, args.shared)
    write_results(args.out, "law_bridge_cost", report, markdown(report))
    return 0


if __name__ == "__main__":
    sys.exit(main())
