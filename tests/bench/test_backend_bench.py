"""Runs the backend benchmark on a tiny corpus so the script cannot silently rot."""

from __future__ import annotations

import importlib.util
import json
import sys
from pathlib import Path
from types import ModuleType
from typing import Any

SCRIPT = Path(__file__).resolve().parents[2] / "bench" / "backend_bench.py"


def _load() -> ModuleType:
    spec = importlib.util.spec_from_file_location("backend_bench", SCRIPT)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules.setdefault("backend_bench", module)
    spec.loader.exec_module(module)
    return module


def _numbers(value: Any, path: str = "") -> list[tuple[str, float]]:
    if isinstance(value, dict):
        return [pair for key, sub in value.items() for pair in _numbers(sub, f"{path}.{key}")]
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return [(path, float(value))]
    return []


def test_backend_bench_tiny_corpus(tmp_path: Path) -> None:
    bench = _load()
    report = bench.main(["--docs", "300", "--queries", "20", "--out", str(tmp_path), "--procs", "1"])

    md = list(tmp_path.glob("backend_*.md"))
    js = list(tmp_path.glob("backend_*.json"))
    assert len(md) == 1 and len(js) == 1
    table = md[0].read_text(encoding="utf-8")
    assert "| 300 documents | SQLite FTS5 | tantivy (our backend) |" in table
    for label in ("common term p50", "synonym groups (3×3) p95", "mixed queries", "build", "index size"):
        assert label in table

    saved = json.loads(js[0].read_text(encoding="utf-8"))
    assert saved["docs"] == report["docs"] == 300
    assert saved["tantivy"]["doc_count"] == saved["fts5"]["doc_count"] == 300
    numbers = _numbers({k: v for k, v in saved.items() if k != "machine"})
    assert len(numbers) > 20
    assert all(value > 0 for _path, value in numbers), [p for p, v in numbers if v <= 0]
    for engine in ("tantivy", "fts5"):
        for key in ("common", "synonyms", "mixed"):
            assert saved[engine][key]["p95_ms"] >= saved[engine][key]["p50_ms"]
    assert saved["machine"]["nproc"] >= 1 and saved["machine"]["python"]
