from __future__ import annotations

from crawler.robots import parse_robots

ROBOTS = """# comment
User-agent: BadBot
Disallow: /

User-agent: govsearch-crawler
User-agent: other
Disallow: /private/
Crawl-delay: 2.5

User-agent: *
Disallow: /tmp/
Crawl-delay: 1
"""


def test_rules_for_our_agent_and_fractional_crawl_delay() -> None:
    rules = parse_robots(ROBOTS)
    assert not rules.allowed("http://x/private/a.html")
    assert rules.allowed("http://x/tmp/a.html")  # our own group applies, not *
    assert rules.crawl_delay() == 2.5
    assert rules.crawl_delay("someone-else") == 1.0
    assert not rules.allowed("http://x/tmp/a.html", "someone-else")


def test_no_crawl_delay() -> None:
    assert parse_robots("User-agent: *\nDisallow:\n").crawl_delay() is None


def test_wildcards_and_end_anchors() -> None:
    rules = parse_robots("User-agent: *\nDisallow: /*/secret\nDisallow: /*.xls$\n")
    assert not rules.allowed("http://x/a/secret/page.html")
    assert not rules.allowed("http://x/files/table.xls")
    assert rules.allowed("http://x/files/table.xlsx") and rules.allowed("http://x/secret")
