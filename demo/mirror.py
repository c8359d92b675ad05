"""A small local HTTP mirror serving the demo government site (or a directory of pages).

    with MirrorServer(demo_site()) as server:
        crawl(server.url)          # http://127.0.0.1:PORT/

``python -m demo.mirror [--dir PATH] [--port N]`` runs it in the foreground.
"""

from __future__ import annotations

import argparse
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from types import TracebackType
from typing import Self

from demo.site import Resource, Site, StaticSite, build_demo_site, build_directory_site, normalize_path

__all__ = ["MirrorServer", "RecordedRequest", "Resource", "Site", "StaticSite", "demo_site", "directory_site"]


def demo_site() -> StaticSite:
    """The fictional 示例市 government site, rendered once into memory."""
    return build_demo_site()


def directory_site(path: Path) -> StaticSite:
    """The ``*.html`` files of ``path`` plus a generated ``/`` index and an allow-all robots.txt."""
    return build_directory_site(Path(path))


@dataclass(frozen=True)
class RecordedRequest:
    """One request seen by a recording server."""

    method: str
    path: str  # as sent, including any query string
    status: int
    user_agent: str


def _handler_class(site: Site, server: MirrorServer) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        server_version = "govsearch-demo/1.0"
        sys_version = ""
        timeout = 30

        def do_GET(self) -> None:
            self._respond(send_body=True)

        def do_HEAD(self) -> None:
            self._respond(send_body=False)

        def _respond(self, *, send_body: bool) -> None:
            resource = site.get(normalize_path(self.path))
            status = HTTPStatus.OK
            if resource is None:
                status, resource = HTTPStatus.NOT_FOUND, site.not_found()
            server._record(
                RecordedRequest(self.command, self.path, int(status), self.headers.get("User-Agent", ""))
            )
            self.send_response(status)
            self.send_header("Content-Type", resource.content_type)
            self.send_header("Content-Length", str(len(resource.body)))
            self.end_headers()
            if send_body:
                self.wfile.write(resource.body)

        def log_message(self, format: str, *args: object) -> None:
            return  # quiet

    return Handler


class MirrorServer:
    """Serve a :class:`Site` on ``host:port`` (port 0 picks a free one) from a daemon thread.

    Use as a context manager, or call :meth:`start` and :meth:`stop`. With ``record=True`` every
    request is kept in :attr:`requests`; by default nothing is recorded.
    """

    def __init__(
        self, site: Site | None = None, *, host: str = "127.0.0.1", port: int = 0, record: bool = False
    ) -> None:
        self.site: Site = site if site is not None else demo_site()
        self.host = host
        self._requested_port = port
        self.record = record
        self._requests: list[RecordedRequest] = []
        self._lock = threading.Lock()
        self._httpd: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    def start(self) -> Self:
        """Bind and start serving in a daemon thread; returns ``self``."""
        if self._httpd is not None:
            return self
        httpd = ThreadingHTTPServer((self.host, self._requested_port), _handler_class(self.site, self))
        httpd.daemon_threads = True
        self._httpd = httpd
        self._thread = threading.Thread(target=httpd.serve_forever, name="demo-mirror", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop serving and close the socket (safe to call twice)."""
        httpd, self._httpd = self._httpd, None
        if httpd is None:
            return
        httpd.shutdown()
        httpd.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)
            self._thread = None

    @property
    def running(self) -> bool:
        return self._httpd is not None

    @property
    def port(self) -> int:
        if self._httpd is None:
            raise RuntimeError("MirrorServer is not running")
        return int(self._httpd.server_address[1])

    @property
    def url(self) -> str:
        """Base URL with a trailing slash, e.g. ``http://127.0.0.1:43127/``."""
        return f"http://{self.host}:{self.port}/"

    @property
    def requests(self) -> list[RecordedRequest]:
        """A copy of the recorded requests (empty unless ``record=True``)."""
        with self._lock:
            return list(self._requests)

    def _record(self, request: RecordedRequest) -> None:
        if self.record:
            with self._lock:
                self._requests.append(request)

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m demo.mirror", description=__doc__.splitlines()[0])
    parser.add_argument("--dir", type=Path, default=None, help="serve the *.html files of this directory")
    parser.add_argument("--port", type=int, default=0, help="port (default: a free one)")
    parser.add_argument("--host", default="127.0.0.1")
    args = parser.parse_args(argv)
    site = directory_site(args.dir) if args.dir is not None else demo_site()
    server = MirrorServer(site, host=args.host, port=args.port).start()
    print(server.url, flush=True)
    try:
        threading.Event().wait()
    except KeyboardInterrupt:
        pass
    finally:
        server.stop()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
