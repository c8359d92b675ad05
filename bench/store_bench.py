"""Benchmark: the store on the hot path of a search, release 0.1's sqlite3 code against `indexer.storage`
(SQLAlchemy Core) on the same SQLite file, in the same run.

  python bench/store_bench.py [--docs 2000] [--calls 2000] [--out bench/results/]

Per search the service fetches ~10 documents (`get_many`), checks the live synonym version, looks up
best bets for the query and logs the query. "old" is release 0.1's code for those four calls (its SQL
and its per-thread sqlite3 connection, copied here because the release code is gone from the
product); "new" is the repositories the product uses now. Rounds alternate old/new so both see the
same machine; the result is the median per call over the rounds and the ratio new ÷ old.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import random
import sqlite3
import statistics
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path

from pydantic import TypeAdapter

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # run as a script from a checkout

from indexer.documents import Document, ServiceGuide  # noqa: E402
from indexer.storage import Database  # noqa: E402
from indexer.store import Store  # noqa: E402
from search_api.engine.best_bets import BestBet, BestBets, _bet, query_key  # noqa: E402
from synonyms.staff_store import StaffStore  # noqa: E402

ADAPTER: TypeAdapter[Document] = TypeAdapter(Document)
ROUNDS = 5
PAGE = 10


class OldStore:
    """Release 0.1's statements for the four hot-path calls, on one sqlite3 connection per thread."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._local = threading.local()

    def _connect(self) -> sqlite3.Connection:
        conn: sqlite3.Connection | None = getattr(self._local, "conn", None)
        if conn is None:
            conn = sqlite3.connect(self.path, timeout=30)
            conn.execute("PRAGMA journal_mode=WAL")
            conn.execute("PRAGMA synchronous=NORMAL")
            self._local.conn = conn
        return conn

    def get_many(self, ids: list[str]) -> dict[str, Document]:
        marks = ",".join("?" * len(ids))
        sql = f"SELECT id, data FROM documents WHERE id IN ({marks}) AND withdrawn = 0"
        rows = self._connect().execute(sql, ids).fetchall()
        return {row[0]: ADAPTER.validate_json(row[1]) for row in rows}

    def current_version(self) -> int:
        row = self._connect().execute("SELECT COALESCE(MAX(id), 0) FROM synonym_versions").fetchone()
        return int(row[0])

    def best_bets(self, query: str) -> list[BestBet]:
        day = dt.date.today().isoformat()
        with self._connect() as conn:
            rows = conn.execute(
                "SELECT id, query, doc_id, author, comment, expires, created FROM best_bets"
                " WHERE query_key = ? AND (expires IS NULL OR expires >= ?) ORDER BY id LIMIT ?",
                (query_key(query), day, 2),
            ).fetchall()
        return [_bet(row) for row in rows]

    def log_query(self, query: str, kind: str | None, page: int, total: int, filters: str = "") -> None:
        now = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
        conn = self._connect()
        with conn:
            conn.execute(
                "INSERT INTO query_log (at, query, type, page, total, filters) VALUES (?, ?, ?, ?, ?, ?)",
                (now, query, kind, page, total, filters),
            )


def _guides(n: int) -> list[Document]:
    return [
        ServiceGuide(
            url=f"http://127.0.0.1/bszn/{i}.html",
            site="示例市政务服务网",
            item_name=f"示例事项{i}",
            item_code=f"G{i:06d}",
            authority="示例市政务服务数据管理局",
            conditions="符合条件的申请人可以申请。" * 20,
            materials=["申请表", "居民身份证"],
        )
        for i in range(n)
    ]


def _operations(
    old: OldStore, store: Store, staff: StaffStore, bets: BestBets, ids: list[str]
) -> dict[str, tuple[Callable[[], object], Callable[[], object]]]:
    rng = random.Random(7)
    pages = [rng.sample(ids, PAGE) for _ in range(64)]
    counter = iter(range(10**9))

    def page() -> list[str]:
        return pages[next(counter) % len(pages)]

    return {
        f"get_many({PAGE} documents)": (lambda: old.get_many(page()), lambda: store.get_many(page())),
        "live synonym version": (old.current_version, staff.current_version),
        "best-bet lookup": (lambda: old.best_bets("社保卡 补办"), lambda: bets.for_query("社保卡 补办")),
        "query-log insert": (
            lambda: old.log_query("社保卡", "guide", 1, 12, "year=2024"),
            lambda: store.log_query("社保卡", "guide", 1, 12, "year=2024"),
        ),
    }


def _per_call_us(function: Callable[[], object], calls: int) -> float:
    started = time.perf_counter()
    for _ in range(calls):
        function()
    return (time.perf_counter() - started) / calls * 1e6


def _row(old_us: float, new_us: float) -> dict[str, float]:
    return {"old_us": round(old_us, 1), "new_us": round(new_us, 1), "ratio": round(new_us / old_us, 2)}


def measure(path: Path, docs: int, calls: int) -> dict[str, dict[str, float]]:
    database = Database.for_path(path)
    store, staff, bets = Store(database), StaffStore(database), BestBets(database)
    guides = _guides(docs)
    store.upsert(guides)
    bets.add("社保卡补办", guides[0].id, "张工")
    old = OldStore(path)
    operations = _operations(old, store, staff, bets, [g.id for g in guides])
    results: dict[str, dict[str, float]] = {}
    for name, (old_call, new_call) in operations.items():
        old_call(), new_call()  # warm: connections, compiled statements
        old_times, new_times = [], []
        for _ in range(ROUNDS):
            old_times.append(_per_call_us(old_call, calls))
            new_times.append(_per_call_us(new_call, calls))
        old_us, new_us = statistics.median(old_times), statistics.median(new_times)
        results[name] = _row(old_us, new_us)
    old_total = sum(r["old_us"] for r in results.values())
    new_total = sum(r["new_us"] for r in results.values())
    results["all four (one search)"] = _row(old_total, new_total)
    database.close()
    return results


def write(out: Path, results: dict[str, dict[str, float]], docs: int, calls: int) -> Path:
    out.mkdir(parents=True, exist_ok=True)
    day = dt.date.today().strftime("%Y%m%d")
    meta = {
        "date": dt.date.today().isoformat(),
        "documents": docs,
        "calls_per_round": calls,
        "rounds": ROUNDS,
    }
    text = json.dumps({**meta, "results": results}, ensure_ascii=False, indent=2)
    (out / f"store_{day}.json").write_text(text, encoding="utf-8")
    lines = [
        "# Store benchmark: release 0.1 sqlite3 code vs indexer.storage (SQLAlchemy Core)",
        "",
        f"{meta['date']}, {docs} documents, median of {ROUNDS} rounds of {calls} calls each,"
        " one SQLite file (WAL), one thread.",
        "",
        "| call | old (µs) | new (µs) | new ÷ old |",
        "|---|---|---|---|",
        *(f"| {name} | {r['old_us']} | {r['new_us']} | {r['ratio']}× |" for name, r in results.items()),
        "",
    ]
    md = out / f"store_{day}.md"
    md.write_text("\n".join(lines), encoding="utf-8")
    return md


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--docs", type=int, default=2000)
    parser.add_argument("--calls", type=int, default=2000)
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "results")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        results = measure(Path(tmp) / "store.sqlite3", args.docs, args.calls)
    md = write(args.out, results, args.docs, args.calls)
    print(md.read_text(encoding="utf-8"))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
