"""Finding pages without following links: sitemap.xml (and sitemap indexes) and RSS/Atom feeds.

Parsed with regular expressions rather than an XML parser: feeds from government CMSs are often not
well-formed, and no entity expansion happens on untrusted input this way.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, field

from crawler.extract.common import absolute_url, parse_html

_LOC = re.compile(r"<loc>\s*(?:<!\[CDATA\[)?\s*([^<\]\s]+)\s*(?:\]\]>)?\s*</loc>", re.IGNORECASE)
_SITEMAP_INDEX = re.compile(r"<sitemapindex[\s>]", re.IGNORECASE)
_RSS_LINK = re.compile(r"<link>\s*(?:<!\[CDATA\[)?\s*([^<\]\s]+)\s*(?:\]\]>)?\s*</link>", re.IGNORECASE)
_ATOM_LINK = re.compile(r"<link\b[^>]*\bhref=[\"']([^\"']+)[\"'][^>]*/?>", re.IGNORECASE)
FEED_TYPES = ("application/rss+xml", "application/atom+xml")


@dataclass(frozen=True)
class Sitemap:
    pages: list[str] = field(default_factory=list)
    sitemaps: list[str] = field(default_factory=list)  # nested sitemaps of a sitemap index


def parse_sitemap(base: str, text: str) -> Sitemap:
    """The page URLs of a sitemap, or the sitemap URLs of a sitemap index."""
    urls = [url for loc in _LOC.findall(text) if (url := absolute_url(base, html.unescape(loc)))]
    return Sitemap(sitemaps=urls) if _SITEMAP_INDEX.search(text) else Sitemap(pages=urls)


def parse_feed(base: str, text: str) -> list[str]:
    """Item links of an RSS 2.0 or Atom feed, in order, without duplicates."""
    found = _RSS_LINK.findall(text) or _ATOM_LINK.findall(text)
    urls = (absolute_url(base, html.unescape(link)) for link in found)
    return list(dict.fromkeys(url for url in urls if url))


def feed_links(url: str, page: str) -> list[str]:
    """Feeds a page announces with <link rel="alternate" type="application/rss+xml" href=…>."""
    links = []
    for node in parse_html(page).css("link[rel][href]"):
        if (node.attributes.get("type") or "").lower() in FEED_TYPES:
            link = absolute_url(url, node.attributes.get("href") or "")
            if link:
                links.append(link)
    return links
