"""Accounts and sessions of the staff tool, and the reviewer-only decisions."""

from __future__ import annotations

import re
import time
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from indexer.storage import Database
from tests.web.admin.helpers import PASSWORD, admin_app, login, propose
from web.admin import accounts as accounts_module
from web.admin.accounts import (
    FREE_FAILURES,
    MAX_DELAY_SECONDS,
    Accounts,
    failure_delay,
    hash_password,
    verify_password,
)


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


def _attempt(client: TestClient, name: str, password: str) -> tuple[int, str, str]:
    token = re.search(r'name="csrf" value="([^"]+)"', client.get("/admin/login").text)
    assert token
    form = {"csrf": token.group(1), "name": name, "password": password}
    response = client.post("/admin/login", data=form, follow_redirects=False)
    return response.status_code, response.text, response.headers.get("retry-after", "")


@pytest.fixture
def steady_delay(monkeypatch: pytest.MonkeyPatch) -> None:
    """The first slowed answer waits 1 s from the failure stored: on a busy CI machine that wait was over
    before the next attempt arrived. Here every slowed answer waits 3 s (the doubling is tested below)."""
    monkeypatch.setattr(accounts_module, "failure_delay", lambda n: 0.0 if n < FREE_FAILURES else 3.0)


@pytest.mark.usefixtures("steady_delay")
def test_wrong_passwords_slow_the_guesser_down_but_lock_nobody_out(tmp_path: Path) -> None:
    app = admin_app(tmp_path)
    guesser = TestClient(app, client=("10.0.0.66", 5000))
    wrong = [_attempt(guesser, "editor1", "guess")[0] for _ in range(FREE_FAILURES)]
    assert wrong == [401] * FREE_FAILURES
    status, text, retry = _attempt(guesser, "editor1", PASSWORD)  # too soon: refused before hashing
    assert status == 429 and "秒后再试" in text and int(retry) >= 1
    staff = TestClient(app, client=("10.0.0.7", 5000))  # the real user, elsewhere: slowed, not locked
    status, _text, retry = _attempt(staff, "editor1", PASSWORD)
    assert status == 429 and 1 <= int(retry) <= MAX_DELAY_SECONDS
    time.sleep(int(retry))
    assert _attempt(staff, "editor1", PASSWORD)[0] == 303


def test_unknown_names_answer_like_real_ones(tmp_path: Path) -> None:
    app = admin_app(tmp_path)
    client = TestClient(app)
    real, unknown = _attempt(client, "editor1", "guess"), _attempt(client, "nobody-here", "guess")
    assert real[0] == unknown[0] == 401
    assert re.search("用户名或密码不正确", real[1]) and re.search("用户名或密码不正确", unknown[1])
    accounts = Accounts(Database.for_path(tmp_path / "store.sqlite3"))
    # Enough failures for the longest wait, so a slow password hash on a loaded machine cannot use it
    # up before it is read; the two names' waits differ by at most the one hash between their failures.
    for _ in range(FREE_FAILURES + 3):
        accounts.login("editor1", "guess")
        started = time.monotonic()
        accounts.login("nobody-here", "guess")
        one_hash = time.monotonic() - started
    known, unknown_wait = accounts.wait_seconds("editor1"), accounts.wait_seconds("nobody-here")
    assert 0 < known <= MAX_DELAY_SECONDS and abs(known - unknown_wait) < 1 + one_hash


def test_failure_delay_doubles_up_to_a_cap() -> None:
    delays = [failure_delay(n) for n in range(FREE_FAILURES + 6)]
    assert delays[:FREE_FAILURES] == [0.0] * FREE_FAILURES
    assert delays[FREE_FAILURES : FREE_FAILURES + 3] == [1.0, 2.0, 4.0] and max(delays) == MAX_DELAY_SECONDS


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


@pytest.mark.usefixtures("steady_delay")
def test_a_clients_wrong_passwords_count_in_every_serving_process(tmp_path: Path) -> None:
    """Two apps over one store stand for two serving workers: wrong passwords for different names from
    one address, spread over both, slow that address down in both (a count per process would have
    given the guesser one budget per worker)."""
    first, second = admin_app(tmp_path), admin_app(tmp_path)
    workers = [TestClient(app, client=("10.0.0.99", 5000)) for app in (first, second)]
    wrong = [_attempt(workers[i % 2], f"guess-{i}", "guess")[0] for i in range(FREE_FAILURES)]
    assert wrong == [401] * FREE_FAILURES
    for worker in workers:
        status, _text, retry = _attempt(worker, "reviewer1", PASSWORD)
        assert status == 429 and int(retry) >= 1
