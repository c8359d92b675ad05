"""The search experience in real headless Chromium on a phone (390×844) and a desktop (1366×768):
type, pick a suggestion, filter, page, 长辈模式; without JavaScript too. Screenshots go to
tests/artifacts/."""

from __future__ import annotations

from collections.abc import Iterator
from urllib.parse import quote

import pytest

from tests.browser import chromium, live_server, phone_sized, screenshot, wait_for
from tests.search_corpus import feature_app
from tests.web.a11y import violations

pytestmark = pytest.mark.browser
SIZES = [(390, 844), (1366, 768)]


@pytest.fixture(scope="module")
def base_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    with live_server(feature_app(tmp_path_factory.mktemp("browser"))) as url:
        yield url


def _filter_link(driver: object, text: str) -> object:
    """The filter link a person sees: beside the results on a wide screen, else in the folded list."""
    from selenium.webdriver.common.by import By

    details = driver.find_element(By.CSS_SELECTOR, "details.filters")  # type: ignore[attr-defined]
    if details.is_displayed():
        if not details.get_attribute("open"):
            details.find_element(By.TAG_NAME, "summary").click()
        return details.find_element(By.PARTIAL_LINK_TEXT, text)
    side = driver.find_element(By.CSS_SELECTOR, ".serp-side")  # type: ignore[attr-defined]
    return side.find_element(By.PARTIAL_LINK_TEXT, text)


@pytest.mark.parametrize(("width", "height"), SIZES)
def test_suggest_filter_page_and_elder_mode(base_url: str, width: int, height: int) -> None:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys

    name = f"{width}x{height}"
    with chromium(width, height) as driver:
        phone_sized(driver, width, height)
        driver.get(base_url + "/")
        assert violations(driver) == []
        box = driver.find_element(By.ID, "wd")
        box.send_keys("sbk")
        option = wait_for(driver, "#wd-suggestions li[role=option]")
        assert box.get_attribute("aria-expanded") == "true"
        assert "社保卡" in [li.text for li in driver.find_elements(By.CSS_SELECTOR, "#wd-suggestions li")]
        screenshot(driver, f"search-suggest-{name}")
        box.send_keys(Keys.ARROW_DOWN)
        assert box.get_attribute("aria-activedescendant") == option.get_attribute("id")
        chosen = option.text
        box.send_keys(Keys.ENTER)
        wait_for(driver, ".summary")
        assert driver.find_element(By.ID, "wd-top").get_attribute("value") == chosen
        assert driver.find_elements(By.CSS_SELECTOR, ".result")

        driver.get(base_url + "/s?wd=社会保障卡")
        _filter_link(driver, "办事指南").click()  # type: ignore[attr-defined]
        wait_for(driver, ".pager")
        assert "type=guide" in driver.current_url
        summary = driver.find_element(By.CSS_SELECTOR, "details.filters summary")
        assert summary.get_attribute("textContent") == "筛选与排序：办事指南"
        assert all(b.text == "办事指南" for b in driver.find_elements(By.CSS_SELECTOR, ".result .badge"))
        screenshot(driver, f"search-filtered-{name}")
        assert violations(driver) == []

        driver.find_element(By.CSS_SELECTOR, ".pager a[rel=next]").click()
        wait_for(driver, ".pager .current")
        assert driver.find_element(By.CSS_SELECTOR, ".pager .current").text == "2"
        assert "pn=10" in driver.current_url and "type=guide" in driver.current_url

        small = driver.find_element(By.CSS_SELECTOR, ".result h3").value_of_css_property("font-size")
        driver.find_element(By.CSS_SELECTOR, "a.mode").click()
        wait_for(driver, "body.elder")
        assert "pn=10" in driver.current_url  # back on the same page
        large = driver.find_element(By.CSS_SELECTOR, ".result h3").value_of_css_property("font-size")
        assert float(large.removesuffix("px")) > float(small.removesuffix("px"))
        driver.get(base_url + "/")
        assert driver.find_element(By.TAG_NAME, "body").get_attribute("class") == "elder"  # it persists
        assert (
            driver.execute_script("return document.documentElement.scrollWidth") <= width
        )  # no sideways scroll
        screenshot(driver, f"search-elder-home-{name}")
        assert violations(driver) == []
        driver.find_element(By.CSS_SELECTOR, "a.mode").click()
        wait_for(driver, "a.mode")
        assert driver.find_element(By.TAG_NAME, "body").get_attribute("class") != "elder"


def test_everything_works_with_javascript_off(base_url: str) -> None:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys

    with chromium(390, 844) as driver:
        phone_sized(driver, 390, 844)
        driver.execute_cdp_cmd("Emulation.setScriptExecutionDisabled", {"value": True})
        driver.get(base_url + "/")
        driver.find_element(By.ID, "wd").send_keys("社报卡", Keys.ENTER)
        wait_for(driver, ".summary")
        assert not driver.find_elements(By.CSS_SELECTOR, ".suggestions")  # no enhancement, no breakage
        assert "社保卡" in driver.find_element(By.CSS_SELECTOR, ".correction").text
        driver.get(base_url + "/s?wd=社会保障卡")
        driver.find_element(By.CSS_SELECTOR, "details.filters summary").click()
        driver.find_element(By.PARTIAL_LINK_TEXT, "政策文件").click()
        wait_for(driver, ".summary")
        assert "找到约 2 个结果" in driver.find_element(By.CSS_SELECTOR, ".summary").text
        driver.find_element(By.CSS_SELECTOR, "a.mode").click()
        wait_for(driver, "body.elder")
        screenshot(driver, "search-nojs-elder-390x844")


def test_keyboard_focus_order_starts_with_skip_link_and_search(base_url: str) -> None:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys

    with chromium(1366, 768) as driver:
        driver.get(base_url + "/s?wd=社会保障卡")
        body = driver.find_element(By.TAG_NAME, "body")
        order = []
        for _ in range(5):
            body.send_keys(Keys.TAB) if not order else driver.switch_to.active_element.send_keys(Keys.TAB)
            active = driver.switch_to.active_element
            order.append(active.get_attribute("id") or active.get_attribute("class") or active.text)
        assert order[0] == "skip" or "skip" in order[0]
        assert order[2] == "wd-top"
        screenshot(driver, "search-results-1366x768")


@pytest.mark.parametrize(
    "path", ["/s?wd=量子引力波", "/s?wd=公积今", "/s?wd=国办发2018年104号", "/doc/missing", "/s?wd="]
)
def test_other_pages_pass_the_accessibility_check(base_url: str, path: str) -> None:
    from selenium.webdriver.common.by import By

    with chromium(1366, 768) as driver:
        driver.get(base_url + path)
        assert violations(driver) == []
        first = driver.find_elements(By.CSS_SELECTOR, ".result h3 a")
        if first:  # and the document page behind the first result
            first[0].click()
            wait_for(driver, "article.document")
            assert violations(driver) == []


def test_the_accessibility_check_catches_problems() -> None:
    page = (
        '<html><body><input id="x"><p style="color:#aaa">浅灰色的字</p>'
        '<a href="/"></a><img src="a.png"></body></html>'
    )
    with chromium() as driver:
        driver.get("data:text/html;charset=utf-8," + quote(page))
        found = " | ".join(violations(driver))
    for rule in (
        "label (critical)",
        "link-name (serious)",
        "image-alt (critical)",
        "html-has-lang",
        "color-contrast",
    ):
        assert rule in found


def test_a_click_on_a_result_is_logged(tmp_path_factory: pytest.TempPathFactory) -> None:
    import sqlite3
    import time

    from selenium.webdriver.common.by import By

    data = tmp_path_factory.mktemp("clicks")
    with live_server(feature_app(data)) as url, chromium() as driver:
        driver.get(url + "/s?wd=社会保障卡")
        second = driver.find_elements(By.CSS_SELECTOR, ".result h3 a")[1]
        doc_id = second.get_attribute("data-doc")
        second.click()
        wait_for(driver, "article.document")
        deadline = time.monotonic() + 5
        rows: list[tuple[str, str, int]] = []
        while not rows and time.monotonic() < deadline:
            with sqlite3.connect(data / "store.sqlite3") as conn:
                rows = conn.execute("SELECT query, doc_id, position FROM click_log").fetchall()
            time.sleep(0.1)
    assert rows == [("社会保障卡", doc_id, 2)]
