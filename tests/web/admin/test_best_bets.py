"""Best bets in the staff tool: propose, preview, golden-set check, approval by another, audit, rollback."""

from __future__ import annotations

from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from tests.factories import SAMPLE_DOCUMENTS, guide
from tests.web.admin.helpers import admin_app, approve_as_other, login, propose

EXTRA = [guide(f"第{n}类证明开具", f"P{n:03d}") for n in range(1, 15)]


@pytest.fixture
def client(tmp_path: Path) -> TestClient:
    return TestClient(admin_app(tmp_path / "data", [*SAMPLE_DOCUMENTS, *EXTRA]))


def _ids(client: TestClient, q: str) -> list[tuple[str, bool]]:
    hits = client.get("/api/v1/search", params={"q": q, "size": 20}).json()["hits"]
    return [(h["id"], h["best_bet"]) for h in hits]


def _doc_id(client: TestClient, title: str) -> str:
    hits = client.get("/api/v1/search", params={"q": title}).json()["hits"]
    found: str = next(h["id"] for h in hits if h["title"] == title)
    return found


def test_best_bet_workflow_preview_live_audit_and_rollback(client: TestClient) -> None:
    target = _doc_id(client, "居民身份证换领")
    assert _ids(client, "二代证") == []
    csrf = login(client, "editor1")
    bet = propose(
        client,
        csrf,
        action="add",
        kind="best_bet",
        line="二代证",
        target=target,
        expires="2999-12-31",
        comment="俗称",
        reason="零结果查询",
    )
    detail = client.get(f"/admin/api/proposals/{bet}").json()
    assert detail["preview"] == [{"query": "二代证", "before": [], "after": ["居民身份证换领"]}]
    assert detail["golden"]["blocked"] is False
    assert _ids(client, "二代证") == []  # proposed is not live
    denied = client.post(f"/admin/api/proposals/{bet}/approve", json={}, headers={"X-CSRF-Token": csrf})
    assert denied.status_code == 403
    assert approve_as_other(client, bet).status_code == 200
    assert _ids(client, "二 代 证") == [(target, True)]  # normalised match, next query
    listed = client.get("/admin/api/best-bets").json()["staff"]
    assert [(b["line"], b["target"], b["expires"], b["comment"], b["owner"]) for b in listed] == [
        ("二代证", target, "2999-12-31", "俗称", "editor1")
    ]
    entry = client.get("/admin/api/audit").json()["audit"][0]
    assert entry["action"] == "新增" and "置顶" in entry["after"] and entry["actor"] == "editor1"

    reviewer = TestClient(client.app)
    rcsrf = login(reviewer, "reviewer1")
    back = reviewer.post(
        "/admin/api/versions/0/rollback", json={"reason": "撤下"}, headers={"X-CSRF-Token": rcsrf}
    )
    assert back.status_code == 200 and _ids(client, "二代证") == []


def test_best_bet_input_is_checked(client: TestClient) -> None:
    csrf = login(client, "editor1")
    headers = {"X-CSRF-Token": csrf}
    base = {"action": "add", "kind": "best_bet", "line": "证明", "reason": "r"}
    for extra, problem in (
        ({"target": "nope"}, "没有编号为 nope 的文档"),
        ({"target": ""}, "请填写要置顶的文档编号"),
        ({"target": EXTRA[0].id, "expires": "2001-01-01"}, "已经过去"),
        ({"target": EXTRA[0].id, "expires": "明年"}, "YYYY-MM-DD"),
    ):
        response = client.post("/admin/api/proposals", json={**base, **extra}, headers=headers)
        assert response.status_code == 422 and problem in response.json()["error"]["message"], extra
    for doc in EXTRA[:2]:
        assert approve_as_other(client, propose(client, csrf, **base, target=doc.id)).status_code == 200
    third = client.post("/admin/api/proposals", json={**base, "target": EXTRA[2].id}, headers=headers)
    assert third.status_code == 422 and "最多置顶 2 条" in third.json()["error"]["message"]


def test_best_bet_pushing_a_golden_answer_out_of_the_top_10_is_blocked(client: TestClient) -> None:
    ranked = _ids(client, "证明开具")
    assert len(ranked) >= 12
    tenth = client.get("/api/v1/search", params={"q": "证明开具", "size": 10}).json()["hits"][9]["title"]
    golden = client.app.state.settings.golden_path  # type: ignore[attr-defined]
    golden.write_text(f"query\trelevant\tnote\n证明开具\t{tenth}\t\n", encoding="utf-8")
    csrf = login(client, "editor1")
    first = propose(
        client, csrf, action="add", kind="best_bet", line="证明开具", target=ranked[10][0], reason="r"
    )
    assert approve_as_other(client, first).status_code == 409  # rank 10 → 11
    assert approve_as_other(client, first, "本期重点事项").status_code == 200
    entry = client.get("/admin/api/audit").json()["audit"][0]
    assert "强制上线" in entry["approval"] and "本期重点事项" in entry["approval"]
    assert _ids(client, "证明开具")[0] == (ranked[10][0], True)


def test_best_bet_from_the_page_in_one_click_then_edited(client: TestClient) -> None:
    csrf = login(client, "editor1")
    page = client.get("/admin/best-bets", params={"q": "身份证"})
    assert page.status_code == 200 and "提议置顶此条" in page.text and "居民身份证换领" in page.text
    target = _doc_id(client, "居民身份证换领")
    form = {"csrf": csrf, "action": "add", "kind": "best_bet", "line": "二代证", "target": target}
    sent = client.post("/admin/proposals", data={**form, "reason": "零结果"}, follow_redirects=False)
    assert sent.status_code == 303 and sent.headers["location"].startswith("/admin/proposals/1")
    proposal = client.get("/admin/proposals/1")
    assert "置顶" in proposal.text and "居民身份证换领" in proposal.text  # the preview shows the pin
    assert approve_as_other(client, 1).status_code == 200
    listed = client.get("/admin/best-bets")
    assert "二代证" in listed.text and target in listed.text
    edit = client.get("/admin/rules/1")
    assert 'name="target"' in edit.text and target in edit.text
    off = client.post(
        "/admin/proposals",
        data={"csrf": csrf, "action": "disable", "rule_id": "1", "reason": "过时"},
        follow_redirects=False,
    )
    assert off.status_code == 303
    assert approve_as_other(client, 2).status_code == 409  # the golden set expects 二代证 → 换领
    assert approve_as_other(client, 2, "改用同义词规则").status_code == 200
    assert _ids(client, "二代证") == []
