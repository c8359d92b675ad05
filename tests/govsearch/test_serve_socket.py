"""The socket `govsearch serve` shares with its workers: connections accepted on it send small writes at
once (TCP_NODELAY). Without it every answer of a multi-worker server waited ~40 ms for the client's
delayed ACK of its headers."""

from __future__ import annotations

import asyncio
import socket

from govsearch.commands_serve import tcp_socket


def _nodelay_of_an_accepted_connection(listening: socket.socket) -> int:
    async def accept_one() -> int:
        accepted: asyncio.Future[int] = asyncio.get_running_loop().create_future()

        class Probe(asyncio.Protocol):
            def connection_made(self, transport: asyncio.BaseTransport) -> None:
                sock = transport.get_extra_info("socket")
                accepted.set_result(sock.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY))
                transport.close()

        server = await asyncio.get_running_loop().create_server(Probe, sock=listening)
        _reader, writer = await asyncio.open_connection(*listening.getsockname())
        try:
            return await asyncio.wait_for(accepted, 10)
        finally:
            writer.close()
            server.close()

    return asyncio.run(accept_one())


def _bound() -> socket.socket:
    sock = socket.socket(family=socket.AF_INET)  # as uvicorn's Config.bind_socket makes it: protocol 0
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    return sock


def test_connections_on_the_workers_socket_send_without_delay() -> None:
    assert _nodelay_of_an_accepted_connection(tcp_socket(_bound())) == 1


def test_uvicorns_own_socket_would_leave_nagle_on() -> None:
    """The reason for `tcp_socket`: should asyncio or uvicorn change, this says so."""
    assert _nodelay_of_an_accepted_connection(_bound()) == 0
