from __future__ import annotations

from pathlib import Path

import pytest

from search_api.engine.evaluation import JudgmentFileError, evaluate, kinds_line, load_judgments


def test_metrics_on_known_rankings(tmp_path: Path) -> None:
    path = tmp_path / "q.tsv"
    path.write_text(
        "query\trelevant\tnote\n甲\t目标\t\n乙\t目標二|别的\ttrad\n丙\t找不到\t\n", encoding="utf-8"
    )
    rankings = {"甲": ["目标文件"], "乙": ["无关", "目标二号"], "丙": ["无关"]}
    report = evaluate(load_judgments(path), lambda q: rankings[q])
    assert report.success == pytest.approx(2 / 3)
    assert report.mrr == pytest.approx((1 + 0.5 + 0) / 3)
    assert [o.judgment.query for o in report.failures] == ["丙"]
    assert report.summary_line() == "success@10=0.667 MRR@10=0.500 nDCG@10=0.462 queries=3"
    assert kinds_line(report) == "kinds: trad 1/1, 其他 1/2"


def test_malformed_line_names_file_and_line(tmp_path: Path) -> None:
    path = tmp_path / "bad.tsv"
    path.write_text("query\trelevant\tnote\n好的\t目标\t\n只有一列\n", encoding="utf-8")
    with pytest.raises(JudgmentFileError, match=r"bad.tsv:3"):
        load_judgments(path)
