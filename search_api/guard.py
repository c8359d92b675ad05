"""What stands in front of every route (pure ASGI, outermost first): security headers, a cap on request
bodies, and admission control with a time limit per request.

Admission control sheds load instead of queueing it without limit: a process runs at most
`max_in_flight` requests at once, lets a few more wait for at most `queue_seconds`, and answers the
rest at once with `503` and `Retry-After`. A request that runs past `timeout` seconds gets `503` too (if
nothing was sent yet). Both keep the latency of the requests that are served bounded, and the process
recovers as soon as the offered load drops: nothing waits longer than its budget.
"""

from __future__ import annotations

import asyncio
import time
from collections import deque
from collections.abc import Sequence
from dataclasses import dataclass

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from search_api.errors import API_PREFIX, ErrorBody, ErrorDetail

# The pages' own scripts, styles and images only (no inline script, no outside origin); no framing.
CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'"
)
# Inline styles (never scripts) where a page needs them: the staff tool's template carries one <style>
# block; Swagger UI and ReDoc inject theirs, and ReDoc runs its search in a blob: worker.
INLINE_STYLE_PATHS = ("/admin", "/docs", "/redoc")
LOOSER_CSP = CSP.replace("style-src 'self'", "style-src 'self' 'unsafe-inline'") + "; worker-src 'self' blob:"
HEADERS = (
    (b"x-content-type-options", b"nosniff"),
    (b"x-frame-options", b"DENY"),
    (b"referrer-policy", b"strict-origin-when-cross-origin"),
)


class SecurityHeaders:
    """Adds CSP, nosniff, X-Frame-Options and Referrer-Policy to every response that lacks them."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        csp = LOOSER_CSP if scope["path"].startswith(INLINE_STYLE_PATHS) else CSP

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                present = {name.lower() for name, _ in headers}
                wanted = (*HEADERS, (b"content-security-policy", csp.encode()))
                headers.extend((n, v) for n, v in wanted if n not in present)
                message = {**message, "headers": headers}
            await send(message)

        await self.app(scope, receive, send_with_headers)


def _error(scope: Scope, status: int, code: str, message: str, retry_after: int | None = None) -> ASGIApp:
    """A short answer in the API's one shape under /api/, plain text elsewhere."""

    async def answer(_scope: Scope, _receive: Receive, send: Send) -> None:
        if scope["path"].startswith(API_PREFIX):
            body = ErrorBody(error=ErrorDetail(code=code, message=message)).model_dump_json().encode()
            kind = b"application/json"
        else:
            body, kind = message.encode(), b"text/plain; charset=utf-8"
        headers = [(b"content-type", kind), (b"content-length", str(len(body)).encode())]
        if retry_after is not None:
            headers.append((b"retry-after", str(retry_after).encode()))
        await send({"type": "http.response.start", "status": status, "headers": headers})
        await send({"type": "http.response.body", "body": body})

    return answer


class _TooLarge(Exception):
    pass


@dataclass(frozen=True)
class BodyCap:
    """At most `limit` bytes of request body under `prefix`."""

    prefix: str
    limit: int


class BodyLimit:
    """Refuses a request body over its cap with 413 before reading it whole (Content-Length) or as soon
    as the streamed body passes the cap, so nobody can make a route buffer 100 MB."""

    def __init__(self, app: ASGIApp, caps: Sequence[BodyCap], default: int) -> None:
        self.app = app
        self.caps = sorted(caps, key=lambda c: len(c.prefix), reverse=True)
        self.default = default

    def _limit(self, path: str) -> int:
        return next((c.limit for c in self.caps if path.startswith(c.prefix)), self.default)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        limit = self._limit(scope["path"])
        refuse = _error(scope, 413, "too_large", f"请求体过大（上限 {limit} 字节）")
        declared = dict(scope.get("headers", [])).get(b"content-length", b"")
        if declared.isdigit() and int(declared) > limit:
            await refuse(scope, receive, send)
            return
        received = 0
        started = False

        async def counted() -> Message:
            nonlocal received
            message = await receive()
            received += len(message.get("body", b""))
            if received > limit:
                raise _TooLarge
            return message

        async def watched(message: Message) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, counted, watched)
        except _TooLarge:
            if started:
                raise
            await refuse(scope, receive, send)


class Admission:
    """At most `max_in_flight` requests run at once in this process, each within `timeout` seconds; up
    to `max_waiting` more wait for a place, each for at most `queue_seconds`. A request that finds the
    queue full, or has waited its budget out, gets `503` at once.

    Why a queue bounded by waiting time rather than many requests running at once: searches share one
    core (the GIL), so every request running beside another makes both slower; one or two running at a
    time finish each in its own service time, and the wait before them is capped by the budget (CoDel's
    idea: judge a queue by how long its requests have stood in it). Places go to the longest-waiting
    request while the queue moves; once its oldest request has waited half the budget (overload), to
    the newest instead (adaptive LIFO): under overload a FIFO queue serves only requests that have
    already waited nearly the whole budget, LIFO serves fresh ones and lets the stale ones go."""

    def __init__(
        self,
        app: ASGIApp,
        max_in_flight: int,
        timeout: float,
        *,
        queue_seconds: float = 0.0,
        max_waiting: int = 64,
        retry_after: int = 1,
    ) -> None:
        self.app = app
        self.max_in_flight = max_in_flight
        self.timeout = timeout
        self.queue_seconds = queue_seconds
        self.max_waiting = max_waiting
        self.retry_after = retry_after
        self.in_flight = 0
        self._waiting: deque[tuple[float, asyncio.Future[None]]] = deque()

    async def _enter(self) -> bool:
        """Take a place (at once, or after waiting within the budget); False: shed this request."""
        if self.in_flight < self.max_in_flight and not self._waiting:
            self.in_flight += 1
            return True
        if self.queue_seconds <= 0 or len(self._waiting) >= self.max_waiting:
            return False
        entry = (time.monotonic(), asyncio.get_running_loop().create_future())
        self._waiting.append(entry)
        try:
            await asyncio.wait_for(entry[1], self.queue_seconds)
        except TimeoutError:
            return self._handed_over(entry)
        except BaseException:  # the client went away: give back a place handed over meanwhile
            if self._handed_over(entry):
                self._leave()
            raise
        return True  # the leaving request handed its place over: in_flight is unchanged

    def _handed_over(self, entry: tuple[float, asyncio.Future[None]]) -> bool:
        """After a wait that ended early: whether a place was handed over anyway (then it is ours)."""
        if entry in self._waiting:
            self._waiting.remove(entry)
        return entry[1].done() and not entry[1].cancelled()

    def _leave(self) -> None:
        """Hand the place to a waiting request (the oldest, or under overload the newest), else free it."""
        now = time.monotonic()
        while self._waiting:
            overloaded = now - self._waiting[0][0] > self.queue_seconds / 2
            _arrived, place = self._waiting.pop() if overloaded else self._waiting.popleft()
            if not place.done():
                place.set_result(None)
                return
        self.in_flight -= 1

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["path"].startswith("/static/"):
            await self.app(scope, receive, send)
            return
        if not await self._enter():
            busy = _error(scope, 503, "overloaded", "服务繁忙，请稍后再试", self.retry_after)
            await busy(scope, receive, send)
            return
        started = False

        async def watched(message: Message) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await asyncio.wait_for(self.app(scope, receive, watched), self.timeout)
        except TimeoutError:
            if started:
                raise
            slow = _error(scope, 503, "timeout", "请求处理超时，请稍后再试", self.retry_after)
            await slow(scope, receive, send)
        finally:
            self._leave()


class Lanes:
    """Separate admission for the staff tool: its few, sometimes long requests (a golden-set check
    runs dozens of searches) take no place a citizen's search needs, and a flood of searches cannot
    lock staff out. Paths under `prefix` go through `staff`, every other one through `public`."""

    def __init__(self, app: ASGIApp, public: Admission, staff: Admission, prefix: str) -> None:
        self.app = app
        self.public = public
        self.staff = staff
        self.prefix = prefix

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        staff = scope["type"] == "http" and scope["path"].startswith(self.prefix)
        await (self.staff if staff else self.public)(scope, receive, send)
