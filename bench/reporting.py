"""What the benchmark scripts share: their common options and how a run's results are written."""

from __future__ import annotations

import argparse
import datetime as dt
import json
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
