"""The relevance targets on the shared development set, as `bash bench/relevance.sh` measures them:
success@10 ≥ 0.97, MRR@10 ≥ 0.85, and the pinyin, traditional-script and 文号 rows all found."""

from __future__ import annotations

import pytest

from govsearch.app import build_engine
from govsearch.cli import main
from govsearch.settings import Settings
from search_api.engine.evaluation import evaluate, load_judgments
from search_api.engine.models import SearchRequest
from tests.shared_data import shared_path

MUST_FIND = ("pinyin", "traditional", "document number")


@pytest.fixture(scope="module")
def settings(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    items = shared_path("data/service_items/guangdong.jsonl")
    pages = shared_path("data/pages/govcn_2019")
    data = tmp_path_factory.mktemp("relevance")
    assert main(["--data-dir", str(data), "import-items", str(items), "--no-index"]) == 0
    assert (
        main(["--data-dir", str(data), "crawl", "govcn_2019", "--mirror-dir", str(pages), "--delay", "0"])
        == 0
    )
    assert main(["--data-dir", str(data), "index"]) == 0
    return Settings(data_dir=data, log_queries=False)


def test_dev_set_meets_the_targets(settings: Settings) -> None:
    judgments = load_judgments(shared_path("eval/dev_queries.tsv"))
    service = build_engine(settings)
    report = evaluate(judgments, lambda q: [h.title for h in service.search(SearchRequest(q=q)).hits])
    assert report.success >= 0.97 and report.mrr >= 0.85, report.summary_line()
    special = [o for o in report.outcomes if any(k in o.judgment.note for k in MUST_FIND)]
    assert len(special) >= 4 and all(o.rank for o in special), [
        o.judgment.query for o in special if not o.rank
    ]
