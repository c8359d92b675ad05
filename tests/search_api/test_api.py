"""The JSON API through the real app: results, highlighting, synonyms and clear 4xx errors."""

from __future__ import annotations

from fastapi.testclient import TestClient


def test_search_finds_the_guide_with_highlights(client: TestClient) -> None:
    response = client.get("/api/v1/search", params={"q": "换身份证"})
    assert response.status_code == 200
    body = response.json()
    assert body["hits"][0]["title"] == "居民身份证换领"
    assert body["hits"][0]["title_html"] == "<em>居民身份证换领</em>"
    assert body["hits"][0]["kind"] == "guide" and body["hits"][0]["kind_label"] == "办事指南"
    assert body["hits"][0]["online_url"].startswith("https://")


def test_traditional_script_query_finds_the_same(client: TestClient) -> None:
    simplified = client.get("/api/v1/search", params={"q": "换身份证"}).json()
    traditional = client.get("/api/v1/search", params={"q": "換身份證"}).json()
    assert [h["id"] for h in traditional["hits"]] == [h["id"] for h in simplified["hits"]]
    assert traditional["hits"][0]["title_html"] == "<em>居民身份证换领</em>"


def test_synonym_expansion_is_reported_and_finds_official_term(client: TestClient) -> None:
    body = client.get("/api/v1/search", params={"q": "老年社保"}).json()
    assert body["hits"], body
    assert "城乡居民基本养老保险" in body["hits"][0]["title"]
    assert any(e["term"] == "老年社保" for e in body["expansions"])


def test_type_filter(client: TestClient) -> None:
    body = client.get("/api/v1/search", params={"q": "养老保险", "type": "policy"}).json()
    assert body["hits"] and all(h["kind"] == "policy" for h in body["hits"])


def test_empty_query_is_a_clear_422(client: TestClient) -> None:
    for params in ({}, {"q": ""}, {"q": "   "}):
        response = client.get("/api/v1/search", params=params)
        assert response.status_code == 422
        assert response.json()["error"] == {
            "code": "invalid_parameter",
            "message": "请输入搜索内容",
            "field": "q",
        }


def test_thousand_character_query_is_a_clear_422(client: TestClient) -> None:
    response = client.get("/api/v1/search", params={"q": "社" * 1000})
    assert response.status_code == 422
    assert "搜索内容过长" in response.json()["error"]["message"]


def test_bad_page_size_and_type_are_422(client: TestClient) -> None:
    for params, field in (
        ({"page": "0"}, "page"),
        ({"page": "x"}, "page"),
        ({"size": "500"}, "size"),
        ({"type": "x"}, "type"),
    ):
        response = client.get("/api/v1/search", params={"q": "社保", **params})
        assert response.status_code == 422, params
        assert response.json()["error"]["field"] == field


def test_page_out_of_range_is_404_with_message(client: TestClient) -> None:
    response = client.get("/api/v1/search", params={"q": "身份证", "page": "40"})
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "page_out_of_range"
    assert "共 1 页" in response.json()["error"]["message"]


def test_script_in_query_is_data_not_markup(client: TestClient) -> None:
    response = client.get("/api/v1/search", params={"q": "<script>alert(1)</script>身份证"})
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/json")
    body = response.json()
    assert body["query"] == "<script>alert(1)</script>身份证"
    assert all("<script>" not in h["title_html"] + h["snippet_html"] for h in body["hits"])


def test_suggest_and_document(client: TestClient) -> None:
    suggestions = client.get("/api/v1/suggest", params={"q": "身份证"}).json()["suggestions"]
    assert "居民身份证换领" in suggestions
    hit = client.get("/api/v1/search", params={"q": "换身份证"}).json()["hits"][0]
    doc = client.get(f"/api/v1/documents/{hit['id']}").json()
    assert doc["item_name"] == "居民身份证换领" and doc["item_code"] == "G001"
    assert client.get("/api/v1/documents/nope").status_code == 404


def test_openapi_docs_are_served(client: TestClient) -> None:
    assert "/api/v1/search" in client.get("/openapi.json").json()["paths"]
