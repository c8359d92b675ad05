"""The demo government site as the crawler sees it: real HTTP on 127.0.0.1."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from selectolax.lexbor import LexborHTMLParser

from demo.content import load_guides, load_policies
from demo.mirror import MirrorServer, demo_site, directory_site

POLICY_LABELS = ("索 引 号", "主题分类", "发文机关", "成文日期", "标　　题", "发文字号", "发布日期")


@pytest.fixture(scope="module")
def base() -> Iterator[str]:
    with MirrorServer(demo_site()) as server:
        yield server.url.rstrip("/")


def links(html: str, prefix: str) -> set[str]:
    return set(re.findall(rf'href="({prefix}[^"]+\.html)"', html))


def test_lists_link_every_detail_page(base: str) -> None:
    policy_links: set[str] = set()
    guide_links: set[str] = set()
    for stem, found in (("policies", policy_links), ("guides", guide_links)):
        page: str | None = f"/{stem}.html"
        while page:
            html = httpx.get(base + page).text
            found |= links(html, "/zhengce/" if stem == "policies" else "/bszn/")
            nxt = re.search(rf'href="(/{stem}_\d+\.html)">下一页', html)
            page = nxt.group(1) if nxt else None
    assert len(policy_links) == len(load_policies()) >= 30
    assert len(guide_links) == len(load_guides()) >= 30
    home = httpx.get(base + "/").text
    assert "/policies.html" in home and "/guides.html" in home


def test_policy_pages_have_the_govcn_layout(base: str) -> None:
    for policy in load_policies():
        tree = LexborHTMLParser(httpx.get(base + policy.path).text)
        table = tree.css_first("table.bd1")
        assert table is not None, policy.path
        text = table.text()
        assert all(label in text for label in POLICY_LABELS), policy.path
        body = tree.css_first("#UCAP-CONTENT")
        assert body is not None and len(body.text()) > 200, policy.path


def test_guide_pages_have_the_guide_table(base: str) -> None:
    for guide in load_guides():
        tree = LexborHTMLParser(httpx.get(base + guide.path).text)
        labels = [th.text() for th in tree.css("#guide table.guide-info th")]
        assert "事项名称" in labels and "在线办理" in labels and "申请材料" in labels, guide.path
        assert tree.css_first("h1.guide-title").text() == guide.name  # type: ignore[union-attr]


def test_codes_and_numbers_are_unique() -> None:
    assert len({p.doc_no for p in load_policies()}) == len(load_policies())
    assert len({g.code for g in load_guides()}) == len(load_guides())


def test_robots_and_missing_pages(base: str) -> None:
    robots = httpx.get(base + "/robots.txt")
    assert "Disallow: /admin/" in robots.text and "Crawl-delay" not in robots.text
    assert 'href="/admin/"' in httpx.get(base + "/").text
    assert httpx.get(base + "/no/such/page.html").status_code == 404


def test_directory_site_lists_html_files(tmp_path: Path) -> None:
    (tmp_path / "b.html").write_text("<title>乙</title>", encoding="utf-8")
    (tmp_path / "a.html").write_text("<title>甲</title>", encoding="utf-8")
    (tmp_path / "notes.txt").write_text("x", encoding="utf-8")
    with MirrorServer(directory_site(tmp_path)) as server:
        index = httpx.get(server.url).text
        assert index.index("a.html") < index.index("b.html") and "notes.txt" not in index
        assert httpx.get(server.url + "a.html").text == "<title>甲</title>"
        assert httpx.get(server.url + "notes.txt").status_code == 404
