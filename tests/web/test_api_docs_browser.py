"""/docs and /redoc render in headless Chromium with no network but the server itself: Swagger UI and
ReDoc come from files this site serves, with no CDN and no web fonts."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.browser import LOOPBACK_ONLY, chromium, live_server, requested_urls, screenshot, wait_for_text
from tests.factories import build_app

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def base_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    with live_server(build_app(tmp_path_factory.mktemp("apidocs"))) as url:
        yield url


def _only_local(urls: list[str], base: str) -> None:
    outside = [u for u in urls if u.startswith(("http:", "https:", "ws:", "wss:")) and not u.startswith(base)]
    assert not outside, outside


@pytest.mark.parametrize(
    ("path", "css", "name"), [("/docs", ".swagger-ui .info", "swagger"), ("/redoc", ".api-content", "redoc")]
)
def test_api_docs_render_offline(base_url: str, path: str, css: str, name: str) -> None:
    with chromium(1366, 768, flags=LOOPBACK_ONLY, log_requests=True) as driver:
        requested_urls(driver)  # the browser's own start page is not ours to judge
        driver.get(base_url + path)
        wait_for_text(driver, css, "政务搜索 API")
        wait_for_text(driver, "body", "/api/v1/search")
        urls = requested_urls(driver)
        assert any(u.endswith("/openapi.json") for u in urls)
        _only_local(urls, base_url)
        screenshot(driver, f"api-docs-{name}")
