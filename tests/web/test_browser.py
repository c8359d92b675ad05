"""The results page in real headless Chromium, with screenshots saved to tests/artifacts/."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from tests.browser import chromium, live_server, screenshot, wait_for

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def base_url(client: TestClient) -> Iterator[str]:
    with live_server(client.app) as url:
        yield url


@pytest.mark.parametrize(("width", "height"), [(1366, 768), (390, 844)])
def test_search_from_home_shows_highlighted_result(base_url: str, width: int, height: int) -> None:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys

    with chromium(width, height) as driver:
        driver.get(base_url + "/")
        box = driver.find_element(By.ID, "wd")
        box.send_keys("换身份证", Keys.ENTER)
        first = wait_for(driver, ".result h3 a")
        assert first.text == "居民身份证换领"
        highlighted = first.find_element(By.TAG_NAME, "em")
        assert highlighted.value_of_css_property("color") in ("rgba(196, 22, 28, 1)", "rgb(196, 22, 28)")
        assert first.is_displayed() and first.rect["y"] + first.rect["height"] < height
        assert first.rect["x"] + first.rect["width"] <= width
        path = screenshot(driver, f"results-{width}x{height}")
        title_png = Path(str(path).replace(".png", "-title.png"))
        first.screenshot(str(title_png))
        assert title_png.stat().st_size > 500  # rendered glyphs, not an empty box


def test_script_query_is_shown_as_text_and_not_run(base_url: str) -> None:
    from selenium.webdriver.common.by import By

    with chromium() as driver:
        driver.get(base_url + "/s?wd=%3Cscript%3Ewindow.pwned%3D1%3C%2Fscript%3E")
        assert driver.execute_script("return window.pwned === undefined")
        assert (
            driver.find_element(By.ID, "wd-top").get_attribute("value") == "<script>window.pwned=1</script>"
        )
        assert driver.title.startswith("<script>window.pwned=1</script> - ")
        assert not driver.find_elements(By.CSS_SELECTOR, "main script")
        screenshot(driver, "script-query")
