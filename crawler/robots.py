"""robots.txt: fetched once per host through the polite fetcher, parsed with Protego (Scrapy's parser:
RFC 9309 with `*` and `$` wildcards, fractional Crawl-delay, Sitemap lines).

A missing robots.txt (4xx) allows everything; a 5xx answer or a network failure disallows the host
for the rest of this run (the next run asks again), as RFC 9309 recommends.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from urllib.parse import urlsplit

from protego import Protego

from crawler.fetcher import Fetcher

AGENT_TOKEN = "govsearch-crawler"


@dataclass(frozen=True)
class RobotsRules:
    """The rules of one host: a parsed file, or allow/deny everything."""

    parser: Protego | None
    allow_all: bool
    reason: str = ""
    sitemaps: tuple[str, ...] = ()

    def allowed(self, url: str, agent: str = AGENT_TOKEN) -> bool:
        if self.parser is None:
            return self.allow_all
        return bool(self.parser.can_fetch(url, agent))

    def crawl_delay(self, agent: str = AGENT_TOKEN) -> float | None:
        if self.parser is None:
            return None
        delay = self.parser.crawl_delay(agent)
        return float(delay) if delay is not None else None


def parse_robots(text: str) -> RobotsRules:
    parser = Protego.parse(text)
    return RobotsRules(parser=parser, allow_all=True, sitemaps=tuple(parser.sitemaps))


def robots_url(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}/robots.txt"


class RobotsCache:
    """Per-host robots.txt rules for one crawl run."""

    def __init__(self, fetcher: Fetcher, agent: str = AGENT_TOKEN, *, obey: bool = True) -> None:
        self.fetcher = fetcher
        self.agent = agent
        self.obey = obey
        self._rules: dict[str, RobotsRules] = {}
        self._locks: dict[str, asyncio.Lock] = {}

    async def rules(self, url: str) -> RobotsRules:
        if not self.obey:
            return RobotsRules(parser=None, allow_all=True, reason="robots.txt not consulted")
        key = robots_url(url)
        async with self._locks.setdefault(key, asyncio.Lock()):
            if key not in self._rules:
                self._rules[key] = await self._load(key)
            return self._rules[key]

    async def _load(self, url: str) -> RobotsRules:
        result = await self.fetcher.fetch(url, accept="any", retries=0)  # a 5xx means "disallow for now"
        if result.text is not None and 200 <= result.status < 300:
            return parse_robots(result.text)
        if 400 <= result.status < 500:
            return RobotsRules(parser=None, allow_all=True, reason=f"robots.txt: HTTP {result.status}")
        return RobotsRules(parser=None, allow_all=False, reason=f"robots.txt unavailable: {result.error}")

    async def allowed(self, url: str) -> bool:
        return (await self.rules(url)).allowed(url, self.agent)

    async def crawl_delay(self, url: str) -> float | None:
        """The Crawl-delay robots.txt asks of this agent on url's host, if any."""
        return (await self.rules(url)).crawl_delay(self.agent)
