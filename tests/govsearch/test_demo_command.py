"""`govsearch demo --no-serve` end to end: mirror → real crawl → index → what a citizen gets."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from demo.content import load_guides, load_policies
from govsearch.app import create_app
from govsearch.cli import main
from govsearch.settings import Settings
from tests.browser import free_port


@pytest.fixture(scope="module")
def demo_client(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    data_dir: Path = tmp_path_factory.mktemp("demo-data")
    status = main(["--data-dir", str(data_dir), "demo", "--no-serve", "--mirror-port", str(free_port())])
    assert status == 0
    with TestClient(create_app(Settings(data_dir=data_dir))) as client:
        yield client


def test_every_demo_page_was_crawled_and_indexed(demo_client: TestClient) -> None:
    home = demo_client.get("/").text
    assert f"政策文件 {len(load_policies())} 篇" in home
    assert f"办事指南 {len(load_guides())} 项" in home


def test_change_id_card_finds_the_guide_highlighted(demo_client: TestClient) -> None:
    body = demo_client.get("/api/v1/search", params={"q": "换身份证"}).json()
    first = body["hits"][0]
    assert first["title"] == "居民身份证换领"
    assert "<em>" in first["title_html"]
    page = demo_client.get("/s", params={"wd": "换身份证"}).text
    assert "居民身份证换领" in page and "<em>" in page


def test_policy_metadata_came_through_the_crawler(demo_client: TestClient) -> None:
    policy = load_policies()[0]
    body = demo_client.get("/api/v1/search", params={"q": policy.doc_no}).json()
    assert body["hits"][0]["title"] == policy.title
    assert body["hits"][0]["doc_number"] == policy.doc_no


def test_robots_forbidden_admin_page_was_not_indexed(demo_client: TestClient) -> None:
    body = demo_client.get("/api/v1/search", params={"q": "网站管理后台"}).json()
    assert all("管理后台" not in h["title"] for h in body["hits"])
