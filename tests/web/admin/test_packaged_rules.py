"""Packaged dictionary rules and the general 词林 layer changed through the staff tool's workflow."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from govsearch.app import create_app
from tests.web.admin.helpers import admin_app, approve_as_other, login, propose

PACKAGED = "补身份证, 身份证补办, 身份证丢了 => 居民身份证补领   # 丢失、损坏后补领"
PLAIN = (Path(__file__).parents[3] / "synonyms" / "data" / "plain_language.txt").read_text(encoding="utf-8")


def _source(line_start: str) -> str:
    """Where a packaged rule sits in the file (the file is edited: no line number written here)."""
    number = next(n for n, line in enumerate(PLAIN.splitlines(), 1) if line.startswith(line_start))
    return f"plain_language.txt:{number}"


RULE = _source(PACKAGED)  # 身份证丢了 => 居民身份证补领
BASE = _source("身份证 => 居民身份证")  # what still expands 身份证 once RULE is off
CILIN = "Ab01A01= 养老 赡养\nAb01A02= 高龄 老年\nAb01A03# 老人 老者\n"


@pytest.fixture
def client(tmp_path: Path) -> TestClient:
    app = admin_app(tmp_path / "data")
    cilin = tmp_path / "cilin.txt"
    cilin.write_text(CILIN, encoding="utf-8")
    return TestClient(create_app(app.state.settings.model_copy(update={"cilin_path": cilin})))


def _expansions(client: TestClient, q: str) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = client.get("/api/v1/search", params={"q": q}).json()["expansions"]
    return found


def _sources(client: TestClient, q: str) -> list[str]:
    return [e["source"] for e in _expansions(client, q)]


def test_disable_and_replace_a_packaged_rule_live_audited_and_rolled_back(client: TestClient) -> None:
    assert _sources(client, "身份证丢了") == [RULE]
    csrf = login(client, "editor1")
    listed = client.get("/admin/api/rules", params={"q": "身份证丢了"}).json()["packaged"]
    assert listed == [
        {
            "line": PACKAGED,
            "source": RULE,
            "owner": listed[0]["owner"],
            "category": "户籍与身份证件",
            "replaced_by": None,
            "in_force": True,
        }
    ]
    off = propose(client, csrf, action="disable", replaces=PACKAGED, line=PACKAGED, reason="误扩展")
    assert _sources(client, "身份证丢了") == [RULE]  # proposed is not live
    assert approve_as_other(client, off).status_code == 200
    assert _sources(client, "身份证丢了") == [BASE]  # the next query, no restart
    replaced = client.get("/admin/api/rules", params={"q": "身份证丢了"}).json()["packaged"][0]
    assert replaced["in_force"] is False and replaced["replaced_by"] == 1

    new_line = "补身份证, 身份证丢了, 身份证掉了 => 居民身份证补领   # 群众说法"
    edit = propose(client, csrf, action="edit", rule_id=1, line=new_line, reason="补上“掉了”")
    assert approve_as_other(client, edit).status_code == 200
    enable = propose(client, csrf, action="enable", rule_id=1, reason="启用替代规则")
    assert approve_as_other(client, enable).status_code == 200
    assert _sources(client, "身份证掉了") == ["人工规则#1"]
    assert "人工规则#1" not in _sources(client, "身份证补办")  # dropped from the replacement

    audit = client.get("/admin/api/audit").json()["audit"]
    assert audit[-2]["action"] == "停用" and audit[-2]["before"] == PACKAGED
    assert "停用内置规则" in audit[-2]["after"] and audit[-2]["reason"] == "误扩展"
    back = client.post(
        "/admin/api/versions/0/rollback", json={"reason": "恢复内置"}, headers={"X-CSRF-Token": csrf}
    )
    assert back.status_code == 403  # editors do not roll back
    reviewer = TestClient(client.app)
    rcsrf = login(reviewer, "reviewer1")
    back = reviewer.post(
        "/admin/api/versions/0/rollback", json={"reason": "恢复内置"}, headers={"X-CSRF-Token": rcsrf}
    )
    assert back.status_code == 200
    assert _sources(client, "身份证丢了") == [RULE]
    assert client.get("/admin/api/audit").json()["audit"][0]["action"] == "回滚"


def test_a_replacement_must_name_a_packaged_rule_once(client: TestClient) -> None:
    csrf = login(client, "editor1")
    headers = {"X-CSRF-Token": csrf}
    body = {"action": "disable", "replaces": "不存在 => 规则", "line": "不存在 => 规则", "reason": "r"}
    missing = client.post("/admin/api/proposals", json=body, headers=headers)
    assert missing.status_code == 422 and "内置词典中没有规则" in missing.json()["error"]["message"]
    first = propose(client, csrf, action="disable", replaces=PACKAGED, line=PACKAGED, reason="r")
    assert approve_as_other(client, first).status_code == 200
    twice = client.post(
        "/admin/api/proposals",
        json={**body, "replaces": PACKAGED, "line": PACKAGED},
        headers=headers,
    )
    assert twice.status_code == 422 and "已被另一条人工规则替代" in twice.json()["error"]["message"]


def test_vocabulary_layer_exclusion_and_switch_off_are_live_audited_and_rolled_back(
    client: TestClient,
) -> None:
    assert _sources(client, "赡养") == ["词林 Ab01A01="]
    csrf = login(client, "editor1")
    status = client.get("/admin/api/vocabulary", params={"q": "赡养"}).json()
    assert status["on"] is True and status["classes"] == 2 and status["live_classes"] == 2
    assert status["matches"] == [{"code": "Ab01A01=", "words": ["养老", "赡养"], "excluded": False}]

    exclude = propose(client, csrf, action="add", kind="vocabulary", line="赡养", reason="养老≠赡养")
    preview = client.get(f"/admin/api/proposals/{exclude}").json()["preview"]
    assert preview[0]["query"] == "赡养" and preview[0]["before"] != preview[0]["after"]
    assert approve_as_other(client, exclude).status_code == 200
    assert _sources(client, "赡养") == []
    assert _sources(client, "高龄") == ["词林 Ab01A02="]  # other classes stay
    assert client.get("/admin/api/vocabulary").json()["live_classes"] == 1
    assert client.get("/admin/api/vocabulary", params={"q": "赡养"}).json()["matches"][0]["excluded"] is True

    off = propose(client, csrf, action="add", kind="vocabulary", line="*", reason="通用词汇层关闭")
    assert approve_as_other(client, off).status_code == 200
    assert _sources(client, "高龄") == [] and client.get("/admin/api/vocabulary").json()["on"] is False
    audit = client.get("/admin/api/audit").json()["audit"]
    assert "关闭通用词汇层" in audit[0]["after"]

    reviewer = TestClient(client.app)
    rcsrf = login(reviewer, "reviewer1")
    back = reviewer.post(
        "/admin/api/versions/1/rollback", json={"reason": "重新开启"}, headers={"X-CSRF-Token": rcsrf}
    )
    assert back.status_code == 200
    assert _sources(client, "高龄") == ["词林 Ab01A02="] and _sources(client, "赡养") == []


def test_packaged_rule_disabled_and_replaced_through_the_pages(client: TestClient) -> None:
    csrf = login(client, "editor1")
    page = client.get("/admin", params={"q": "身份证丢了"})
    assert "提议停用" in page.text
    form = client.get("/admin/rules/new", params={"replaces": PACKAGED})
    assert "替代内置词典规则" in form.text and 'name="replaces"' in form.text
    data = {"csrf": csrf, "action": "add", "replaces": PACKAGED, "reason": "改写"}
    added = client.post(
        "/admin/proposals", data={**data, "line": "身份证丢了 => 居民身份证补领"}, follow_redirects=False
    )
    assert added.status_code == 303
    off = client.post(
        "/admin/proposals", data={**data, "action": "disable", "reason": "停用"}, follow_redirects=False
    )
    assert off.status_code == 303  # a second proposal; only one of them can be approved
    assert approve_as_other(client, 2).status_code == 200
    assert RULE not in _sources(client, "身份证丢了")
    assert approve_as_other(client, 1).status_code == 422  # the packaged rule is replaced already
    listed = client.get("/admin", params={"q": "身份证丢了"})
    assert "已停用（人工规则#1）" in listed.text
    vocabulary = client.get("/admin/vocabulary", params={"q": "赡养"})
    assert vocabulary.status_code == 200 and "Ab01A01=" in vocabulary.text


def test_vocabulary_class_excluded_and_layer_switched_off_through_the_pages(client: TestClient) -> None:
    csrf = login(client, "editor1")
    page = client.get("/admin/vocabulary", params={"q": "赡养"})
    assert "提议排除此类" in page.text and "提议关闭整个通用词汇层" in page.text
    form = {"csrf": csrf, "action": "add", "kind": "vocabulary"}
    sent = client.post(
        "/admin/proposals", data={**form, "line": "Ab01A01=", "reason": "养老≠赡养"}, follow_redirects=False
    )
    assert sent.status_code == 303
    proposal = client.get(sent.headers["location"])
    assert "通用词汇层排除“Ab01A01=”所在类" in proposal.text
    assert approve_as_other(client, 1).status_code == 200
    assert _sources(client, "赡养") == [] and _sources(client, "高龄") == ["词林 Ab01A02="]
    off = client.post(
        "/admin/proposals", data={**form, "line": "*", "reason": "关闭"}, follow_redirects=False
    )
    assert off.status_code == 303 and approve_as_other(client, 2).status_code == 200
    assert _sources(client, "高龄") == []
    assert "已关闭" in client.get("/admin/vocabulary").text
    assert "关闭通用词汇层" in client.get("/admin/audit").text


def test_a_replacement_whose_packaged_line_an_upgrade_reworded_blocks_nothing(client: TestClient) -> None:
    csrf = login(client, "editor1")
    off = propose(client, csrf, action="disable", replaces=PACKAGED, line=PACKAGED, reason="r")
    assert approve_as_other(client, off).status_code == 200
    workflow = client.app.state.admin_workflow  # type: ignore[attr-defined]
    workflow.live.fixed = tuple(r for r in workflow.live.fixed if r.source != RULE)
    later = propose(client, csrf, action="add", line="二代证 => 居民身份证  # 俗称", reason="r")
    assert approve_as_other(client, later).status_code == 200  # the stale replacement stops matching
