"""Which addresses the crawler may connect to: public ones only, unless a profile allows private ones.

A crawled page can redirect anywhere, and a host name can resolve anywhere; checking the resolved
address before every request (the first and after each redirect) keeps the crawler from being turned
against the machine it runs on or its network (loopback, private, link-local such as cloud metadata at
169.254.169.254, and the other reserved ranges). A check alone is not enough: the connection would
resolve the name again, and a name can answer a public address to the check and loopback to the
connection (DNS rebinding). So the check is the connection's own: every connection resolves once,
checks what it got and connects to that very address (`public_transport`); TLS still names the host
(SNI, certificate).
"""

from __future__ import annotations

import asyncio
import ipaddress
import socket
import typing
from collections.abc import Awaitable, Callable

import httpcore
import httpx

REFUSED = "non-public address"
Resolver = Callable[[str, int], Awaitable[list[str]]]


def is_public(address: str) -> bool:
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped:
        ip = ip.ipv4_mapped
    return ip.is_global and not ip.is_multicast


def is_private_literal(host: str) -> bool:
    """True for a host written as a non-public IP address (127.0.0.1, 10.0.0.5, [::1])."""
    try:
        return not is_public(host.strip("[]"))
    except ValueError:
        return False


async def resolve(host: str, port: int) -> list[str]:
    """Every address `host` resolves to (the system's resolver, off the event loop)."""
    infos = await asyncio.get_running_loop().getaddrinfo(host, port, type=socket.SOCK_STREAM)
    return [str(sockaddr[0]) for *_rest, sockaddr in infos]


def _non_public(host: str, addresses: list[str]) -> str | None:
    for address in addresses:
        if not is_public(address):
            return f"{host} resolves to a {REFUSED} ({address}); the profile does not allow it"
    return None


class AddressRefused(httpcore.ConnectError):
    """The host resolves to an address the crawler must not connect to: final, retrying cannot help.
    httpx re-raises it as its own ConnectError with this one as the cause."""


def refused(exc: BaseException) -> bool:
    """Whether a failed request was refused by the address check (anywhere in its causes)."""
    current: BaseException | None = exc
    while current is not None:
        if isinstance(current, AddressRefused):
            return True
        current = current.__cause__
    return False


class PinnedBackend(httpcore.AsyncNetworkBackend):
    """Connects only to public addresses: resolves the host once, refuses it when any address is not
    public, and connects to the checked address itself, so no second lookup can answer otherwise."""

    def __init__(self, resolver: Resolver = resolve) -> None:
        self._inner = httpcore.AnyIOBackend()
        self._resolve = resolver

    async def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: typing.Iterable[httpcore.SOCKET_OPTION] | None = None,
    ) -> httpcore.AsyncNetworkStream:
        try:
            addresses = await self._resolve(host, port)
        except OSError as exc:
            raise httpcore.ConnectError(f"cannot resolve {host}: {exc}") from exc
        if not addresses:
            raise httpcore.ConnectError(f"{host} has no address")
        if reason := _non_public(host, addresses):
            raise AddressRefused(reason)
        return await self._inner.connect_tcp(addresses[0], port, timeout, local_address, socket_options)

    async def sleep(self, seconds: float) -> None:
        await self._inner.sleep(seconds)


def public_transport(resolver: Resolver = resolve) -> httpx.AsyncHTTPTransport:
    """httpx's transport with its connection pool on `PinnedBackend`. httpx takes no network backend
    of its own, so the pool it built is replaced by the same pool over ours (httpcore's public API)."""
    transport = httpx.AsyncHTTPTransport()
    limits = httpx.Limits(max_connections=100, max_keepalive_connections=20)  # httpx's defaults
    transport._pool = httpcore.AsyncConnectionPool(
        ssl_context=httpx.create_ssl_context(),
        max_connections=limits.max_connections,
        max_keepalive_connections=limits.max_keepalive_connections,
        keepalive_expiry=limits.keepalive_expiry,
        network_backend=PinnedBackend(resolver),
    )
    return transport
