"""The staff pages in real headless Chromium: propose as editor, preview and approve as reviewer, audit."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.browser import chromium, live_server, screenshot, wait_for, wait_for_text
from tests.web.admin.helpers import PASSWORD, admin_app

pytestmark = pytest.mark.browser


def _login(driver: Any, base_url: str, name: str) -> None:
    from selenium.webdriver.common.by import By

    driver.get(base_url + "/admin")
    wait_for(driver, "#name").send_keys(name)
    driver.find_element(By.ID, "password").send_keys(PASSWORD)
    driver.find_element(By.CSS_SELECTOR, "form button[type=submit]").click()
    wait_for(driver, "nav.tabs")


def _logout(driver: Any) -> None:
    from selenium.webdriver.common.by import By

    driver.find_element(By.CSS_SELECTOR, ".who button").click()
    wait_for(driver, "#name")


def test_editor_proposes_reviewer_previews_and_approves_then_search_uses_it(tmp_path: Path) -> None:
    from selenium.webdriver.common.by import By

    app = admin_app(tmp_path / "data")
    with live_server(app) as base_url, chromium() as driver:
        driver.get(base_url + "/admin/worklist")
        assert "/admin/login" in driver.current_url  # anonymous visitors are sent to the login page
        screenshot(driver, "admin-login")
        _login(driver, base_url, "editor1")
        driver.get(base_url + "/admin/rules/new?term=二代证")
        line = wait_for(driver, "#line")
        line.send_keys("居民身份证  # 俗称")
        driver.find_element(By.ID, "category").send_keys("户籍")
        driver.find_element(By.ID, "preview-button").click()  # see the effect before proposing
        preview = wait_for(driver, "#preview")
        assert "居民身份证换领" in preview.text and "无结果" in preview.text
        assert driver.find_element(By.ID, "line").get_attribute("value") == "二代证 => 居民身份证  # 俗称"
        assert driver.find_element(By.ID, "category").get_attribute("value") == "户籍"
        driver.execute_script("arguments[0].scrollIntoView()", preview)
        screenshot(driver, "admin-rule-preview")
        driver.find_element(By.CSS_SELECTOR, "form[action='/admin/proposals'] button").click()
        wait_for_text(driver, ".note", "等待审核")
        assert "等待审核人员批准" in driver.page_source  # an editor gets no approve button
        assert not driver.find_elements(By.CSS_SELECTOR, "form[action$='/approve']")
        screenshot(driver, "admin-proposal-editor")
        _logout(driver)

        _login(driver, base_url, "reviewer1")
        driver.find_element(By.LINK_TEXT, "查看、预览与审核").click()
        golden = wait_for(driver, "#golden")
        assert "均未跌出前 10 名" in golden.text
        cells = driver.find_elements(By.CSS_SELECTOR, "table tr td")
        assert any("居民身份证换领" in c.text for c in cells)  # preview: the "after" column
        screenshot(driver, "admin-proposal-review")
        driver.find_element(By.CSS_SELECTOR, "form[action$='/approve'] button").click()
        wait_for_text(driver, ".note", "已生效")
        assert "二代证 => 居民身份证" in driver.find_element(By.TAG_NAME, "main").text
        screenshot(driver, "admin-rules")

        driver.get(base_url + "/s?wd=二代证")
        wait_for(driver, ".result h3 a")
        titles = [a.text for a in driver.find_elements(By.CSS_SELECTOR, ".result h3 a")]
        assert "居民身份证换领" in titles
        assert "已为您扩展：二代证 → 居民身份证" in driver.find_element(By.CSS_SELECTOR, ".expansions").text

        driver.get(base_url + "/admin/audit")
        rows = wait_for(driver, "#audit").find_elements(By.TAG_NAME, "tr")
        assert "新增" in rows[1].text and "reviewer1 批准提议#1" in rows[1].text
        screenshot(driver, "admin-audit")


def test_reviewer_sees_a_golden_set_block_and_overrides_it_with_a_reason(tmp_path: Path) -> None:
    from fastapi.testclient import TestClient
    from selenium.webdriver.common.by import By

    from tests.web.admin.helpers import approve_as_other, login, propose

    app = admin_app(tmp_path / "data")
    setup = TestClient(app)
    csrf = login(setup, "reviewer1")
    added = propose(setup, csrf, action="add", line="二代证 => 居民身份证  # 俗称", reason="加")
    assert approve_as_other(setup, added).status_code == 200
    with live_server(app) as base_url, chromium() as driver:
        _login(driver, base_url, "reviewer1")
        driver.get(base_url + "/admin/rules/1")
        driver.find_element(By.ID, "reason-delete").send_keys("清理旧说法")
        driver.find_element(By.CSS_SELECTOR, "#reason-delete ~ button").click()
        golden = wait_for(driver, "#golden")
        assert "改动被阻止" in golden.text and "二代证" in golden.text
        assert driver.find_element(By.ID, "before").text == "二代证 => 居民身份证 # 俗称"
        assert driver.find_element(By.ID, "after").text == "（删除）"
        driver.execute_script("arguments[0].scrollIntoView()", golden)
        screenshot(driver, "admin-golden-blocked")
        proposal_url = driver.current_url
        _logout(driver)  # four eyes: another reviewer decides
        _login(driver, base_url, "reviewer2")
        driver.get(proposal_url)
        wait_for(driver, "#golden")
        driver.find_element(By.ID, "override_reason").send_keys("该说法已不再使用")
        driver.find_element(By.CSS_SELECTOR, "form[action$='/approve'] button").click()
        wait_for_text(driver, ".note", "已生效")
        driver.get(base_url + "/admin/audit")
        first = wait_for(driver, "#audit").find_elements(By.TAG_NAME, "tr")[1].text
        assert "删除" in first and "强制上线" in first and "该说法已不再使用" in first
        driver.get(base_url + "/admin/golden")
        assert "前 10 名以外" in wait_for(driver, "#golden-set").text
        screenshot(driver, "admin-golden-set")


def test_staff_pages_fit_a_phone_screen(tmp_path: Path) -> None:
    from fastapi.testclient import TestClient

    from tests.web.admin.helpers import approve_as_other, login, propose

    app = admin_app(tmp_path / "data")
    setup = TestClient(app)
    csrf = login(setup, "reviewer1")
    added = propose(
        setup, csrf, action="add", line="二代证 => 居民身份证  # 俗称", reason="加", category="户籍"
    )
    assert approve_as_other(setup, added).status_code == 200
    with live_server(app) as base_url, chromium(390, 844) as driver:
        # Headless windows are at least 500 px wide; emulate the phone's viewport instead.
        metrics = {"width": 390, "height": 844, "deviceScaleFactor": 1, "mobile": True}
        driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", metrics)
        _login(driver, base_url, "reviewer1")
        for path in ("/admin", "/admin/audit", "/admin/proposals/1", "/admin/golden"):
            driver.get(base_url + path)
            wait_for(driver, "main h1")
            sizes = driver.execute_script("return [window.innerWidth, document.documentElement.scrollWidth]")
            assert sizes == [390, 390], (path, sizes)
        screenshot(driver, "admin-golden-390x844")
