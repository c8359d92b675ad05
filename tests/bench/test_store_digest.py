"""bench/store_digest.py on two imports of the same file (same) and after one row changed (different)."""

from __future__ import annotations

import importlib.util
import json
import sqlite3
import sys
from pathlib import Path

import pytest

from govsearch.cli import main as govsearch

SCRIPT = Path(__file__).resolve().parents[2] / "bench" / "store_digest.py"


def _script() -> object:
    spec = importlib.util.spec_from_file_location("store_digest", SCRIPT)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules.setdefault("store_digest", module)
    spec.loader.exec_module(module)
    return module


def test_two_imports_of_one_file_agree_and_a_changed_item_shows(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    records = [
        {"事项名称": "社会保障卡挂失", "事项编码": "GD1", "受理条件": "持卡人本人办理", "行政区划": "广东省"},
        {"事项名称": "失业登记", "事项编码": "GD2", "受理条件": "见 GD1 的规定", "行政区划": "广州市"},
    ]
    source = tmp_path / "items.jsonl"
    source.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records), encoding="utf-8")
    stores = []
    for name in ("a", "b"):
        assert govsearch(["--data-dir", str(tmp_path / name), "import-items", str(source), "--no-index"]) == 0
        stores.append(str(tmp_path / name / "store.sqlite3"))
    digest = _script().main  # type: ignore[attr-defined]
    capsys.readouterr()
    assert digest(stores) == 0
    shown = capsys.readouterr().out
    assert shown.count("  same") == 4 and "items: rows=2 " in shown and "DIFFERENT" not in shown
    with sqlite3.connect(stores[1]) as conn:
        conn.execute("UPDATE items SET name = '失业登记（变更）' WHERE key = 'GD2'")
    assert digest(stores) == 1
    assert "items: " in (out := capsys.readouterr().out) and out.count("DIFFERENT") == 1
