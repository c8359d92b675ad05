"""The serving profile's summary: py-spy's raw stacks read back, waiting threads set aside, each
function's inclusive share counted once per sample however often it recurses."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

BENCH = Path(__file__).resolve().parents[2] / "bench"


def _module() -> ModuleType:
    sys.path.insert(0, str(BENCH))
    spec = importlib.util.spec_from_file_location("profile_serving", BENCH / "profile_serving.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


RAW = """\
run (uvicorn/server.py:10);search (search_api/engine/search.py:50);top (engine/vector_search.py:9) 6
run (uvicorn/server.py:10);search (search_api/engine/search.py:50);facets (indexer/backends/tantivy.py:70) 2
run (uvicorn/server.py:10);walk (a/tree.py:3);walk (a/tree.py:7) 2
run (uvicorn/server.py:10);select (selectors.py:468) 40
"""


def test_summary_sets_waiting_aside_and_counts_shares(tmp_path: Path) -> None:
    profile = _module()
    raw = tmp_path / "worker-0.txt"
    raw.write_text(RAW)
    stacks = profile.parse_raw(raw)
    assert sum(stacks.values()) == 50
    text = profile.summarise(stacks)
    assert text.startswith("10 working samples, 40 waiting")
    assert "| 80.0% | 0.0% | `search.search` |" in text
    assert "| 60.0% | 60.0% | `vector_search.top` |" in text
    assert "| 20.0% | 20.0% | `tree.walk` |" in text  # recursion counted once per sample
    assert "select" not in text
