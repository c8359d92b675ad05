"""A portal's hosted results page (its scope, name, colour and logo, kept across links) and its usage in
the staff area (per day, zero-result rate, top queries) and as CSV."""

from __future__ import annotations

import base64
import csv
import io
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from govsearch.app import create_app
from indexer.storage import Database
from search_api.access import KEY_HEADER
from search_api.engine.portals import Branding, Portals
from tests.web.admin.helpers import admin_app, login

PIXEL = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg=="
)


@pytest.fixture(scope="module")
def client(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[TestClient, str]]:
    data_dir = tmp_path_factory.mktemp("portal-pages")
    app = admin_app(data_dir)
    logo = "data:image/png;base64," + base64.b64encode(PIXEL).decode()
    portals = Portals(Database.for_path(data_dir / "store.sqlite3"))
    branding = Branding("示例市公安局门户", "#003366", logo)
    _portal, key = portals.add("police", [], {"publisher": ("示例市公安局",)}, "100/s", branding)
    with TestClient(app) as test_client:
        yield test_client, key


def test_the_hosted_page_wears_the_portal_and_keeps_to_its_scope(client: tuple[TestClient, str]) -> None:
    web, _key = client
    page = web.get("/s", params={"wd": "身份证", "portal": "police"})
    assert page.status_code == 200
    assert "示例市公安局门户" in page.text and "/portal/police/style.css" in page.text
    assert 'src="/portal/police/logo"' in page.text
    assert '<input type="hidden" name="portal" value="police">' in page.text
    assert 'href="/s?wd=%E8%BA%AB%E4%BB%BD%E8%AF%81&amp;portal=police&amp;type=guide"' in page.text
    assert '<h2 class="facet-title">发文机关' not in page.text  # fixed by the scope
    assert page.text.count('<li class="result') == 2  # 居民身份证换领, 补领 (示例市公安局)
    outside = web.get("/s", params={"wd": "养老保险", "portal": "police"})
    assert '<li class="result' not in outside.text  # 社会保险事业管理中心 and policies: not the portal's
    assert '<li class="result' in web.get("/s", params={"wd": "养老保险"}).text
    style = web.get("/portal/police/style.css")
    assert style.headers["content-type"].startswith("text/css") and "#003366" in style.text
    assert "#ffffff" in style.text  # white text on the dark header
    logo = web.get("/portal/police/logo")
    assert logo.content == PIXEL and logo.headers["content-type"] == "image/png"
    assert web.get("/s", params={"wd": "身份证", "portal": "nobody"}).status_code == 422


def test_usage_per_portal_in_the_staff_area_and_as_csv(client: tuple[TestClient, str]) -> None:
    web, _ = client
    store = web.app.state.settings.store_path  # type: ignore[attr-defined]
    _portal, key = Portals(Database.for_path(store)).add("counted", [], {}, "100/s", Branding("计数门户"))
    for q in ("身份证", "身份证", "没有这种东西"):
        assert web.get("/api/v1/search", params={"q": q}, headers={KEY_HEADER: key}).status_code == 200
    web.get("/api/v1/search", params={"q": "身份证", "page": "1"})  # anonymous: not the portal's
    login(web, "reviewer1")
    overview = web.get("/admin/portals")
    assert overview.status_code == 200 and "counted" in overview.text and "示例市公安局门户" in overview.text
    detail = web.get("/admin/portals/counted")
    assert detail.status_code == 200 and "搜索 3 次" in detail.text and "无结果率 33%" in detail.text
    assert "没有这种东西" in detail.text
    rows = list(csv.reader(io.StringIO(web.get("/admin/portals/counted.csv").text.lstrip("\ufeff"))))
    assert rows[0][:3] == ["日期", "门户", "搜索次数"] and rows[1][1:5] == ["counted", "3", "1", "33%"]
    assert web.get("/admin/portals/nobody").status_code == 404


def test_usage_pages_need_a_staff_login(tmp_path: Path) -> None:
    with TestClient(create_app(admin_app(tmp_path).state.settings)) as anonymous:
        assert anonymous.get("/admin/portals", follow_redirects=False).status_code == 303
        assert anonymous.get("/admin/portals/x.csv", follow_redirects=False).status_code == 303
