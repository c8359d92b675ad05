"""A policy page that lists its reposts (同时发布于), in real headless Chromium; screenshots saved."""

from __future__ import annotations

from pathlib import Path

import pytest

from govsearch.app import create_app
from tests.browser import chromium, live_server, screenshot, wait_for
from tests.factories import build_data_dir, policy

pytestmark = pytest.mark.browser


@pytest.mark.parametrize(("width", "height"), [(1366, 768), (390, 844)])
def test_policy_page_shows_where_else_it_is_published(tmp_path: Path, width: int, height: int) -> None:
    doc = policy(
        "国务院办公厅关于进一步优化营商环境更好服务市场主体的实施意见",
        "国办发〔2020〕24号",
        "各省、自治区、直辖市人民政府：\n为进一步优化营商环境，现提出以下意见。\n姓名\t身份证号\n张三\t110101",
        reposts=[
            {
                "site": "示例省人民政府",
                "url": "http://www.province.example.gov.cn/zc/2020/09/t20200910_123456.html",
            },
            {"site": "示例市人民政府", "url": "http://www.city.example.gov.cn/art/2020/9/11/art_1_2.html"},
        ],
    )
    app = create_app(build_data_dir(tmp_path, [doc]))
    from selenium.webdriver.common.by import By

    with live_server(app) as base, chromium(width, height) as driver:
        driver.get(f"{base}/doc/{doc.id}")
        section = wait_for(driver, ".reposts")
        assert section.text.splitlines() == [
            "同时发布于",
            "示例省人民政府 www.province.example.gov.cn",
            "示例市人民政府 www.city.example.gov.cn",
        ]
        links = section.find_elements(By.TAG_NAME, "a")
        assert links[0].get_attribute("href").endswith("/t20200910_123456.html")
        screenshot(driver, f"policy-reposts-{width}x{height}")
        article = driver.find_element(By.CSS_SELECTOR, "article.document")
        for item in section.find_elements(By.TAG_NAME, "li"):  # the list fits the article column
            assert item.rect["x"] + item.rect["width"] <= article.rect["x"] + article.rect["width"]
