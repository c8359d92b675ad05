"""The graph benchmark runs end to end on a small vector file: both graphs, the exact comparison, a
result file."""

from __future__ import annotations

import importlib.util
import json
import sys
from pathlib import Path

import numpy as np

from indexer.vectors import TitleVectors, quantise, save_vectors
from tests.shared_data import shared_path

BENCH = Path(__file__).resolve().parents[2] / "bench"


def test_both_graphs_are_measured_against_the_exact_scan(tmp_path: Path) -> None:
    shared = shared_path("data/service_items/guangdong.jsonl").parents[2]
    rows = np.random.default_rng(3).normal(size=(120, 512)).astype(np.float32)
    matrix = quantise(rows / np.linalg.norm(rows, axis=1, keepdims=True))[np.arange(360) % 120]
    ids = tuple(map(str, range(360)))
    save_vectors(tmp_path / "vectors" / "titles.npz", TitleVectors(ids, ids, matrix))
    sys.path.insert(0, str(BENCH))
    spec = importlib.util.spec_from_file_location("graph_bench", BENCH / "graph_bench.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    argv = [str(tmp_path), "--queries", "5", "--shared", str(shared), "--out", str(tmp_path)]
    assert module.main(argv) == 0
    (result,) = tmp_path.glob("graph-360-*.json")
    report = json.loads(result.read_text())
    assert report["distinct"] == 120 and report["every_row"]["nodes"] == 360
    assert report["distinct_rows"]["nodes"] == 120 and report["distinct_rows"]["score_share"] > 0.95
