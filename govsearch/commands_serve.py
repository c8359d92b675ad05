"""`govsearch serve`: the supervisor only reads the settings and starts uvicorn; each worker process
builds the app (`govsearch.app.app_from_environment`)."""

from __future__ import annotations

import argparse
import contextlib
import os
import socket
from typing import Any

from govsearch.console import CommandError
from govsearch.settings import Settings
from indexer.backends import BackendError, open_backend


def worker_count(settings: Settings) -> int:
    """`GOVSEARCH_WORKERS`, else one process per core: a search is CPU work in Python, and one process
    runs Python on one core at a time."""
    return settings.workers or os.cpu_count() or 1


def serve(settings: Settings, args: argparse.Namespace) -> int:
    import uvicorn

    from govsearch.app import create_app, prepare_serving_process

    host = args.host or settings.host
    port = args.port or settings.port
    workers = getattr(args, "workers", None) or worker_count(settings)
    try:  # fail here, with one clear message, on an index no worker could open
        app = create_app(settings, warm_first=True) if workers == 1 else None  # opens the index itself
        if app is None:
            open_backend(settings.backend, settings.data_dir, elasticsearch=settings.elasticsearch).close()
    except BackendError as exc:
        raise CommandError(str(exc)) from exc
    print(
        f"政务搜索已启动：http://{host}:{port}/  （API 文档：http://{host}:{port}/docs，"
        f"{workers} 个工作进程，按 Ctrl+C 停止）",
        flush=True,
    )
    if app is not None:
        prepare_serving_process()
        uvicorn.run(app, host=host, port=port, log_level="warning")
        return 0
    # Each worker process builds its own app from the environment: hand it this command's settings.
    os.environ["GOVSEARCH_DATA_DIR"] = str(settings.data_dir.resolve())
    run_workers(
        "govsearch.app:app_from_environment",
        factory=True,
        host=host,
        port=port,
        workers=workers,
        log_level="warning",
        # A busy worker answers the supervisor's ping late; at uvicorn's 5 s it would be killed mid-load
        # and its requests lost. A truly hung worker is still replaced within a minute.
        timeout_worker_healthcheck=60,
    )
    return 0


def tcp_socket(sock: socket.socket) -> socket.socket:
    """The workers' shared socket as a TCP socket. uvicorn binds it with protocol 0, and asyncio sets
    TCP_NODELAY only on sockets whose protocol is TCP: every connection a worker accepted kept Nagle's
    algorithm, so a response's body waited for the client's delayed ACK of its headers — ~40 ms added
    to every request, whatever it cost (one process, bound by asyncio itself, was not affected)."""
    if sock.family not in (socket.AF_INET, socket.AF_INET6):
        return sock
    return socket.socket(sock.family, sock.type, socket.IPPROTO_TCP, fileno=sock.detach())


def run_workers(app: str, **options: Any) -> None:
    """`uvicorn.run` with several workers, over `tcp_socket`."""
    import uvicorn
    from uvicorn.supervisors import Multiprocess

    config = uvicorn.Config(app, **options)
    with contextlib.suppress(KeyboardInterrupt):  # Ctrl+C stops the supervisor, as `uvicorn.run` does
        Multiprocess(config, sockets=[tcp_socket(config.bind_socket())]).run()
