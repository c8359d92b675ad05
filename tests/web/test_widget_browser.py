"""The embeddable widget in headless Chromium: a page on a second loopback origin loads /widget.js with
its portal's key, types, gets suggestions and results inside a shadow root, clicks one (logged for that
key); a page on an origin the key does not list gets nothing. Screenshots at 390 and 1366 px."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

import pytest

from govsearch.app import create_app
from govsearch.settings import Settings
from tests.browser import chromium, live_server, phone_sized, screenshot, wait_for
from tests.crawler.http_site import Route, serve
from tests.search_api.portal_fixtures import add_portal, portal_data_dir
from tests.web.a11y import violations

pytestmark = pytest.mark.browser
SIZES = [(390, 844), (1366, 768)]
HOST_PAGE = """<!DOCTYPE html><html lang="zh-CN"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1"><title>示例市门户</title>
<style>body {{ font-family: serif; margin: 0; }} header {{ background: #0a5c2f; color: #fff; padding: 12px; }}
input {{ border: 5px dashed red; }}</style></head>
<body><header><h1>示例市人民政府门户</h1></header><main><p>站内搜索：</p><div id="search"></div></main>
<script src="{search}/widget.js" data-key="{key}" data-target="search" data-portal="city" defer></script>
</body></html>"""


@dataclass
class Sites:
    search: str
    settings: Settings
    allowed: str  # a host page on an origin the key lists
    refused: str  # a host page on an origin it does not


@contextmanager
def _host(routes: dict[str, Route]) -> Iterator[str]:
    with serve(routes) as site:
        yield site.base


@pytest.fixture(scope="module")
def sites(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Sites]:
    settings = portal_data_dir(tmp_path_factory.mktemp("widget"))
    allowed_routes: dict[str, Route] = {}
    refused_routes: dict[str, Route] = {}
    with _host(allowed_routes) as allowed, _host(refused_routes) as refused:
        scope = {"region": ("示例市",), "type": ("guide",)}
        key = add_portal(settings, "city", origins=(allowed,), scope=scope)
        with live_server(create_app(settings)) as search:
            page = HOST_PAGE.format(search=search, key=key).encode("utf-8")
            route = Route(body=page, content_type="text/html; charset=utf-8")
            allowed_routes["/"] = refused_routes["/"] = route
            yield Sites(search, settings, f"{allowed}/", f"{refused}/")


def _widget(driver: object) -> object:
    from selenium.webdriver.support.ui import WebDriverWait

    host = wait_for(driver, "#search")
    return WebDriverWait(driver, 20).until(lambda _d: host.shadow_root)  # type: ignore[attr-defined]


def _clicks(settings: Settings) -> list[tuple[str, str]]:
    with sqlite3.connect(settings.store_path) as conn:
        return conn.execute("SELECT doc_id, portal FROM click_log WHERE portal IS NOT NULL").fetchall()


def _shadow_wait(driver: object, root: object, css: str, count: int = 1) -> list[object]:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    def found(_d: object) -> list[object] | bool:
        shown = [e for e in root.find_elements(By.CSS_SELECTOR, css) if e.is_displayed()]  # type: ignore[attr-defined]
        return shown if len(shown) >= count else False

    return WebDriverWait(driver, 20).until(found)  # type: ignore[no-any-return]


@pytest.mark.parametrize(("width", "height"), SIZES)
def test_the_widget_searches_suggests_and_logs_clicks(sites: Sites, width: int, height: int) -> None:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys

    with chromium(width, height) as driver:
        phone_sized(driver, width, height)
        driver.get(sites.allowed)
        root = _widget(driver)
        box = root.find_element(By.CSS_SELECTOR, "input[role=combobox]")  # type: ignore[attr-defined]
        assert box.value_of_css_property("border-top-style") == "solid"  # the host's dashed red stays out
        box.send_keys("社会保障卡")
        options = _shadow_wait(driver, root, "li[role=option]")
        assert box.get_attribute("aria-expanded") == "true"
        texts = [o.text for o in options]  # type: ignore[attr-defined]
        assert "社会保障卡申领" in texts and "社会保障卡密码重置" not in texts  # 另一市: outside the scope
        screenshot(driver, f"widget-suggest-{width}x{height}")
        box.send_keys(Keys.ARROW_DOWN)
        assert box.get_attribute("aria-activedescendant") == options[0].get_attribute("id")  # type: ignore[attr-defined]
        box.send_keys(Keys.ENTER)  # searches the suggestion picked
        links = _shadow_wait(driver, root, "ol.results a.title")
        assert box.get_attribute("value") == texts[0]
        status = root.find_element(By.CSS_SELECTOR, ".status").text  # type: ignore[attr-defined]
        assert status == f"找到约 {len(links)} 个结果"
        titles = {link.text for link in links}  # type: ignore[attr-defined]
        assert titles <= {"社会保障卡挂失", "社会保障卡申领"}  # 示例市 guides only
        screenshot(driver, f"widget-results-{width}x{height}")
        assert violations(driver) == []  # axe-core looks into the widget's shadow root too
        before = len(_clicks(sites.settings))
        doc_id = links[0].get_attribute("data-doc")  # type: ignore[attr-defined]
        links[0].click()  # type: ignore[attr-defined]
        wait_for(driver, "main h1")
        assert driver.current_url == f"{sites.search}/doc/{doc_id}"
        logged = _clicks(sites.settings)
        assert len(logged) == before + 1 and logged[-1] == (doc_id, "city")


def test_a_page_on_an_origin_the_key_does_not_list_gets_nothing(sites: Sites) -> None:
    from selenium.webdriver.common.by import By

    with chromium(1366, 768) as driver:
        driver.get(sites.refused)
        root = _widget(driver)
        box = root.find_element(By.CSS_SELECTOR, "input")  # type: ignore[attr-defined]
        box.send_keys("社会保障卡")
        root.find_element(By.CSS_SELECTOR, "button").click()  # type: ignore[attr-defined]
        status = _shadow_wait(driver, root, ".status.error")[0]
        assert status.text == "无法连接搜索服务"  # type: ignore[attr-defined]
        assert not root.find_elements(By.CSS_SELECTOR, "ol.results li")  # type: ignore[attr-defined]
        assert not root.find_elements(By.CSS_SELECTOR, "li[role=option]")  # type: ignore[attr-defined]
        screenshot(driver, "widget-refused-origin")
