"""Which addresses the crawler may connect to: public ones only, unless a profile allows private ones.

A crawled page can redirect anywhere, and a host name can resolve anywhere; checking the resolved
address before every request (the first and after each redirect) keeps the crawler from being turned
against the machine it runs on or its network (loopback, private, link-local such as cloud metadata at
169.254.169.254, and the other reserved ranges).
"""

from __future__ import annotations

import asyncio
import ipaddress
import socket
from urllib.parse import urlsplit


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


async def refusal(url: str) -> str | None:
    """Why `url` must not be fetched (its host resolves to a non-public address), or None."""
    parts = urlsplit(url)
    host, port = parts.hostname or "", parts.port or (443 if parts.scheme == "https" else 80)
    try:
        infos = await asyncio.get_running_loop().getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except OSError as exc:
        return f"cannot resolve {host}: {exc}"
    for *_rest, sockaddr in infos:
        if not is_public(str(sockaddr[0])):
            return f"{host} resolves to a non-public address ({sockaddr[0]}); the profile does not allow it"
    return None
