"""The Atom feed: it validates (read by feedparser from PyPI), is newest first, follows the query and
filters, and a document a crawl adds appears in it while the server runs."""

from __future__ import annotations

from pathlib import Path

import feedparser
import pytest
from fastapi.testclient import TestClient

from govsearch.app import create_app
from govsearch.cli import main
from govsearch.settings import Settings
from tests.crawler.fault_site import Page, fault_site
from tests.crawler.test_fault_crawl import links
from tests.govsearch.test_crawl_command import write_profile


def _page(title: str, date: str, text: str) -> Page:
    return Page(
        f"""<html><head><meta charset="utf-8"><meta name="ArticleTitle" content="{title}">
        <meta name="PubDate" content="{date} 09:00">
        <title>{title}</title></head><body><div id="zoom"><p>{text}</p></div></body></html>"""
    )


def _feed(client: TestClient, **params: str) -> feedparser.FeedParserDict:
    response = client.get("/api/v1/feed", params=params)
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("application/atom+xml")
    parsed = feedparser.parse(response.content)
    assert not parsed.bozo, parsed.get("bozo_exception")
    assert parsed.version == "atom10"
    return parsed


def test_a_crawled_document_appears_in_the_feed(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    pages = {
        "/": Page(links("/p/1.html", "/p/2.html")),
        "/p/1.html": _page("关于调整社保缴费基数的通知", "2024-01-05", "社保缴费基数自今年起调整。"),
        "/p/2.html": _page("关于住房公积金提取的通知", "2024-02-01", "住房公积金提取办法。"),
    }
    data_dir = tmp_path / "d"
    crawl = ("--data-dir", str(data_dir), "crawl", "--delay", "0", "--index", "--recrawl")
    with fault_site(pages) as site:
        profile = write_profile(tmp_path / "local.toml", "local", site.url("/"))
        assert main([*crawl, str(profile)]) == 0
        with TestClient(create_app(Settings(data_dir=data_dir, reload_seconds=0))) as client:
            before = _feed(client, q="社保", type="policy")
            assert [e.title for e in before.entries] == ["关于调整社保缴费基数的通知"]
            assert before.feed.title == "政务搜索：社保 · 政策文件"
            entry = before.entries[0]
            assert entry.link.startswith("http://testserver/doc/") and entry.published.startswith(
                "2024-01-05"
            )
            assert "社保缴费基数" in entry.summary

            site.pages["/"] = Page(links("/p/1.html", "/p/2.html", "/p/3.html"))
            site.pages["/p/3.html"] = _page(
                "关于社保卡线上申领的通知", "2024-03-10", "社保卡可以在网上申领。"
            )
            assert main([*crawl, str(profile)]) == 0
            capsys.readouterr()
            after = _feed(client, q="社保", type="policy")
            assert [e.title for e in after.entries] == [
                "关于社保卡线上申领的通知",
                "关于调整社保缴费基数的通知",
            ]
            assert after.feed.updated.startswith("2024-03-10")

            listing = _feed(client, type="policy")  # no query: the newest policies of every kind
            assert listing.entries[0].title == "关于社保卡线上申领的通知"
            assert len(listing.entries) == 3


def test_feed_errors_come_in_the_one_shape(client: TestClient) -> None:
    for params, code in (({}, "invalid_parameter"), ({"q": "社保", "sort2": "x"}, "unknown_parameter")):
        response = client.get("/api/v1/feed", params=params)
        assert response.status_code == 422 and response.json()["error"]["code"] == code


def test_results_and_listing_pages_link_their_feed(client: TestClient) -> None:
    page = client.get("/s", params={"wd": "身份证"})
    assert '<link rel="alternate" type="application/atom+xml" href="/api/v1/feed?q=' in page.text
    listing = client.get("/s", params={"type": "guide"})
    assert listing.status_code == 200 and "最新文件：办事指南" in listing.text
    assert 'href="/api/v1/feed?type=guide"' in listing.text
    assert listing.headers["link"].startswith("</api/v1/search?type=guide>")
