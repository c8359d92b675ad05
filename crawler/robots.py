"""robots.txt: fetched once per host through the polite fetcher, parsed with urllib.robotparser.

A missing robots.txt (4xx) allows everything; a 5xx answer or a network failure disallows the host
for the rest of this run (the next run asks again), as RFC 9309 recommends.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from urllib.parse import urlsplit
from urllib.robotparser import RobotFileParser

from crawler.fetcher import Fetcher

AGENT_TOKEN = "govsearch-crawler"


@dataclass(frozen=True)
class RobotsRules:
    """The rules of one host: a parsed file, or allow/deny everything."""

    parser: RobotFileParser | None
    allow_all: bool
    reason: str = ""
    delays: dict[str, float] = field(default_factory=dict)  # lower-case agent ("*" too) → Crawl-delay
    sitemaps: tuple[str, ...] = ()

    def allowed(self, url: str, agent: str = AGENT_TOKEN) -> bool:
        if self.parser is None:
            return self.allow_all
        return self.parser.can_fetch(agent, url)

    def crawl_delay(self, agent: str = AGENT_TOKEN) -> float | None:
        agent = agent.lower()
        for name, delay in self.delays.items():
            if name != "*" and name in agent:
                return delay
        return self.delays.get("*")


def crawl_delays(text: str) -> dict[str, float]:
    """Crawl-delay per user-agent group, fractions included (urllib.robotparser reads integers only)."""
    delays: dict[str, float] = {}
    agents: list[str] = []
    in_rules = False
    for raw in text.splitlines():
        key, _, value = raw.split("#", 1)[0].partition(":")
        key, value = key.strip().lower(), value.strip()
        if key == "user-agent":
            agents = [] if in_rules else agents
            in_rules = False
            agents.append(value.lower())
        elif key:
            in_rules = True
            if key == "crawl-delay" and _is_number(value):
                delays.update(dict.fromkeys(agents, float(value)))
    return delays


def _is_number(value: str) -> bool:
    try:
        return float(value) >= 0
    except ValueError:
        return False


def parse_robots(text: str) -> RobotsRules:
    parser = RobotFileParser()
    parser.parse(text.splitlines())
    return RobotsRules(
        parser=parser, allow_all=True, delays=crawl_delays(text), sitemaps=tuple(parser.site_maps() or ())
    )


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
