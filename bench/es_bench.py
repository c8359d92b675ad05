"""Benchmark: the Elasticsearch backend beside the embedded tantivy index, same corpus, same queries,
same run.

    python bench/es_bench.py [--data-dir DIR] [--shared ../shared] [--out bench/results/]

The corpus is built as `bench/relevance.sh` builds it (or taken from --data-dir). Elasticsearch is the
cluster at GOVSEARCH_ELASTICSEARCH_URL, else one node (512 MB heap) started on loopback with
../shared/tools/elasticsearch/ and stopped at the end; the bench writes under its own index prefix.
  * build     – every document of the store written to a fresh index (analysis done beforehand, the
                same IndexDocs for both), documents per second, including the final commit/refresh.
  * search    – /api/v1/search through the real app (in-process ASGI client): the dev queries and the
                citizens' message titles, page 1, the whole experience.
  * suggest   – /api/v1/suggest on the same prefixes as bench/search_bench.py.
Ratios are Elasticsearch ÷ tantivy.
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # run as a script from a checkout

from fastapi.testclient import TestClient  # noqa: E402

from bench.reporting import bench_parser, write_results  # noqa: E402
from bench.search_bench import build_corpus, queries, timed  # noqa: E402
from govsearch.app import create_app  # noqa: E402
from govsearch.settings import Settings  # noqa: E402
from indexer.backends import SearchBackend, open_backend  # noqa: E402
from indexer.fields import IndexDoc, to_index_doc  # noqa: E402
from indexer.storage import Database  # noqa: E402
from indexer.store import Store  # noqa: E402

PREFIX = "govsearch-bench"
BATCH = 500


@contextmanager
def elasticsearch(shared: Path, work: Path) -> Iterator[str]:
    """The cluster's URL: the configured one, or a node started (and stopped) here."""
    configured = os.environ.get("GOVSEARCH_ELASTICSEARCH_URL")
    if configured:
        yield configured
        return
    tools, port = shared / "tools/elasticsearch", 9395
    work.chmod(0o755)  # the node runs as the user `elasticsearch` when we are root
    env = {**os.environ, "ES_HEAP": "512m"}
    subprocess.run(["bash", str(tools / "start.sh"), str(port), str(work / "es")], check=True, env=env)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        subprocess.run(["bash", str(tools / "stop.sh"), str(port), str(work / "es")], check=False)


def settings_for(backend: str, data_dir: Path, url: str) -> Settings:
    return Settings(
        data_dir=data_dir,
        backend=backend,
        elasticsearch_url=url,
        elasticsearch_index_prefix=PREFIX,
        elasticsearch_replicas=0,
        log_queries=False,
        reload_seconds=3600,
        anonymous_rate="",
        anonymous_suggest_rate="",
    )


def build(backend: SearchBackend, docs: list[IndexDoc]) -> dict[str, float]:
    started = time.perf_counter()
    for i in range(0, len(docs), BATCH):
        backend.index(docs[i : i + BATCH])
    seconds = time.perf_counter() - started
    assert backend.count() == len(docs), "not every document arrived"
    return {"seconds": round(seconds, 2), "docs_per_s": round(len(docs) / seconds, 1)}


def measure_one(settings: Settings, docs: list[IndexDoc], shared: Path) -> dict[str, Any]:
    if settings.backend == "tantivy":
        target = settings.data_dir / "index"
        if target.exists():
            raise SystemExit(f"{target} exists: give a data directory without an index")
    backend = open_backend(
        settings.backend, settings.data_dir, writable=True, elasticsearch=settings.elasticsearch
    )
    built = build(backend, docs)
    backend.close()
    search_q, prefixes = queries(shared)
    app = create_app(settings)
    app.state.search_engine.knowledge.get()
    with TestClient(app) as client:
        return {
            "build": built,
            "search": timed(search_q, lambda q: client.get("/api/v1/search", params={"q": q})),
            "suggest": timed(prefixes, lambda p: client.get("/api/v1/suggest", params={"q": p})),
        }


def markdown(report: dict[str, Any]) -> str:
    t, e = report["tantivy"], report["elasticsearch"]

    def row(name: str, a: float, b: float, unit: str) -> str:
        return f"| {name} | {a:,} {unit} | {b:,} {unit} | {b / a:.2f}× |"

    lines = [
        f"| {report['documents']:,} documents | tantivy (embedded) | Elasticsearch, 1 node "
        "| ratio (ES ÷ tantivy) |",
        "|---|---|---|---|",
        row("search p50 (HTTP API)", t["search"]["p50_ms"], e["search"]["p50_ms"], "ms"),
        row("search p95 (HTTP API)", t["search"]["p95_ms"], e["search"]["p95_ms"], "ms"),
        row("suggest p50 (HTTP API)", t["suggest"]["p50_ms"], e["suggest"]["p50_ms"], "ms"),
        row("suggest p95 (HTTP API)", t["suggest"]["p95_ms"], e["suggest"]["p95_ms"], "ms"),
        row("build (analysis excluded)", t["build"]["docs_per_s"], e["build"]["docs_per_s"], "docs/s"),
        "",
        f"{t['search']['n']} search queries, {t['suggest']['n']} suggestion prefixes; Elasticsearch "
        f"{report['es_url']} ({report['es_version']}), 1 shard, 0 replicas, on the same machine. "
        f"{report['when']}.",
    ]
    return "\n".join(lines) + "\n"


def main(argv: Sequence[str] | None = None) -> int:
    args = bench_parser(__doc__, "a data directory with a store and no index").parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="govsearch-es-bench-") as tmp:
        data_dir = args.data_dir or Path(tmp) / "data"
        if not args.data_dir:
            build_corpus(args.shared, data_dir)
            shutil.rmtree(data_dir / "index", ignore_errors=True)
        store = Store(Database.for_path(data_dir / "store.sqlite3"))
        store.reset_indexed()  # every document is pending: the way to read them all
        docs = [to_index_doc(doc) for _, doc in store.pending() if doc is not None]
        store.close()
        with elasticsearch(args.shared, Path(tmp)) as url:
            report: dict[str, Any] = {"documents": len(docs), "es_url": url}
            for name in ("tantivy", "elasticsearch"):
                report[name] = measure_one(settings_for(name, data_dir, url), docs, args.shared)
            from elasticsearch import Elasticsearch

            client = Elasticsearch(url)
            report["es_version"] = client.info()["version"]["number"]
            client.indices.delete(index=f"{PREFIX}*")
            client.indices.delete_index_template(name=f"{PREFIX}-template")
    report["when"] = dt.datetime.now().isoformat(timespec="seconds")
    write_results(args.out, "es", report, markdown(report))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
