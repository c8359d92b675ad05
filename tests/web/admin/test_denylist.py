"""Suggestion and 热搜 denylists and their kill switches as reviewed staff data, live on the next request."""

from __future__ import annotations

from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import insert

from indexer.storage.logs import query_log
from tests.web.admin.helpers import admin_app, approve_as_other, login, propose


@pytest.fixture
def client(tmp_path: Path) -> TestClient:
    app = admin_app(tmp_path / "data")
    rows = [
        {"at": "2099-01-01T00:00:00+00:00", "query": q, "type": None, "page": 1, "total": 3, "filters": ""}
        | {"visitor": f"v{i}", "portal": None}
        for q in ("社会保障卡挂失", "居民身份证换领")
        for i in range(5)
    ]
    with app.state.database.write() as conn:
        conn.execute(insert(query_log), rows)
    return TestClient(app)


def _suggest(client: TestClient, q: str) -> list[str]:
    found: list[str] = client.get("/api/v1/suggest", params={"q": q}).json()["suggestions"]
    return found


def _hot(client: TestClient) -> list[str]:
    found: list[str] = client.get("/api/v1/hot").json()["hot"]
    return found


def test_denylist_words_and_kill_switches(client: TestClient) -> None:
    assert any("身份证" in s for s in _suggest(client, "居民"))
    assert set(_hot(client)) == {"社会保障卡挂失", "居民身份证换领"}
    csrf = login(client, "editor1")
    word = propose(client, csrf, action="add", kind="deny", field="suggest", line="身份证", reason="测试")
    hot_word = propose(client, csrf, action="add", kind="deny", field="hot", line="挂失", reason="测试")
    assert any("身份证" in s for s in _suggest(client, "居民"))  # proposed is not live
    assert approve_as_other(client, word).status_code == 200
    assert approve_as_other(client, hot_word).status_code == 200
    assert _suggest(client, "居民") and not any("身份证" in s for s in _suggest(client, "居民"))
    assert _hot(client) == ["居民身份证换领"]

    off = propose(client, csrf, action="add", kind="deny", field="hot", line="*", reason="热搜出现不当内容")
    assert approve_as_other(client, off).status_code == 200
    assert _hot(client) == []
    page = client.get("/admin/denylist")
    assert page.status_code == 200 and "已关闭" in page.text and "提议关闭搜索建议" in page.text
    stop = propose(client, csrf, action="add", kind="deny", field="suggest", line="*", reason="紧急")
    assert approve_as_other(client, stop).status_code == 200
    assert _suggest(client, "居民") == []
    audit = client.get("/admin/api/audit").json()["audit"]
    assert audit[0]["after"] == "关闭搜索建议"

    reviewer = TestClient(client.app)
    rcsrf = login(reviewer, "reviewer1")
    back = reviewer.post(
        "/admin/api/versions/2/rollback", json={"reason": "恢复"}, headers={"X-CSRF-Token": rcsrf}
    )
    assert back.status_code == 200
    assert _hot(client) == ["居民身份证换领"] and _suggest(client, "居民")


def test_denylist_scope_is_checked(client: TestClient) -> None:
    csrf = login(client, "editor1")
    bad = client.post(
        "/admin/api/proposals",
        json={"action": "add", "kind": "deny", "field": "everywhere", "line": "x", "reason": "r"},
        headers={"X-CSRF-Token": csrf},
    )
    assert bad.status_code == 422 and "屏蔽范围" in bad.json()["error"]["message"]
