"""The HTML pages through the real app: what a citizen sees."""

from __future__ import annotations

from fastapi.testclient import TestClient


def test_home_has_one_search_box(client: TestClient) -> None:
    page = client.get("/")
    assert page.status_code == 200
    assert 'action="/s"' in page.text and 'name="wd"' in page.text
    assert "办事指南 5 项" in page.text


def test_results_page_shows_highlighted_guide_first(client: TestClient) -> None:
    page = client.get("/s", params={"wd": "换身份证"})
    assert page.status_code == 200
    first = page.text.index('class="result')
    assert "<em>居民身份证换领</em>" in page.text[first : first + 600]
    assert "在线办理" in page.text
    assert 'rel="alternate"' in page.headers["link"] and "/api/v1/search?q=" in page.headers["link"]


def test_results_page_says_what_was_expanded(client: TestClient) -> None:
    page = client.get("/s", params={"wd": "老年社保"})
    assert "已为您扩展：老年社保 → 城乡居民基本养老保险" in page.text


def test_script_in_query_is_escaped(client: TestClient) -> None:
    page = client.get("/s", params={"wd": "<script>alert(1)</script>"})
    assert "<script>alert(1)</script>" not in page.text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page.text


def test_empty_and_overlong_queries_get_a_helpful_page(client: TestClient) -> None:
    empty = client.get("/s", params={"wd": ""})
    assert empty.status_code == 400 and "请输入搜索内容" in empty.text
    long = client.get("/s", params={"wd": "社" * 1000})
    assert long.status_code == 422 and "搜索内容过长" in long.text


def test_pn_is_the_result_offset_and_out_of_range_is_404(client: TestClient) -> None:
    assert client.get("/s", params={"wd": "身份证", "pn": "0"}).status_code == 200
    page = client.get("/s", params={"wd": "身份证", "pn": "390"})
    assert page.status_code == 404 and "页码超出范围" in page.text
    assert client.get("/s", params={"wd": "身份证", "pn": "abc"}).status_code == 422


def test_no_results_page_helps(client: TestClient) -> None:
    page = client.get("/s", params={"wd": "量子引力波"})
    assert page.status_code == 200
    assert "没有找到" in page.text and "换个说法试试" in page.text


def test_document_pages(client: TestClient) -> None:
    hit = client.get("/api/v1/search", params={"q": "公积金提取"}).json()["hits"][0]
    page = client.get(f"/doc/{hit['id']}")
    assert page.status_code == 200
    assert "示政〔2023〕5号" in page.text and "查看原文" in page.text
    guide = client.get("/api/v1/search", params={"q": "换身份证"}).json()["hits"][0]
    assert "申请材料" in client.get(f"/doc/{guide['id']}").text
    assert client.get("/doc/missing").status_code == 404
