"""A fault-injecting HTTP server on 127.0.0.1 for crawler tests (real sockets, one thread per request).

Pages can be slow, fail a few times with 5xx/429 (and a Retry-After), reset the connection, serve a
huge body, answer conditional GETs from an ETag, hang until released, and change or vanish between
crawls (the `pages` dict may be edited while the server runs). Every request is recorded, and every
response that was written completely.
"""

from __future__ import annotations

import socket
import struct
import threading
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from crawler.profiles import SiteProfile
from indexer.documents import DocumentKind

CHUNK = 64 * 1024


@dataclass
class Page:
    body: bytes | str = b""
    status: int = 200
    content_type: str = "text/html; charset=utf-8"
    headers: tuple[tuple[str, str], ...] = ()
    etag: str = ""  # answer If-None-Match with 304 when it matches
    delay: float = 0.0  # seconds before the answer
    fail_first: int = 0  # answer the first N requests with fail_status
    fail_status: int = 503
    retry_after: str = ""
    reset_first: int = 0  # reset the connection on the first N requests
    size: int = 0  # stream this many filler bytes after the body (a huge page)
    hang_first: bool = False  # the first request waits until FaultSite.release() (or the client dies)
    seen: int = 0

    def payload(self) -> bytes:
        return self.body.encode("utf-8") if isinstance(self.body, str) else self.body


@dataclass(frozen=True)
class Hit:
    at: float
    path: str
    user_agent: str
    if_none_match: str


@dataclass
class FaultSite:
    pages: dict[str, Page]
    base: str = ""
    hits: list[Hit] = field(default_factory=list)
    completed: Counter[str] = field(default_factory=Counter)
    hanging: threading.Event = field(default_factory=threading.Event)  # set when a hang starts
    _release: threading.Event = field(default_factory=threading.Event)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def url(self, path: str) -> str:
        return self.base + path

    def paths(self) -> list[str]:
        return [hit.path for hit in self.hits]

    def release(self) -> None:
        self._release.set()

    def count(self, path: str) -> int:
        return self.paths().count(path)


def _handler(site: FaultSite) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            hit = Hit(
                time.monotonic(),
                self.path,
                self.headers.get("User-Agent", ""),
                self.headers.get("If-None-Match", ""),
            )
            with site._lock:
                site.hits.append(hit)
                page = site.pages.get(self.path)
                if page is not None:
                    page.seen += 1
                    seen = page.seen
            if page is None:
                self._send(404, "text/plain", b"not found")
            elif self._fault(page, seen):
                return
            elif page.etag and hit.if_none_match == page.etag:
                self._send(304, page.content_type, b"", (("ETag", page.etag),))
            else:
                extra = (("ETag", page.etag),) if page.etag else ()
                self._send(page.status, page.content_type, page.payload(), page.headers + extra, page.size)
            with site._lock:
                site.completed[self.path] += 1

        def _fault(self, page: Page, seen: int) -> bool:
            """Apply the page's fault for this request; True when no normal answer should follow."""
            if page.hang_first and seen == 1:
                site.hanging.set()
                site._release.wait(60)
                return True
            if page.delay:
                time.sleep(page.delay)
            if seen <= page.reset_first:
                self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
                self.connection.close()
                return True
            if seen <= page.fail_first:
                headers = (("Retry-After", page.retry_after),) if page.retry_after else ()
                self._send(page.fail_status, "text/plain", b"temporarily unavailable", headers)
                return True
            return False

        def _send(
            self,
            status: int,
            content_type: str,
            body: bytes,
            headers: tuple[tuple[str, str], ...] = (),
            size: int = 0,
        ) -> None:
            try:
                self.send_response(status)
                self.send_header("Content-Type", content_type)
                if not size:
                    self.send_header("Content-Length", str(len(body)))
                for name, value in headers:
                    self.send_header(name, value)
                self.end_headers()
                self.wfile.write(body)
                filler = b"<!-- " + b"x" * (CHUNK - 9) + b" -->"
                for _ in range(size // CHUNK):
                    self.wfile.write(filler)
            except (BrokenPipeError, ConnectionResetError):
                pass  # the client gave up (body cap, timeout): expected

        def log_message(self, format: str, *args: object) -> None:
            pass

    return Handler


def policy_profile(name: str, *seeds: str, detail: str = "^/p/", **fields: object) -> SiteProfile:
    """A profile whose seeds are list pages linking policy pages whose path matches `detail`."""
    values: dict[str, object] = {
        "name": name,
        "site": "测试站",
        "seeds": list(seeds),
        "list_patterns": ["^/$"],
    }
    values["detail"] = [{"pattern": detail, "kind": DocumentKind.POLICY}]
    return SiteProfile.model_validate(values | fields)


@contextmanager
def fault_site(pages: dict[str, Page]) -> Iterator[FaultSite]:
    site = FaultSite(pages)
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(site))
    server.daemon_threads = True
    site.base = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield site
    finally:
        site.release()
        server.shutdown()
        server.server_close()
        thread.join()
