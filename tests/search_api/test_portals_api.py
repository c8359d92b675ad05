"""Portal keys through the real app: valid, missing, revoked and rotated keys; scope on search, suggest,
items, documents, feeds and clicks; CORS preflight and refusal; usage logged per key."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from fastapi.testclient import TestClient

from govsearch.app import create_app
from govsearch.settings import Settings
from search_api.access import KEY_HEADER
from tests.search_api.portal_fixtures import (
    CITY_ORIGIN,
    PortalKeys,
    add_portal,
    add_standard_portals,
    portal_data_dir,
)


@dataclass
class Setup:
    client: TestClient
    settings: Settings
    keys: PortalKeys


@pytest.fixture(scope="module")
def setup(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Setup]:
    settings = portal_data_dir(tmp_path_factory.mktemp("portals"))
    keys = add_standard_portals(settings)
    with TestClient(create_app(settings)) as client:
        yield Setup(client, settings, keys)


def _search(setup: Setup, key: str | None, **params: str) -> dict:  # type: ignore[type-arg]
    headers = {KEY_HEADER: key} if key else {}
    response = setup.client.get("/api/v1/search", params={"q": "社会保障卡", **params}, headers=headers)
    assert response.status_code == 200, response.text
    return response.json()  # type: ignore[no-any-return]


def _error(response: object, status: int, code: str) -> dict[str, str]:
    assert response.status_code == status, response.text  # type: ignore[attr-defined]
    body = response.json()  # type: ignore[attr-defined]
    assert set(body) == {"error"} and body["error"]["code"] == code and body["error"]["message"]
    return body["error"]  # type: ignore[no-any-return]


def test_a_scoped_key_searches_only_its_scope(setup: Setup) -> None:
    everything = _search(setup, None)
    assert {h["kind"] for h in everything["hits"]} == {"guide", "policy"} and everything["total"] == 5
    scoped = _search(setup, setup.keys.city)
    assert scoped["total"] == 2 and {h["site"] for h in scoped["hits"]} == {"示例市政务服务网"}
    assert {h["kind"] for h in scoped["hits"]} == {"guide"}
    assert "type" not in scoped["facets"] and "region" not in scoped["facets"]  # fixed by the scope
    assert _search(setup, setup.keys.open)["total"] == 5  # a key without scope sees everything


def test_a_filter_outside_the_scope_is_refused(setup: Setup) -> None:
    headers = {KEY_HEADER: setup.keys.city}
    for params, field in (({"type": "policy"}, "type"), ({"region": "另一市"}, "region")):
        response = setup.client.get("/api/v1/search", params={"q": "社保卡", **params}, headers=headers)
        assert _error(response, 403, "out_of_scope")["field"] == field
    inside = _search(setup, setup.keys.city, type="guide")  # the scope's own value is fine
    assert inside["total"] == 2


def test_a_listing_and_the_feed_keep_to_the_scope(setup: Setup) -> None:
    headers = {KEY_HEADER: setup.keys.city}
    listing = setup.client.get("/api/v1/search", params={"audience": "个人"}, headers=headers).json()
    assert listing["total"] == 2 and all(h["site"] == "示例市政务服务网" for h in listing["hits"])
    feed = setup.client.get("/api/v1/feed", params={"q": "社会保障卡"}, headers=headers)
    assert feed.status_code == 200 and feed.text.count("<entry>") == 2
    assert "另一市" not in feed.text


def test_suggestions_keep_to_the_scope(setup: Setup) -> None:
    def suggest(key: str | None) -> list[str]:
        headers = {KEY_HEADER: key} if key else {}
        body = setup.client.get("/api/v1/suggest", params={"q": "社会保障卡"}, headers=headers).json()
        return body["suggestions"]  # type: ignore[no-any-return]

    assert "社会保障卡密码重置" in suggest(None)  # 另一市 only
    scoped = suggest(setup.keys.city)
    assert scoped and "社会保障卡密码重置" not in scoped and "社会保障卡申领" in scoped


def test_documents_and_items_outside_the_scope_are_not_found(setup: Setup) -> None:
    headers = {KEY_HEADER: setup.keys.city}
    other = _search(setup, None, region="另一市")["hits"][0]["id"]
    mine = _search(setup, setup.keys.city)["hits"][0]["id"]
    assert setup.client.get(f"/api/v1/documents/{mine}", headers=headers).status_code == 200
    _error(setup.client.get(f"/api/v1/documents/{other}", headers=headers), 404, "not_found")
    assert setup.client.get(f"/api/v1/documents/{other}").status_code == 200  # anonymous: no scope
    assert setup.client.get("/api/v1/items/C001", headers=headers).status_code == 200
    _error(setup.client.get("/api/v1/items/O001", headers=headers), 404, "not_found")
    assert setup.client.get("/api/v1/items/O001").status_code == 200


def test_clicks_are_logged_for_the_key_and_held_to_its_scope(setup: Setup) -> None:
    headers = {KEY_HEADER: setup.keys.city}
    mine = _search(setup, setup.keys.city)["hits"][0]["id"]
    other = _search(setup, None, region="另一市")["hits"][0]["id"]
    click = {"query": "社会保障卡", "doc_id": mine, "position": 1}
    assert setup.client.post("/api/v1/clicks", json=click, headers=headers).status_code == 204
    refused = setup.client.post("/api/v1/clicks", json=click | {"doc_id": other}, headers=headers)
    assert _error(refused, 403, "out_of_scope")["field"] == "doc_id"
    with sqlite3.connect(setup.settings.store_path) as conn:
        clicks = conn.execute("SELECT doc_id, portal FROM click_log WHERE portal = 'city'").fetchall()
        queries = conn.execute("SELECT query, total FROM query_log WHERE portal = 'city'").fetchall()
    assert clicks == [(mine, "city")]
    assert ("社会保障卡", 2) in queries


def test_missing_wrong_revoked_and_rotated_keys(setup: Setup) -> None:
    from indexer.storage import Database
    from search_api.engine.portals import CACHE_SECONDS, Portals

    key = add_portal(setup.settings, "short-lived")
    hot = "/api/v1/hot"
    assert setup.client.get(hot, headers={KEY_HEADER: key}).status_code == 200
    _error(setup.client.get(hot, headers={KEY_HEADER: "gs_wrong"}), 401, "invalid_key")
    database = Database.for_path(setup.settings.store_path)
    portals = Portals(database)
    new_key = portals.rotate("short-lived")
    setup.client.app.state.portals._forget()  # type: ignore[attr-defined]  # skip the CACHE_SECONDS wait
    assert CACHE_SECONDS <= 5
    _error(setup.client.get(hot, headers={KEY_HEADER: key}), 401, "invalid_key")
    assert setup.client.get(hot, headers={KEY_HEADER: new_key}).status_code == 200
    portals.revoke("short-lived")
    database.close()
    setup.client.app.state.portals._forget()  # type: ignore[attr-defined]
    _error(setup.client.get(hot, headers={KEY_HEADER: new_key}), 401, "revoked_key")
    listed = {p.name: p for p in Portals(Database.for_path(setup.settings.store_path)).all()}
    assert listed["short-lived"].last_used_at and listed["short-lived"].revoked


def test_without_anonymous_api_a_key_is_required_but_own_pages_still_work(setup: Setup) -> None:
    closed = setup.settings.model_copy(update={"anonymous_api": False})
    with TestClient(create_app(closed)) as client:
        _error(client.get("/api/v1/search", params={"q": "社保卡"}), 401, "key_required")
        own = client.get("/api/v1/suggest", params={"q": "社保"}, headers={"Sec-Fetch-Site": "same-origin"})
        assert own.status_code == 200
        keyed = client.get("/api/v1/search", params={"q": "社保卡"}, headers={KEY_HEADER: setup.keys.open})
        assert keyed.status_code == 200
        assert client.get("/s", params={"wd": "社保卡"}).status_code == 200  # the pages need no key


def test_cors_preflight_allowed_and_refused(setup: Setup) -> None:
    ask = {"Access-Control-Request-Method": "GET", "Access-Control-Request-Headers": "x-api-key"}
    ok = setup.client.options("/api/v1/search", headers={"Origin": CITY_ORIGIN, **ask})
    assert ok.status_code == 204
    assert ok.headers["access-control-allow-origin"] == CITY_ORIGIN
    assert "X-Api-Key" in ok.headers["access-control-allow-headers"]
    refused = setup.client.options("/api/v1/search", headers={"Origin": "https://evil.example", **ask})
    _error(refused, 403, "origin_not_allowed")
    assert "access-control-allow-origin" not in refused.headers


def test_a_key_used_from_another_origin_is_refused(setup: Setup) -> None:
    params = {"q": "社保卡"}
    allowed = {KEY_HEADER: setup.keys.city, "Origin": CITY_ORIGIN}
    response = setup.client.get("/api/v1/search", params=params, headers=allowed)
    assert response.status_code == 200 and response.headers["access-control-allow-origin"] == CITY_ORIGIN
    elsewhere = allowed | {"Origin": "https://evil.example"}
    refused = setup.client.get("/api/v1/search", params=params, headers=elsewhere)
    _error(refused, 403, "origin_not_allowed")
    assert "access-control-allow-origin" not in refused.headers
    # a key without origins is for servers: any browser origin is refused
    browser = {KEY_HEADER: setup.keys.open, "Origin": CITY_ORIGIN}
    _error(setup.client.get("/api/v1/search", params=params, headers=browser), 403, "origin_not_allowed")
    anonymous = setup.client.get("/api/v1/search", params=params, headers={"Origin": CITY_ORIGIN})
    assert "access-control-allow-origin" not in anonymous.headers  # no key: not for other sites


def test_hot_searches_and_browsing_keep_to_the_scope(setup: Setup) -> None:
    for visitor in range(4):  # four different people (addresses)
        person = TestClient(setup.client.app, client=(f"203.0.113.{visitor + 1}", 5000))
        for query in ("社会保障卡密码重置", "社会保障卡申领"):  # 密码重置: 另一市 only
            person.get("/api/v1/search", params={"q": query})
    setup.client.app.state.search_engine.knowledge.forget()  # type: ignore[attr-defined]

    def hot(key: str | None) -> list[str]:
        headers = {KEY_HEADER: key} if key else {}
        return setup.client.get("/api/v1/hot", headers=headers).json()["hot"]  # type: ignore[no-any-return]

    assert {"社会保障卡密码重置", "社会保障卡申领"} <= set(hot(None))
    assert "社会保障卡申领" in hot(setup.keys.city) and "社会保障卡密码重置" not in hot(setup.keys.city)

    def departments(key: str | None, kind: str = "guide") -> dict[str, int]:
        headers = {KEY_HEADER: key} if key else {}
        response = setup.client.get(
            "/api/v1/browse", params={"by": "publisher", "type": kind}, headers=headers
        )
        assert response.status_code == 200, response.text
        return {v["value"]: v["count"] for v in response.json()["values"]}

    assert departments(None) == {"示例市人力资源和社会保障局": 2, "另一市人力资源和社会保障局": 2}
    assert departments(setup.keys.city) == {"示例市人力资源和社会保障局": 2}
    policies = setup.client.get(
        "/api/v1/browse", params={"type": "policy"}, headers={KEY_HEADER: setup.keys.city}
    )
    assert _error(policies, 403, "out_of_scope")["field"] == "type"
