"""A real HTTP server on 127.0.0.1 for crawler tests: fixed routes, and a record of every request."""

from __future__ import annotations

import functools
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path


@dataclass(frozen=True)
class Route:
    body: bytes | str = b""
    status: int = 200
    content_type: str = "text/html; charset=utf-8"
    headers: tuple[tuple[str, str], ...] = ()

    def payload(self) -> bytes:
        return self.body.encode("utf-8") if isinstance(self.body, str) else self.body


@dataclass(frozen=True)
class Request:
    at: float  # time.monotonic() on arrival
    path: str
    user_agent: str


@dataclass
class Site:
    base: str
    requests: list[Request] = field(default_factory=list)

    def url(self, path: str) -> str:
        return self.base + path

    def paths(self) -> list[str]:
        return [request.path for request in self.requests]


def _route_handler(routes: dict[str, Route], site: Site) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            site.requests.append(Request(time.monotonic(), self.path, self.headers.get("User-Agent", "")))
            route = routes.get(self.path, Route("not found", status=404, content_type="text/plain"))
            payload = route.payload()
            self.send_response(route.status)
            self.send_header("Content-Type", route.content_type)
            self.send_header("Content-Length", str(len(payload)))
            for name, value in route.headers:
                self.send_header(name, value)
            self.end_headers()
            self.wfile.write(payload)

        def log_message(self, format: str, *args: object) -> None:
            pass

    return Handler


@contextmanager
def _running(server: ThreadingHTTPServer) -> Iterator[None]:
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


@contextmanager
def serve(routes: dict[str, Route]) -> Iterator[Site]:
    """Serve `routes` (path → Route; anything else is a 404) on a free port."""
    site = Site(base="")
    server = ThreadingHTTPServer(("127.0.0.1", 0), _route_handler(routes, site))
    site.base = f"http://127.0.0.1:{server.server_address[1]}"
    with _running(server):
        yield site


@contextmanager
def serve_directory(directory: Path) -> Iterator[str]:
    """Serve a directory (with its listing page as the root) on a free port; yields the root URL."""

    class Quiet(SimpleHTTPRequestHandler):
        def log_message(self, format: str, *args: object) -> None:
            pass

    handler = functools.partial(Quiet, directory=str(directory))
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    with _running(server):
        yield f"http://127.0.0.1:{server.server_address[1]}/"
