"""CPU per search over the generated spelling variants, by kind: one checkout's engine over a data
directory, the queries of `bench/eval/perturbed.tsv` asked twice (first pass new, second repeated).

    python bench/perturb_cpu.py --data-dir DIR [--code CHECKOUT] [--label NAME] >> OUT.jsonl

Run it with each checkout's Python on a copy of the same data directory (the engine writes its
knowledge file there), main first, then this work: a before/after pair of the same machine. CPU is the
process's user + system time (`time.process_time`); the first search of a kind includes what it loads
once (the everyday words of a pinyin reading).
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
QUERIES = ROOT / "bench" / "eval" / "perturbed.tsv"


def measure(data_dir: Path, label: str) -> dict[str, Any]:
    from govsearch.app import build_engine
    from govsearch.settings import Settings
    from search_api.engine.models import SearchRequest

    rows = [line.split("\t") for line in QUERIES.read_text(encoding="utf-8").splitlines()[1:] if line]
    started = time.process_time()
    engine = build_engine(Settings(data_dir=data_dir, log_queries=False))
    engine.knowledge.get()
    out: dict[str, Any] = {
        "label": label,
        "engine_and_knowledge_cpu_s": round(time.process_time() - started, 3),
    }
    for name in ("first", "second"):
        spent: dict[str, list[float]] = {}
        for query, _relevant, note in rows:
            before = time.process_time()
            engine.search(SearchRequest(q=query, size=10))
            spent.setdefault(note.split()[0], []).append(time.process_time() - before)
        every = sorted(t for times in spent.values() for t in times)
        out[name] = {
            "mean_ms": round(1000 * sum(every) / len(every), 2),
            "p95_ms": round(1000 * every[int(0.95 * len(every))], 2),
            "by_kind_mean_ms": {k: round(1000 * sum(v) / len(v), 2) for k, v in spent.items()},
        }
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--data-dir", type=Path, required=True)
    parser.add_argument("--code", type=Path, default=ROOT)
    parser.add_argument("--label", default="after")
    args = parser.parse_args()
    sys.path.insert(0, str(args.code.resolve()))
    print(json.dumps(measure(args.data_dir, args.label), ensure_ascii=False))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
