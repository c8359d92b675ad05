"""Benchmark: search and suggestion latency of the full service on the shared corpus, against a
baseline measured in the same run.

    python bench/search_bench.py [--data-dir DIR] [--shared ../shared] [--out bench/results/]

Without --data-dir the corpus is built as `bench/relevance.sh` builds it: the Guangdong service items
plus the 60 gov.cn pages crawled from a loopback mirror. Requests go through the real FastAPI app
(in-process ASGI client, no network), so times include routing, validation and JSON.
  * search    – /api/v1/search: the dev queries and 645 citizens' message titles, page 1; the whole
                experience (understanding, reranking, facets, did-you-mean, related searches).
  * baseline  – the same queries through the walking skeleton's path: segment, synonyms, one backend
                query (no reranking, facets or query understanding).
  * suggest   – /api/v1/suggest: every prefix of the dev queries, their pinyin and their initials.
  * suggest baseline – the backend's title-prefix query alone (`SearchBackend.suggest`).
Targets: search p95 ≤ 50 ms, suggest p95 ≤ 30 ms.
"""

from __future__ import annotations

import datetime as dt
import platform
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # run as a script from a checkout

from fastapi.testclient import TestClient  # noqa: E402

from bench.reporting import bench_parser, percentiles, tsv_column, write_results  # noqa: E402
from govsearch.app import create_app  # noqa: E402
from govsearch.settings import Settings  # noqa: E402
from indexer.analysis import segment_query  # noqa: E402
from search_api.engine.models import SearchRequest  # noqa: E402
from search_api.engine.pinyin import full_pinyin, initials  # noqa: E402
from search_api.engine.query import analyse  # noqa: E402
from search_api.engine.query_builder import build_query  # noqa: E402

SEARCH_TARGET_MS, SUGGEST_TARGET_MS = 50.0, 30.0


def build_corpus(shared: Path, data_dir: Path) -> None:
    def gs(*args: str) -> None:
        command = [sys.executable, "-m", "govsearch.cli", "--data-dir", str(data_dir), *args]
        subprocess.run(command, cwd=ROOT, check=True, capture_output=True)

    gs("import-items", str(shared / "data/service_items/guangdong.jsonl"), "--no-index")
    gs("crawl", "govcn_2019", "--mirror-dir", str(shared / "data/pages/govcn_2019"), "--delay", "0")
    gs("index")


def queries(shared: Path) -> tuple[list[str], list[str]]:
    dev = tsv_column(shared / "eval/dev_queries.tsv", "query")
    messages = tsv_column(shared / "data/messages/queries_from_message_titles.tsv", "query_title")
    search = [q[:100] for q in dev + messages if q]
    prefixes: list[str] = []
    for q in dev:
        compact = "".join(q.split())
        spelled = [full_pinyin(compact), initials(compact)] if not compact.isascii() else [compact]
        for text in [compact, *spelled]:
            prefixes += [text[:n] for n in range(1, min(len(text), 12) + 1)]
    return search, prefixes


def timed(calls: Sequence[str], run: Callable[[str], object]) -> dict[str, float]:
    for text in calls[:20]:  # warm caches and lazy structures first
        run(text)
    times = []
    for text in calls:
        start = time.perf_counter()
        run(text)
        times.append((time.perf_counter() - start) * 1000)
    return percentiles(times)


def measure(data_dir: Path, shared: Path) -> dict[str, Any]:
    # One client asks as fast as it can: the anonymous rate limits would measure themselves.
    settings = Settings(
        data_dir=data_dir,
        log_queries=False,
        reload_seconds=3600,
        anonymous_rate="",
        anonymous_suggest_rate="",
    )
    search_q, prefixes = queries(shared)
    app = create_app(settings)
    service = app.state.search_engine
    started = time.perf_counter()
    service.knowledge.get()
    knowledge_s = time.perf_counter() - started

    def baseline_search(q: str) -> list[str]:
        analysed = analyse(q)
        request = SearchRequest(q=q)
        query = build_query(analysed, service.synonyms.expand(analysed.tokens), request)
        hits = service.backend.search(query).hits
        docs = service.store.get_many([h.id for h in hits])
        return [docs[h.id].title for h in hits if h.id in docs]

    def baseline_suggest(prefix: str) -> list[str]:
        words = segment_query(prefix)
        return service.backend.suggest(words, 8) if words else []

    # The baselines get routes of their own, so that both sides pay the same HTTP and JSON costs.
    app.add_api_route("/bench/search", lambda q: {"hits": baseline_search(q)})
    app.add_api_route("/bench/suggest", lambda q: {"suggestions": baseline_suggest(q)})
    with TestClient(app) as client:
        results = {
            "search": timed(search_q, lambda q: client.get("/api/v1/search", params={"q": q})),
            "search_baseline": timed(search_q, lambda q: client.get("/bench/search", params={"q": q})),
            "search_in_process": timed(search_q, lambda q: service.search(SearchRequest(q=q))),
            "search_baseline_in_process": timed(search_q, baseline_search),
            "suggest": timed(prefixes, lambda p: client.get("/api/v1/suggest", params={"q": p})),
            "suggest_baseline": timed(prefixes, lambda p: client.get("/bench/suggest", params={"q": p})),
        }
    return {
        "results": results,
        "documents": service.store.count(),
        "knowledge_build_s": round(knowledge_s, 2),
        "targets_met": {
            "search_p95": results["search"]["p95_ms"] <= SEARCH_TARGET_MS,
            "suggest_p95": results["suggest"]["p95_ms"] <= SUGGEST_TARGET_MS,
        },
        "machine": f"{platform.processor() or platform.machine()}, Python {platform.python_version()}",
        "when": dt.datetime.now().isoformat(timespec="seconds"),
    }


def markdown(report: dict[str, Any]) -> str:
    r = report["results"]
    rows = [
        ("search p50 / p95", r["search"], r["search_baseline"], SEARCH_TARGET_MS),
        ("suggest p50 / p95", r["suggest"], r["suggest_baseline"], SUGGEST_TARGET_MS),
    ]
    lines = [
        f"| {report['documents']:,} documents | full service (HTTP API) | baseline (same run) "
        "| ratio p95 | target p95 |",
        "|---|---|---|---|---|",
    ]
    for name, full, base, target in rows:
        ratio = full["p95_ms"] / base["p95_ms"] if base["p95_ms"] else 0.0
        lines.append(
            f"| {name} | {full['p50_ms']} / {full['p95_ms']} ms | {base['p50_ms']} / {base['p95_ms']} ms "
            f"| {ratio:.1f}× | ≤ {target:.0f} ms {'✓' if full['p95_ms'] <= target else '✗'} |"
        )
    lines.append("")
    lines.append(
        f"{r['search']['n']} search queries (dev set + message titles), {r['suggest']['n']} suggestion "
        "prefixes (characters, full pinyin, initials). Both sides are timed through HTTP routes of the same "
        "app; in process (no HTTP) search takes "
        f"{r['search_in_process']['p50_ms']} / {r['search_in_process']['p95_ms']} ms, the baseline "
        f"{r['search_baseline_in_process']['p50_ms']} / {r['search_baseline_in_process']['p95_ms']} ms. "
        "Baseline: search = segment + synonyms + one backend query + store fetch (the walking skeleton's "
        "path); suggest = the backend's title-prefix query. Knowledge build (titles, pinyin): "
        f"{report['knowledge_build_s']} s. {report['machine']}, {report['when']}."
    )
    return "\n".join(lines) + "\n"


def main(argv: Sequence[str] | None = None) -> int:
    args = bench_parser(__doc__, "an existing data directory (default: build one)").parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="govsearch-search-bench-") as tmp:
        data_dir = args.data_dir or Path(tmp)
        if not args.data_dir:
            build_corpus(args.shared, data_dir)
        report = measure(data_dir, args.shared)
    write_results(args.out, "search", report, markdown(report))
    return 0


if __name__ == "__main__":
    sys.exit(main())
