"""CPU per search in process, and where it goes: one engine over a data directory, the scale benchmark's
query mix asked twice (first pass: every query new; second pass: the same queries again); then the
suggestions for the scale benchmark's prefixes.

    python bench/search_cpu.py --data-dir DIR [--queries 300] [--code CHECKOUT] [--label NAME]

`--code` runs another checkout's engine (run this file with that checkout's Python, e.g.
`/work/main/.venv/bin/python bench/search_cpu.py --code /work/main --label before`), so a before/after
pair is measured over the same data in the same run of the machine. CPU is the process's user + system
time (`time.process_time`), the figure a loaded machine distorts least. Each stage is timed by wrapping
the function the engine calls for it (exclusive leaves: none calls another wrapped one), so the table
says how many milliseconds per search each stage costs and how often it ran.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import sys
import time
from collections import defaultdict
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent

# module attribute of search_api.engine.search → stage name
MODULE_STAGES = {
    "with_meaning": "semantic step (query embedding, fusion)",
    "rerank": "rerank",
    "make_hit": "hits (highlight, snippet)",
    "reading": "typo / pinyin correction",
    "long_form": "abbreviations",
    "related_queries": "related queries",
    "build_query": "query building",
    "missing_number": "document number check",
    "analyse": "query analysis",
}
# attribute path on the engine → stage name
ENGINE_STAGES = {
    ("backend", "search"): "backend search",
    ("facets", "counts"): "facet counts",
    ("store", "get_many"): "store read",
    ("catalogue", "linked_items"): "linked items (可办理)",
    ("catalogue", "item_card"): "item card",
    ("synonyms", "expand"): "synonym expansion",
}


# attribute path on the engine → part of a stage, timed inside it (reported apart, not in the sum)
INNER_PARTS = {
    ("semantic", "source", "nearest"): "title-vector scan (inside the semantic step)",
}


class Stages:
    def __init__(self) -> None:
        self.cpu: dict[str, float] = defaultdict(float)
        self.calls: dict[str, int] = defaultdict(int)
        self.inner: dict[str, float] = defaultdict(float)
        self.depth = 0

    def part(self, name: str, func: Callable[..., Any]) -> Callable[..., Any]:
        """Timed wherever it is called, inside a stage or not."""

        def timed(*args: Any, **kwargs: Any) -> Any:
            start = time.process_time()
            try:
                return func(*args, **kwargs)
            finally:
                self.inner[name] += time.process_time() - start

        return timed

    def wrap(self, name: str, func: Callable[..., Any]) -> Callable[..., Any]:
        def timed(*args: Any, **kwargs: Any) -> Any:
            if self.depth:  # inside another stage: counted there
                return func(*args, **kwargs)
            self.depth += 1
            start = time.process_time()
            try:
                return func(*args, **kwargs)
            finally:
                self.cpu[name] += time.process_time() - start
                self.calls[name] += 1
                self.depth -= 1

        return timed

    def reset(self) -> None:
        self.cpu.clear()
        self.calls.clear()
        self.inner.clear()


def instrument(engine: Any, module: Any, stages: Stages) -> None:
    for attr, name in MODULE_STAGES.items():
        if hasattr(module, attr):
            setattr(module, attr, stages.wrap(name, getattr(module, attr)))
    for (holder, attr), name in ENGINE_STAGES.items():
        owner = getattr(engine, holder, None)
        if owner is not None and hasattr(owner, attr):
            setattr(owner, attr, stages.wrap(name, getattr(owner, attr)))
    for path, name in INNER_PARTS.items():
        *holders, attr = path
        owner = engine
        for holder in holders:
            owner = getattr(owner, holder, None)
        if owner is not None and hasattr(owner, attr):
            setattr(owner, attr, stages.part(name, getattr(owner, attr)))
    scenarios = engine.catalogue.scenarios
    scenarios.card_for = stages.wrap("scenario card", scenarios.card_for)


def one_pass(engine: Any, request_type: Any, queries: list[str], stages: Stages) -> dict[str, Any]:
    stages.reset()
    times: list[float] = []
    for q in queries:
        start = time.process_time()
        engine.search(request_type(q=q))
        times.append((time.process_time() - start) * 1000)
    n = len(queries)
    total = sum(times)
    table = {
        k: {"cpu_ms_per_search": round(v * 1000 / n, 3), "calls": stages.calls[k]}
        for k, v in sorted(stages.cpu.items(), key=lambda kv: -kv[1])
    }
    rest = total / n - sum(v["cpu_ms_per_search"] for v in table.values())
    ordered = sorted(times)
    return {
        "searches": n,
        "cpu_ms_per_search": round(total / n, 3),
        "cpu_ms_p50": round(ordered[n // 2], 3),
        "cpu_ms_p95": round(ordered[int(n * 0.95)], 3),
        "cpu_ms_p99": round(ordered[min(n - 1, int(n * 0.99))], 3),
        "stages": table,
        "rest_ms_per_search": round(rest, 3),
        "parts": {k: round(v * 1000 / n, 3) for k, v in stages.inner.items()},
    }


def suggest_pass(engine: Any, prefixes: list[str]) -> dict[str, Any]:
    """CPU per suggestion request (`SearchEngine.suggest`, what /api/v1/suggest calls)."""
    times: list[float] = []
    for prefix in prefixes:
        start = time.process_time()
        engine.suggest(prefix)
        times.append((time.process_time() - start) * 1000)
    ordered, n = sorted(times), len(times)
    return {
        "suggestions": n,
        "cpu_ms_per_suggest": round(sum(times) / n, 3),
        "cpu_ms_p50": round(ordered[n // 2], 3),
        "cpu_ms_p95": round(ordered[int(n * 0.95)], 3),
    }


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--data-dir", type=Path, required=True)
    parser.add_argument("--shared", type=Path, default=ROOT.parent / "shared")
    parser.add_argument("--queries", type=int, default=300)
    parser.add_argument("--code", type=Path, default=ROOT)
    parser.add_argument("--label", default="after")
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "results")
    args = parser.parse_args()
    sys.path.insert(0, str(args.code.resolve()))
    sys.path.insert(1, str(ROOT / "bench"))
    from scale_corpus import query_mix, suggest_prefixes

    from govsearch.app import build_engine
    from govsearch.settings import Settings
    from search_api.engine import search as search_module
    from search_api.engine.models import SearchRequest

    settings = Settings(data_dir=args.data_dir, log_queries=False, reload_seconds=3600)
    start = time.process_time()
    engine = build_engine(settings)
    engine.warm()
    engine.search(SearchRequest(q="预热"))
    warm_cpu = time.process_time() - start
    stages = Stages()
    instrument(engine, search_module, stages)
    queries = query_mix(args.shared)[: args.queries]
    report = {
        "label": args.label,
        "code": str(args.code),
        "data_dir": str(args.data_dir),
        "load_before": os.getloadavg(),
        "start_cpu_s": round(warm_cpu, 2),
        "first_pass": one_pass(engine, SearchRequest, queries, stages),
        "second_pass": one_pass(engine, SearchRequest, queries, stages),
        "suggest": suggest_pass(engine, suggest_prefixes(queries[:120])),  # as bench/scale.py asks
        "load_after": os.getloadavg(),
    }
    args.out.mkdir(parents=True, exist_ok=True)
    name = f"search_cpu_{args.data_dir.name}_{args.label}_{dt.datetime.now(dt.UTC):%Y%m%d_%H%M}.json"
    (args.out / name).write_text(json.dumps(report, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    for key in ("first_pass", "second_pass"):
        run = report[key]
        print(f"{args.label} {key}: {run['cpu_ms_per_search']} CPU ms/search (p50 {run['cpu_ms_p50']})")
        for stage, row in run["stages"].items():
            print(f"  {row['cpu_ms_per_search']:8.3f} ms  {row['calls']:5d} calls  {stage}")
        print(f"  {run['rest_ms_per_search']:8.3f} ms  rest")
        for part, ms in run["parts"].items():
            print(f"  ({ms:7.3f} ms  {part})")
    hint = report["suggest"]
    p50, p95 = hint["cpu_ms_p50"], hint["cpu_ms_p95"]
    print(f"{args.label} suggest: {hint['cpu_ms_per_suggest']} CPU ms/suggestion (p50 {p50}, p95 {p95})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
