"""Benchmark: the full search on the embedded SQLite store and on PostgreSQL, in one run.

    python bench/store_backends_bench.py [--data-dir DIR] [--shared ../shared]
        [--server postgresql+psycopg://postgres@127.0.0.1:5432/] [--out bench/results/]

The corpus is built as `bench/search_bench.py` builds it (the Guangdong service items and the 60
gov.cn pages) into a SQLite store, then moved with `govsearch db copy` into a fresh PostgreSQL database
(dropped at the end). Both apps share the same index; only GOVSEARCH_DATABASE_URL differs. With the
query log on (as in production):
  * search       – /api/v1/search through the real app (in-process ASGI client), the dev queries and
                   645 citizens' message titles, page 1.
  * store calls  – what one search asks of the store, alone: fetch the hits' documents, the live
                   synonym version, best bets for the query, the query-log row.
The question is whether the store's share of a search grows out of proportion on a server database.
"""

from __future__ import annotations

import datetime as dt
import platform
import secrets
import subprocess
import sys
import tempfile
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # run as a script from a checkout
sys.path.insert(0, str(ROOT / "bench"))

from fastapi.testclient import TestClient  # noqa: E402
from search_bench import build_corpus, queries, timed  # noqa: E402
from sqlalchemy import create_engine, text  # noqa: E402

from bench.reporting import bench_parser, write_results  # noqa: E402
from govsearch.app import create_app  # noqa: E402
from govsearch.settings import Settings  # noqa: E402
from search_api.engine.models import SearchRequest  # noqa: E402
from search_api.engine.query import analyse  # noqa: E402
from search_api.engine.query_builder import build_query  # noqa: E402

SERVER = "postgresql+psycopg://postgres@127.0.0.1:5432/"


@contextmanager
def fresh_database(server: str) -> Iterator[str]:
    admin = create_engine(f"{server}postgres", isolation_level="AUTOCOMMIT")
    name = f"govsearch_bench_{secrets.token_hex(4)}"
    with admin.connect() as conn:
        conn.execute(text(f"CREATE DATABASE {name}"))
    try:
        yield f"{server}{name}"
    finally:
        with admin.connect() as conn:
            conn.execute(text(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
        admin.dispose()


def measure(settings: Settings, search_q: list[str]) -> dict[str, dict[str, float]]:
    app = create_app(settings)
    service = app.state.search_engine
    service.knowledge.get()
    hit_ids = {}
    for q in search_q:
        analysed = analyse(q)
        query = build_query(analysed, service.synonyms.expand(analysed.tokens), SearchRequest(q=q))
        hit_ids[q] = [h.id for h in service.backend.search(query).hits]

    def store_calls(q: str) -> None:
        service.store.get_many(hit_ids[q])
        service.synonyms.store.current_version()
        service.best_bets.for_query(q)
        service.store.log_query(q, None, 1, len(hit_ids[q]), "", "bench")

    with TestClient(app) as client:
        results = {
            "search": timed(search_q, lambda q: client.get("/api/v1/search", params={"q": q})),
            "store_calls": timed(search_q, store_calls),
        }
    service.store.close()
    return results


def markdown(report: dict[str, Any]) -> str:
    lines = [
        f"| {report['documents']:,} documents | search p50 / p95 | store calls of one search p50 / p95 "
        "| store share of p50 |",
        "|---|---|---|---|",
    ]
    for name, r in report["results"].items():
        share = r["store_calls"]["p50_ms"] / r["search"]["p50_ms"] if r["search"]["p50_ms"] else 0.0
        lines.append(
            f"| {name} | {r['search']['p50_ms']} / {r['search']['p95_ms']} ms "
            f"| {r['store_calls']['p50_ms']} / {r['store_calls']['p95_ms']} ms | {share:.0%} |"
        )
    s, p = report["results"]["SQLite"]["search"], report["results"]["PostgreSQL"]["search"]
    ratios = f"p50 {p['p50_ms'] / s['p50_ms']:.2f}×, p95 {p['p95_ms'] / s['p95_ms']:.2f}×"
    lines += [
        "",
        f"PostgreSQL ÷ SQLite, search {ratios}. {s['n']} queries (dev set + message titles) through the "
        "HTTP API of the real app, query log on; the same index; PostgreSQL on loopback, filled by "
        f"`govsearch db copy`. {report['machine']}, {report['when']}.",
    ]
    return "\n".join(lines) + "\n"


def main(argv: Sequence[str] | None = None) -> int:
    parser = bench_parser(__doc__, "an existing data directory (default: build one)")
    parser.add_argument("--server", default=SERVER, help="PostgreSQL server URL ending in /")
    args = parser.parse_args(argv)
    search_q, _prefixes = queries(args.shared)
    with (
        tempfile.TemporaryDirectory(prefix="govsearch-store-bench-") as tmp,
        fresh_database(args.server) as url,
    ):
        data_dir = args.data_dir or Path(tmp)
        if not args.data_dir:
            build_corpus(args.shared, data_dir)
        base = Settings(data_dir=data_dir, reload_seconds=3600, anonymous_rate="", anonymous_suggest_rate="")
        sqlite_url = base.store_url
        copy = ["db", "copy", "--from", sqlite_url, "--to", url]
        command = [sys.executable, "-m", "govsearch.cli", *copy]
        subprocess.run(command, cwd=ROOT, check=True, capture_output=True)
        results = {
            "SQLite": measure(base, search_q),
            "PostgreSQL": measure(base.model_copy(update={"database_url": url}), search_q),
        }
        app = create_app(base)
        documents = app.state.search_engine.store.count()
        app.state.search_engine.store.close()
    report = {
        "results": results,
        "documents": documents,
        "machine": f"{platform.processor() or platform.machine()}, Python {platform.python_version()}",
        "when": dt.datetime.now().isoformat(timespec="seconds"),
    }
    write_results(args.out, "store_backends", report, markdown(report))
    return 0


if __name__ == "__main__":
    sys.exit(main())
