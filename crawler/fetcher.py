"""A polite, robust async fetcher: one request at a time per host with a delay between them, retries
with backoff on 5xx/429 (honouring Retry-After) and on network errors, a total deadline per request,
capped bodies, redirects only to allowed hosts, content-type checks, conditional GET and charset
detection for pages that lie about their encoding."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field, replace
from email.utils import parsedate_to_datetime
from types import TracebackType
from typing import Literal
from urllib.parse import urljoin, urlsplit

import httpx

from crawler.addresses import public_transport, refused
from crawler.charset import decode_html

__all__ = ["USER_AGENT", "FetchResult", "Fetcher", "Validators", "decode_html"]

USER_AGENT = "govsearch-crawler/0.2 (+https://github.com/govsearch/govsearch; government search)"
MAX_BYTES = 15 * 1024 * 1024
HTML_TYPES = ("text/html", "application/xhtml+xml")
DOCUMENT_TYPES = frozenset(
    {
        "application/pdf",
        "application/msword",
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        "application/vnd.ms-excel",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "application/octet-stream",
        "application/zip",
    }
)
REDIRECT_CODES = frozenset({301, 302, 303, 307, 308})
RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})

Accept = Literal["html", "document", "any"]  # HTML pages; HTML or attachment files; anything (robots, XML)
Permit = Callable[[str], Awaitable[bool]]


@dataclass(frozen=True)
class Validators:
    """What a server said about the last copy we have, for a conditional GET."""

    etag: str = ""
    last_modified: str = ""

    def headers(self) -> dict[str, str]:
        found = {"If-None-Match": self.etag, "If-Modified-Since": self.last_modified}
        return {name: value for name, value in found.items() if value}


@dataclass(frozen=True)
class Response:
    status: int
    headers: dict[str, str]
    location: str | None = None
    text: str | None = None
    content: bytes = b""


@dataclass(frozen=True)
class FetchResult:
    url: str
    final_url: str
    status: int
    headers: dict[str, str] = field(default_factory=dict)
    text: str | None = None
    content: bytes = b""  # the raw body of an attachment (accept="document")
    error: str | None = None
    skipped: bool = False  # not an error: the page is not of an accepted type
    attempts: int = 1

    @property
    def not_modified(self) -> bool:
        return self.status == 304

    @property
    def gone(self) -> bool:
        return self.status in (404, 410)

    def validators(self) -> Validators:
        return Validators(self.headers.get("etag", ""), self.headers.get("last-modified", ""))


class FetchError(Exception):
    """A fetch that ended without a usable page; carries the status seen (0 when none)."""

    def __init__(
        self,
        message: str,
        status: int = 0,
        *,
        skipped: bool = False,
        retryable: bool = False,
        retry_after: float | None = None,
    ) -> None:
        super().__init__(message)
        self.status = status
        self.skipped = skipped
        self.retryable = retryable
        self.retry_after = retry_after


def retry_after_seconds(value: str | None) -> float | None:
    """Retry-After as seconds: '120' or an HTTP date; None when absent or unreadable."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        return max(0.0, parsedate_to_datetime(value).timestamp() - time.time())
    except (TypeError, ValueError):
        return None


def _accepted(content_type: str, accept: Accept) -> bool:
    mime = content_type.split(";", 1)[0].strip().lower()
    if accept == "any" or not mime or mime in HTML_TYPES:
        return True
    return accept == "document" and mime in DOCUMENT_TYPES


class HostThrottle:
    """Serialises requests per host and keeps `delay` seconds between the end of one and the next;
    `defer` pushes a host's next request back (a Retry-After or a backoff)."""

    def __init__(self, default_delay: float) -> None:
        self.default_delay = default_delay
        self._delays: dict[str, float] = {}
        self._locks: dict[str, asyncio.Lock] = {}
        self._last: dict[str, float] = {}
        self._not_before: dict[str, float] = {}

    def set_delay(self, host: str, delay: float) -> None:
        self._delays[host] = delay

    def delay(self, host: str) -> float:
        return self._delays.get(host, self.default_delay)

    def lock(self, host: str) -> asyncio.Lock:
        return self._locks.setdefault(host, asyncio.Lock())

    def defer(self, host: str, seconds: float) -> None:
        self._not_before[host] = max(self._not_before.get(host, 0.0), time.monotonic() + seconds)

    async def wait_turn(self, host: str) -> None:
        """Call with the host's lock held."""
        ready = max(self._last.get(host, float("-inf")) + self.delay(host), self._not_before.get(host, 0.0))
        wait = ready - time.monotonic()
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
        retries: int = 3,
        backoff: float = 1.0,
        max_retry_after: float = 300.0,
        host_allowed: Callable[[str], bool] | None = None,
        throttle: HostThrottle | None = None,
        private_addresses: bool = False,
    ) -> None:
        self.user_agent = user_agent
        self.throttle = throttle or HostThrottle(delay)  # shared by runs crawling at the same time
        self.timeout = timeout
        self.max_bytes = max_bytes
        self.max_redirects = max_redirects
        self.retries = retries
        self.backoff = backoff
        self.max_retry_after = max_retry_after
        self.host_allowed = host_allowed or (lambda _url: True)
        self.private_addresses = private_addresses  # else only public addresses (crawler.addresses)
        self.requests = 0
        self._client = httpx.AsyncClient(
            headers={"User-Agent": user_agent, "Accept": "text/html,application/xhtml+xml,*/*;q=0.5"},
            timeout=httpx.Timeout(timeout),
            follow_redirects=False,
            # Public addresses only: the connection goes to the address that was checked.
            transport=None if private_addresses else public_transport(),
        )

    async def __aenter__(self) -> Fetcher:
        return self

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        await self._client.aclose()

    async def fetch(
        self,
        url: str,
        *,
        accept: Accept = "html",
        permit: Permit | None = None,
        validators: Validators | None = None,
        retries: int | None = None,
    ) -> FetchResult:
        """GET `url`, following redirects to allowed hosts (and URLs `permit` accepts), retrying
        transient failures. Never raises: failures come back as a FetchResult with `error`."""
        attempt = 0
        while True:
            attempt += 1
            result, error = await self._follow(url, accept, permit, validators)
            allowed = self.retries if retries is None else retries
            retry_in = self._retry_delay(error, attempt) if error and attempt <= allowed else None
            if retry_in is None:
                return replace(result, attempts=attempt)
            self.throttle.defer(urlsplit(result.final_url).netloc.lower(), retry_in)

    def _retry_delay(self, error: FetchError, attempt: int) -> float | None:
        """Seconds to wait before retry number `attempt`, or None when the failure is final."""
        if not error.retryable:
            return None
        if error.retry_after is not None:
            return error.retry_after if error.retry_after <= self.max_retry_after else None
        return float(self.backoff * 2 ** (attempt - 1))

    async def _follow(
        self, url: str, accept: Accept, permit: Permit | None, validators: Validators | None
    ) -> tuple[FetchResult, FetchError | None]:
        current, seen = url, {url}
        for _ in range(self.max_redirects + 1):
            try:
                response = await self._get_once(current, accept, validators if current == url else None)
            except FetchError as exc:
                return FetchResult(url, current, exc.status, error=str(exc), skipped=exc.skipped), exc
            if response.location is None:
                found = (response.status, response.headers, response.text, response.content)
                return FetchResult(url, current, *found), None
            refusal = await self._refuse_redirect(response.location, permit)
            if refusal or response.location in seen:
                error = refusal or f"redirect loop: {response.location}"
                return FetchResult(url, current, response.status, response.headers, error=error), None
            current = response.location
            seen.add(current)
        error = f"too many redirects (more than {self.max_redirects})"
        return FetchResult(url, current, 0, error=error), None

    async def _refuse_redirect(self, location: str, permit: Permit | None) -> str | None:
        if not self.host_allowed(location):
            return f"redirect to a host outside the profile: {location}"
        if permit is not None and not await permit(location):
            return f"redirect to a URL disallowed by robots.txt: {location}"
        return None

    async def _get_once(self, url: str, accept: Accept, validators: Validators | None) -> Response:
        """One request under the host's throttle, within the total deadline; unless the profile allows
        private addresses, the connection itself refuses non-public ones (`crawler.addresses`)."""
        host = urlsplit(url).netloc.lower()
        async with self.throttle.lock(host):
            await self.throttle.wait_turn(host)
            self.requests += 1
            try:
                return await asyncio.wait_for(self._request(url, accept, validators), self.timeout)
            except TimeoutError as exc:
                raise FetchError(f"timed out after {self.timeout:g} s", retryable=True) from exc
            except httpx.HTTPError as exc:
                message = f"{type(exc).__name__}: {exc}".rstrip(": ")
                raise FetchError(message, retryable=not refused(exc)) from exc
            finally:
                self.throttle.done(host)

    async def _request(self, url: str, accept: Accept, validators: Validators | None) -> Response:
        headers = validators.headers() if validators else {}
        async with self._client.stream("GET", url, headers=headers) as response:
            found = dict(response.headers)
            status = response.status_code
            if status in REDIRECT_CODES and "location" in response.headers:
                return Response(status, found, location=urljoin(url, response.headers["location"]))
            if status == 304:
                return Response(status, found)
            if status >= 400:
                retry_after = retry_after_seconds(response.headers.get("retry-after"))
                retryable = status in RETRY_STATUSES
                raise FetchError(f"HTTP {status}", status, retryable=retryable, retry_after=retry_after)
            content_type = response.headers.get("content-type", "")
            if not _accepted(content_type, accept):
                raise FetchError(f"not accepted: {content_type}", status, skipped=True)
            content = await self._read_capped(response)
            if accept == "document" and content_type.split(";")[0].strip().lower() in DOCUMENT_TYPES:
                return Response(status, found, content=content)
            return Response(status, found, text=decode_html(content, response.charset_encoding))

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
