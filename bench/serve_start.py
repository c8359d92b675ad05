"""Benchmark: start-up and memory of `govsearch serve` over one built data directory, after each way a
data directory comes to be served.

    python bench/serve_start.py --data-dir DIR [--code CHECKOUT] [--label L] [--requests 200]
                                [--rounds first,indexed,second,one-doc]

Each round starts the server (the supervisor and its workers, `GOVSEARCH_WORKERS`), times until its
first search answers, records the resident memory of all its processes, sends a fixed number of searches
from the `bench/scale.py` query mix with one client (server CPU per search), records memory again and
stops it; the CPU seconds of the server's processes up to the first answer are the start-up figure a
loaded machine distorts least. Round `first` removes the knowledge files a checkout keeps in the data
directory, so the start builds them from the store; round `indexed` removes them too, runs
`govsearch index` (timed: what the index step costs when the store is unchanged) and then starts;
round `second` starts over what the rounds before kept; round `one-doc` changes the title of one
document in the store, runs `govsearch index` (the incremental path: its time and CPU are what one
changed document costs) and starts. Only `one-doc` changes the store (run it on a copy).
Writes
`bench/results/serve-start-<N>-<date>[-label].json`.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(Path(__file__).resolve().parent))

from reporting import child_cpu_seconds, write_corpus_run  # noqa: E402
from scale import cpu_seconds, free_port, load, rss_mb, serve  # noqa: E402
from scale_corpus import query_mix  # noqa: E402

KEPT = ("knowledge.pickle", "knowledge.bin", "matcher.bin", "spellings.bin")  # what main and this work keep
ROUNDS = ("first", "indexed", "second", "one-doc")
# Run in the benchmarked checkout: the title of one document changed, as a crawl of a revised page would.
CHANGE_ONE = """
import sys
from pathlib import Path
from indexer.storage import Database
from indexer.store import Store
store = Store(Database.for_path(Path(sys.argv[1])))
doc_id = store.corpus_rows()[0].id
doc = store.get(doc_id)
field = "item_name" if doc.kind == "guide" else "title"  # a guide's title is its item's name
store.upsert([doc.model_copy(update={field: getattr(doc, field) + "（修订）"})])
store.close()
print(doc_id)
"""


def index_step(data_dir: Path, code: Path) -> dict[str, float]:
    """`govsearch index` in the benchmarked checkout: wall-clock and CPU seconds."""
    env = {**os.environ, "GOVSEARCH_DATA_DIR": str(data_dir)}
    started, cpu = time.perf_counter(), child_cpu_seconds()
    command = [sys.executable, "-m", "govsearch.cli", "index"]
    subprocess.run(
        command, cwd=code, env=env, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    return {
        "index_s": round(time.perf_counter() - started, 2),
        "index_cpu_s": round(child_cpu_seconds() - cpu, 2),
    }


def prepare(name: str, data_dir: Path, code: Path) -> dict[str, float]:
    """What happens to the data directory before the round's start."""
    if name in ("first", "indexed"):
        for kept in KEPT:
            (data_dir / kept).unlink(missing_ok=True)
    if name == "one-doc":
        store = str(data_dir / "store.sqlite3")
        subprocess.run(
            [sys.executable, "-c", CHANGE_ONE, store], cwd=code, check=True, stdout=subprocess.DEVNULL
        )
    return index_step(data_dir, code) if name in ("indexed", "one-doc") else {}


def round_of(name: str, data_dir: Path, code: Path, queries: list[str], requests: int) -> dict[str, Any]:
    before = prepare(name, data_dir, code)
    port = free_port()
    proc, startup_s = serve(data_dir, port, False, code)
    try:
        startup_cpu_s = round(cpu_seconds(proc.pid), 2)  # supervisor and workers, to the first answer
        rss_start = rss_mb(proc.pid)
        searches = [{"q": queries[i % len(queries)]} for i in range(requests)]
        result = load(f"http://127.0.0.1:{port}/api/v1/search", searches, 1, proc.pid)
        time.sleep(5)  # a save beside the searches finishes before the stop
        return {
            **before,
            "startup_s": startup_s,
            "startup_cpu_s": startup_cpu_s,
            "rss_start_mb": rss_start,
            "rss_mb": rss_mb(proc.pid),
            "search_1": result,
        }
    finally:
        proc.terminate()
        try:
            proc.wait(120)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--data-dir", type=Path, required=True)
    parser.add_argument("--shared", type=Path, default=ROOT.parent / "shared")
    parser.add_argument("--code", type=Path, default=ROOT)
    parser.add_argument("--label", default="")
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--out", type=Path, default=ROOT / "bench/results")
    parser.add_argument("--rounds", default="first,second", help=f"comma-separated, of {', '.join(ROUNDS)}")
    args = parser.parse_args(argv)
    queries = query_mix(args.shared)
    report: dict[str, Any] = {"label": args.label, "code": str(args.code)}
    for name in args.rounds.split(","):
        if name not in ROUNDS:
            parser.error(f"unknown round {name!r}")
        report[name] = round_of(name, args.data_dir, args.code, queries, args.requests)
        print(name, json.dumps({k: v for k, v in report[name].items() if k != "search_1"}), flush=True)
    report["files_mb"] = {
        n: round((args.data_dir / n).stat().st_size / 1e6, 1) for n in KEPT if (args.data_dir / n).exists()
    }
    write_corpus_run(args.out, "serve-start", args.data_dir, args.label, report)
    return 0


if __name__ == "__main__":
    sys.exit(main())
