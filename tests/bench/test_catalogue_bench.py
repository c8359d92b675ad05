"""Runs the catalogue benchmark on a slice of the shared data so the script cannot silently rot."""

from __future__ import annotations

import importlib.util
import json
import sys
from pathlib import Path

from tests.shared_data import shared_path

SCRIPT = Path(__file__).resolve().parents[2] / "bench" / "catalogue_bench.py"


def test_catalogue_bench_writes_comparable_numbers(tmp_path: Path) -> None:
    shared = shared_path("data/service_items/guangdong.jsonl").parents[2]
    spec = importlib.util.spec_from_file_location("catalogue_bench", SCRIPT)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules.setdefault("catalogue_bench", module)
    spec.loader.exec_module(module)
    assert module.main(["--shared", str(shared), "--out", str(tmp_path), "--limit", "300"]) == 0
    (result_file,) = tmp_path.glob("catalogue_*.json")
    result = json.loads(result_file.read_text())
    assert result["linking"]["items"] == 300 and result["linking"]["matching_ms"]["ratio"] > 0
    assert result["item_card"]["queries"] >= 40 and result["item_card"]["ratio_p50"] > 0
    assert (
        (tmp_path / result_file.name.replace(".json", ".md")).read_text().startswith("# Catalogue benchmark")
    )
