"""Script injection, tried in a real browser: payloads in queries and in crawled documents (titles,
bodies, materials) never run, and every page carries a CSP that the page itself satisfies (Chromium
reports no CSP violation), with the other security headers."""

from __future__ import annotations

from collections.abc import Iterator
from urllib.parse import quote

import httpx
import pytest

from govsearch.app import create_app
from tests.browser import chromium, live_server
from tests.factories import SAMPLE_DOCUMENTS, build_data_dir, guide, policy

pytestmark = pytest.mark.browser
# Each payload, if it ran, would set window.__xss.
PAYLOADS = [
    "<script>window.__xss=1</script>",
    '"><script>window.__xss=1</script>',
    "'><img src=x onerror=window.__xss=1>",
    '<img src=x onerror="window.__xss=1">',
    "<svg onload=window.__xss=1>",
    "<svg><script>window.__xss=1</script></svg>",
    '<iframe srcdoc="<script>parent.__xss=1</script>">',
    "<body onload=window.__xss=1>",
    '<a href="javascript:window.__xss=1" id=xss>x</a>',
    "javascript:window.__xss=1",
    "</title><script>window.__xss=1</script>",
    "</textarea><script>window.__xss=1</script>",
    '"onfocus="window.__xss=1" autofocus="',
    "'onfocus='window.__xss=1' autofocus='",
    "<details open ontoggle=window.__xss=1>",
    "<math><mtext><table><mglyph><style><img src=x onerror=window.__xss=1>",
    "<input autofocus onfocus=window.__xss=1>",
    "<video><source onerror=window.__xss=1>",
    "<object data=javascript:window.__xss=1>",
    "<embed src=javascript:window.__xss=1>",
    "{{constructor.constructor('window.__xss=1')()}}",
    "${window.__xss=1}",
    "<scr<script>ipt>window.__xss=1</script>",
    "%3Cscript%3Ewindow.__xss=1%3C/script%3E",
]
SECURITY_HEADERS = ("content-security-policy", "x-content-type-options", "x-frame-options", "referrer-policy")


@pytest.fixture(scope="module")
def base_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    hostile = [
        guide(f"社保卡{i}{p}", f"X{i:03d}", conditions=p, materials=[p]) for i, p in enumerate(PAYLOADS[:12])
    ] + [policy(f"通知{p}", f"示政〔2024〕{100 + i}号", f"正文{p}") for i, p in enumerate(PAYLOADS[12:])]
    settings = build_data_dir(tmp_path_factory.mktemp("xss"), [*SAMPLE_DOCUMENTS, *hostile])
    with live_server(create_app(settings)) as url:
        yield url


def _pages(base_url: str) -> list[str]:
    pages = [f"{base_url}/s?wd={quote(p)}" for p in PAYLOADS]
    pages += [f"{base_url}/s?wd={quote('社保卡')}", f"{base_url}/s?wd={quote('通知')}", f"{base_url}/"]
    found = httpx.get(f"{base_url}/api/v1/search", params={"q": "社保卡 通知", "size": 50}).json()["hits"]
    pages += [f"{base_url}/doc/{quote(hit['id'], safe='')}" for hit in found]
    return pages


def test_no_payload_runs_and_pages_satisfy_their_csp(base_url: str) -> None:
    ran, violations = [], []
    with chromium(log_console=True) as driver:
        for url in _pages(base_url):
            driver.get(url)
            if driver.execute_script("return window.__xss || 0"):
                ran.append(url)
            for entry in driver.get_log("browser"):
                if "Content Security Policy" in entry["message"]:
                    violations.append((url, entry["message"]))
    assert ran == [] and violations == []


@pytest.mark.parametrize(
    "path", ["/", "/s?wd=社保", "/browse", "/docs", "/admin/login", "/api/v1/search?q=社保"]
)
def test_security_headers_on_every_kind_of_page(base_url: str, path: str) -> None:
    headers = httpx.get(base_url + path).headers
    assert all(name in headers for name in SECURITY_HEADERS), headers
