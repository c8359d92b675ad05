"""Benchmark: what one change costs a built data directory (issue 18) — `govsearch index` after one
document's title changed, `govsearch import-items` of one renamed item, and the time until a running
server answers with the change.

    CHECKOUT/.venv/bin/python bench/incremental.py --data-dir DIR [--code CHECKOUT] [--label L] [--work DIR]

(run with the benchmarked checkout's python: its commands run in `--code` with that interpreter).

The data directory is copied to `--work` first (a shared corpus is never written). In the copy, one
`govsearch index` settles the store (a checkout whose link-state format differs relinks everything once
here: reported as `settle`, not counted as a change), then `govsearch serve` starts and each round
changes the store, runs the command (CPU seconds of it and its children, wall) and polls the running
server until a search for the new title finds the changed document: `served_after_write_s` from the
write to that answer, `served_after_command_s` from the command's end. The server's CPU over the round
is reported too (a server that notices a changed store reloads the index and opens the new files).
Writes `bench/results/incremental-<N>-<date>[-label].json` and ends with one line per round.
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import httpx

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(Path(__file__).resolve().parent))

from reporting import child_cpu_seconds, write_corpus_run  # noqa: E402
from scale import cpu_seconds, free_port, serve  # noqa: E402

# Run in the benchmarked checkout: one document's title changed, as a crawl of a revised page would.
CHANGE_ONE = """
import sys
from pathlib import Path
from indexer.storage import Database
from indexer.store import Store
store = Store(Database.for_path(Path(sys.argv[1])))
doc = store.get(store.corpus_rows()[int(sys.argv[2])].id)
field = "item_name" if doc.kind == "guide" else "title"  # a guide's title is its item's name
store.upsert([doc.model_copy(update={field: getattr(doc, field) + sys.argv[3]})])
store.close()
print(getattr(doc, field) + sys.argv[3])
"""


def _command(args: list[str], data_dir: Path, code: Path) -> dict[str, float]:
    started, cpu = time.perf_counter(), child_cpu_seconds()
    with data_dir.with_suffix(".log").open("a", encoding="utf-8") as log:  # the commands' messages
        subprocess.run(
            [sys.executable, "-m", "govsearch.cli", "--data-dir", str(data_dir), *args],
            cwd=code,
            check=True,
            stdout=subprocess.DEVNULL,
            stderr=log,
        )
    return {
        "command_s": round(time.perf_counter() - started, 2),
        "command_cpu_s": round(child_cpu_seconds() - cpu, 2),
    }


def _served(base: str, title: str, limit: float = 120.0) -> float:
    """Seconds until a search for `title` shows a hit with that title (-1 when not within `limit`)."""
    started = time.perf_counter()
    while time.perf_counter() - started < limit:
        hits = httpx.get(f"{base}/search", params={"q": title}, timeout=60).json()["hits"]
        if any(title in hit["title"] for hit in hits):
            return time.perf_counter() - started
        time.sleep(0.05)
    return -1.0


def one_doc(data_dir: Path, base: str, number: int, code: Path) -> dict[str, Any]:
    write = time.perf_counter()
    changed = [
        sys.executable,
        "-c",
        CHANGE_ONE,
        str(data_dir / "store.sqlite3"),
        str(number),
        f"（修订{number}）",
    ]
    title = subprocess.run(changed, cwd=code, check=True, capture_output=True, text=True).stdout.strip()
    ran = _command(["index"], data_dir, code)
    after = _served(base, title)
    return {**ran, "served_after_command_s": round(after, 2),
            "served_after_write_s": round(time.perf_counter() - write, 2) if after >= 0 else -1}  # fmt: skip


def one_item(data_dir: Path, base: str, number: int, code: Path, work: Path) -> dict[str, Any]:
    with (data_dir / "corpus.jsonl").open(encoding="utf-8") as lines:
        record = json.loads(next(line for k, line in enumerate(lines) if k == number))
    record["事项名称"] = title = f"{record['事项名称']}（调整{number}-{int(time.time()) % 100_000}）"
    path = work / f"item-{number}.jsonl"
    path.write_text(json.dumps(record, ensure_ascii=False) + "\n", encoding="utf-8")
    write = time.perf_counter()
    ran = _command(["import-items", str(path)], data_dir, code)
    after = _served(base, title)
    return {**ran, "served_after_command_s": round(after, 2),
            "served_after_write_s": round(time.perf_counter() - write, 2) if after >= 0 else -1}  # fmt: skip


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--data-dir", type=Path, required=True)
    parser.add_argument("--work", type=Path, default=Path("/tmp/govsearch-incremental"))
    parser.add_argument("--code", type=Path, default=ROOT, help="the checkout whose commands run")
    parser.add_argument("--label", default="")
    parser.add_argument("--rounds", type=int, default=2, help="rounds of each kind of change")
    parser.add_argument("--out", type=Path, default=ROOT / "bench/results")
    parser.add_argument("--reuse", action="store_true", help="use the copy a run before made in --work")
    args = parser.parse_args(argv)
    data_dir = args.work / (args.label or "run")
    if not (args.reuse and data_dir.exists()):
        shutil.rmtree(data_dir, ignore_errors=True)
        shutil.copytree(args.data_dir, data_dir, symlinks=True)
    code = args.code
    report: dict[str, Any] = {
        "label": args.label,
        "code": str(code),
        "settle": _command(["index"], data_dir, code),
    }
    port = free_port()
    proc, _startup = serve(data_dir, port, False, code)
    base = f"http://127.0.0.1:{port}/api/v1"
    try:
        for kind in ("one_doc", "one_item"):
            for k in range(args.rounds):
                server_cpu = cpu_seconds(proc.pid)
                number = 7 + 1000 * k
                found = one_doc(data_dir, base, number, code) if kind == "one_doc" else one_item(
                    data_dir, base, number, code, args.work)  # fmt: skip
                time.sleep(3)  # the server's own reload of what changed, counted with the round
                found["server_cpu_s"] = round(cpu_seconds(proc.pid) - server_cpu, 2)
                report[f"{kind}_{k}"] = found
                print(kind, k, json.dumps(found), flush=True)
    finally:
        proc.terminate()
        proc.wait(120)
    write_corpus_run(args.out, "incremental", data_dir, args.label, report)
    return 0


if __name__ == "__main__":
    sys.exit(main())
