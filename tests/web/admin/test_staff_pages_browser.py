"""Every staff page in headless Chromium at phone (390 px) and desktop (1366 px) width: it renders,
nothing but a table's own scroll box is wider than the screen, axe finds no serious problem, and a
screenshot is kept in tests/artifacts/ (staff-<page>-<width>.png) to look at."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from govsearch.app import create_app
from tests.browser import chromium, live_server, phone_sized, screenshot, wait_for
from tests.factories import SAMPLE_DOCUMENTS
from tests.web.a11y import violations
from tests.web.admin.helpers import PASSWORD, admin_app, approve_as_other, login, propose, seed_logs

pytestmark = pytest.mark.browser

POLICY = next(d for d in SAMPLE_DOCUMENTS if d.title == "示例市住房公积金提取管理办法")
PACKAGED = "补身份证, 身份证补办, 身份证丢了 => 居民身份证补领   # 丢失、损坏后补领"
PAGES = {
    "rules": "/admin?q=身份证",
    "rule-new": "/admin/rules/new?term=二代证",
    "rule-edit": "/admin/rules/1",
    "proposal": "/admin/proposals/{pending}",
    "best-bets": "/admin/best-bets?q=身份证",
    "vocabulary": "/admin/vocabulary?q=赡养",
    "analytics": "/admin/analytics",
    "worklist": "/admin/worklist",
    "golden": "/admin/golden?q=身份证",
    "denylist": "/admin/denylist",
    "document": "/admin/documents/{policy}",
    "audit": "/admin/audit",
    "portals": "/admin/portals",
    "accounts": "/admin/accounts",
}


def _staff_app(tmp_path: Path) -> tuple[FastAPI, str, int]:
    """An app with some of everything: a replaced packaged rule, a pin, a 词林 exclusion, a pending
    proposal, a month of query log, an invited colleague. Returns (app, set-password link, pending id)."""
    base = admin_app(tmp_path / "data")
    cilin = tmp_path / "cilin.txt"
    cilin.write_text("Ab01A01= 养老 赡养\nAb01A02= 高龄 老年\n", encoding="utf-8")
    app = create_app(base.state.settings.model_copy(update={"cilin_path": cilin}))
    seed_logs(app.state.database, dt.datetime.now(dt.UTC).date())
    client = TestClient(app)
    csrf = login(client, "editor1")
    changes: list[dict[str, Any]] = [
        {"action": "add", "kind": "rule", "line": "二代证 => 居民身份证  # 俗称", "category": "户籍"},
        {"action": "disable", "replaces": PACKAGED, "line": PACKAGED},
        {"action": "add", "kind": "vocabulary", "line": "赡养"},
        {"action": "add", "kind": "deny", "field": "hot", "line": "挂失"},
        {"action": "add", "kind": "correction", "target": POLICY.id, "field": "validity", "line": "已废止"},
    ]
    for change in changes:
        assert approve_as_other(client, propose(client, csrf, **change, reason="演示")).status_code == 200
    pending = propose(client, csrf, action="add", line="准迁证 => 户口迁移  # 俗称", reason="零结果查询")
    admin = TestClient(app)
    admin_csrf = login(admin, "admin1")
    invited = admin.post(
        "/admin/api/accounts", json={"name": "zhang", "role": "editor"}, headers={"X-CSRF-Token": admin_csrf}
    )
    return app, invited.json()["setup_url"], pending


def _check(driver: Any, name: str, width: int) -> None:
    wait_for(driver, "main h1")
    overflow = driver.execute_script("return document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0, f"{name} at {width} px is {overflow} px wider than the screen"
    assert violations(driver) == [], name
    screenshot(driver, f"staff-{name}-{width}")


@pytest.mark.parametrize("width", [390, 1366])
def test_every_staff_page_at_phone_and_desktop_width(tmp_path: Path, width: int) -> None:
    from selenium.webdriver.common.by import By

    app, setup_url, pending = _staff_app(tmp_path)
    with live_server(app) as base_url, chromium(max(width, 500), 900) as driver:
        if width < 500:
            phone_sized(driver, width, 844)
        driver.get(base_url + "/admin/welcome?token=" + setup_url.split("token=")[1])
        _check(driver, "welcome", width)
        driver.get(base_url + "/admin/analytics")
        assert "/admin/login" in driver.current_url
        _check(driver, "login", width)
        wait_for(driver, "#name").send_keys("admin1")
        driver.find_element(By.ID, "password").send_keys(PASSWORD)
        driver.find_element(By.CSS_SELECTOR, "form button[type=submit]").click()
        wait_for(driver, "nav.tabs")
        status = driver.find_element(By.CSS_SELECTOR, ".status-bar").text
        assert "当前生效版本 5" in status and "最近修改" in status
        for name, path in PAGES.items():
            driver.get(base_url + path.format(pending=pending, policy=POLICY.id))
            _check(driver, name, width)
            if name == "analytics":
                charts = driver.find_elements(By.CSS_SELECTOR, "figure.chart svg")
                assert len(charts) == 3 and all(c.size["width"] > 200 for c in charts)
                driver.execute_script("arguments[0].scrollIntoView()", charts[0])
                screenshot(driver, f"staff-analytics-charts-{width}")
