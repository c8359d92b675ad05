"""The citizen's side in real headless Chromium at 390×844 and 1366×768: 长辈模式 measured over every page
type, preferences that persist and reorder results, three taps to a guide, a guide printed to PDF, a
phone number on a page that found nothing, and axe-core on every page type. Screenshots go to
tests/artifacts/."""

from __future__ import annotations

import base64
import io
from collections.abc import Iterator
from typing import Any

import pytest
from pypdf import PdfReader

from tests.browser import (
    ARTIFACTS,
    chromium,
    click_to_new_page,
    live_server,
    phone_sized,
    screenshot,
    wait_for,
)
from tests.web.a11y import violations
from tests.web.citizen_site import CITY_CARD, DOCUMENTS, PROVINCE_CARD, citizen_app

pytestmark = pytest.mark.browser
SIZES = [(390, 844), (1366, 768)]
POLICY_ID = next(d.id for d in DOCUMENTS if d.kind.value == "policy")
PAGES = {
    "home": "/",
    "results": "/s?wd=社保卡挂失",
    "guide": f"/doc/{CITY_CARD.id}",
    "item": "/item/G003",
    "policy": f"/doc/{POLICY_ID}",
    "scenario": "/scenario/retire",
    "browse": "/browse?by=subject&type=guide",
    "empty": "/s?wd=量子引力波",
    "error": "/no/such/page",
}
# Every visible text node's computed font size below 20 px (the skip link is off screen until focused).
SMALL_TEXT = """
const small = [];
const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
while (walker.nextNode()) {
  const node = walker.currentNode, el = node.parentElement;
  if (!el || !node.textContent.trim()) continue;
  const range = document.createRange(); range.selectNodeContents(node);
  const box = range.getBoundingClientRect();
  if (box.width <= 1 || box.height <= 1 || box.right < 0) continue;
  const style = getComputedStyle(el);
  if (style.visibility === "hidden" || parseFloat(style.opacity) === 0) continue;
  const size = parseFloat(style.fontSize);
  const text = node.textContent.trim().slice(0, 20);
  if (size < 20) small.push(`${size}px ${el.tagName}.${el.className} ${text}`);
}
return small;
"""


@pytest.fixture(scope="module")
def base_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    with live_server(citizen_app(tmp_path_factory.mktemp("citizens-browser"), reload_seconds=0)) as url:
        yield url


@pytest.mark.parametrize(("width", "height"), SIZES)
def test_elder_mode_text_is_20px_or_more_on_every_page(base_url: str, width: int, height: int) -> None:
    with chromium(width, height) as driver:
        phone_sized(driver, width, height)
        driver.get(base_url + "/mode?elder=1&next=/")
        wait_for(driver, "body.elder")
        for name, path in PAGES.items():
            driver.get(base_url + path)
            wait_for(driver, "main")
            assert driver.execute_script(SMALL_TEXT) == [], name
            assert driver.execute_script("return document.documentElement.scrollWidth") <= width, name
            screenshot(driver, f"elder-{name}-{width}x{height}")
            if width < 500:  # the stronger colours of 长辈模式 checked too (layout aside, once is enough)
                assert violations(driver) == [], name


@pytest.mark.parametrize(("width", "height"), SIZES)
def test_every_page_type_passes_axe(base_url: str, width: int, height: int) -> None:
    with chromium(width, height) as driver:
        phone_sized(driver, width, height)
        for name, path in PAGES.items():
            driver.get(base_url + path)
            wait_for(driver, "main")
            assert violations(driver) == [], name
            screenshot(driver, f"page-{name}-{width}x{height}")


def _first_guide_publisher(driver: Any) -> str:
    from selenium.webdriver.common.by import By

    first = driver.find_element(By.CSS_SELECTOR, ".result.guide .meta")
    return str(first.text)


@pytest.mark.parametrize(("width", "height"), SIZES)
def test_audience_and_region_persist_and_change_the_ranking(base_url: str, width: int, height: int) -> None:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import Select

    with chromium(width, height) as driver:
        phone_sized(driver, width, height)
        driver.get(base_url + "/")
        driver.find_element(By.CSS_SELECTOR, "input[name=audience][value='法人']").click()
        Select(driver.find_element(By.ID, "region-choice")).select_by_visible_text("示例省")
        screenshot(driver, f"prefs-form-{width}x{height}")
        click_to_new_page(driver, driver.find_element(By.CSS_SELECTOR, ".prefs button[type=submit]"))
        wait_for(driver, ".chosen-prefs")
        assert "法人 · 示例省" in driver.find_element(By.CSS_SELECTOR, ".chosen-prefs").text
        driver.get(base_url + "/s?wd=社保卡挂失")
        assert PROVINCE_CARD.authority in _first_guide_publisher(driver)
        assert "优先显示：法人 · 示例省" in driver.find_element(By.CSS_SELECTOR, ".chosen-prefs").text
        screenshot(driver, f"prefs-results-province-{width}x{height}")
        click_to_new_page(driver, driver.find_element(By.LINK_TEXT, "更改"))
        driver.find_element(By.CSS_SELECTOR, "input[name=audience][value='个人']").click()
        Select(driver.find_element(By.ID, "region-choice")).select_by_visible_text("示例市")
        click_to_new_page(driver, driver.find_element(By.CSS_SELECTOR, ".prefs button[type=submit]"))
        wait_for(driver, ".chosen-prefs")
        driver.get(base_url + "/s?wd=社保卡挂失")
        assert CITY_CARD.authority in _first_guide_publisher(driver)
        card = driver.find_element(By.CSS_SELECTOR, ".item-card")
        assert "0999-12333" in card.text  # the city's card, not the province's
        screenshot(driver, f"prefs-results-city-{width}x{height}")


@pytest.mark.parametrize(("width", "height"), SIZES)
def test_department_and_theme_browsing_reach_a_guide_in_three_taps(
    base_url: str, width: int, height: int
) -> None:
    from selenium.webdriver.common.by import By

    with chromium(width, height) as driver:
        phone_sized(driver, width, height)
        driver.get(base_url + "/")
        driver.find_element(By.LINK_TEXT, "办事服务：全部部门").click()  # tap 1
        wait_for(driver, ".browse-list")
        screenshot(driver, f"browse-departments-{width}x{height}")
        driver.find_element(By.PARTIAL_LINK_TEXT, CITY_CARD.authority).click()  # tap 2
        wait_for(driver, ".result")
        driver.find_element(By.LINK_TEXT, CITY_CARD.item_name).click()  # tap 3
        assert wait_for(driver, "article.guide h1").text == CITY_CARD.item_name
        driver.get(base_url + "/")
        assert driver.find_element(By.LINK_TEXT, "全部主题").get_attribute("href").endswith("type=guide")
        driver.find_element(By.LINK_TEXT, "社会保障").click()  # tap 1: a theme on the home page
        wait_for(driver, ".result")
        screenshot(driver, f"browse-theme-listing-{width}x{height}")
        driver.find_elements(By.CSS_SELECTOR, ".result.guide h3 a")[0].click()  # tap 2
        assert wait_for(driver, "article.guide h1").text


def test_a_guide_prints_with_its_checklist_and_without_navigation(base_url: str) -> None:
    from selenium.webdriver.common.by import By

    with chromium(1366, 768) as driver:
        driver.get(base_url + f"/doc/{CITY_CARD.id}")
        assert driver.find_element(By.CSS_SELECTOR, "button[data-print]").is_displayed()  # shown by JS
        pdf = driver.execute_cdp_cmd("Page.printToPDF", {"printBackground": False, "preferCSSPageSize": True})
    data = base64.b64decode(pdf["data"])
    ARTIFACTS.mkdir(exist_ok=True)
    (ARTIFACTS / "guide-print.pdf").write_bytes(data)
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)
    for material in CITY_CARD.materials:
        assert material in text
    assert "申请材料清单" in text and "示例市市民中心二楼" in text and "0999-12333" in text
    assert "https://zwfw.example.gov.cn/apply/G003" in text  # where 在线办理 leads, printed
    for navigation in ("跳到主要内容", "长辈模式", "打印本页", "按部门浏览", "搜索"):
        assert navigation not in text


@pytest.mark.parametrize(("width", "height"), SIZES)
def test_a_search_that_finds_nothing_shows_a_phone_number(base_url: str, width: int, height: int) -> None:
    from selenium.webdriver.common.by import By

    with chromium(width, height) as driver:
        phone_sized(driver, width, height)
        driver.get(base_url + "/s?wd=量子引力波")
        hotline = wait_for(driver, ".help a[href='tel:12345']")
        assert hotline.text == "12345" and hotline.is_displayed()
        assert driver.find_elements(By.CSS_SELECTOR, ".help .scenarios a")
        driver.execute_script("arguments[0].scrollIntoView()", hotline)
        screenshot(driver, f"empty-help-{width}x{height}")
