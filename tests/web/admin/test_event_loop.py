"""No staff page does blocking work on the event loop (issue 17: one wrong login's password hash, run
inside an `async def` handler, stopped every search of its worker).

Every statement the store runs and every password hash is watched: one that runs while an event loop
is running in its thread ran on the loop (FastAPI runs plain handlers and dependencies in worker
threads, where no loop runs). The staff pages and forms are then walked through.
"""

from __future__ import annotations

import asyncio
import re
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.routing import APIRoute
from fastapi.testclient import TestClient
from sqlalchemy import event, text

from tests.web.admin.helpers import PASSWORD, admin_app, login
from web.admin import api, hashing, pages, pages_accounts, pages_analytics, pages_curation

STAFF_ROUTERS = (
    pages.public,
    pages.router,
    pages_curation.router,
    pages_analytics.router,
    pages_analytics.api,
    pages_accounts.public,
    pages_accounts.router,
    pages_accounts.api,
    api.router,
)


class LoopWatch:
    """What ran on an event loop's thread that should have run in a worker thread."""

    def __init__(self) -> None:
        self.on_loop: list[str] = []

    def check(self, what: str) -> None:
        try:
            asyncio.get_running_loop()
        except RuntimeError:
            return  # a worker thread: fine
        self.on_loop.append(what[:80])


@contextmanager
def watching(app: FastAPI) -> Iterator[LoopWatch]:
    """Watch every statement of the app's store and every password hash while the block runs."""
    watch = LoopWatch()

    def trace(dbapi_connection: Any, _record: object, _proxy: object) -> None:
        # Every statement on this connection, the hot path's straight driver calls included.
        dbapi_connection.set_trace_callback(watch.check)

    real_scrypt = hashing.scrypt

    def scrypt(password: bytes, salt: bytes) -> bytes:
        watch.check("password hash")  # waiting for the hashing process blocks the caller too
        return real_scrypt(password, salt)

    event.listen(app.state.database.engine, "checkout", trace)
    hashing.scrypt = scrypt  # the real hash still runs; the wrapper only notes where
    try:
        yield watch
    finally:
        hashing.scrypt = real_scrypt
        event.remove(app.state.database.engine, "checkout", trace)


@pytest.fixture
def watched(tmp_path: Path) -> Iterator[tuple[TestClient, LoopWatch]]:
    app = admin_app(tmp_path)
    with watching(app) as watch, TestClient(app) as client:
        yield client, watch


def _csrf(page_text: str) -> str:
    match = re.search(r'name="csrf" value="([^"]+)"', page_text)
    assert match, page_text
    return match.group(1)


def test_the_watch_sees_store_work_on_the_loop(watched: tuple[TestClient, LoopWatch]) -> None:
    """The watch itself: a statement run from a coroutine is caught (else the test could not fail)."""
    client, watch = watched

    async def on_the_loop() -> None:
        client.app.state.database.rows(text("SELECT 1"))  # type: ignore[attr-defined]

    # A thread of its own, like the app's loop: its connections are checked out after the watch began.
    loop_thread = threading.Thread(target=asyncio.run, args=(on_the_loop(),))
    loop_thread.start()
    loop_thread.join()
    assert watch.on_loop == ["SELECT 1"]


def test_logins_forms_and_pages_keep_the_event_loop_free(watched: tuple[TestClient, LoopWatch]) -> None:
    client, watch = watched
    form = {"csrf": _csrf(client.get("/admin/login").text), "name": "editor1", "password": "wrong guess"}
    assert client.post("/admin/login", data=form).status_code == 401
    assert client.post("/admin/login", data=form | {"name": "nobody"}).status_code == 401
    csrf = login(client, "admin1")
    pages = [
        route.path
        for router in STAFF_ROUTERS
        for route in router.routes
        if isinstance(route, APIRoute) and "GET" in route.methods and "{" not in route.path
    ]
    assert len(pages) > 15
    for path in pages:
        assert client.get(path).status_code < 500, path
    invited = client.post("/admin/accounts", data={"csrf": csrf, "name": "newcomer", "role": "editor"})
    link = re.search(r"/admin/welcome\?token=([\w-]+)", invited.text)
    assert invited.status_code == 200 and link
    welcome = client.get("/admin/welcome", params={"token": link.group(1)})
    chosen = {"csrf": _csrf(welcome.text), "token": link.group(1), "password": PASSWORD, "again": PASSWORD}
    assert client.post("/admin/welcome", data=chosen, follow_redirects=False).status_code == 303
    role = client.post("/admin/accounts/newcomer/role", data={"csrf": csrf, "role": "reviewer"})
    assert role.status_code == 200
    reviewer = TestClient(client.app)
    reviewer_csrf = login(reviewer, "reviewer1")
    golden = {"csrf": reviewer_csrf, "query": "补身份证", "relevant": "居民身份证补领"}
    assert reviewer.post("/admin/golden", data=golden, follow_redirects=False).status_code == 303
    rows = reviewer.get("/admin/api/golden").json()["queries"]
    rule_id = next(r["rule_id"] for r in rows if r["query"] == "补身份证")
    deleted = {"csrf": reviewer_csrf, "reason": "测试"}
    assert (
        reviewer.post(f"/admin/golden/{rule_id}/delete", data=deleted, follow_redirects=False).status_code
        == 303
    )
    assert client.post("/admin/logout", data={"csrf": csrf}, follow_redirects=False).status_code == 303
    assert watch.on_loop == []


def test_public_pages_and_their_error_pages_keep_the_event_loop_free(
    watched: tuple[TestClient, LoopWatch],
) -> None:
    """The site's own error handlers are coroutines: the page they render must not read the store."""
    client, watch = watched
    client.get("/s", params={"wd": "身份证"}, headers={"cookie": "gs_region=440100"})
    for url in ("/s?wd=社&pn=²", "/no-such-page", "/api/v1/search?q=社&page=²", "/doc/nothing", "/"):
        assert client.get(url, headers={"cookie": "gs_region=440100"}).status_code < 500, url
    assert (
        client.post("/api/v1/clicks", json={"query": "身份证", "doc_id": "x", "position": 1}).status_code
        < 500
    )
    assert watch.on_loop == []
