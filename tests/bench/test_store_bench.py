"""Runs the store benchmark small, so the script cannot silently rot."""

from __future__ import annotations

import importlib.util
import json
import sys
from pathlib import Path

SCRIPT = Path(__file__).resolve().parents[2] / "bench" / "store_bench.py"


def test_store_bench_writes_comparable_numbers(tmp_path: Path) -> None:
    spec = importlib.util.spec_from_file_location("store_bench", SCRIPT)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules.setdefault("store_bench", module)
    spec.loader.exec_module(module)
    assert module.main(["--docs", "50", "--calls", "20", "--out", str(tmp_path)]) == 0
    (result_file,) = tmp_path.glob("store_*.json")
    results = json.loads(result_file.read_text())["results"]
    assert len(results) == 5 and all(r["old_us"] > 0 and r["ratio"] > 0 for r in results.values())
    assert (tmp_path / result_file.name.replace(".json", ".md")).read_text().startswith("# Store benchmark")
