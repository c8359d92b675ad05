"""What the benchmark scripts share: their common options and how a run's results are written."""

from __future__ import annotations

import argparse
import datetime as dt
import json
import resource
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"


def bench_parser(doc: str | None, data_dir_help: str | None = None) -> argparse.ArgumentParser:
    """A script's parser with `--shared` and `--out`, and `--data-dir` when `data_dir_help` is given."""
    parser = argparse.ArgumentParser(description=doc, formatter_class=argparse.RawDescriptionHelpFormatter)
    if data_dir_help is not None:
        parser.add_argument("--data-dir", type=Path, help=data_dir_help)
    parser.add_argument("--shared", type=Path, default=ROOT.parent / "shared")
    parser.add_argument("--out", type=Path, default=RESULTS)
    return parser


def tsv_column(path: Path, name: str) -> list[str]:
    """The non-empty values of the column `name` of a TSV file with a header line."""
    header, *lines = path.read_text(encoding="utf-8").splitlines()
    at = header.split("\t").index(name)
    return [value for line in lines if line.strip() and (value := line.split("\t")[at].strip())]


def percentile(values: list[float], share: float) -> float:
    """The nearest-rank value below which `share` of `values` lie (0.0 for none)."""
    if not values:
        return 0.0
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(len(ordered) * share))]


def percentiles(times_ms: list[float]) -> dict[str, float]:
    """Count, mean, p50, p95, p99 and max of latencies in milliseconds, rounded to 0.01 ms."""
    return {
        "n": len(times_ms),
        "mean_ms": round(sum(times_ms) / len(times_ms), 2) if times_ms else 0.0,
        **{f"p{round(share * 100)}_ms": round(percentile(times_ms, share), 2) for share in (0.5, 0.95, 0.99)},
        "max_ms": round(max(times_ms, default=0.0), 2),
    }


def write_results(out: Path, name: str, report: dict[str, Any], markdown: str) -> Path:
    """`out/<name>_<date>.json` and `.md`; prints the Markdown. Returns the path without suffix."""
    out.mkdir(parents=True, exist_ok=True)
    stem = out / f"{name}_{dt.date.today():%Y%m%d}"
    stem.with_suffix(".json").write_text(
        json.dumps(report, ensure_ascii=False, indent=2) + "\n", encoding="utf-8"
    )
    stem.with_suffix(".md").write_text(markdown, encoding="utf-8")
    print(markdown)
    return stem


def child_cpu_seconds() -> float:
    """User + system CPU of this process's finished children (the commands a benchmark ran)."""
    used = resource.getrusage(resource.RUSAGE_CHILDREN)
    return used.ru_utime + used.ru_stime


def write_corpus_run(out: Path, kind: str, data_dir: Path, label: str, report: dict[str, Any]) -> Path:
    """`out/<kind>-<documents>-<date>[-label].json` for a run over a scale corpus (its document count read
    from the corpus file beside the store, 0 without one), stamped with when it ended; prints the path."""
    report["when"] = dt.datetime.now().isoformat(timespec="seconds")
    corpus = data_dir / "corpus.jsonl"
    docs = sum(1 for _ in corpus.open(encoding="utf-8")) if corpus.exists() else 0
    suffix = f"-{label}" if label else ""
    out.mkdir(parents=True, exist_ok=True)
    path = out / f"{kind}-{docs}-{dt.date.today():%Y%m%d}{suffix}.json"
    path.write_text(json.dumps(report, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    print(path)
    return path
