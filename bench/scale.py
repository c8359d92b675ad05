"""Benchmark: search at scale through the real HTTP API, against the raw engine in the same run.

    python bench/scale.py --docs 10000 [--shared ../shared] [--data-dir DIR] [--requests 600]

1. generates a seeded corpus of N service-item records (`bench/scale_corpus.py`), 2. builds it with the
product's own commands (`import-items`, then `index`: segmentation, the index write and linking) with a
progress bar, 3. starts `govsearch serve` on a loopback port and times until its first search answers,
4. drives /api/v1/search with a bounded closed-loop load generator (a fixed number of requests, 1 and 8
clients) and /api/v1/suggest with one client, 5. times the raw tantivy search of the same queries (the
engine's backend query, built outside the clock) in this process, 6. writes
`bench/results/scale-<N>-<date>.json` and redraws `bench/results/scale.png` from every scale result.
Ends with one line: `scale docs=N search_p50_ms=… search_p99_ms=… searches_per_s=… raw_p50_ms=…
build_docs_per_s=… rss_mb=…`. On a shared machine compare `server_cpu_ms` (server CPU time per
request) between runs: wall-clock latency there mostly measures the other work.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # run as a script from a checkout
sys.path.insert(0, str(Path(__file__).resolve().parent))

from scale_corpus import query_mix, records, suggest_prefixes, write_corpus  # noqa: E402
from scale_plot import plot  # noqa: E402

from bench.reporting import percentiles  # noqa: E402
from govsearch.settings import Settings  # noqa: E402
from indexer.vectors import vectors_path  # noqa: E402

RESULTS = ROOT / "bench/results"


def bar(label: str, done: int, total: int, started: float) -> None:
    share = done / total if total else 1.0
    filled = int(share * 30)
    rate = done / max(1e-9, time.perf_counter() - started)
    line = f"\r{label} [{'#' * filled}{'.' * (30 - filled)}] {done}/{total} {rate:,.0f}/s"
    print(line, end="\n" if done >= total else "", file=sys.stderr, flush=True)


def build(corpus: Path, data_dir: Path, docs: int, code: Path = ROOT) -> dict[str, float]:
    """The product's import and index commands (from checkout `code`); their progress lines drive the
    bar. Per phase: wall seconds, CPU seconds (user + system of the command and its worker processes,
    the figure a shared machine distorts least) and the peak RSS of its largest process."""
    phases: dict[str, float] = {}
    env = {**os.environ, "GOVSEARCH_DATA_DIR": str(data_dir)}
    for phase, args in (("import", ["import-items", str(corpus), "--no-index"]), ("index", ["index"])):
        started = time.perf_counter()
        command = [_python(code), "-m", "govsearch.cli", "--data-dir", str(data_dir), *args]
        proc = subprocess.Popen(command, cwd=code, env=env, stderr=subprocess.PIPE, text=True)
        assert proc.stderr is not None
        shown = 0
        for line in proc.stderr:
            done = _progress_count(line)
            if done is not None and shown < docs:
                shown = min(done, docs)
                bar(phase, shown, docs, started)
            elif line.startswith("关联事项：") and "/" in line:  # linking, after the import's last line
                linked, of = (int(n) for n in line[5:].split("/"))
                bar("link", linked, of, started)
        # wait4: the usage of the command with every worker process it waited for
        _pid, status, usage = os.wait4(proc.pid, 0)
        proc.returncode = os.waitstatus_to_exitcode(status)
        if proc.returncode != 0:
            raise SystemExit(f"{phase} failed (exit {proc.returncode})")
        if shown < docs:
            bar(phase, docs, docs, started)
        phases[f"{phase}_s"] = round(time.perf_counter() - started, 1)
        phases[f"{phase}_cpu_s"] = round(usage.ru_utime + usage.ru_stime, 1)
        phases[f"{phase}_peak_rss_mb"] = round(usage.ru_maxrss / 1024, 1)
    return phases


def _python(code: Path) -> str:
    """The checkout's own interpreter when it has one: its packages, its code."""
    own = code / ".venv/bin/python"
    return str(own) if own.exists() else sys.executable


def _progress_count(line: str) -> int | None:
    """The number of documents done in a progress line (导入：N 项 / 建索引：N/M)."""
    for head in ("导入：", "建索引："):
        if line.startswith(head):
            number = line[len(head) :].split("/")[0].split(" ")[0]
            return int(number) if number.isdigit() else None
    return None


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def rss_mb(pid: int, alone: bool = False) -> float:
    """Resident memory of the server process and its children (workers), in MB; `alone`: the one."""
    total = 0
    pids = [pid]
    while pids:
        current = pids.pop()
        try:
            status = Path(f"/proc/{current}/status").read_text()
            total += int(next(x for x in status.splitlines() if x.startswith("VmRSS")).split()[1])
            for task in [] if alone else Path(f"/proc/{current}/task").iterdir():
                pids += [int(c) for c in (task / "children").read_text().split()]
        except (OSError, StopIteration):
            continue
    return round(total / 1024, 1)


def rss_parts_mb(pid: int) -> dict[str, float]:
    """One process's resident memory by kind: its own heap (`anon`) and the pages of mapped files
    (`file`: the index, the vector rows and graph, knowledge.bin …), which every worker shares through
    the page cache and each counts in its RSS."""
    status = dict(line.split(":", 1) for line in Path(f"/proc/{pid}/status").read_text().splitlines())
    return {kind: round(int(status[f"Rss{kind.title()}"].split()[0]) / 1024, 1) for kind in ("anon", "file")}


def rss_each_mb(pid: int) -> list[float]:
    """Resident memory of the supervisor, then of each worker: the 2 GiB goal is per worker."""
    return [rss_mb(pid, alone=True)] + [rss_mb(worker) for worker in _workers(pid)]


def _workers(pid: int) -> list[int]:
    tasks = Path(f"/proc/{pid}/task").iterdir()
    children = [int(c) for task in tasks for c in (task / "children").read_text().split()]
    return [c for c in children if b"resource_tracker" not in Path(f"/proc/{c}/cmdline").read_bytes()]


def serve(data_dir: Path, port: int, log_queries: bool, code: Path) -> tuple[subprocess.Popen[bytes], float]:
    """Starts `govsearch serve`; returns it with the seconds until its first search answered."""
    env = {
        **os.environ,
        "GOVSEARCH_DATA_DIR": str(data_dir),
        "GOVSEARCH_ANONYMOUS_RATE": "",  # one address asks hundreds of times a second
        "GOVSEARCH_ANONYMOUS_SUGGEST_RATE": "",
        "GOVSEARCH_LOG_QUERIES": "true" if log_queries else "false",
    }
    command = [sys.executable, "-m", "govsearch.cli", "serve", "--port", str(port)]
    started = time.perf_counter()
    proc = subprocess.Popen(command, cwd=code, env=env, stdout=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}/api/v1/search"
    while time.perf_counter() - started < 900:
        try:
            if httpx.get(url, params={"q": "社保卡"}, timeout=60).status_code == 200:
                return proc, round(time.perf_counter() - started, 1)
        except httpx.HTTPError:
            time.sleep(0.2)
    proc.kill()
    raise SystemExit("the server did not answer within 900 s")


def cpu_seconds(pid: int) -> float:
    """CPU time (user + system) the server process and its children used so far: on a shared machine
    the cost of a search is read from it more reliably than from wall-clock latency."""
    total = 0.0
    pids = [pid]
    while pids:
        current = pids.pop()
        try:
            fields = Path(f"/proc/{current}/stat").read_text().rsplit(")", 1)[1].split()
            total += (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
            for task in Path(f"/proc/{current}/task").iterdir():
                pids += [int(c) for c in (task / "children").read_text().split()]
        except (OSError, IndexError, ValueError):
            continue
    return total


def load(url: str, params: list[dict[str, str]], clients: int, server: int = 0) -> dict[str, float]:
    """Closed loop: `clients` threads share the list of requests, each sending its next one as soon
    as the last one answered; bounded by the list's length. A 503 is counted as `shed` (the admission
    bound turned it away, by design under load), any other answer but 200 as an error."""
    times: list[float] = []
    errors = shed = 0
    cursor = iter(range(len(params)))
    lock = threading.Lock()

    def worker() -> None:
        nonlocal errors, shed
        with httpx.Client(timeout=120) as client:
            while True:
                with lock:
                    i = next(cursor, None)
                if i is None:
                    return
                start = time.perf_counter()
                status = client.get(url, params=params[i]).status_code
                took = (time.perf_counter() - start) * 1000
                with lock:
                    times.append(took)
                    errors += status not in (200, 503)
                    shed += status == 503

    started, cpu = time.perf_counter(), cpu_seconds(server) if server else 0.0
    threads = [threading.Thread(target=worker) for _ in range(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    wall = time.perf_counter() - started
    used = {"server_cpu_ms": round((cpu_seconds(server) - cpu) * 1000 / len(times), 2)} if server else {}
    return {
        **percentiles(times),
        "per_s": round(len(times) / wall, 1),
        "errors": errors,
        "shed": shed,
        **used,
    }


def raw_engine(data_dir: Path, queries: list[str]) -> dict[str, float]:
    """The backend search alone for the same queries (analysis and query building outside the clock)."""
    from indexer.backends import open_backend
    from search_api.engine import ranking
    from search_api.engine.models import SearchRequest
    from search_api.engine.query import analyse
    from search_api.engine.query_builder import build_query

    backend = open_backend("tantivy", data_dir, writable=False)
    built = [build_query(analyse(q), [], SearchRequest(q=q), depth=ranking.RERANK_DEPTH) for q in queries]
    times = []
    for query in built[:20] + built:
        start = time.perf_counter()
        backend.search(query)
        times.append((time.perf_counter() - start) * 1000)
    return percentiles(times[20:])


# Runs in the served checkout (`--code`), so that a before/after run writes with its own code.
_CHANGE = """
import json, sys
from pathlib import Path
from indexer.backends import open_backend
from indexer.importer import guide_from_record
from indexer.pipeline import update_index
from indexer.storage import Database
from indexer.store import Store
data_dir, record = Path(sys.argv[1]), json.loads(sys.argv[2])
store = Store(Database.for_path(data_dir / "store.sqlite3"))
store.upsert([guide_from_record(record)])
backend = open_backend("tantivy", data_dir, writable=True)
update_index(store, backend)
backend.close()
print("written", flush=True)
"""


def freshness(data_dir: Path, base: str, shared: Path, code: Path) -> float:
    """Seconds from a changed document written to the store and the index (as `govsearch index`
    writes it) until the running server finds it."""
    record = next(iter(records(1, shared)))
    record["事项名称"] = name = f"规模测试变更事项{int(time.time())}"
    change = [sys.executable, "-c", _CHANGE, str(data_dir), json.dumps(record, ensure_ascii=False)]
    writer = subprocess.run(change, cwd=code, check=True, capture_output=True, text=True)
    assert writer.stdout.strip() == "written"
    started = time.perf_counter()
    while time.perf_counter() - started < 60:
        if httpx.get(f"{base}/search", params={"q": name}, timeout=60).json()["total"]:
            return round(time.perf_counter() - started, 2)
        time.sleep(0.05)
    return -1.0


def measure(
    data_dir: Path, shared: Path, requests: int, log: bool, code: Path, change: bool
) -> dict[str, Any]:
    queries = query_mix(shared)
    searches = [{"q": queries[i % len(queries)]} for i in range(requests)]
    prefixes = [{"q": p} for p in suggest_prefixes(queries[:120])]
    port = free_port()
    proc, startup_s = serve(data_dir, port, log, code)
    base = f"http://127.0.0.1:{port}/api/v1"
    try:
        rss_start, rss_start_each = rss_mb(proc.pid), rss_each_mb(proc.pid)
        load(f"{base}/search", searches[:50], 1)  # warm-up
        results = {
            "search_1": load(f"{base}/search", searches, 1, proc.pid),
            "search_8": load(f"{base}/search", searches, 8, proc.pid),
            "suggest_1": load(f"{base}/suggest", prefixes, 1, proc.pid),
        }
        rss_end, rss_end_each = rss_mb(proc.pid), rss_each_mb(proc.pid)
        parts_end = [rss_parts_mb(worker) for worker in _workers(proc.pid)]
        fresh_s = freshness(data_dir, base, shared, code) if change else None  # it writes a document
    finally:
        proc.terminate()
        try:
            proc.wait(120)  # a loaded machine may take a while to shut down cleanly
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
    results["raw"] = raw_engine(data_dir, [p["q"] for p in searches])
    return {
        "results": results,
        "startup_s": startup_s,
        "rss_start_mb": rss_start,
        "rss_mb": rss_end,
        "rss_start_each_mb": rss_start_each,  # supervisor, then each worker
        "rss_each_mb": rss_end_each,
        "rss_parts_each_mb": parts_end,  # each worker after the load: own heap, shared file pages
        "change_searchable_s": fresh_s,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--docs", type=int, default=10_000)
    parser.add_argument("--shared", type=Path, default=ROOT.parent / "shared")
    parser.add_argument("--data-dir", type=Path, help="reuse (or keep) a built corpus here")
    parser.add_argument("--requests", type=int, default=600, help="searches per load run")
    parser.add_argument("--no-log", action="store_true", help="serve with the query log off")
    parser.add_argument("--code", type=Path, default=ROOT, help="serve another checkout (a before/after run)")
    parser.add_argument("--label", default="", help="added to the result file's name")
    parser.add_argument("--out", type=Path, default=RESULTS, help="where results and the plot go")
    parser.add_argument("--build-only", action="store_true", help="build and report the build; no serving")
    parser.add_argument("--no-change", action="store_true", help="no changed-document step (it writes)")
    args = parser.parse_args(argv)
    data_dir: Path = args.data_dir or Path(tempfile.mkdtemp(prefix="govsearch-scale-"))
    models = Settings().models  # as the build and the server read them from the environment
    report: dict[str, Any] = {
        "docs": args.docs,
        "log_queries": not args.no_log,
        "label": args.label,
        "semantic": bool(models),  # the semantic step (title vectors) built and served
        "semantic_models": list(models),
    }
    try:
        if not (data_dir / "store.sqlite3").exists():
            data_dir.mkdir(parents=True, exist_ok=True)
            corpus = data_dir / "corpus.jsonl"
            report["corpus_mb"] = round(write_corpus(args.docs, args.shared, corpus) / 1e6, 1)
            started = time.perf_counter()
            report["build"] = build(corpus, data_dir, args.docs, args.code)
            seconds = time.perf_counter() - started
            report["build"].update(seconds=round(seconds, 1), docs_per_s=round(args.docs / seconds, 1))
        # The models with vectors: a slow one is left out of a large collection (`indexer.vectors.sync_all`).
        report["semantic_models"] = [m for m in models if vectors_path(data_dir, m).exists()]
        if not args.build_only:
            report.update(
                measure(data_dir, args.shared, args.requests, not args.no_log, args.code, not args.no_change)
            )
    finally:
        if args.data_dir is None:
            shutil.rmtree(data_dir, ignore_errors=True)
    report["machine"] = f"{os.cpu_count()} cores, Python {platform.python_version()}"
    report["when"] = dt.datetime.now().isoformat(timespec="seconds")
    args.out.mkdir(parents=True, exist_ok=True)
    label = f"-{args.label}" if args.label else ""
    kind = "build" if args.build_only else "scale"  # build-only results stay out of the plot
    out = args.out / f"{kind}-{args.docs}-{dt.date.today():%Y%m%d}{label}.json"
    out.write_text(json.dumps(report, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    if args.build_only:
        print(f"scale docs={args.docs} build={json.dumps(report.get('build', 'reused'))}")
        return 0
    plot(args.out, args.out / "scale.png")
    print(summary(report))
    return 0


def summary(report: dict[str, Any]) -> str:
    r: Callable[[str], dict[str, Any]] = report["results"].__getitem__
    built = report.get("build", {}).get("docs_per_s", "reused")
    return (
        f"scale docs={report['docs']} search_p50_ms={r('search_1')['p50_ms']} "
        f"search_p99_ms={r('search_1')['p99_ms']} searches_per_s={r('search_8')['per_s']} "
        f"raw_p50_ms={r('raw')['p50_ms']} build_docs_per_s={built} rss_mb={report['rss_mb']}"
    )


if __name__ == "__main__":
    sys.exit(main())
