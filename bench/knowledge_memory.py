"""Benchmark: what each serving structure costs in memory and time, over one built data directory.

    python bench/knowledge_memory.py --data-dir DIR [--out bench/results]

Builds the knowledge (corpus, pinyin lexicon, suggester) and the item matcher from the store the way a
serving worker does, then opens the knowledge again from its files in the data directory (or from
`knowledge.pickle` for a checkout that keeps it so), each in its own child process, and reports per part:
the bytes of its Python objects (a walk of everything reachable from it, shared objects counted once),
the resident memory the process gained (RSS, what a worker pays) and the CPU seconds taken. Per
document and per distinct title figures make two corpus sizes extrapolate to a third. Writes
`bench/results/knowledge-memory-<N>-<date>[-label].json` and prints one line per part.
"""

from __future__ import annotations

import argparse
import datetime as dt
import gc
import json
import multiprocessing
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # run as a script from a checkout


def deep_size(root: object) -> int:
    """Bytes of every object reachable from `root` (each counted once); numpy arrays by their buffer,
    memory maps not at all (the page cache holds them, shared by every worker)."""
    import numpy as np

    seen: set[int] = set()
    total = 0
    stack = [root]
    while stack:
        obj = stack.pop()
        if id(obj) in seen or isinstance(obj, type):
            continue
        seen.add(id(obj))
        if isinstance(obj, np.memmap):
            continue
        if isinstance(obj, np.ndarray):
            owned = obj.base is None or not isinstance(obj.base, np.memmap | memoryview | bytes)
            total += sys.getsizeof(obj) if not owned else obj.nbytes + 112
            continue
        if isinstance(obj, memoryview | np.memmap):
            continue
        total += sys.getsizeof(obj)
        stack.extend(gc.get_referents(obj))
    return total


def rss_mb() -> float:
    status = Path("/proc/self/status").read_text()
    return int(next(x for x in status.splitlines() if x.startswith("VmRSS")).split()[1]) / 1024


def cpu_s() -> float:
    return time.process_time()


def _engine_parts(data_dir: Path) -> tuple[Any, Any, list[str]]:
    from govsearch.database import open_database
    from govsearch.serving_files import live_synonyms
    from govsearch.settings import Settings

    settings = Settings(data_dir=data_dir)
    database = open_database(settings)
    terms = live_synonyms(settings, database).reviewed_terms()
    return settings, database, terms


def _measure(data_dir: Path, mode: str, queue: Any) -> None:
    """One child process: `build` builds everything from the store; `open` opens the saved files."""
    from indexer.store import Store
    from search_api.engine.catalogue_search import CatalogueSearch
    from search_api.engine.knowledge import KnowledgeCache

    settings, database, terms = _engine_parts(data_dir)
    out: dict[str, Any] = {"rss_before_mb": round(rss_mb(), 1)}
    cache = KnowledgeCache(database, terms, frozenset(), path=settings.knowledge_path)
    if mode == "build":
        settings.knowledge_path.unlink(missing_ok=True)
        for stale in [*data_dir.glob("knowledge.*"), *data_dir.glob("matcher.*")]:
            if stale.is_dir():
                import shutil

                shutil.rmtree(stale)
            else:
                stale.unlink()
    rss, cpu, wall = rss_mb(), cpu_s(), time.perf_counter()
    know = cache.get()
    cache.settle()
    out["knowledge"] = {
        "rss_mb": round(rss_mb() - rss, 1),
        "cpu_s": round(cpu_s() - cpu, 2),
        "wall_s": round(time.perf_counter() - wall, 2),
    }
    parts = {f"corpus.{name}": getattr(know.corpus, name) for name in vars(know.corpus)}
    parts.update(lexicon=know.lexicon, suggester=know.suggester)
    out["parts_mb"] = {name: round(deep_size(value) / 1e6, 2) for name, value in parts.items()}
    out["titles"] = len(know.corpus.titles)
    out["docs"] = len(know.corpus.docs)
    rss, cpu, wall = rss_mb(), cpu_s(), time.perf_counter()
    try:
        catalogue = CatalogueSearch(Store(database), data_dir / "matcher.bin")  # type: ignore[call-arg,unused-ignore]
    except TypeError:  # a checkout that does not keep the matcher
        catalogue = CatalogueSearch(Store(database))
    matcher = catalogue.matcher()
    out["matcher"] = {
        "rss_mb": round(rss_mb() - rss, 1),
        "cpu_s": round(cpu_s() - cpu, 2),
        "wall_s": round(time.perf_counter() - wall, 2),
        "objects_mb": round(deep_size(matcher) / 1e6, 2),
    }
    out["rss_after_mb"] = round(rss_mb(), 1)
    queue.put(out)


def run(data_dir: Path, mode: str) -> dict[str, Any]:
    context = multiprocessing.get_context("spawn")  # a fresh interpreter, like a serving worker
    queue = context.Queue()
    child = context.Process(target=_measure, args=(data_dir, mode, queue))
    child.start()
    result: dict[str, Any] = queue.get()
    child.join()
    return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--data-dir", type=Path, required=True)
    parser.add_argument("--label", default="", help="added to the result file's name")
    parser.add_argument("--out", type=Path, default=ROOT / "bench/results")
    args = parser.parse_args(argv)
    report = {"build": run(args.data_dir, "build"), "open": run(args.data_dir, "open")}
    docs = report["build"]["docs"]
    report["when"] = dt.datetime.now().isoformat(timespec="seconds")
    args.out.mkdir(parents=True, exist_ok=True)
    label = f"-{args.label}" if args.label else ""
    out = args.out / f"knowledge-memory-{docs}-{dt.date.today():%Y%m%d}{label}.json"
    out.write_text(json.dumps(report, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    for mode, part in report.items():
        if isinstance(part, dict):
            print(f"{mode}: knowledge {part['knowledge']} matcher {part['matcher']}")
    print(json.dumps(report["build"]["parts_mb"]))
    return 0


if __name__ == "__main__":
    sys.exit(main())
