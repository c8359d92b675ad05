"""Accounts and sessions of the staff tool, and the reviewer-only decisions."""

from __future__ import annotations

import re
from pathlib import Path

from fastapi.testclient import TestClient

from indexer.storage import Database
from tests.web.admin.helpers import PASSWORD, admin_app, login, propose
from web.admin.accounts import MAX_FAILED_LOGINS, Accounts, hash_password, verify_password


def test_passwords_are_salted_scrypt_hashes() -> None:
    first, second = hash_password("same password"), hash_password("same password")
    assert first != second and first.startswith("scrypt$")
    assert verify_password("same password", first) and not verify_password("other", first)
    assert not verify_password("same password", "plain-text")


def test_sessions_expire_and_logout_ends_them(store_db: Database) -> None:
    accounts = Accounts(store_db, session_hours=1e-9)
    accounts.add_user("zhao", "editor", "long enough secret")
    found = accounts.login("zhao", "long enough secret")
    assert found is not None and accounts.session(found[0]) is None  # already expired
    accounts.session_hours = 8
    token, staff = accounts.login("zhao", "long enough secret") or ("", None)
    assert staff is not None and accounts.session(token) == staff
    accounts.logout(token)
    assert accounts.session(token) is None
    assert accounts.login("zhao", "wrong password!") is None and accounts.login("nobody", "x") is None


def test_repeated_wrong_passwords_lock_the_account_for_a_while(tmp_path: Path) -> None:
    client = TestClient(admin_app(tmp_path))

    def attempt(password: str) -> tuple[int, str]:
        token = re.search(r'name="csrf" value="([^"]+)"', client.get("/admin/login").text)
        assert token
        form = {"csrf": token.group(1), "name": "editor1", "password": password}
        response = client.post("/admin/login", data=form)
        return response.status_code, response.text

    assert [attempt("guess")[0] for _ in range(MAX_FAILED_LOGINS)] == [401] * MAX_FAILED_LOGINS
    status, text = attempt(PASSWORD)
    assert status == 429 and "已暂时锁定" in text
    assert client.get("/admin/api/me").status_code == 401
    login(client, "reviewer1")  # other accounts are not affected


def test_logout_through_the_page_closes_the_session(tmp_path: Path) -> None:
    client = TestClient(admin_app(tmp_path / "data"))
    csrf = login(client, "editor1")
    response = client.post("/admin/logout", data={"csrf": csrf}, follow_redirects=False)
    assert response.status_code == 303 and response.headers["location"] == "/admin/login"
    assert client.get("/admin/api/me").status_code == 401


def test_only_reviewers_reject_and_roll_back_and_decisions_are_final(tmp_path: Path) -> None:
    data = tmp_path / "data"
    editor, reviewer = TestClient(admin_app(data)), TestClient(admin_app(data))
    ecsrf, rcsrf = login(editor, "editor1"), login(reviewer, "reviewer1")
    proposal = propose(editor, ecsrf, action="add", line="二代证 => 居民身份证  # 俗称", reason="r")
    reject_url = f"/admin/api/proposals/{proposal}/reject"
    denied = editor.post(reject_url, json={"reason": "x"}, headers={"X-CSRF-Token": ecsrf})
    assert denied.status_code == 403
    rollback = editor.post(
        "/admin/api/versions/0/rollback", json={"reason": "x"}, headers={"X-CSRF-Token": ecsrf}
    )
    assert rollback.status_code == 403
    done = reviewer.post(reject_url, json={"reason": "说法不规范"}, headers={"X-CSRF-Token": rcsrf})
    assert done.status_code == 200 and done.json()["status"] == "rejected"
    late = reviewer.post(f"/admin/api/proposals/{proposal}/approve", json={}, headers={"X-CSRF-Token": rcsrf})
    assert late.status_code == 422 and "已处理" in late.json()["error"]["message"]
    entry = reviewer.get("/admin/api/audit").json()["audit"][0]
    assert (entry["actor"], entry["action"], entry["reason"]) == ("reviewer1", "驳回", "说法不规范")
    assert reviewer.get("/admin/api/versions").json()["versions"] == []
    missing = reviewer.get("/admin/api/proposals/99")
    assert missing.status_code == 404 and missing.json()["error"]["code"] == "not_found"
