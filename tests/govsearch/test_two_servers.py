"""Two `govsearch serve` processes on two loopback ports sharing one PostgreSQL store (and, for now,
one embedded index): what staff change through one server applies on the other at its next query, and
what citizens do on one shows in the other's analytics."""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path
from typing import Any

import httpx
import pytest

from indexer.backends.tantivy_backend import TantivyBackend
from indexer.pipeline import update_index
from indexer.storage import Database
from indexer.store import Store
from tests.factories import SAMPLE_DOCUMENTS
from tests.postgres import fresh_database
from tests.shared_data import REPO_ROOT
from web.admin.accounts import Accounts

PASSWORD = "correct horse battery"
START_SECONDS = 60.0  # a server imports the whole package and builds its knowledge first


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextmanager
def _serve(data_dir: Path, url: str) -> Iterator[httpx.Client]:
    port = _free_port()
    env = {**os.environ, "GOVSEARCH_DATABASE_URL": url, "GOVSEARCH_DATA_DIR": str(data_dir)}
    command = [sys.executable, "-m", "govsearch.cli", "serve", "--port", str(port)]
    process = subprocess.Popen(command, cwd=REPO_ROOT, env=env, stderr=subprocess.PIPE)
    client = httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=30)
    try:
        _until(lambda: _answers(client), f"server on port {port} did not start", START_SECONDS)
        yield client
    finally:
        client.close()
        process.terminate()
        process.wait(timeout=30)


def _answers(client: httpx.Client) -> bool:
    try:
        return client.get("/").status_code == 200
    except httpx.TransportError:
        return False


def _until(check: Callable[[], bool], message: str, seconds: float = 10.0) -> None:
    deadline = time.monotonic() + seconds
    while not check():
        assert time.monotonic() < deadline, message
        time.sleep(0.1)


def _login(client: httpx.Client, name: str) -> dict[str, str]:
    page = client.get("/admin/login")
    token = re.search(r'name="csrf" value="([^"]+)"', page.text)
    assert token, page.text
    form = {"csrf": token.group(1), "name": name, "password": PASSWORD, "next": "/admin"}
    assert client.post("/admin/login", data=form).status_code == 303
    return {"X-CSRF-Token": client.get("/admin/api/me").json()["csrf"]}


def _approve(
    editor: tuple[httpx.Client, dict[str, str]], reviewer: tuple[httpx.Client, dict[str, str]], **change: Any
) -> int:
    """An editor proposes, a reviewer (another person: four eyes) approves."""
    proposal = editor[0].post("/admin/api/proposals", json=change, headers=editor[1])
    assert proposal.status_code == 201, proposal.text
    body = {"override_reason": "测试"}
    path = f"/admin/api/proposals/{proposal.json()['id']}/approve"
    approved = reviewer[0].post(path, json=body, headers=reviewer[1])
    assert approved.status_code == 200, approved.text
    return int(approved.json()["version"])


def _titles(client: httpx.Client, q: str) -> list[str]:
    return [h["title"] for h in client.get("/api/v1/search", params={"q": q}).json()["hits"]]


@pytest.fixture
def shared(tmp_path: Path) -> Iterator[tuple[Path, str]]:
    """A data directory with the sample index, and a PostgreSQL store holding the same documents."""
    with fresh_database() as url:
        database = Database.open(url, upgrade=True)
        store = Store(database)
        store.upsert(SAMPLE_DOCUMENTS)
        backend = TantivyBackend(tmp_path / "index", writable=True)
        update_index(store, backend)
        backend.close()
        Accounts(database).add_user("reviewer1", "reviewer", PASSWORD)
        Accounts(database).add_user("editor1", "editor", PASSWORD)
        database.close()
        yield tmp_path, url


def test_two_servers_share_staff_changes_and_logs(shared: tuple[Path, str]) -> None:
    data_dir, url = shared
    with ExitStack() as stack:
        a = stack.enter_context(_serve(data_dir, url))
        b = stack.enter_context(_serve(data_dir, url))
        assert _titles(b, "二代证") == []
        editor = (a, _login(a, "editor1"))
        with httpx.Client(base_url=a.base_url, timeout=30) as second_a:
            reviewer = (second_a, _login(second_a, "reviewer1"))
            assert _approve(editor, reviewer, action="add", line="二代证 => 居民身份证", reason="俗称") == 1
            assert "居民身份证换领" in _titles(b, "二代证")  # B's very next query
            assert _approve(editor, reviewer, action="disable", rule_id=1, reason="试停用") == 2
        assert _titles(b, "二代证") == []

        staff_b = _login(b, "reviewer1")
        rollback = b.post("/admin/api/versions/1/rollback", json={"reason": "停用有误"}, headers=staff_b)
        assert rollback.status_code == 200 and rollback.json()["version"] == 3
        assert "居民身份证换领" in _titles(a, "二代证")  # the rollback through B holds on A
        actions = [e["action"] for e in a.get("/admin/api/audit").json()["audit"]]
        assert actions[:2] == ["回滚", "停用"] and "新增" in actions

        for _ in range(12):
            assert _titles(b, "社会保障卡挂失")
        click = {"query": "社会保障卡挂失", "doc_id": SAMPLE_DOCUMENTS[2].id, "position": 1}
        assert b.post("/api/v1/clicks", json=click).status_code == 204

        def clicked_on_a() -> bool:
            items = a.get("/admin/api/worklist").json()["items"]
            return any(i["query"] == "社会保障卡挂失" and i["clicks"] == 1 for i in items)

        _until(clicked_on_a, "B's searches and click never reached A's work list")
