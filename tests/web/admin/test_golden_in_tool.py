"""The golden set kept in the tool: reviewers add a query's expected answer in one click, it guards
changes like the file's queries, removal is audited and can be rolled back."""

from __future__ import annotations

from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from tests.web.admin.helpers import admin_app, approve_as_other, login, propose


@pytest.fixture
def app_dir(tmp_path: Path) -> Path:
    return tmp_path / "data"


def test_reviewer_adds_a_golden_query_from_the_results_and_it_blocks_a_change(app_dir: Path) -> None:
    reviewer = TestClient(admin_app(app_dir))
    csrf = login(reviewer, "reviewer1")
    page = reviewer.get("/admin/golden", params={"q": "补身份证"})
    assert "设为预期答案" in page.text and "居民身份证补领" in page.text
    added = reviewer.post(
        "/admin/golden",
        data={"csrf": csrf, "query": "补身份证", "relevant": "居民身份证补领"},
        follow_redirects=False,
    )
    assert added.status_code == 303
    rows = reviewer.get("/admin/api/golden").json()["queries"]
    mine = next(r for r in rows if r["query"] == "补身份证")
    assert mine["rank"] == 1 and mine["rule_id"] > 0
    assert reviewer.get("/admin/api/audit").json()["audit"][0]["action"] == "黄金查询集：添加"

    remove = reviewer.post(
        f"/admin/api/golden/{mine['rule_id']}/delete",
        json={"reason": "不再需要"},
        headers={"X-CSRF-Token": csrf},
    )
    assert remove.status_code == 200
    assert all(r["query"] != "补身份证" for r in reviewer.get("/admin/api/golden").json()["queries"])
    versions = reviewer.get("/admin/api/versions").json()["versions"]
    assert [e["action"] for e in reviewer.get("/admin/api/audit").json()["audit"][:2]] == [
        "黄金查询集：删除",
        "黄金查询集：添加",
    ]
    assert len(versions) == 2  # each step a version: rollback brings the query back


def test_golden_entry_blocks_like_the_file(app_dir: Path) -> None:
    reviewer = TestClient(admin_app(app_dir))
    csrf = login(reviewer, "reviewer1")
    headers = {"X-CSRF-Token": csrf}
    rule = propose(
        reviewer, csrf, action="add", line="准迁证 => 户口迁移, 居民身份证补领  # 演示", reason="r"
    )
    assert approve_as_other(reviewer, rule).status_code == 200
    added = reviewer.post(
        "/admin/api/golden", json={"query": "准迁证", "relevant": "居民身份证补领"}, headers=headers
    )
    assert added.status_code == 201
    dropping = propose(reviewer, csrf, action="delete", rule_id=1, reason="清理")
    assert approve_as_other(reviewer, dropping).status_code == 409  # the tool's golden query guards it
    twice = reviewer.post(
        "/admin/api/golden", json={"query": "准迁证", "relevant": "居民身份证补领"}, headers=headers
    )
    assert twice.status_code == 422


def test_only_reviewers_keep_the_golden_set(app_dir: Path) -> None:
    for name in ("editor1", "admin1"):
        client = TestClient(admin_app(app_dir))
        csrf = login(client, name)
        response = client.post(
            "/admin/api/golden", json={"query": "q", "relevant": "r"}, headers={"X-CSRF-Token": csrf}
        )
        assert response.status_code == 403, name
        assert "设为预期答案" not in client.get("/admin/golden", params={"q": "身份证"}).text
