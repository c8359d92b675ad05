"""The API's contract: every error in the one shape (404, 405, 422 including unknown parameters, 429,
500), every route metered and documented with examples, and the OpenSearch description."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from fastapi.routing import APIRoute
from fastapi.testclient import TestClient

from govsearch.app import create_app
from search_api import routes
from search_api.access import Caller
from tests.factories import build_data_dir


def _shape(response: Any, status: int, code: str) -> None:
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/json")
    body = response.json()
    assert set(body) == {"error"} and body["error"]["code"] == code
    assert body["error"]["message"] and not body["error"]["message"].isascii()  # Chinese, for people


def test_every_error_comes_in_the_one_shape(client: TestClient) -> None:
    _shape(client.get("/api/v1/nothing-here"), 404, "not_found")
    _shape(client.get("/api/v1/documents/p-missing"), 404, "not_found")
    _shape(client.get("/api/v1/search", params={"q": "身份证", "page": "40"}), 404, "page_out_of_range")
    wrong_method = client.delete("/api/v1/search")
    _shape(wrong_method, 405, "method_not_allowed")
    assert wrong_method.headers["allow"] == "GET"
    _shape(client.post("/api/v1/hot"), 405, "method_not_allowed")
    _shape(client.get("/api/v1/search", params={"q": ""}), 422, "invalid_parameter")
    for url in ("/api/v1/search?q=社保&typ=guide", "/api/v1/suggest?q=社&limit=3", "/api/v1/items/x?full=1"):
        response = client.get(url)
        _shape(response, 422, "unknown_parameter")
        assert response.json()["error"]["field"] in ("typ", "limit", "full")
    _shape(
        client.get("/api/v1/search", headers={"X-Api-Key": "gs_nope"}, params={"q": "社保"}),
        401,
        "invalid_key",
    )


def test_pages_keep_html_errors(client: TestClient) -> None:
    page = client.get("/s", params={"wd": "身份证", "pn": "390"})
    assert page.status_code == 404 and page.headers["content-type"].startswith("text/html")
    assert (
        client.get("/s", params={"wd": "身份证", "utm_source": "x"}).status_code == 200
    )  # pages ignore extras


def test_a_fault_of_ours_is_a_500_in_the_one_shape(tmp_path: Path) -> None:
    app = create_app(build_data_dir(tmp_path))

    def broken(limit: int = 10) -> list[str]:
        raise RuntimeError("boom")

    with TestClient(app, raise_server_exceptions=False) as client:
        app.state.search_engine.hot_queries = broken
        _shape(client.get("/api/v1/hot"), 500, "internal_error")
        assert "boom" not in client.get("/api/v1/hot").text


def test_every_api_route_is_metered_and_documented(client: TestClient) -> None:
    schema = client.get("/openapi.json").json()
    for route in routes.router.routes:
        assert isinstance(route, APIRoute)
        calls = [d.call for d in route.dependant.dependencies]
        callers = [d for d in route.dependant.dependencies if d.call and _returns_caller(d.call)]
        assert callers, f"{route.path} is not metered ({calls})"
        for method in route.methods:
            operation = schema["paths"][route.path_format][method.lower()]  # {key:path} is {key} there
            assert operation.get("summary") and not operation["summary"].isascii(), route.path
            assert operation.get("description") and not operation["description"].isascii(), route.path
            assert "429" in operation["responses"], route.path
            assert _has_example(operation), f"{method} {route.path} has no example"
    assert schema["components"]["schemas"]["ErrorBody"]
    assert schema["components"]["securitySchemes"]["APIKeyHeader"]["name"] == "X-Api-Key"


def _returns_caller(call: Any) -> bool:
    return getattr(call, "__annotations__", {}).get("return") in (Caller, "Caller")


def _has_example(operation: dict[str, Any]) -> bool:
    for response in operation["responses"].values():
        for media in response.get("content", {}).values():
            if "example" in media or "examples" in media:
                return True
    return "requestBody" in operation and "example" in str(operation["requestBody"])


def test_opensearch_names_the_suggestions_and_the_feed(client: TestClient) -> None:
    body = client.get("/opensearch.xml").text
    assert 'type="application/x-suggestions+json"' in body and "/api/v1/suggest?format=opensearch" in body
    assert 'type="application/atom+xml"' in body and "/api/v1/feed?q={searchTerms}" in body
