"""Rate limits through the real app: 429 with Retry-After under a burst and recovery after it, per key
and per anonymous client (pages and API); two `govsearch serve` processes sharing one Redis budget."""

from __future__ import annotations

import os
import secrets
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from fastapi.testclient import TestClient

from govsearch.app import create_app
from govsearch.settings import Settings
from search_api.access import KEY_HEADER
from tests.browser import free_port
from tests.search_api.portal_fixtures import add_portal, portal_data_dir

REDIS_URL = "redis://127.0.0.1:6379/0"


@pytest.fixture(scope="module")
def settings(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    return portal_data_dir(tmp_path_factory.mktemp("limits"))


def _burst(client: TestClient, url: str, count: int, **headers: str) -> list[httpx.Response]:
    return [client.get(url, headers=headers) for _ in range(count)]


def test_a_key_over_its_rate_gets_429_with_retry_after_then_recovers(settings: Settings) -> None:
    key = add_portal(settings, f"burst-{secrets.token_hex(3)}", rate="3/second")
    with TestClient(create_app(settings)) as client:
        answers = _burst(client, "/api/v1/hot", 8, **{KEY_HEADER: key})
        assert [r.status_code for r in answers[:3]] == [200] * 3
        refused = [r for r in answers if r.status_code == 429]
        assert len(refused) >= 4
        body = refused[0].json()["error"]
        assert body["code"] == "rate_limited" and "秒后再试" in body["message"]
        wait = int(refused[0].headers["Retry-After"])
        assert 1 <= wait <= 2
        time.sleep(wait + 1)
        assert client.get("/api/v1/hot", headers={KEY_HEADER: key}).status_code == 200
        # another key has its own budget
        other = add_portal(settings, f"calm-{secrets.token_hex(3)}")
        assert client.get("/api/v1/hot", headers={KEY_HEADER: other}).status_code == 200


def test_anonymous_visitors_are_limited_on_pages_and_api(settings: Settings) -> None:
    # A day's budget: near a minute's edge the sliding window weighs the last minute's hits a little
    # less, and a fifth request got through on a slow CI machine.
    limited = settings.model_copy(update={"anonymous_rate": "4/day", "anonymous_suggest_rate": "6/day"})
    with TestClient(create_app(limited)) as client:
        pages = [client.get("/s", params={"wd": f"社保卡{i}"}) for i in range(3)]
        api = _burst(client, "/api/v1/search?q=社保卡", 3)
        codes = [r.status_code for r in [*pages, *api]]
        assert codes == [200, 200, 200, 200, 429, 429]  # pages and API share the visitor's budget
        page_refused = client.get("/s", params={"wd": "社保卡"})
        assert page_refused.status_code == 429 and "text/html" in page_refused.headers["content-type"]
        assert "请求过于频繁" in page_refused.text and page_refused.headers["Retry-After"]
        assert api[-1].json()["error"]["code"] == "rate_limited"
        guessing = client.get("/api/v1/search?q=社保卡", headers={KEY_HEADER: "gs_guessed"})
        assert guessing.status_code == 429  # made-up keys spend the visitor's budget too
        # suggestions have their own, larger budget; a keyed portal is not held to the visitor's
        assert client.get("/api/v1/suggest", params={"q": "社保"}).status_code == 200
        key = add_portal(settings, f"busy-{secrets.token_hex(3)}")
        assert client.get("/api/v1/search?q=社保卡", headers={KEY_HEADER: key}).status_code == 200


def _redis_or_skip() -> None:
    try:
        import redis

        redis.Redis.from_url(REDIS_URL, socket_timeout=2).ping()
    except Exception as exc:
        if os.environ.get("CI") == "true":
            pytest.fail(f"Redis is required under CI=true: {exc}")
        pytest.skip(f"Redis not reachable at {REDIS_URL}: {exc}")


def _serve(data_dir: Path, port: int) -> subprocess.Popen[bytes]:
    env = os.environ | {"GOVSEARCH_DATA_DIR": str(data_dir), "GOVSEARCH_REDIS_URL": REDIS_URL}
    env |= {"GOVSEARCH_WORKERS": "1"}  # two single-process servers: the budget is shared through Redis
    command = [sys.executable, "-m", "govsearch.cli", "serve", "--port", str(port)]
    return subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def _wait_up(url: str, deadline: float) -> None:
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"{url}/openapi.json", timeout=2).status_code == 200:
                return
        except httpx.HTTPError:
            time.sleep(0.2)
    raise AssertionError(f"{url} did not start")


@pytest.fixture
def two_servers(settings: Settings) -> Iterator[tuple[str, str]]:
    _redis_or_skip()
    ports = (free_port(), free_port())
    processes = [_serve(settings.data_dir, port) for port in ports]
    urls = tuple(f"http://127.0.0.1:{port}" for port in ports)
    try:
        deadline = time.monotonic() + 60
        for url in urls:
            _wait_up(url, deadline)
        yield urls[0], urls[1]
    finally:
        for process in processes:
            process.terminate()
            process.wait(timeout=20)


def test_two_api_processes_share_one_redis_budget(settings: Settings, two_servers: tuple[str, str]) -> None:
    key = add_portal(settings, f"shared-{secrets.token_hex(4)}", rate="6/minute")
    headers = {KEY_HEADER: key}
    # a route that reads the store only (404: no such document), so the servers' start-up work is not timed
    url = "/api/v1/documents/p-none"
    codes = [httpx.get(f"{base}{url}", headers=headers).status_code for base in two_servers * 4]
    assert codes.count(404) == 6 and codes.count(429) == 2, codes  # each alone would allow 6
    assert codes[:6] == [404] * 6


def test_an_unreachable_redis_keeps_limits_in_this_process(settings: Settings) -> None:
    """Redis down: the limits hold per process (not lifted, and searches still answer)."""
    from search_api.throttle import RateLimiter

    closed = f"redis://127.0.0.1:{free_port()}/0"  # nothing listens there
    limiter = RateLimiter(closed)
    answers = [limiter.hit("portal:x", "3/minute") for _ in range(5)]
    assert answers[:3] == [None] * 3 and all(wait and wait >= 1 for wait in answers[3:])
    assert limiter.degraded
    down = settings.model_copy(update={"redis_url": closed})
    key = add_portal(settings, f"down-{secrets.token_hex(3)}", rate="2/minute")
    with TestClient(create_app(down)) as client:
        codes = [r.status_code for r in _burst(client, "/api/v1/hot", 4, **{KEY_HEADER: key})]
    assert codes == [200, 200, 429, 429]
