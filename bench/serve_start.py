"""Benchmark: start-up and memory of `govsearch serve` over one built data directory, first and second start.

    python bench/serve_start.py --data-dir DIR [--code CHECKOUT] [--label L] [--requests 200]

Each round starts the server (the supervisor and its workers, `GOVSEARCH_WORKERS`), times until its
first search answers, records the resident memory of all its processes, sends a fixed number of searches
from the `bench/scale.py` query mix with one client (server CPU per search), records memory again and
stops it; the CPU seconds of the server's processes up to the first answer are the start-up figure a
loaded machine distorts least. Round `first` removes the knowledge files a checkout keeps in the data
directory, so the start builds them from the store; round `second` starts over what the first one
kept. Unlike `bench/scale.py` it changes nothing in the store, so the second start sees the same store.
Writes
`bench/results/serve-start-<N>-<date>[-label].json`.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(Path(__file__).resolve().parent))

from scale import cpu_seconds, free_port, load, rss_mb, serve  # noqa: E402
from scale_corpus import query_mix  # noqa: E402

KEPT = ("knowledge.pickle", "knowledge.bin", "matcher.bin")  # what main and this work keep


def round_of(data_dir: Path, code: Path, queries: list[str], requests: int) -> dict[str, Any]:
    port = free_port()
    proc, startup_s = serve(data_dir, port, False, code)
    try:
        startup_cpu_s = round(cpu_seconds(proc.pid), 2)  # supervisor and workers, to the first answer
        rss_start = rss_mb(proc.pid)
        searches = [{"q": queries[i % len(queries)]} for i in range(requests)]
        result = load(f"http://127.0.0.1:{port}/api/v1/search", searches, 1, proc.pid)
        time.sleep(5)  # a save beside the searches finishes before the stop
        return {
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
    args = parser.parse_args(argv)
    queries = query_mix(args.shared)
    for name in KEPT:
        (args.data_dir / name).unlink(missing_ok=True)
    report: dict[str, Any] = {"label": args.label, "code": str(args.code)}
    for name in ("first", "second"):
        report[name] = round_of(args.data_dir, args.code, queries, args.requests)
        print(name, json.dumps({k: v for k, v in report[name].items() if k != "search_1"}), flush=True)
    report["files_mb"] = {
        n: round((args.data_dir / n).stat().st_size / 1e6, 1) for n in KEPT if (args.data_dir / n).exists()
    }
    report["when"] = dt.datetime.now().isoformat(timespec="seconds")
    docs = (
        sum(1 for _ in (args.data_dir / "corpus.jsonl").open())
        if (args.data_dir / "corpus.jsonl").exists()
        else 0
    )
    label = f"-{args.label}" if args.label else ""
    out = args.out / f"serve-start-{docs}-{dt.date.today():%Y%m%d}{label}.json"
    out.write_text(json.dumps(report, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    print(out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
