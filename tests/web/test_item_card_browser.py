"""The item card in real headless Chromium: above the results, region picker, 在线办理 button visible."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from govsearch.app import create_app
from govsearch.settings import Settings
from tests.browser import chromium, live_server, screenshot, wait_for
from tests.web.test_catalogue_pages import catalogue_data_dir

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def base_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    path = catalogue_data_dir(tmp_path_factory.mktemp("card-browser"))
    with live_server(create_app(Settings(data_dir=path, reload_seconds=0))) as url:
        yield url


@pytest.mark.parametrize(("width", "height"), [(1366, 768), (390, 844)])
def test_item_card_is_above_results_with_a_region_picker(base_url: str, width: int, height: int) -> None:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys

    with chromium(width, height) as driver:
        driver.get(base_url + "/")
        driver.find_element(By.ID, "wd").send_keys("社保卡挂失", Keys.ENTER)
        card = wait_for(driver, ".item-card")
        first_result = driver.find_element(By.CSS_SELECTOR, ".result")
        assert card.rect["y"] + card.rect["height"] <= first_result.rect["y"]
        assert card.find_element(By.CSS_SELECTOR, "h2").text == "社会保障卡挂失"
        button = card.find_element(By.CSS_SELECTOR, "a.apply")
        assert button.text == "在线办理" and button.is_displayed()
        assert button.rect["y"] + button.rect["height"] < height  # visible without scrolling
        assert button.rect["x"] + button.rect["width"] <= width
        assert "示例省人力资源和社会保障厅" in card.text
        screenshot(driver, f"item-card-{width}x{height}")

        card.find_element(By.LINK_TEXT, "示例市").click()
        card = wait_for(driver, ".item-card")
        assert "示例市人力资源和社会保障局" in card.text and "0999-12333" in card.text
        current = card.find_element(By.CSS_SELECTOR, ".variants a.current")
        assert current.text == "示例市"
        screenshot(driver, f"item-card-city-{width}x{height}")


def test_item_page_lists_guide_and_related_policies(base_url: str) -> None:
    from selenium.webdriver.common.by import By

    with chromium() as driver:
        driver.get(base_url + "/item/G003")
        wait_for(driver, "h1")
        headings = [h.text for h in driver.find_elements(By.CSS_SELECTOR, "h2")]
        assert "办事指南" in headings and "相关政策" in headings
        assert driver.find_element(By.LINK_TEXT, "示例市关于优化社会保障卡服务的通知").is_displayed()
        screenshot(driver, "item-page")


def test_home_page_scenarios_lead_to_their_items(base_url: str) -> None:
    from selenium.webdriver.common.by import By

    with chromium(390, 844) as driver:
        driver.get(base_url + "/")
        chips = [a.text for a in driver.find_elements(By.CSS_SELECTOR, ".scenarios a")]
        assert chips == ["我要结婚", "我要生孩子", "我要退休", "我要开餐馆", "我要出国/港澳台", "我要买房"]
        screenshot(driver, "home-scenarios-390x844")
        driver.find_element(By.LINK_TEXT, "我要退休").click()
        card = wait_for(driver, ".scenario-card")
        assert card.find_element(By.CSS_SELECTOR, "h2").text == "我要退休"
        driver.get(base_url + "/s?wd=社保卡挂失")
        wait_for(driver, ".item-card")
        screenshot(driver, "item-card-results-390x844")
