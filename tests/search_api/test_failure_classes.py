"""Mechanisms added for the failure classes of the third own set (`bench/results/own3_classes_20261201.md`),
each through the real app (FastAPI TestClient) over a real index of the shared corpus, on phrasings that
no evaluation set holds."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from govsearch.app import create_app
from govsearch.settings import Settings

EARLY_RETIREMENT = "职工因病或非因工致残完全丧失劳动能力提前退休申请"


@pytest.fixture(scope="module")
def client(shared_corpus_settings: Settings) -> Iterator[TestClient]:
    with TestClient(create_app(shared_corpus_settings, warm_first=True)) as test_client:
        yield test_client


def titles(client: TestClient, q: str) -> list[str]:
    response = client.get("/api/v1/search", params={"q": q})
    assert response.status_code == 200, response.text
    return [hit["title"] for hit in response.json()["hits"]]


@pytest.mark.parametrize("q", ["我想办病退", "病退怎么申请", "病退需要什么材料"])
def test_a_word_clipped_from_the_catalogues_short_name_finds_its_item(client: TestClient, q: str) -> None:
    # 病退 is in no title; the catalogue's 简称 of the item is 因病提前退休申请, which it was clipped from
    assert EARLY_RETIREMENT in titles(client, q)[:3]
