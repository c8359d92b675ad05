"""The staff tool through the real app: access control, CSRF, review, golden set, audit, rollback."""

from __future__ import annotations

import re
import sqlite3
from pathlib import Path
from typing import Any

import pytest
from fastapi.routing import APIRoute
from fastapi.testclient import TestClient

from govsearch.app import create_app
from indexer.storage import Database
from tests.web.admin.helpers import admin_app, approve_as_other, login, propose


@pytest.fixture
def app_dir(tmp_path: Path) -> Path:
    return tmp_path / "data"


@pytest.fixture
def anon(app_dir: Path) -> TestClient:
    return TestClient(admin_app(app_dir))


def _search(client: TestClient, q: str) -> dict[str, object]:
    body = client.get("/api/v1/search", params={"q": q}).json()
    assert isinstance(body, dict)
    return body


def _titles(client: TestClient, q: str) -> list[str]:
    hits = _search(client, q)["hits"]
    assert isinstance(hits, list)
    return [h["title"] for h in hits]


def _api_routes(routes: list[Any]) -> list[APIRoute]:
    """Every route of the app, also inside included routers (FastAPI ≥ 0.165 keeps them nested)."""
    found: list[APIRoute] = []
    for route in routes:
        if isinstance(route, APIRoute):
            found.append(route)
        elif hasattr(route, "original_router"):
            found += _api_routes(list(route.original_router.routes))
    return found


def test_every_admin_route_turns_away_anonymous_visitors(anon: TestClient) -> None:
    app_routes = list(anon.app.routes)  # type: ignore[attr-defined]
    routes = [r for r in _api_routes(app_routes) if r.path.startswith("/admin")]
    checked = 0
    for route in routes:
        if route.path in ("/admin/login", "/admin/welcome"):  # open: the login and the set-password page
            continue
        path = re.sub(r"\{[^}]+\}", "1", route.path)
        for method in route.methods - {"HEAD"}:
            response = anon.request(method, path, follow_redirects=False)
            if path.startswith("/admin/api"):
                assert response.status_code == 401, (method, path)
                assert response.json()["error"]["code"] == "unauthenticated"
            else:
                assert response.status_code == 303, (method, path)
                assert response.headers["location"].startswith("/admin/login")
            checked += 1
    assert checked >= 25


def test_wrong_password_is_refused_and_login_form_needs_its_token(anon: TestClient) -> None:
    page = anon.get("/admin/login")
    token = re.search(r'name="csrf" value="([^"]+)"', page.text)
    assert token
    wrong = anon.post("/admin/login", data={"csrf": token.group(1), "name": "editor1", "password": "nope"})
    assert wrong.status_code == 401 and "用户名或密码不正确" in wrong.text
    forged = anon.post("/admin/login", data={"csrf": "forged", "name": "editor1", "password": "x"})
    assert forged.status_code == 403
    assert anon.get("/admin/api/me").status_code == 401


def test_writes_without_the_csrf_token_are_refused(anon: TestClient) -> None:
    csrf = login(anon, "editor1")
    body = {"action": "add", "line": "二代证 => 居民身份证", "reason": "群众常用"}
    missing = anon.post("/admin/api/proposals", json=body)
    assert missing.status_code == 403 and missing.json()["error"]["field"] == "csrf"
    wrong = anon.post("/admin/api/proposals", json=body, headers={"X-CSRF-Token": csrf + "x"})
    assert wrong.status_code == 403
    form = anon.post(
        "/admin/proposals", data={"action": "add", "line": "二代证 => 居民身份证", "reason": "r"}
    )
    assert form.status_code == 403 and "CSRF" in form.text
    assert anon.get("/admin/api/proposals").json()["proposals"] == []


def test_editor_proposes_cannot_approve_and_reviewer_change_is_live_on_the_next_query(app_dir: Path) -> None:
    editor, reviewer = TestClient(admin_app(app_dir)), TestClient(admin_app(app_dir))
    other_worker = TestClient(create_app(editor.app.state.settings))  # type: ignore[attr-defined]
    assert _titles(other_worker, "二代证") == []
    csrf = login(editor, "editor1")
    proposal = propose(editor, csrf, action="add", line="二代证 => 居民身份证  # 俗称", reason="零结果查询")
    assert _titles(other_worker, "二代证") == []  # proposed is not live
    denied = editor.post(f"/admin/api/proposals/{proposal}/approve", json={}, headers={"X-CSRF-Token": csrf})
    assert denied.status_code == 403 and denied.json()["error"]["code"] == "forbidden"

    rcsrf = login(reviewer, "reviewer1")
    detail = reviewer.get(f"/admin/api/proposals/{proposal}").json()
    assert detail["preview"][0]["query"] == "二代证"
    assert detail["preview"][0]["before"] == [] and "居民身份证换领" in detail["preview"][0]["after"]
    assert detail["golden"]["blocked"] is False
    approved = reviewer.post(
        f"/admin/api/proposals/{proposal}/approve", json={}, headers={"X-CSRF-Token": rcsrf}
    )
    assert approved.status_code == 200 and approved.json()["version"] == 1

    body = _search(other_worker, "二代证")  # another worker, no re-indexing, no restart
    assert "居民身份证换领" in _titles(other_worker, "二代证")
    assert body["expansions"] == [
        {"term": "二代证", "alternatives": ["居民身份证"], "source": "人工规则#1", "weight": 1.0}
    ]
    audit = reviewer.get("/admin/api/audit").json()["audit"]
    assert [e["action"] for e in audit] == ["新增", "提议新增"]
    assert audit[0]["actor"] == "editor1" and audit[0]["after"].startswith("二代证 => 居民身份证")
    assert "reviewer1 批准提议#1" in audit[0]["approval"] and audit[0]["reason"] == "零结果查询"


def test_change_and_rollback_are_both_recorded_and_rollback_restores_results(anon: TestClient) -> None:
    csrf = login(anon, "reviewer1")
    headers = {"X-CSRF-Token": csrf}
    first = propose(anon, csrf, action="add", line="二代证 => 居民身份证  # 俗称", reason="加")
    assert approve_as_other(anon, first).status_code == 200
    second = propose(anon, csrf, action="disable", rule_id=1, reason="试停用")
    assert approve_as_other(anon, second, "测试").status_code == 200
    assert _titles(anon, "二代证") == []
    rollback = anon.post("/admin/api/versions/1/rollback", json={"reason": "停用有误"}, headers=headers)
    assert rollback.status_code == 200 and rollback.json() == {"version": 3, "restored": 1}
    assert "居民身份证换领" in _titles(anon, "二代证")
    actions = [e["action"] for e in anon.get("/admin/api/audit").json()["audit"]]
    assert actions[:2] == ["回滚", "停用"] and "新增" in actions
    csv_text = anon.get("/admin/api/audit.csv").text
    assert "回滚" in csv_text and "停用有误" in csv_text
    assert [v["id"] for v in anon.get("/admin/api/versions").json()["versions"]] == [3, 2, 1]


def test_change_dropping_a_golden_query_is_blocked_unless_a_reviewer_overrides(anon: TestClient) -> None:
    csrf = login(anon, "reviewer1")
    add = propose(anon, csrf, action="add", line="二代证 => 居民身份证  # 俗称", reason="加")
    assert approve_as_other(anon, add).status_code == 200
    delete = propose(anon, csrf, action="delete", rule_id=1, reason="清理")
    golden = anon.get(f"/admin/api/proposals/{delete}").json()["golden"]
    assert golden["blocked"] is True and "二代证" in golden["explanation"]
    blocked = approve_as_other(anon, delete)
    assert blocked.status_code == 409
    assert (
        blocked.json()["error"]["field"] == "override_reason"
        and "二代证" in blocked.json()["error"]["message"]
    )
    assert "居民身份证换领" in _titles(anon, "二代证")  # still live
    forced = approve_as_other(anon, delete, "该说法已停用")
    assert forced.status_code == 200
    assert _titles(anon, "二代证") == []
    entry = anon.get("/admin/api/audit").json()["audit"][0]
    assert (
        entry["action"] == "删除" and "强制上线" in entry["approval"] and "该说法已停用" in entry["approval"]
    )


@pytest.mark.parametrize(
    ("line", "problem"),
    [
        ("社保, 社会保险  # 重复", "plain_language.txt:"),
        ("户口本 => 户口本", "映射到它自己"),
        ("二代证 =>", "右边为空"),
        ("居民身份证 => 身份证", "循环"),
    ],
)
def test_invalid_rules_are_refused_with_their_location(anon: TestClient, line: str, problem: str) -> None:
    csrf = login(anon, "editor1")
    response = anon.post(
        "/admin/api/proposals",
        json={"action": "add", "line": line, "reason": "r"},
        headers={"X-CSRF-Token": csrf},
    )
    assert response.status_code == 422
    assert problem in response.json()["error"]["message"]
    assert anon.get("/admin/api/proposals").json()["proposals"] == []


def test_import_export_and_work_list(anon: TestClient, app_dir: Path) -> None:
    for _ in range(3):
        anon.get("/api/v1/search", params={"q": "二代证"})
    anon.get("/api/v1/search", params={"q": "准迁证"})
    csrf = login(anon, "reviewer1")
    for _ in range(3):
        anon.get("/api/v1/search", params={"q": "社会保障卡挂失"})  # found, but nobody clicks
    items = anon.get("/admin/api/worklist").json()["items"]
    assert [(i["query"], i["searches"], i["zero_results"], i["reason"]) for i in items] == [
        ("二代证", 3, True, "无结果"),
        ("准迁证", 1, True, "无结果"),
        ("社会保障卡挂失", 3, False, "点击少（0/3）"),
    ]
    page = anon.get("/admin/worklist")
    assert "/admin/rules/new?term=%E4%BA%8C%E4%BB%A3%E8%AF%81" in page.text
    text = "@owner 户政组\n@category 户籍\n二代证 => 居民身份证   # 俗称\n准迁证 => 户口迁移   # 俗称\n"
    imported = anon.post(
        "/admin/api/import",
        json={"text": text, "filename": "x.txt", "reason": "批量"},
        headers={"X-CSRF-Token": csrf},
    )
    assert imported.status_code == 201 and imported.json()["rules"] == 2
    assert approve_as_other(anon, imported.json()["id"]).status_code == 200
    exported = anon.get("/admin/api/export").text
    assert "@owner 户政组" in exported and "准迁证 => 户口迁移   # 俗称" in exported
    bad = anon.post(
        "/admin/api/import", json={"text": "a =>\n", "filename": "bad.txt"}, headers={"X-CSRF-Token": csrf}
    )
    assert bad.status_code == 422 and "bad.txt:1" in bad.json()["error"]["message"]


def test_audit_trail_cannot_be_edited_in_the_database(anon: TestClient, app_dir: Path) -> None:
    csrf = login(anon, "editor1")
    propose(anon, csrf, action="add", line="二代证 => 居民身份证  # 俗称", reason="r")
    conn = sqlite3.connect(app_dir / "store.sqlite3")
    with pytest.raises(sqlite3.IntegrityError, match="append-only"):
        conn.execute("UPDATE synonym_audit SET actor = 'someone'")
    with pytest.raises(sqlite3.IntegrityError, match="append-only"):
        conn.execute("DELETE FROM synonym_audit")
    conn.close()


def test_a_commit_computed_from_an_old_version_is_refused_and_nothing_is_lost(app_dir: Path) -> None:
    from synonyms.staff_rules import StaffRule
    from synonyms.staff_store import AuditEntry, StaffStore

    TestClient(admin_app(app_dir))
    store = StaffStore(Database.for_path(app_dir / "store.sqlite3"))
    entry = AuditEntry(0, "", "a", "新增", "", "x", "r", "b 批准", None)
    assert store.commit((StaffRule(id=1, line="二代证 => 居民身份证"),), entry, base=0) == 1
    with pytest.raises(ValueError, match="当前版本 1"):
        store.commit((StaffRule(id=1, line="准迁证 => 户口迁移"),), entry, base=0)
    assert store.current().rules[0].line == "二代证 => 居民身份证"
    assert len(store.audit()) == 1


def test_import_through_the_upload_form_and_export_round_trip(anon: TestClient) -> None:
    csrf = login(anon, "reviewer1")
    text = "二代证 => 居民身份证   # 俗称\n@owner 户政组\n准迁证 => 户口迁移   # 俗称\n"
    response = anon.post(
        "/admin/import",
        data={"csrf": csrf, "reason": "批量导入"},
        files={"file": ("rules.txt", text.encode("utf-8"), "text/plain")},
        follow_redirects=False,
    )
    assert response.status_code == 303 and response.headers["location"].startswith("/admin/proposals/1")
    page = anon.get("/admin/proposals/1")
    assert "准迁证 =&gt; 户口迁移" in page.text and "批量导入" in page.text
    own = anon.post("/admin/proposals/1/approve", data={"csrf": csrf}, follow_redirects=False)
    assert own.status_code == 403 and "四眼原则" in own.text
    other = TestClient(anon.app)
    other_csrf = login(other, "reviewer2")
    approve = other.post("/admin/proposals/1/approve", data={"csrf": other_csrf}, follow_redirects=False)
    assert approve.status_code == 303
    exported = anon.get("/admin/export").text
    assert "@owner 未填写\n@category 未填写\n@origin 未填写\n二代证 => 居民身份证   # 俗称" in exported
    assert "@owner 户政组\n准迁证 => 户口迁移   # 俗称" in exported
    broken = anon.post(
        "/admin/import",
        data={"csrf": csrf, "reason": "r"},
        files={"file": ("bad.txt", "甲方 => 甲方\n".encode(), "text/plain")},
    )
    assert broken.status_code == 422 and "bad.txt:1" in broken.text


def test_preview_shows_before_and_after_without_proposing(anon: TestClient) -> None:
    csrf = login(anon, "editor1")
    body = {"action": "add", "line": "二代证 => 居民身份证  # 俗称"}
    response = anon.post("/admin/api/preview", json=body, headers={"X-CSRF-Token": csrf})
    assert response.status_code == 200
    (row,) = response.json()["preview"]
    assert row["query"] == "二代证" and row["before"] == [] and "居民身份证换领" in row["after"]
    assert response.json()["golden"]["blocked"] is False
    assert anon.get("/admin/api/proposals").json()["proposals"] == []
    page = anon.post("/admin/preview", data={"csrf": csrf, **body, "reason": ""})
    assert page.status_code == 200 and 'id="preview"' in page.text and "居民身份证换领" in page.text
    bad = anon.post(
        "/admin/api/preview", json={"action": "add", "line": "甲方 => 甲方"}, headers={"X-CSRF-Token": csrf}
    )
    assert bad.status_code == 422 and "映射到它自己" in bad.json()["error"]["message"]


def test_rule_search_lists_staff_rules_and_packaged_rules_with_their_actions(anon: TestClient) -> None:
    csrf = login(anon, "reviewer1")
    first = propose(
        anon, csrf, action="add", line="二代证 => 居民身份证  # 俗称", reason="r", category="户籍"
    )
    assert approve_as_other(anon, first).status_code == 200
    body = anon.get("/admin/api/rules", params={"q": "居民身份证"}).json()
    assert [r["line"] for r in body["rules"]] == ["二代证 => 居民身份证  # 俗称"]
    sources = [r["source"] for r in body["packaged"]]
    assert sources and all(s.startswith("plain_language.txt:") for s in sources)
    assert any(r["line"].startswith("身份证 => 居民身份证") for r in body["packaged"])
    assert anon.get("/admin/api/rules", params={"q": "户籍"}).json()["rules"][0]["category"] == "户籍"
    page = anon.get("/admin", params={"q": "居民身份证"})
    assert (
        'id="packaged"' in page.text and "提议停用" in page.text and "/admin/rules/new?replaces=" in page.text
    )


def test_golden_set_page_shows_each_query_rank_under_the_live_rules(anon: TestClient) -> None:
    csrf = login(anon, "reviewer1")
    body = anon.get("/admin/api/golden").json()
    assert body["configured"] is True
    assert [(q["query"], q["rank"]) for q in body["queries"]] == [("二代证", None), ("换领身份证", 1)]
    first = propose(anon, csrf, action="add", line="二代证 => 居民身份证  # 俗称", reason="r")
    assert approve_as_other(anon, first).status_code == 200
    ranks = [q["rank"] for q in anon.get("/admin/api/golden").json()["queries"]]
    assert ranks[0] is not None and ranks[0] <= 10
    page = anon.get("/admin/golden")
    assert 'id="golden-set"' in page.text and "换领身份证" in page.text


def test_form_errors_keep_what_was_typed_and_say_what_is_wrong(anon: TestClient) -> None:
    csrf = login(anon, "editor1")
    typed = {"csrf": csrf, "action": "add", "line": "户口本 => 户口本", "owner": "户政组", "category": "户籍"}
    page = anon.post("/admin/proposals", data={**typed, "reason": "r"})
    assert page.status_code == 422 and "映射到它自己" in page.text
    assert 'value="户口本 =&gt; 户口本"' in page.text and 'value="户政组"' in page.text
    missing = anon.post("/admin/proposals", data={**typed, "line": "二代证 => 居民身份证", "reason": " "})
    assert missing.status_code == 422 and "请填写修改原因" in missing.text
    unknown = anon.post(
        "/admin/proposals", data={"csrf": csrf, "action": "delete", "rule_id": "7", "reason": "r"}
    )
    assert unknown.status_code == 422 and "没有编号为 7 的规则" in unknown.text


def test_four_eyes_nobody_approves_their_own_change(anon: TestClient) -> None:
    csrf = login(anon, "reviewer1")
    own = propose(anon, csrf, action="add", line="二代证 => 居民身份证  # 俗称", reason="加")
    denied = anon.post(f"/admin/api/proposals/{own}/approve", json={}, headers={"X-CSRF-Token": csrf})
    assert denied.status_code == 403 and "四眼原则" in denied.json()["error"]["message"]
    assert (
        _titles(anon, "二代证") == []
        and anon.get(f"/admin/api/proposals/{own}").json()["status"] == "pending"
    )
    assert approve_as_other(anon, own).status_code == 200
    assert "居民身份证换领" in _titles(anon, "二代证")


def test_self_approval_setting_for_a_one_person_office_is_audited(app_dir: Path) -> None:
    app = admin_app(app_dir)
    client = TestClient(create_app(app.state.settings.model_copy(update={"allow_self_approval": True})))
    csrf = login(client, "reviewer1")
    own = propose(client, csrf, action="add", line="二代证 => 居民身份证  # 俗称", reason="加")
    approved = client.post(f"/admin/api/proposals/{own}/approve", json={}, headers={"X-CSRF-Token": csrf})
    assert approved.status_code == 200
    entry = client.get("/admin/api/audit").json()["audit"][0]
    assert "本人提议、本人批准" in entry["approval"]


def test_every_staff_write_needs_the_csrf_token_and_approval_needs_a_reviewer(anon: TestClient) -> None:
    routes = [r for r in _api_routes(list(anon.app.routes)) if r.path.startswith("/admin")]  # type: ignore[attr-defined]
    writes = [
        (method, re.sub(r"\{[^}]+\}", "1", r.path))
        for r in routes
        for method in r.methods - {"GET", "HEAD"}
        if r.path not in ("/admin/login", "/admin/welcome")  # open forms, with their own token cookie
    ]
    assert len(writes) >= 19
    login(anon, "admin1")
    for method, path in writes:
        response = anon.request(method, path, json={}, follow_redirects=False)
        assert response.status_code == 403, (method, path)
        assert "CSRF" in response.text, (method, path)
    editor = TestClient(anon.app)
    csrf = login(editor, "editor1")
    proposal = propose(editor, csrf, action="add", line="二代证 => 居民身份证", reason="r")
    for who in ("editor1", "admin1"):  # neither an editor nor an account admin approves
        client = TestClient(anon.app)
        token = login(client, who)
        denied = client.post(
            f"/admin/api/proposals/{proposal}/approve", json={}, headers={"X-CSRF-Token": token}
        )
        assert denied.status_code == 403, who
        rollback = client.post(
            "/admin/api/versions/0/rollback", json={"reason": "r"}, headers={"X-CSRF-Token": token}
        )
        assert rollback.status_code == 403, who


def test_staff_templates_hold_no_inline_script_or_style() -> None:
    """A strict Content-Security-Policy (no 'unsafe-inline') must not break any staff page."""
    templates = Path(__file__).resolve().parents[3] / "web" / "admin" / "templates"
    found = sorted(templates.glob("*.html"))
    assert len(found) >= 20
    for template in found:
        text = template.read_text(encoding="utf-8")
        assert not re.search(r"<script|<style|\sstyle=|\son[a-z]+=", text), template.name
