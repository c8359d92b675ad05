"""Benchmark: the tantivy backend against a SQLite FTS5 baseline on synthetic government documents.

    python bench/backend_bench.py [--docs 100000] [--queries 300] [--out bench/results/]

Both engines get the same pre-segmented, space-joined tokens (segmentation is timed separately).
  * common term   – one frequent token, top 10 by BM25 (title weight 3, body 1).
  * synonym groups – 3 groups × 3 alternatives. tantivy: `BackendQuery` with 3 `Group`s of 3 `Clause`s
    (should of dis-max, as the service sends it); FTS5: `(a OR b OR c) OR (d OR e OR f) OR (g OR h OR i)`,
    the same match set (any alternative of any group), ranked by FTS5's summed bm25.
  * mixed         – 1–4 random tokens, OR semantics on both, single-thread queries per second.
  * suggest       – `TantivyBackend.suggest`, 1–2 character prefixes segmented as the service does it.
tantivy goes through the real `TantivyBackend.search`, which also counts all hits and loads stored ids;
FTS5 runs `ORDER BY bm25 LIMIT 10` and returns ids without a total count. Build: tantivy via the real
`index()` (upsert by id, facets; 2 writer threads; merges awaited), batches of 10k;
FTS5 plain INSERTs into a regular (content-storing) table, one transaction per batch.
"""

from __future__ import annotations

import argparse
import datetime as dt
import importlib.metadata
import json
import os
import platform
import random
import resource
import sqlite3
import statistics
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # run as a script from a checkout; `indexer` need not be installed

from bench.synthetic_docs import SEED, Doc, build_corpus, index_docs, make_doc  # noqa: E402
from indexer.analysis import segment_query  # noqa: E402
from indexer.backends.base import BackendQuery, Clause, Group  # noqa: E402
from indexer.backends.tantivy_backend import TantivyBackend  # noqa: E402

BATCH = 10_000
TITLE_WEIGHT, BODY_WEIGHT = 3.0, 1.0
FIELD_WEIGHTS = {"title": TITLE_WEIGHT, "body": BODY_WEIGHT}


def dir_bytes(path: Path) -> int:
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file())


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0  # Linux reports KiB


def build_tantivy(path: Path, corpus: Sequence[Doc]) -> tuple[TantivyBackend, float]:
    docs = index_docs(corpus)
    backend = TantivyBackend(path, writable=True)
    start = time.perf_counter()
    for lo in range(0, len(docs), BATCH):
        backend.index(docs[lo : lo + BATCH])
    backend.close()  # waits for background merges, so the size on disk is settled
    elapsed = time.perf_counter() - start
    backend.refresh()
    return backend, elapsed


def build_fts(path: Path, corpus: Sequence[Doc]) -> tuple[sqlite3.Connection, float]:
    conn = sqlite3.connect(path)
    conn.execute("CREATE VIRTUAL TABLE docs USING fts5(id UNINDEXED, title, body, tokenize='unicode61')")
    start = time.perf_counter()
    for lo in range(0, len(corpus), BATCH):
        rows = [(f"d{i}", t, b) for i, (_k, t, b) in enumerate(corpus[lo : lo + BATCH], start=lo)]
        with conn:
            conn.executemany("INSERT INTO docs(id, title, body) VALUES (?, ?, ?)", rows)
    return conn, time.perf_counter() - start


def fts_stored_bytes(conn: sqlite3.Connection) -> int:
    """Bytes of FTS5's own copy of the text (tantivy keeps no text), 0 if SQLite lacks dbstat."""
    try:
        return int(conn.execute("SELECT sum(pgsize) FROM dbstat WHERE name = 'docs_content'").fetchone()[0])
    except sqlite3.OperationalError:
        return 0


def fts_quote(token: str) -> str:
    return '"' + token.replace('"', '""') + '"'


FTS_SQL = (
    f"SELECT id, bm25(docs, 0.0, {TITLE_WEIGHT}, {BODY_WEIGHT}) AS s FROM docs "
    "WHERE docs MATCH ? ORDER BY s LIMIT 10"
)


def fts_search(conn: sqlite3.Connection, match: str) -> list[str]:
    return [row[0] for row in conn.execute(FTS_SQL, (match,))]


def backend_query(groups: Sequence[Sequence[str]]) -> BackendQuery:
    parsed = tuple(Group(clauses=tuple(Clause(tokens=(t,)) for t in g)) for g in groups)
    return BackendQuery(groups=parsed, field_weights=FIELD_WEIGHTS, limit=10)


def fts_match(groups: Sequence[Sequence[str]]) -> str:
    return " OR ".join("(" + " OR ".join(fts_quote(t) for t in g) + ")" for g in groups)


def latencies_ms(run: Callable[[Any], object], items: Sequence[Any], warmup: int = 10) -> list[float]:
    for item in items[:warmup]:
        run(item)
    out = []
    for item in items:
        start = time.perf_counter_ns()
        run(item)
        out.append((time.perf_counter_ns() - start) / 1e6)
    return out


def pct(values: Sequence[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(q * (len(ordered) - 1))))]


def summary(values: Sequence[float]) -> dict[str, float]:
    return {"p50_ms": pct(values, 0.50), "p95_ms": pct(values, 0.95), "mean_ms": statistics.fmean(values)}


def make_queries(corpus: Sequence[Doc], n: int, rng: random.Random) -> dict[str, list[Any]]:
    """Query terms come from the segmented corpus itself, so every engine sees tokens that exist."""
    df: Counter[str] = Counter()
    for _k, title, body in corpus[:3000]:
        df.update({t for t in (title + " " + body).split() if len(t) >= 2})
    ranked = [t for t, _ in df.most_common()]
    common, pool = ranked[:10], ranked[:300]
    titles = [k for k, _t, _b in corpus]
    starts = [(key, rng.randrange(len(key))) for key in rng.choices(titles, k=n)]
    prefixes = [key[at : at + rng.choice((1, 2))] for key, at in starts]
    return {
        "common": [[[rng.choice(common)]] for _ in range(n)],
        "synonyms": [[rng.sample(pool, 3) for _g in range(3)] for _ in range(n)],
        "mixed": [[[t] for t in rng.sample(pool, rng.randint(1, 4))] for _ in range(n)],
        "suggest": [segment_query(p) or [p] for p in prefixes],  # as the service passes them
    }


def machine_facts() -> dict[str, Any]:
    info = Path("/proc/cpuinfo")
    lines = info.read_text().splitlines() if info.exists() else []
    cpu = next((ln.split(":", 1)[1].strip() for ln in lines if ln.startswith("model name")), "")
    return {
        "date": dt.datetime.now().isoformat(timespec="seconds"),
        "nproc": os.cpu_count(),
        "cpu": cpu,
        "python": platform.python_version(),
        "platform": platform.platform(),
        "tantivy": importlib.metadata.version("tantivy"),
        "sqlite": sqlite3.sqlite_version,
    }


def fmt_n(n: int) -> str:
    return f"{n // 1000}k" if n >= 1000 and n % 1000 == 0 else str(n)


def render_table(r: dict[str, Any]) -> str:
    f, t = r["fts5"], r["tantivy"]

    def row(label: str, a: float, b: float, unit: str, digits: int = 2) -> str:
        return f"| {label} | {a:,.{digits}f} {unit} | {b:,.{digits}f} {unit} | {b / a:.2f}× |"

    lines = [
        f"| {fmt_n(r['docs'])} documents | SQLite FTS5 | tantivy (our backend) | ratio (tantivy ÷ FTS5) |",
        "|---|---|---|---|",
        row("common term p50", f["common"]["p50_ms"], t["common"]["p50_ms"], "ms"),
        row("common term p95", f["common"]["p95_ms"], t["common"]["p95_ms"], "ms"),
        row("synonym groups (3×3) p50", f["synonyms"]["p50_ms"], t["synonyms"]["p50_ms"], "ms"),
        row("synonym groups (3×3) p95", f["synonyms"]["p95_ms"], t["synonyms"]["p95_ms"], "ms"),
        row("mixed queries, 1 thread", f["mixed_qps"], t["mixed_qps"], "q/s", 0),
        row("build (segmentation excluded)", f["build_docs_per_s"], t["build_docs_per_s"], "docs/s", 0),
        row("index size on disk", f["size_mb"], t["size_mb"], "MB", 1),
        row("… minus FTS5's copy of the text", f["size_without_text_mb"], t["size_without_text_mb"], "MB", 1),
        f"| suggest p50 / p95 (tantivy only) | – | {t['suggest']['p50_ms']:.2f} / "
        f"{t['suggest']['p95_ms']:.2f} ms | – |",
    ]
    m = r["machine"]
    notes = [
        "",
        f"Latency, size: lower is better; q/s, docs/s: higher is better. {r['queries']} queries per row, "
        f"top 10, title weight {TITLE_WEIGHT:g} / body {BODY_WEIGHT:g}; synonym groups are OR of 3 groups of "
        "3 alternatives on both engines (tantivy: should of dis-max; FTS5: flat OR, summed bm25).",
        f"Segmentation (rjieba search mode, {r['procs']} processes): {r['segment_s']:.1f} s, "
        f"{r['docs'] / r['segment_s']:,.0f} docs/s, avg body {r['avg_body_bytes']:,.0f} bytes. "
        f"Peak RSS: {r['rss_mb']['after_corpus']:,.0f} MB after corpus, "
        f"{r['rss_mb']['after_tantivy']:,.0f} MB after tantivy build, "
        f"{r['rss_mb']['after_fts5']:,.0f} MB after FTS5 build. Total runtime {r['total_s']:.0f} s.",
        f"Machine: {m['nproc']} CPUs ({m['cpu']}), Python {m['python']}, tantivy {m['tantivy']}, "
        f"SQLite {m['sqlite']}, {m['date']}.",
    ]
    return "\n".join(lines + notes) + "\n"


def check_positive(value: Any, path: str = "") -> None:
    if isinstance(value, dict):
        for key, sub in value.items():
            check_positive(sub, f"{path}.{key}")
    elif isinstance(value, (int, float)) and not isinstance(value, bool) and value <= 0:
        raise ValueError(f"benchmark number {path} is not positive: {value}")


def main(argv: Sequence[str] | None = None) -> dict[str, Any]:
    fmt = argparse.RawDescriptionHelpFormatter
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=fmt)
    parser.add_argument("--docs", type=int, default=100_000)
    parser.add_argument("--queries", type=int, default=300)
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "results")
    parser.add_argument("--procs", type=int, default=2, help="processes for segmentation")
    args = parser.parse_args(argv)
    total_start = time.perf_counter()
    rng = random.Random(SEED)

    start = time.perf_counter()
    corpus = build_corpus(args.docs, args.procs)
    segment_s = time.perf_counter() - start
    sample = [make_doc(i)[1] for i in range(min(200, args.docs))]
    rss: dict[str, float] = {"after_corpus": peak_rss_mb()}
    queries = make_queries(corpus, args.queries, rng)
    print(f"corpus: {args.docs} docs segmented in {segment_s:.1f} s", flush=True)

    with tempfile.TemporaryDirectory(prefix="govsearch-bench-") as tmp:
        tantivy_dir, fts_path = Path(tmp) / "tantivy", Path(tmp) / "fts5.sqlite"
        backend, tantivy_build_s = build_tantivy(tantivy_dir, corpus)
        rss["after_tantivy"] = peak_rss_mb()
        print(f"tantivy built in {tantivy_build_s:.1f} s", flush=True)
        conn, fts_build_s = build_fts(fts_path, corpus)
        rss["after_fts5"] = peak_rss_mb()
        print(f"fts5 built in {fts_build_s:.1f} s", flush=True)
        del corpus

        # Sanity: both engines must see the same documents for the same token.
        for term in [q[0][0] for q in queries["common"][:5]]:
            ours = backend.search(backend_query([[term]])).total
            sql = "SELECT count(*) FROM docs WHERE docs MATCH ?"
            theirs = conn.execute(sql, (fts_quote(term),)).fetchone()[0]
            if ours != theirs:
                raise RuntimeError(f"hit counts differ for {term!r}: tantivy {ours}, FTS5 {theirs}")

        def tan(groups: Sequence[Sequence[str]]) -> object:
            return backend.search(backend_query(groups))

        def fts(groups: Sequence[Sequence[str]]) -> object:
            return fts_search(conn, fts_match(groups))

        results: dict[str, Any] = {"tantivy": {}, "fts5": {}}
        for name, run in (("tantivy", tan), ("fts5", fts)):
            res = results[name]
            res["common"] = summary(latencies_ms(run, queries["common"]))
            res["synonyms"] = summary(latencies_ms(run, queries["synonyms"]))
            mixed = latencies_ms(run, queries["mixed"])
            res["mixed"] = summary(mixed)
            res["mixed_qps"] = len(mixed) / (sum(mixed) / 1000.0)
            print(f"{name} queries done", flush=True)
        results["tantivy"]["suggest"] = summary(latencies_ms(backend.suggest, queries["suggest"]))
        results["tantivy"]["doc_count"] = backend.count()
        results["fts5"]["doc_count"] = conn.execute("SELECT count(*) FROM docs").fetchone()[0]
        stored = fts_stored_bytes(conn)
        conn.close()
        for name, build_s, size, text in (
            ("tantivy", tantivy_build_s, dir_bytes(tantivy_dir), 0),  # tantivy stores only the id
            ("fts5", fts_build_s, fts_path.stat().st_size, stored),
        ):
            results[name]["build_s"] = build_s
            results[name]["build_docs_per_s"] = args.docs / build_s
            results[name]["size_mb"] = size / 1e6
            results[name]["size_without_text_mb"] = (size - text) / 1e6

    report: dict[str, Any] = {
        "docs": args.docs,
        "queries": args.queries,
        "procs": args.procs,
        "segment_s": segment_s,
        "avg_body_bytes": statistics.fmean(len(b.encode("utf-8")) for b in sample),
        "rss_mb": rss,
        **results,
        "machine": machine_facts(),
        "total_s": time.perf_counter() - total_start,
    }
    check_positive({k: v for k, v in report.items() if k != "machine"})
    table = render_table(report)
    out: Path = args.out
    out.mkdir(parents=True, exist_ok=True)
    stem = f"backend_{dt.date.today():%Y%m%d}"
    (out / f"{stem}.md").write_text(table, encoding="utf-8")
    raw = json.dumps(report, ensure_ascii=False, indent=2) + "\n"
    (out / f"{stem}.json").write_text(raw, encoding="utf-8")
    print(table)
    print(f"wrote {out / stem}.md and .json", flush=True)
    return report


if __name__ == "__main__":
    main()
