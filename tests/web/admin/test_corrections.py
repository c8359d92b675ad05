"""Metadata corrections: proposed, approved by another, live at once, kept across a re-crawl, rolled back."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from indexer.storage import Database
from indexer.store import Store
from tests.factories import SAMPLE_DOCUMENTS, policy
from tests.web.admin.helpers import admin_app, approve_as_other, login, propose

FUND = next(d for d in SAMPLE_DOCUMENTS if d.title == "示例市住房公积金提取管理办法")


@pytest.fixture
def client(tmp_path: Path) -> TestClient:
    return TestClient(admin_app(tmp_path / "data"))


def _stored(client: TestClient) -> Store:
    return Store(Database.for_path(client.app.state.settings.store_path))  # type: ignore[attr-defined]


def _status(client: TestClient) -> str:
    hits = client.get("/api/v1/search", params={"q": "住房公积金提取管理办法"}).json()["hits"]
    label: str = next(h["status_label"] for h in hits if h["id"] == FUND.id)
    return label


def _status_soon(client: TestClient, seconds: float = 20.0) -> str:
    """The label once the serving knowledge has caught up with the store (it is rebuilt in a thread
    beside the searches, never inside one, so the first search after a change may still see the old)."""
    engine = client.app.state.search_engine  # type: ignore[attr-defined]
    deadline = time.monotonic() + seconds
    while True:
        label = _status(client)
        engine.knowledge.settle()
        if label or time.monotonic() > deadline:
            return label
        time.sleep(0.1)


def test_correction_is_live_survives_a_recrawl_and_is_rolled_back(client: TestClient) -> None:
    assert _status(client) == ""
    csrf = login(client, "editor1")
    page = client.get(f"/admin/documents/{FUND.id}")
    assert page.status_code == 200 and "提议更正" in page.text and "发文机关" in page.text
    fix = propose(
        client,
        csrf,
        action="add",
        kind="correction",
        target=FUND.id,
        field="validity",
        line="已废止",
        reason="已被新办法替代",
    )
    issuer = propose(
        client,
        csrf,
        action="add",
        kind="correction",
        target=FUND.id,
        field="issuer",
        line="示例市住房公积金管理中心",
        reason="抽取错误",
    )
    assert approve_as_other(client, fix).status_code == 200
    assert approve_as_other(client, issuer).status_code == 200
    store = _stored(client)
    corrected = store.get(FUND.id)
    assert corrected is not None and corrected.validity == "已废止"  # type: ignore[union-attr]
    assert corrected.issuer == "示例市住房公积金管理中心"  # type: ignore[union-attr]
    assert _status_soon(client) == "已废止"  # the knowledge is rebuilt beside the searches: seconds

    recrawled = policy(
        FUND.title, "示政〔2023〕5号", FUND.body + "（页面改版）", url=FUND.url, issuer="示例市人民政府"
    )
    assert recrawled.id == FUND.id
    store.upsert([recrawled])  # what a crawl does
    after = store.get(FUND.id)
    assert after is not None and after.validity == "已废止" and after.issuer == "示例市住房公积金管理中心"  # type: ignore[union-attr]
    assert "页面改版" in after.body  # type: ignore[union-attr]
    audit = client.get("/admin/api/audit").json()["audit"]
    assert "更正文档" in audit[0]["after"] and audit[0]["actor"] == "editor1"

    reviewer = TestClient(client.app)
    rcsrf = login(reviewer, "reviewer1")
    back = reviewer.post(
        "/admin/api/versions/1/rollback", json={"reason": "发文机关原本就对"}, headers={"X-CSRF-Token": rcsrf}
    )
    assert back.status_code == 200
    restored = store.get(FUND.id)
    assert restored is not None and restored.issuer == "示例市人民政府"  # the crawled value comes back  # type: ignore[union-attr]
    assert restored.validity == "已废止"  # type: ignore[union-attr]
    store.close()


def test_corrections_are_checked(client: TestClient) -> None:
    csrf = login(client, "editor1")
    guide_id = next(d.id for d in SAMPLE_DOCUMENTS if d.title == "居民身份证换领")
    base = {"action": "add", "kind": "correction", "reason": "r"}
    for extra, problem in (
        ({"target": "nope", "field": "issuer", "line": "x"}, "没有编号为 nope 的文档"),
        ({"target": FUND.id, "field": "title", "line": "x"}, "只能更正政策文件的"),
        ({"target": guide_id, "field": "issuer", "line": "x"}, "只能更正政策文件的"),
        ({"target": FUND.id, "field": "validity", "line": "好"}, "有效性须为"),
    ):
        response = client.post("/admin/api/proposals", json={**base, **extra}, headers={"X-CSRF-Token": csrf})
        assert response.status_code == 422 and problem in response.json()["error"]["message"], extra
    assert client.get("/admin/documents/nope").status_code == 404
