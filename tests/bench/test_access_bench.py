"""Runs the access-layer benchmark small, so the script cannot silently rot."""

from __future__ import annotations

import importlib.util
import json
import sys
from pathlib import Path

SCRIPT = Path(__file__).resolve().parents[2] / "bench" / "access_bench.py"


def test_access_bench_writes_comparable_numbers(tmp_path: Path) -> None:
    spec = importlib.util.spec_from_file_location("access_bench", SCRIPT)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules.setdefault("access_bench", module)
    spec.loader.exec_module(module)
    assert module.main(["--requests", "5", "--out", str(tmp_path)]) == 0
    (result_file,) = tmp_path.glob("access_*.json")
    results = json.loads(result_file.read_text())["results"]
    assert len(results) == 3 and all(r["us"] > 0 and r["ratio"] > 0 for r in results.values())
    assert next(iter(results.values()))["ratio"] == 1.0
