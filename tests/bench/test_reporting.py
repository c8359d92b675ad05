"""The result file of a run over a scale corpus: named by its document count, date and label."""

from __future__ import annotations

import datetime as dt
import importlib.util
import json
import sys
from pathlib import Path

SCRIPT = Path(__file__).resolve().parents[2] / "bench" / "reporting.py"


def test_a_corpus_run_is_written_under_its_document_count_and_label(tmp_path: Path) -> None:
    spec = importlib.util.spec_from_file_location("reporting", SCRIPT)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules.setdefault("reporting", module)
    spec.loader.exec_module(module)
    data = tmp_path / "data"
    data.mkdir()
    (data / "corpus.jsonl").write_text('{"a": 1}\n{"a": 2}\n{"a": 3}\n', encoding="utf-8")
    path = module.write_corpus_run(tmp_path / "out", "serve-start", data, "after", {"second": {"x": 1}})
    assert path.name == f"serve-start-3-{dt.date.today():%Y%m%d}-after.json"
    written = json.loads(path.read_text(encoding="utf-8"))
    assert written["second"] == {"x": 1} and written["when"]
    empty = module.write_corpus_run(tmp_path / "out", "incremental", tmp_path, "", {})
    assert empty.name == f"incremental-0-{dt.date.today():%Y%m%d}.json"
