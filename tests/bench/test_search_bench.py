"""Runs the search benchmark on the small sample collection so the script cannot silently rot."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

from tests.factories import build_data_dir

SCRIPT = Path(__file__).resolve().parents[2] / "bench" / "search_bench.py"


def _load() -> ModuleType:
    spec = importlib.util.spec_from_file_location("search_bench", SCRIPT)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules.setdefault("search_bench", module)
    spec.loader.exec_module(module)
    return module


def test_search_bench_measures_and_reports(tmp_path: Path) -> None:
    bench = _load()
    shared = tmp_path / "shared"
    (shared / "eval").mkdir(parents=True)
    (shared / "data/messages").mkdir(parents=True)
    (shared / "eval/dev_queries.tsv").write_text(
        "query\trelevant\tnote\n换身份证\t居民身份证换领\t\n", "utf-8"
    )
    (shared / "data/messages/queries_from_message_titles.tsv").write_text(
        "source\tkind\t留言编号\tquery_title\n附件2.xlsx\tclassified\t1\t养老保险怎么交\n", "utf-8"
    )
    build_data_dir(tmp_path / "data")
    report = bench.measure(tmp_path / "data", shared)
    assert report["documents"] == 7
    assert report["results"]["search"]["n"] == 2 and report["results"]["suggest"]["n"] > 10
    assert all(r["p95_ms"] > 0 for r in report["results"].values())
    table = bench.markdown(report)
    assert "| search p50 / p95 |" in table and "| suggest p50 / p95 |" in table
