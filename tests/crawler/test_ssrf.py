"""The crawler cannot be turned against its own machine: non-public addresses are refused unless the
profile allows them, and a host-only allowed entry does not open the host's other ports."""

from __future__ import annotations

import asyncio
import socket
from typing import Any

import httpcore
import httpx
import pytest

from crawler.addresses import AddressRefused, PinnedBackend, is_private_literal, is_public, refused
from crawler.fetcher import Fetcher
from crawler.profiles import SiteProfile
from tests.crawler.http_site import Route, serve


def _profile(seed: str, **fields: object) -> SiteProfile:
    return SiteProfile.model_validate({"name": "t", "site": "测试", "seeds": [seed], **fields})


@pytest.mark.parametrize(
    ("address", "public"),
    [
        *(("127.0.0.1", False), ("10.1.2.3", False), ("169.254.169.254", False), ("::1", False)),
        *(("::ffff:127.0.0.1", False), ("192.168.0.1", False), ("8.8.8.8", True), ("2001:4860::8888", True)),
    ],
)
def test_public_addresses(address: str, public: bool) -> None:
    assert is_public(address) is public


def test_a_hostname_that_resolves_to_loopback_is_refused_unless_allowed() -> None:
    with serve({"/": Route("<html>ok</html>")}) as site:
        url = site.url("/").replace("127.0.0.1", "localhost")

        async def fetch(private: bool) -> tuple[int, str | None]:
            async with Fetcher(delay=0, retries=0, private_addresses=private) as fetcher:
                result = await fetcher.fetch(url)
            return result.status, result.error

        status, error = asyncio.run(fetch(False))
        assert status == 0 and error and "non-public" in error and site.requests == []
        assert asyncio.run(fetch(True)) == (200, None)


def test_profiles_allow_private_addresses_only_when_said_or_seeded_there() -> None:
    assert not _profile("http://www.gov.cn/").allows_private_addresses
    assert not _profile("http://localhost:8001/").allows_private_addresses
    assert _profile("http://127.0.0.1:8001/").allows_private_addresses  # a local mirror
    assert _profile("http://localhost:8001/", private_addresses=True).allows_private_addresses
    assert not _profile("http://127.0.0.1:8001/", private_addresses=False).allows_private_addresses
    assert is_private_literal("[::1]") and not is_private_literal("www.gov.cn")


def test_a_host_only_entry_allows_the_default_port_only() -> None:
    profile = _profile("http://www.gov.cn/", allowed_hosts=["www.gov.cn", "127.0.0.1:8001"])
    assert profile.host_allowed("http://www.gov.cn/a.html")
    assert profile.host_allowed("https://www.gov.cn:443/a.html")
    assert not profile.host_allowed("http://www.gov.cn:8080/admin")
    assert profile.host_allowed("http://127.0.0.1:8001/x") and not profile.host_allowed(
        "http://127.0.0.1:8002/x"
    )
    assert not profile.host_allowed("http://www.gov.cn:99999/")


def test_a_redirect_to_another_local_port_is_not_followed() -> None:
    with serve({"/secret": Route("internal")}) as inner:
        moved = Route("", status=302, headers=(("Location", inner.url("/secret")),))
        with serve({"/": moved}) as outer:
            profile = _profile(outer.url("/"), allowed_hosts=["127.0.0.1"], private_addresses=True)

            async def fetch() -> str | None:
                allowed = profile.host_allowed
                async with Fetcher(
                    delay=0, retries=0, host_allowed=allowed, private_addresses=True
                ) as fetcher:
                    return (await fetcher.fetch(outer.url("/"))).error

            error = asyncio.run(fetch())
    assert error and "outside the profile" in error and inner.requests == []


def test_a_refused_name_is_looked_up_once_and_not_retried(monkeypatch: pytest.MonkeyPatch) -> None:
    """The connection's own lookup is the check: one lookup per connection, and a refusal is final."""
    real = socket.getaddrinfo
    lookups: list[str] = []

    def to_loopback(host: Any, port: Any, *args: Any, **kwargs: Any) -> Any:
        if host not in ("inner.example", b"inner.example"):  # anyio asks in IDNA bytes
            return real(host, port, *args, **kwargs)
        lookups.append(host)
        return real("127.0.0.1", port, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", to_loopback)
    with serve({"/": Route("<html>internal</html>")}) as site:
        url = site.url("/").replace("127.0.0.1", "inner.example")

        async def fetch() -> tuple[int, str | None]:
            async with Fetcher(delay=0, retries=2, timeout=3) as fetcher:
                result = await fetcher.fetch(url)
            return result.status, result.error

        status, error = asyncio.run(fetch())
        assert site.requests == [] and status == 0
        assert error and "non-public" in error and "127.0.0.1" in error
        assert len(lookups) == 1


class _Recorder(httpcore.AsyncNetworkBackend):
    """Stands in for the socket layer: records where a connection was asked to go."""

    def __init__(self) -> None:
        self.addresses: list[str] = []

    async def connect_tcp(self, host: str, port: int, *args: Any, **kwargs: Any) -> Any:
        self.addresses.append(host)
        raise httpcore.ConnectError("recorded")


def test_a_name_that_answers_public_then_loopback_never_reaches_loopback() -> None:
    """DNS rebinding: a name answers a public address, then loopback. Each connection goes to the very
    address it checked, so the public answer is connected to as checked and the loopback one refused;
    no second lookup stands between the check and the connection."""
    answers = iter([["93.184.216.34"], ["127.0.0.1"]])

    async def rebinding(host: str, port: int) -> list[str]:
        return next(answers)

    backend = PinnedBackend(rebinding)
    recorder = _Recorder()
    backend._inner = recorder  # type: ignore[assignment]

    async def connect() -> str:
        try:
            await backend.connect_tcp("rebind.example", 80)
        except AddressRefused as exc:
            return f"refused: {exc}"
        except httpcore.ConnectError as exc:
            return str(exc)
        return "connected"

    assert asyncio.run(connect()) == "recorded" and recorder.addresses == ["93.184.216.34"]
    assert asyncio.run(connect()).startswith("refused: ") and recorder.addresses == ["93.184.216.34"]
    assert refused(httpx.ConnectError("x")) is False


def test_a_connection_is_refused_when_any_answer_is_not_public() -> None:
    async def mixed(host: str, port: int) -> list[str]:
        return ["8.8.8.8", "127.0.0.1"]

    async def connect() -> str:
        try:
            await PinnedBackend(mixed).connect_tcp("www.gov.cn", 80)
        except httpcore.ConnectError as exc:
            return str(exc)
        return "connected"

    assert "non-public address (127.0.0.1)" in asyncio.run(connect())
