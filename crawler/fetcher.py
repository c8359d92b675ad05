"""A polite async fetcher: one request at a time per host with a delay between them, capped bodies,
redirects only to allowed hosts, HTML-only pages and charset detection with a GB18030 fallback."""

from __future__ import annotations

import asyncio
import codecs
import re
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from types import TracebackType
from urllib.parse import urljoin, urlsplit

import httpx

USER_AGENT = "govsearch-crawler/0.1 (+https://github.com/govsearch/govsearch)"
MAX_BYTES = 15 * 1024 * 1024
HTML_TYPES = ("text/html", "application/xhtml+xml")
REDIRECT_CODES = frozenset({301, 302, 303, 307, 308})
_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_\-]+)""", re.IGNORECASE)
_CHINESE_ALIASES = {"gb2312": "gb18030", "gbk": "gb18030", "x-gbk": "gb18030", "gb_2312-80": "gb18030"}

Permit = Callable[[str], Awaitable[bool]]
Response = tuple[int, dict[str, str], str | None, str | None]  # status, headers, redirect target, text


@dataclass(frozen=True)
class FetchResult:
    url: str
    final_url: str
    status: int
    headers: dict[str, str] = field(default_factory=dict)
    text: str | None = None
    error: str | None = None
    skipped: bool = False  # not an error: the page is not HTML

    @property
    def ok(self) -> bool:
        return self.error is None and self.text is not None


class FetchError(Exception):
    """A fetch that ended without a usable page; carries the status seen (0 when none)."""

    def __init__(self, message: str, status: int = 0, *, skipped: bool = False) -> None:
        super().__init__(message)
        self.status = status
        self.skipped = skipped


def _codec(name: str | None) -> str | None:
    if not name:
        return None
    name = _CHINESE_ALIASES.get(name.strip().lower(), name.strip().lower())
    try:
        return codecs.lookup(name).name
    except LookupError:
        return None


def meta_charset(content: bytes) -> str | None:
    match = _META_CHARSET.search(content[:4096])
    return match[1].decode("ascii") if match else None


def decode_html(content: bytes, header_charset: str | None = None) -> str:
    """Decode with the first charset that decodes cleanly: BOM, header, <meta charset>, UTF-8, GB18030."""
    for bom, encoding in ((codecs.BOM_UTF8, "utf-8"), (codecs.BOM_UTF16_LE, "utf-16")):
        if content.startswith(bom):
            return content[len(bom) :].decode(encoding, errors="replace")
    candidates = [_codec(header_charset), _codec(meta_charset(content)), "utf-8", "gb18030"]
    for encoding in dict.fromkeys(c for c in candidates if c):
        try:
            return content.decode(encoding)
        except (UnicodeDecodeError, LookupError):
            continue
    return content.decode("utf-8", errors="replace")


def _is_html(content_type: str) -> bool:
    mime = content_type.split(";", 1)[0].strip().lower()
    return not mime or mime in HTML_TYPES


class HostThrottle:
    """Serialises requests per host and keeps `delay` seconds between the end of one and the next."""

    def __init__(self, default_delay: float) -> None:
        self.default_delay = default_delay
        self._delays: dict[str, float] = {}
        self._locks: dict[str, asyncio.Lock] = {}
        self._last: dict[str, float] = {}

    def set_delay(self, host: str, delay: float) -> None:
        self._delays[host] = delay

    def delay(self, host: str) -> float:
        return self._delays.get(host, self.default_delay)

    def lock(self, host: str) -> asyncio.Lock:
        return self._locks.setdefault(host, asyncio.Lock())

    async def wait_turn(self, host: str) -> None:
        """Call with the host's lock held."""
        wait = self._last.get(host, float("-inf")) + self.delay(host) - time.monotonic()
        if wait > 0:
            await asyncio.sleep(wait)

    def done(self, host: str) -> None:
        self._last[host] = time.monotonic()


class Fetcher:
    """Fetch pages politely. Use as `async with Fetcher(...) as fetcher:`."""

    def __init__(
        self,
        *,
        user_agent: str = USER_AGENT,
        delay: float = 1.0,
        timeout: float = 20.0,
        max_bytes: int = MAX_BYTES,
        max_redirects: int = 5,
        host_allowed: Callable[[str], bool] | None = None,
    ) -> None:
        self.user_agent = user_agent
        self.throttle = HostThrottle(delay)
        self.max_bytes = max_bytes
        self.max_redirects = max_redirects
        self.host_allowed = host_allowed or (lambda _url: True)
        self._client = httpx.AsyncClient(
            headers={"User-Agent": user_agent, "Accept": "text/html,application/xhtml+xml,*/*;q=0.5"},
            timeout=httpx.Timeout(timeout),
            follow_redirects=False,
        )

    async def __aenter__(self) -> Fetcher:
        return self

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        await self._client.aclose()

    async def fetch(self, url: str, *, html_only: bool = True, permit: Permit | None = None) -> FetchResult:
        """GET `url`, following redirects to allowed hosts (and URLs `permit` accepts). Never raises."""
        current = url
        for _ in range(self.max_redirects + 1):
            try:
                status, headers, location, text = await self._get_once(current, html_only)
            except FetchError as exc:
                return FetchResult(url, current, exc.status, error=str(exc), skipped=exc.skipped)
            if location is None:
                return FetchResult(url, current, status, headers, text)
            refusal = await self._refuse_redirect(location, permit)
            if refusal:
                return FetchResult(url, current, status, headers, error=refusal)
            current = location
        return FetchResult(url, current, 0, error=f"too many redirects (more than {self.max_redirects})")

    async def _refuse_redirect(self, location: str, permit: Permit | None) -> str | None:
        if not self.host_allowed(location):
            return f"redirect to a host outside the profile: {location}"
        if permit is not None and not await permit(location):
            return f"redirect to a URL disallowed by robots.txt: {location}"
        return None

    async def _get_once(self, url: str, html_only: bool) -> Response:
        """One request under the host's throttle: (status, headers, redirect location, text)."""
        host = urlsplit(url).netloc.lower()
        async with self.throttle.lock(host):
            await self.throttle.wait_turn(host)
            try:
                return await self._request(url, html_only)
            except httpx.HTTPError as exc:
                raise FetchError(f"{type(exc).__name__}: {exc}".rstrip(": ")) from exc
            finally:
                self.throttle.done(host)

    async def _request(self, url: str, html_only: bool) -> Response:
        async with self._client.stream("GET", url) as response:
            headers = dict(response.headers)
            status = response.status_code
            if status in REDIRECT_CODES and "location" in response.headers:
                return status, headers, urljoin(url, response.headers["location"]), None
            if status >= 400:
                raise FetchError(f"HTTP {status}", status)
            if html_only and not _is_html(response.headers.get("content-type", "")):
                content_type = response.headers.get("content-type")
                raise FetchError(f"not HTML: {content_type}", status, skipped=True)
            content = await self._read_capped(response)
            return status, headers, None, decode_html(content, response.charset_encoding)

    async def _read_capped(self, response: httpx.Response) -> bytes:
        declared = response.headers.get("content-length", "")
        if declared.isdigit() and int(declared) > self.max_bytes:
            raise FetchError(f"body too large: {declared} bytes", response.status_code)
        chunks: list[bytes] = []
        size = 0
        async for chunk in response.aiter_bytes():
            size += len(chunk)
            if size > self.max_bytes:
                raise FetchError(f"body too large: over {self.max_bytes} bytes", response.status_code)
            chunks.append(chunk)
        return b"".join(chunks)
