"""Shared setup for the staff-tool tests: an app over the sample documents with staff accounts."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

from fastapi import FastAPI
from fastapi.testclient import TestClient
from httpx import Response
from sqlalchemy import insert

from govsearch.app import create_app
from indexer.documents import Document
from indexer.storage import Database
from indexer.storage.logs import click_log, query_log
from tests.factories import build_data_dir
from web.admin.accounts import Accounts

PASSWORD = "correct horse battery"
GOLDEN = "query\trelevant\tnote\n二代证\t居民身份证换领\t员工维护\n换领身份证\t居民身份证换领\t\n"


def admin_app(
    data_dir: Path, documents: list[Document] | None = None, *, warm_first: bool = False
) -> FastAPI:
    """`warm_first`: the knowledge is built before the first request (see tests/factories.build_app)."""
    settings = build_data_dir(data_dir, documents)
    golden = data_dir / "golden.tsv"
    golden.write_text(GOLDEN, encoding="utf-8")
    accounts = Accounts(Database.for_path(settings.store_path))
    for name, role in (
        ("editor1", "editor"),
        ("reviewer1", "reviewer"),
        ("reviewer2", "reviewer"),
        ("admin1", "admin"),
    ):
        if name not in {s.name for s in accounts.users()}:
            accounts.add_user(name, role, PASSWORD)
    accounts.close()
    return create_app(settings.model_copy(update={"golden_path": golden}), warm_first=warm_first)


def login(client: TestClient, name: str) -> str:
    """Sign in through the login form; returns the session's CSRF token."""
    page = client.get("/admin/login")
    match = re.search(r'name="csrf" value="([^"]+)"', page.text)
    assert match, page.text
    response = client.post(
        "/admin/login",
        data={"csrf": match.group(1), "name": name, "password": PASSWORD, "next": "/admin"},
        follow_redirects=False,
    )
    assert response.status_code == 303, response.text
    csrf = client.get("/admin/api/me").json()["csrf"]
    assert isinstance(csrf, str)
    return csrf


def propose(client: TestClient, csrf: str, **body: object) -> int:
    response = client.post("/admin/api/proposals", json=body, headers={"X-CSRF-Token": csrf})
    assert response.status_code == 201, response.text
    proposal_id = response.json()["id"]
    assert isinstance(proposal_id, int)
    return proposal_id


def approve_as_other(client: TestClient, proposal_id: int, override_reason: str = "") -> Response:
    """Approve as reviewer2 in a session of its own (four eyes: the proposer cannot approve)."""
    other = TestClient(client.app)
    csrf = login(other, "reviewer2")
    return other.post(
        f"/admin/api/proposals/{proposal_id}/approve",
        json={"override_reason": override_reason},
        headers={"X-CSRF-Token": csrf},
    )


def seed_logs(database: Database, today: dt.date, days: int = 30) -> None:
    """A month of searches and clicks with a known shape, written straight into the logs.

    Every day: 社保卡补办 (found, clicked at positions 1 and 3), 二代证 (finds nothing, rising: from
    day 20 on it is searched more each day), 公积金提取 (found three times, never clicked); two
    searches a day come through the portal ``street``."""
    searches: list[dict[str, object]] = []
    clicks: list[dict[str, object]] = []
    for back in range(days):
        day = today - dt.timedelta(days=back)
        at = f"{day.isoformat()}T09:00:00+00:00"
        hot = 1 + max(0, 10 - back)  # grows towards today

        plan = [
            ("社保卡补办", 12, None, "guide", 4 + back % 3),
            ("二代证", 0, None, None, hot),
            ("公积金提取", 5, None, None, 3),
            ("养老保险", 7, "street", None, 2),
        ]
        for query, total, portal, kind, times in plan:
            row = {"at": at, "query": query, "type": kind, "page": 1, "total": total, "filters": ""}
            searches += [row | {"visitor": None, "portal": portal}] * times
        for position in (1, 3):
            clicks.append(
                {"at": at, "query": "社保卡补办", "doc_id": "x", "position": position, "portal": None}
            )
        clicks.append({"at": at, "query": "养老保险", "doc_id": "y", "position": 12, "portal": "street"})
    with database.write() as conn:
        conn.execute(insert(query_log), searches)
        conn.execute(insert(click_log), clicks)
