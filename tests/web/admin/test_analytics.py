"""Search analytics from a seeded query log: figures, charts, lists with their actions, CSV, filters."""

from __future__ import annotations

import csv
import datetime as dt
import io
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from tests.web.admin.helpers import admin_app, login, seed_logs

TODAY = dt.datetime.now(dt.UTC).date()


@pytest.fixture
def client(tmp_path: Path) -> TestClient:
    app = admin_app(tmp_path / "data")
    seed_logs(app.state.database, TODAY)
    client = TestClient(app)
    login(client, "editor1")
    return client


def _report(client: TestClient, **params: str) -> dict[str, object]:
    response = client.get("/admin/api/analytics", params=params)
    assert response.status_code == 200, response.text
    body: dict[str, object] = response.json()
    return body


def test_figures_lists_and_positions_from_the_seeded_log(client: TestClient) -> None:
    week = {"start": (TODAY - dt.timedelta(days=6)).isoformat(), "end": TODAY.isoformat()}
    body = _report(client, **week)
    days = body["days"]
    assert isinstance(days, list) and len(days) == 7
    today = days[-1]
    assert today == {"day": TODAY.isoformat(), "searches": 4 + 11 + 3 + 2, "zero": 11, "clicks": 3}
    top = body["top"]
    assert isinstance(top, list) and top[0]["query"] == "二代证"
    assert [q["query"] for q in body["zero"]] == ["二代证"]  # type: ignore[union-attr]
    assert [q["query"] for q in body["low_click"]] == ["公积金提取"]  # type: ignore[union-attr]
    rising = body["rising"]
    assert isinstance(rising, list) and rising[0]["query"] == "二代证" and rising[0]["before"] == 13
    positions = dict((p, n) for p, n, _r in body["positions"])  # type: ignore[union-attr]
    assert positions["1"] == 7 and positions["3"] == 7 and positions["2"] == 0 and positions["11+"] == 7
    portals = {p["query"]: p["searches"] for p in body["portals"]}  # type: ignore[union-attr]
    assert portals["street"] == 14 and portals["-"] == sum(d["searches"] for d in days) - 14


def test_filters_narrow_by_portal_and_type_and_bad_dates_are_refused(client: TestClient) -> None:
    street = _report(client, portal="street")
    assert [q["query"] for q in street["top"]] == ["养老保险"]  # type: ignore[union-attr]
    guides = _report(client, kind="guide")
    assert [q["query"] for q in guides["top"]] == ["社保卡补办"]  # type: ignore[union-attr]
    for params, field in (
        ({"start": "昨天"}, "start"),
        ({"start": "2026-02-01", "end": "2026-01-01"}, "start"),
    ):
        bad = client.get("/admin/api/analytics", params=params)
        assert bad.status_code == 422 and bad.json()["error"]["field"] == field
    assert client.get("/admin/analytics", params={"end": "x"}).status_code == 422


def test_page_draws_charts_and_offers_actions_and_csv(client: TestClient) -> None:
    page = client.get("/admin/analytics")
    assert page.status_code == 200
    assert page.text.count("<svg") == 3 and 'class="line"' in page.text and 'class="bar"' in page.text
    assert "/admin/rules/new?term=%E4%BA%8C%E4%BB%A3%E8%AF%81" in page.text  # 添加同义词 for 二代证
    assert "/admin/best-bets?q=%E4%BA%8C%E4%BB%A3%E8%AF%81" in page.text
    assert "style=" not in page.text and "<script" not in page.text
    days = client.get("/admin/analytics.csv", params={"table": "days"})
    assert days.headers["content-type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(days.text.lstrip("\ufeff"))))
    assert rows[0][:3] == ["日期", "搜索次数", "无结果次数"] and len(rows) == 31
    assert rows[-1][0] == TODAY.isoformat() and rows[-1][1] == "20"
    for table in ("top", "zero", "low_click", "rising", "positions", "portals"):
        assert client.get("/admin/analytics.csv", params={"table": table}).status_code == 200
    assert client.get("/admin/analytics.csv", params={"table": "nope"}).status_code == 404
