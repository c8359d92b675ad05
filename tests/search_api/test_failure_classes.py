"""Mechanisms added for the failure classes of the third own set (`bench/results/own3_classes_20261201.md`),
each through the real app (FastAPI TestClient) over a real index of the shared corpus, on phrasings that
no evaluation set holds."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from govsearch.app import create_app
from govsearch.cli import main
from govsearch.settings import Settings
from tests.shared_data import shared_path

EARLY_RETIREMENT = "职工因病或非因工致残完全丧失劳动能力提前退休申请"


@pytest.fixture(scope="module")
def client(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    data = tmp_path_factory.mktemp("classes")
    gs = ["--data-dir", str(data)]
    assert (
        main([*gs, "import-items", str(shared_path("data/service_items/guangdong.jsonl")), "--no-index"]) == 0
    )
    pages = shared_path("data/pages/govcn_2019")
    assert main([*gs, "crawl", "govcn_2019", "--mirror-dir", str(pages), "--delay", "0"]) == 0
    assert main([*gs, "index"]) == 0
    settings = Settings(data_dir=data, log_queries=False, anonymous_rate="", anonymous_suggest_rate="")
    with TestClient(create_app(settings, warm_first=True)) as test_client:
        yield test_client


def titles(client: TestClient, q: str) -> list[str]:
    response = client.get("/api/v1/search", params={"q": q})
    assert response.status_code == 200, response.text
    return [hit["title"] for hit in response.json()["hits"]]


@pytest.mark.parametrize("q", ["我想办病退", "病退怎么申请", "病退需要什么材料"])
def test_a_word_clipped_from_the_catalogues_short_name_finds_its_item(client: TestClient, q: str) -> None:
    # 病退 is in no title; the catalogue's 简称 of the item is 因病提前退休申请, which it was clipped from
    assert EARLY_RETIREMENT in titles(client, q)[:3]
