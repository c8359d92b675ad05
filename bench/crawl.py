"""Benchmark: crawler throughput against a local HTTP server with politeness off.

    python bench/crawl.py [--pages 3000] [--hosts 8] [--concurrency 8] [--out bench/results/]

The server runs in its own process on 127.0.0.1, on `--hosts` ports (one "site" per port, so the
crawler keeps its one-request-per-host rule and still runs `--concurrency` pages in parallel). It serves
the 60 real gov.cn pages of ../shared/data/pages/govcn_2019 under `--pages` distinct URLs (each with a
unique first paragraph), from list pages of 100 links. "Politeness off" = no delay, no robots.txt.
Every page goes through the real crawler: frontier (SQLite), fetch, charset, page signals,
extraction, page store, and the real document store (`indexer.store.Store.upsert`).
Baseline in the same run: extraction + store of the same pages without HTTP or frontier.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import json
import multiprocessing
import os
import platform
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # run as a script from a checkout

from crawler.extract.policy import extract_policy  # noqa: E402
from crawler.options import CrawlOptions  # noqa: E402
from crawler.profiles import DetailPattern, SiteProfile  # noqa: E402
from crawler.run import crawl_sync  # noqa: E402
from crawler.sink import CrawlSink  # noqa: E402
from indexer.documents import DocumentKind, PolicyDocument, ServiceGuide  # noqa: E402
from indexer.storage import Database  # noqa: E402
from indexer.store import Store  # noqa: E402

PAGES_DIR = ROOT.parent / "shared" / "data" / "pages" / "govcn_2019"
LINKS_PER_LIST = 100


def load_templates() -> list[str]:
    files = sorted(PAGES_DIR.glob("*.html"))
    if not files:
        raise SystemExit(f"no pages in {PAGES_DIR}")
    return [path.read_text(encoding="utf-8") for path in files]


def page(templates: list[str], number: int) -> str:
    html = templates[number % len(templates)]
    marker = f"<p>第{number}号测试页面：本段文字使每个页面的正文互不相同。</p>"
    return html.replace('id="UCAP-CONTENT">', f'id="UCAP-CONTENT">{marker}', 1)


def site_pages(templates: list[str], pages: int, host: int, hosts: int) -> dict[str, bytes]:
    """Path → body for one host: its share of the detail pages and the list pages linking them."""
    numbers = list(range(host, pages, hosts))
    found = {f"/p/{n}.html": page(templates, n).encode("utf-8") for n in numbers}
    lists = [numbers[i : i + LINKS_PER_LIST] for i in range(0, len(numbers), LINKS_PER_LIST)]
    for index, chunk in enumerate(lists):
        links = "".join(f'<a href="/p/{n}.html">{n}</a>' for n in chunk)
        found[f"/list/{index}.html"] = f"<html><body>{links}</body></html>".encode()
    root = "".join(f'<a href="/list/{i}.html">{i}</a>' for i in range(len(lists)))
    found["/"] = f"<html><body>{root}</body></html>".encode()
    return found


def serve(pages: int, hosts: int, ports: Any, ready: Any) -> None:
    """The server process: a minimal asyncio HTTP/1.1 server (keep-alive, prebuilt responses) per port,
    so that the server is not what limits the measurement."""
    templates = load_templates()
    tables = [
        {path: _response(200, body) for path, body in site_pages(templates, pages, host, hosts).items()}
        for host in range(hosts)
    ]
    missing = _response(404, b"not found")

    def handler(
        table: dict[str, bytes],
    ) -> Callable[[asyncio.StreamReader, asyncio.StreamWriter], Awaitable[None]]:
        async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
            try:
                while head := await reader.readuntil(b"\r\n\r\n"):
                    path = head.split(b" ", 2)[1].decode("ascii", "replace")
                    writer.write(table.get(path, missing))
                    await writer.drain()
            except (asyncio.IncompleteReadError, ConnectionError):
                pass
            finally:
                writer.close()

        return handle

    async def main() -> None:
        for table in tables:
            server = await asyncio.start_server(handler(table), "127.0.0.1", 0)
            ports.append(server.sockets[0].getsockname()[1])
        ready.set()
        await asyncio.Event().wait()

    asyncio.run(main())


def _response(status: int, body: bytes) -> bytes:
    reason = "OK" if status == 200 else "Not Found"
    head = f"HTTP/1.1 {status} {reason}\r\nContent-Type: text/html; charset=utf-8\r\n"
    return head.encode() + f"Content-Length: {len(body)}\r\n\r\n".encode() + body


def crawl_run(ports: list[int], pages: int, concurrency: int, dedup: bool, workdir: Path) -> dict[str, Any]:
    seeds = [f"http://127.0.0.1:{port}/" for port in ports]
    profile = SiteProfile(
        name="bench",
        site="基准测试",
        seeds=seeds,
        list_patterns=[r"^/(list/\d+\.html)?$"],
        detail=[DetailPattern(pattern=r"^/p/\d+\.html$", kind=DocumentKind.POLICY)],
        sitemaps=False,
        max_pages=pages * 2,
    )
    database = Database.for_path(workdir / "store.sqlite3")
    store = Store(database)

    def put(doc: PolicyDocument | ServiceGuide) -> None:
        store.upsert([doc])

    options = CrawlOptions(
        delay=0.0, concurrency=concurrency, robots=False, attachments=False, dedup=dedup, retries=0
    )
    started, cpu = time.perf_counter(), time.process_time()
    report = crawl_sync(profile, database, CrawlSink(on_document=put, lookup=store.get), options)
    elapsed, cpu = time.perf_counter() - started, time.process_time() - cpu
    stored = store.count()
    store.close()
    if report.errors:
        raise RuntimeError(f"crawl errors: {report.errors} {report.error_samples}")
    return {
        "fetched": report.fetched,
        "documents": report.documents,
        "duplicates": report.duplicates,
        "stored": stored,
        "seconds": elapsed,
        "crawler_cpu_seconds": cpu,
        "pages_per_s": report.fetched / elapsed,
        "documents_per_s": (report.documents + report.duplicates) / elapsed,
    }


def baseline(pages: int, workdir: Path) -> dict[str, Any]:
    """Extraction + store of the same pages, without HTTP, frontier or page store."""
    templates = load_templates()
    bodies = [page(templates, n) for n in range(pages)]
    store = Store(Database.for_path(workdir / "baseline.sqlite3"))
    started = time.perf_counter()
    for number, html in enumerate(bodies):
        doc = extract_policy(f"http://127.0.0.1/p/{number}.html", html, site="基准测试")
        assert doc is not None
        store.upsert([doc])
    elapsed = time.perf_counter() - started
    store.close()
    return {"documents": pages, "seconds": elapsed, "documents_per_s": pages / elapsed}


def render(report: dict[str, Any]) -> str:
    crawl, dedup, base = report["crawl"], report["crawl_dedup"], report["baseline"]
    rows = [
        ("crawl, politeness off (fetch + parse + store)", crawl),
        ("… with near-duplicate detection on", dedup),
        ("baseline: parse + store only, no HTTP", base),
    ]
    lines = [
        f"| {report['pages']} pages, {report['hosts']} hosts, concurrency {report['concurrency']} "
        "| documents/s | seconds | ratio to baseline |",
        "|---|---|---|---|",
    ]
    for name, row in rows:
        ratio = row["documents_per_s"] / base["documents_per_s"]
        lines.append(f"| {name} | {row['documents_per_s']:,.0f} | {row['seconds']:.1f} | {ratio:.2f}× |")
    machine = report["machine"]
    lines += [
        "",
        f"Crawl: {crawl['fetched']} requests ({crawl['pages_per_s']:,.0f} pages/s including list pages); "
        f"the crawler process used {crawl['crawler_cpu_seconds']:.1f} s of CPU, i.e. "
        f"{crawl['fetched'] / crawl['crawler_cpu_seconds']:,.0f} pages per CPU-second; "
        f"{crawl['stored']} documents stored; with dedup {dedup['duplicates']} pages folded as reposts "
        "(the pages repeat 60 templates).",
        f"Machine: {machine['cpus']} CPUs, Python {machine['python']}, {machine['at']}. "
        "Server and crawler share the machine.",
    ]
    return "\n".join(lines) + "\n"


def main() -> dict[str, Any]:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--pages", type=int, default=3000)
    parser.add_argument("--hosts", type=int, default=8)
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "results")
    args = parser.parse_args()
    manager = multiprocessing.Manager()
    ports, ready = manager.list(), manager.Event()
    server = multiprocessing.Process(target=serve, args=(args.pages, args.hosts, ports, ready), daemon=True)
    server.start()
    try:
        ready.wait(60)
        with tempfile.TemporaryDirectory() as tmp:
            (Path(tmp) / "a").mkdir()
            (Path(tmp) / "b").mkdir()
            crawl = crawl_run(list(ports), args.pages, args.concurrency, False, Path(tmp) / "a")
            dedup = crawl_run(list(ports), args.pages, args.concurrency, True, Path(tmp) / "b")
            base = baseline(args.pages, Path(tmp))
    finally:
        server.terminate()
    report = {
        "pages": args.pages,
        "hosts": args.hosts,
        "concurrency": args.concurrency,
        "crawl": crawl,
        "crawl_dedup": dedup,
        "baseline": base,
        "machine": {
            "cpus": os.cpu_count(),
            "python": platform.python_version(),
            "at": dt.datetime.now().isoformat(timespec="seconds"),
        },
    }
    table = render(report)
    args.out.mkdir(parents=True, exist_ok=True)
    stem = f"crawl_{dt.date.today():%Y%m%d}"
    (args.out / f"{stem}.md").write_text(table, encoding="utf-8")
    (args.out / f"{stem}.json").write_text(
        json.dumps(report, ensure_ascii=False, indent=2) + "\n", encoding="utf-8"
    )
    print(table)
    return report


if __name__ == "__main__":
    main()
