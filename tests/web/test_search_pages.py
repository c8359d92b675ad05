"""The results and home pages of the search experience, as HTML a citizen (or a screen reader) gets."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from tests.search_corpus import feature_app


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    with TestClient(feature_app(tmp_path_factory.mktemp("pages"))) as client:
        yield client


def test_filters_are_links_with_counts_and_keep_the_query(site: TestClient) -> None:
    page = site.get("/s", params={"wd": "社会保障卡"}).text
    assert "找到约 16 个结果" in page
    assert re.search(
        r'href="/s\?wd=%E7%A4%BE%E4%BC%9A%E4%BF%9D%E9%9A%9C%E5%8D%A1&amp;type=policy">'
        r'政策文件 <span class="count">\(2\)',
        page,
    )
    assert "发文机关/实施主体" in page and "年份" in page and "按时间" in page
    filtered = site.get("/s", params={"wd": "社会保障卡", "type": "policy"}).text
    assert "找到约 2 个结果" in filtered and "<summary>筛选与排序：政策文件</summary>" in filtered
    assert "清除全部筛选" in filtered


def test_numbered_pages_keep_filters(site: TestClient) -> None:
    page = site.get("/s", params={"wd": "社会保障卡", "type": "guide"}).text
    assert 'aria-label="第 2 页"' in page
    assert "type=guide&amp;pn=10" in page
    second = site.get("/s", params={"wd": "社会保障卡", "type": "guide", "pn": "10"}).text
    assert '<ol class="results" start="11"' in second


def test_json_twin_is_the_same_search(site: TestClient) -> None:
    page = site.get("/s", params={"wd": "社会保障卡", "type": "guide", "pn": "10"})
    link = re.search(r"<([^>]+)>; rel=\"alternate\"", page.headers["link"])
    assert link is not None
    twin = site.get(link.group(1)).json()
    titles = re.findall(r'data-doc="([^"]+)"', page.text)
    assert titles == [h["id"] for h in twin["hits"]] and twin["page"] == 2
    assert 'rel="alternate" type="application/json"' in site.get("/").text


def test_did_you_mean_and_pinyin_notices(site: TestClient) -> None:
    typo = site.get("/s", params={"wd": "公积今"}).text
    assert "公积金" in typo and ("您要找的是不是" in typo or "以下是" in typo)
    pinyin = site.get("/s", params={"wd": "shebaoka"}).text
    assert "已按拼音为您搜索" in pinyin and "仍然搜索" in pinyin and "nc=1" in pinyin
    literal = site.get("/s", params={"wd": "shebaoka", "nc": "1"})
    assert "已按拼音" not in literal.text and "nc=1" in literal.headers["link"]


def test_doc_number_result_is_marked_as_direct(site: TestClient) -> None:
    page = site.get("/s", params={"wd": "国办发2018年104号"}).text
    first = page.index('class="result')
    assert '<span class="label exact">文号直达</span>' in page[first : first + 400]
    assert page.count("直达</span>") == 1


def test_empty_page_offers_a_way_out(site: TestClient) -> None:
    page = site.get("/s", params={"wd": "量子引力波", "type": "policy"}).text
    assert "没有找到" in page and "清除筛选" in page and "拼音也可以" in page


def test_hot_and_related_searches_from_the_log_without_denied_words(site: TestClient) -> None:
    for visitor in range(3):  # three different people (addresses), the minimum for 热搜
        person = TestClient(site.app, client=(f"203.0.113.{visitor + 1}", 5000))
        person.get("/s", params={"wd": "社会保障卡补领"})
        person.get("/s", params={"wd": "社会保障卡挂失"})
    service = site.app.state.search_engine  # type: ignore[attr-defined]
    service.knowledge._popular_seconds = 0  # re-read the log now, not in a minute
    service.knowledge.settle()  # a check the searches started may still run, with the old interval
    service.knowledge.get()  # starts the check beside the searches …
    service.knowledge.settle()  # … and waits for it
    home = site.get("/").text
    assert "热搜" in home and "社会保障卡补领" in home
    related = site.get("/s", params={"wd": "社会保障卡"}).text
    assert "相关搜索" in related and "社会保障卡挂失" in related
    assert 'id="hot-side-title">热搜' in related  # beside the results on wide screens
    service.knowledge.denylist = frozenset({"挂失"})
    service.knowledge.forget()
    assert "社会保障卡挂失" not in site.get("/").text


def test_elder_mode_toggles_with_a_plain_link_and_persists(site: TestClient) -> None:
    home = site.get("/").text
    assert "长辈模式（大字）" in home and 'class="elder"' not in home
    toggled = site.get("/mode", params={"elder": "1", "next": "/s?wd=社保卡"}, follow_redirects=False)
    assert toggled.status_code == 303 and toggled.headers["location"] == "/s?wd=%E7%A4%BE%E4%BF%9D%E5%8D%A1"
    assert "elder=1" in toggled.headers["set-cookie"] and "Max-Age" in toggled.headers["set-cookie"]
    assert '<body class="elder">' in site.get("/s", params={"wd": "社保卡"}).text
    site.get("/mode", params={"elder": "0", "next": "/"})
    assert '<body class="elder">' not in site.get("/").text
    evil = site.get("/mode", params={"elder": "1", "next": "//evil.example/"}, follow_redirects=False)
    assert evil.headers["location"] == "/"


def test_opensearch_description(site: TestClient) -> None:
    xml = site.get("/opensearch.xml")
    assert xml.headers["content-type"].startswith("application/opensearchdescription+xml")
    assert "format=opensearch&amp;q={searchTerms}" in xml.text
