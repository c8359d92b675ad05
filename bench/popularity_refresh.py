"""Benchmark: what a change of popular queries or synonym terms costs a serving worker: the knowledge
rebuilt in full (as before 2026-12-02) against brought up to date over the corpus already read
(`knowledge.updated`).

    python bench/popularity_refresh.py --docs 100000 [--shared ../shared] [--data-dir DIR]

Generates the seeded corpus of `bench/scale_corpus.py` into a store (`import-items --no-index`: the
knowledge reads the store, not the index), builds the knowledge once, logs 200 queries searched by three
visitors each (they become popular) and adds a synonym term, then times, in the same process and
alternating three times, a full `build_knowledge` and `updated` over the first build. Writes
`bench/results/popularity-refresh-<N>-<date>.json` and prints one line.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import TypedDict

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # run as a script from a checkout
sys.path.insert(0, str(ROOT / "bench"))

from scale_corpus import query_mix, write_corpus  # noqa: E402

ROUNDS = 3


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--docs", type=int, default=100_000)
    parser.add_argument("--shared", type=Path, default=ROOT.parent / "shared")
    parser.add_argument("--data-dir", type=Path, help="kept for another run (default: a temporary one)")
    parser.add_argument("--out", type=Path, default=ROOT / "bench/results")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as scratch:
        data = args.data_dir or Path(scratch) / "data"
        result = run(args.docs, args.shared, data)
    args.out.mkdir(parents=True, exist_ok=True)
    day = dt.date.today().strftime("%Y%m%d")
    (args.out / f"popularity-refresh-{args.docs}-{day}.json").write_text(
        json.dumps(result, ensure_ascii=False, indent=1) + "\n", encoding="utf-8"
    )
    full, fresh = min(result["full_build_s"]), min(result["updated_s"])
    print(
        f"popularity-refresh docs={args.docs} full_build_s={full:.2f} "
        f"updated_s={fresh:.2f} ratio={fresh / full:.3f}"
    )


class Result(TypedDict):
    docs: int
    titles: int
    popular_queries: int
    full_build_s: list[float]
    updated_s: list[float]
    same_terms_and_lexicon: bool
    when: str


def run(docs: int, shared: Path, data: Path) -> Result:
    from indexer.storage import Database
    from indexer.storage.logs import QueryLog
    from search_api.engine.knowledge import Given, build_knowledge, updated
    from search_api.engine.query_log import DEFAULT_POPULARITY

    store = data / "store.sqlite3"
    if not store.exists():
        data.mkdir(parents=True, exist_ok=True)
        corpus = data.parent / f"corpus-{docs}.jsonl"
        write_corpus(docs, shared, corpus)
        command = [sys.executable, "-m", "govsearch.cli", "--data-dir", str(data)]
        subprocess.run([*command, "import-items", str(corpus), "--no-index"], check=True, cwd=ROOT)
    database = Database.for_path(store)
    known = build_knowledge(database, Given.of(["社保卡", "公积金"], (), DEFAULT_POPULARITY))
    given = Given.of(["社保卡", "公积金", "医保卡"], (), DEFAULT_POPULARITY)
    log = QueryLog(database)
    popular = query_mix(shared)[:200]
    for query in popular:
        for visitor in ("a", "b", "c"):
            log.log_query(query, None, 1, 1, visitor=visitor)
    full: list[float] = []
    fresh: list[float] = []
    for _ in range(ROUNDS):  # alternating: the shared machine's load falls on both alike
        started = time.perf_counter()
        rebuilt = build_knowledge(database, given)
        full.append(time.perf_counter() - started)
        started = time.perf_counter()
        fresh_knowledge = updated(known, database, given)
        fresh.append(time.perf_counter() - started)
    same = (rebuilt.corpus.terms, rebuilt.lexicon.full) == (
        fresh_knowledge.corpus.terms,
        fresh_knowledge.lexicon.full,
    )
    return {
        "docs": docs,
        "titles": len(known.corpus.titles),
        "popular_queries": len(fresh_knowledge.popular),
        "full_build_s": [round(s, 3) for s in full],
        "updated_s": [round(s, 3) for s in fresh],
        "same_terms_and_lexicon": same,
        "when": dt.datetime.now().isoformat(timespec="seconds"),
    }


if __name__ == "__main__":
    main()
