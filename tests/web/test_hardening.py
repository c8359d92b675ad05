"""Holes found by probing the site (issue 17): each answered with a 4xx, never a 500; headers on every
page; bodies capped; load shed with 503 + Retry-After instead of queued."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi.testclient import TestClient

from govsearch.app import create_app
from indexer.catalogue.store import ItemStore
from indexer.catalogue.upkeep import update_links
from indexer.storage import Database
from indexer.store import Store
from search_api.errors import ErrorBody
from search_api.guard import Admission, Lanes
from tests.factories import SAMPLE_DOCUMENTS, build_data_dir, guide
from tests.web.admin.helpers import admin_app, login

ODD_CODES = ("粤办编码一", "4400/123/A")


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    path = tmp_path_factory.mktemp("hardening")
    odd = [guide(f"测试事项{i}", code) for i, code in enumerate(ODD_CODES)]
    settings = build_data_dir(path, [*SAMPLE_DOCUMENTS, *odd])
    store = Store(Database.for_path(settings.store_path))
    update_links(store, ItemStore(store))
    store.close()
    with TestClient(create_app(settings), raise_server_exceptions=False) as client:
        yield client


@pytest.mark.parametrize("url", ["/s?wd=社&pn=²", "/s?wd=社&pn=①", "/api/v1/search?q=社&page=²"])
def test_unicode_digits_are_refused_not_crashed_on(site: TestClient, url: str) -> None:
    assert site.get(url).status_code == 422


@pytest.mark.parametrize("code", ODD_CODES)
def test_items_with_chinese_or_slash_in_their_code_are_reachable(site: TestClient, code: str) -> None:
    page = site.get(f"/item/{code}")
    assert page.status_code == 200, page.text
    link = page.headers["link"]
    assert link.isascii() and httpx.URL(link[1 : link.index(">")]).path == f"/api/v1/items/{code}"
    assert site.get(f"/api/v1/items/{code}").json()["item"]["key"] == code


def test_a_click_body_is_capped_before_it_is_read(site: TestClient) -> None:
    huge = b'{"query": "' + b"x" * 200_000 + b'"}'
    response = site.post("/api/v1/clicks", content=huge, headers={"content-type": "application/json"})
    assert response.status_code == 413 and response.json()["error"]["code"] == "too_large"

    def chunks() -> Iterator[bytes]:  # no Content-Length: the cap counts what streams in
        for _ in range(100):
            yield b"x" * 1000

    streamed = site.post("/api/v1/clicks", content=chunks(), headers={"content-type": "application/json"})
    assert streamed.status_code == 413


@pytest.mark.parametrize("url", ["/", "/s?wd=社保", "/api/v1/search?q=社保", "/nowhere", "/admin/login"])
def test_every_answer_carries_the_security_headers(site: TestClient, url: str) -> None:
    headers = site.get(url).headers
    csp = headers["content-security-policy"]
    assert (
        "script-src 'self'" in csp
        and "frame-ancestors 'none'" in csp
        and "unsafe-inline'" not in (csp.split("script-src")[1].split(";")[0])
    )
    assert headers["x-content-type-options"] == "nosniff" and headers["x-frame-options"] == "DENY"
    assert headers["referrer-policy"] == "strict-origin-when-cross-origin"


def test_staff_ids_beyond_64_bits_are_refused(tmp_path: Path) -> None:
    # warm first: the preview below runs the golden set, which must not build the knowledge in-request
    with TestClient(admin_app(tmp_path, warm_first=True), raise_server_exceptions=False) as client:
        csrf = login(client, "reviewer1")
        big = "99999999999999999999"
        assert client.get(f"/admin/api/proposals/{big}").status_code == 422
        assert client.get(f"/admin/proposals/{big}").status_code == 422
        for url in (f"/admin/api/proposals/{big}/approve", f"/admin/api/versions/{big}/rollback"):
            assert client.post(url, json={"reason": "x"}, headers={"X-CSRF-Token": csrf}).status_code == 422
        form = {"csrf": csrf, "action": "edit", "rule_id": "²", "line": "甲 => 乙", "reason": "r"}
        assert client.post("/admin/preview", data=form).status_code == 200


def test_session_cookie_is_secure_when_the_site_is_public_over_https(tmp_path: Path) -> None:
    app = admin_app(tmp_path)
    app.state.settings = app.state.settings.model_copy(update={"public_url": "https://s.example.gov.cn"})
    with TestClient(app) as client:
        page = client.get("/admin/login")
        assert "secure" in page.headers["set-cookie"].lower()


def test_admission_sheds_load_beyond_the_bound_and_times_out_slow_requests() -> None:
    release = asyncio.Event()

    async def slow_app(scope: object, receive: object, send: object) -> None:
        await release.wait()

    async def scenario() -> list[httpx.Response]:
        guard = Admission(slow_app, max_in_flight=2, timeout=0.5)
        transport = httpx.ASGITransport(app=guard)
        async with httpx.AsyncClient(transport=transport, base_url="http://t") as http:
            return list(await asyncio.gather(*(http.get("/api/v1/search?q=x") for _ in range(5))))

    answers = asyncio.run(scenario())
    assert [a.status_code for a in answers] == [503] * 5  # three shed at once, two timed out
    assert all(a.headers.get("retry-after") == "1" for a in answers)
    codes = sorted(ErrorBody.model_validate(a.json()).error.code for a in answers)  # the API's one shape
    assert codes == ["overloaded"] * 3 + ["timeout"] * 2


def _timed_app(seconds: float) -> Any:
    """An ASGI app whose every request takes `seconds` and answers 200."""

    async def app(scope: object, receive: object, send: Any) -> None:
        await asyncio.sleep(seconds)
        await send({"type": "http.response.start", "status": 200, "headers": []})
        await send({"type": "http.response.body", "body": b"ok"})

    return app


async def _get_after(http: httpx.AsyncClient, delay: float) -> tuple[int, float]:
    """Status and seconds taken of a request sent `delay` s from now."""
    await asyncio.sleep(delay)
    began = time.monotonic()
    answer = await http.get("/api/v1/search?q=x")
    return answer.status_code, time.monotonic() - began


def _run_against(guard: Admission, delays: list[float]) -> list[tuple[int, float]]:
    async def scenario() -> list[tuple[int, float]]:
        transport = httpx.ASGITransport(app=guard)
        async with httpx.AsyncClient(transport=transport, base_url="http://t") as http:
            return list(await asyncio.gather(*(_get_after(http, d) for d in delays)))

    return asyncio.run(scenario())


def test_admission_queues_requests_within_a_waiting_budget() -> None:
    """One runs at a time: the next ones wait their turn when it comes within the budget, and are shed
    when the budget runs out first; no answer takes much longer than budget plus service."""
    guard = Admission(_timed_app(0.05), max_in_flight=1, timeout=5, queue_seconds=0.3)
    assert [status for status, _ in _run_against(guard, [0, 0.01, 0.02])] == [200, 200, 200]
    answers = _run_against(guard, [0.0] * 20)
    served = sum(status == 200 for status, _ in answers)
    assert 3 <= served <= 8 and {status for status, _ in answers} == {200, 503}
    assert max(took for _, took in answers) < 0.3 + 0.05 + 0.5  # budget + service + slack
    assert guard.in_flight == 0 and not guard._waiting  # every place given back


def test_admission_serves_the_newest_request_once_the_queue_is_congested() -> None:
    """The oldest waiter has stood more than half the budget when the place frees: the newest gets it
    (it can still be served fresh), and the stale one is shed when its budget ends."""
    guard = Admission(_timed_app(0.4), max_in_flight=1, timeout=5, queue_seconds=0.6)
    statuses = [status for status, _ in _run_against(guard, [0.0, 0.02, 0.25])]
    assert statuses == [200, 503, 200]


def test_staff_requests_take_no_place_a_search_needs() -> None:
    """A long staff request fills the staff lane only: searches are served beside it."""
    inner = _timed_app(0.3)
    lanes = Lanes(inner, Admission(inner, 1, timeout=5), Admission(inner, 1, timeout=5), "/admin")

    async def scenario() -> list[int]:
        transport = httpx.ASGITransport(app=lanes)
        async with httpx.AsyncClient(transport=transport, base_url="http://t") as http:
            staff = asyncio.create_task(http.get("/admin/golden"))
            await asyncio.sleep(0.05)
            # The staff lane is full (the second staff request is shed); the search is served.
            search, second_staff = await asyncio.gather(
                http.get("/api/v1/search?q=x"), http.get("/admin/rules")
            )
            return [search.status_code, second_staff.status_code, (await staff).status_code]

    assert asyncio.run(scenario()) == [200, 503, 200]


def test_a_serving_app_is_warm_before_it_takes_a_request(tmp_path: Path) -> None:
    """`serve` builds its apps with warm_first: by the time the app accepts its first request the
    knowledge and the item matcher are built (a cold worker would answer its first searches late)."""
    app = create_app(build_data_dir(tmp_path), warm_first=True)
    engine = app.state.search_engine
    assert engine.knowledge._knowledge is None and engine.catalogue._matcher is None
    with TestClient(app):  # startup has run, no request yet
        assert engine.knowledge._knowledge is not None and engine.catalogue._matcher is not None


def test_staff_error_pages_link_back_without_javascript(tmp_path: Path) -> None:
    with TestClient(admin_app(tmp_path)) as client:
        login(client, "editor1")
        page = client.get("/admin/rules/999999", headers={"referer": "http://testserver/admin?q=sb"})
        assert page.status_code == 404 and "javascript:" not in page.text
        assert 'href="/admin?q=sb"' in page.text
