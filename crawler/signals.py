"""What a fetched page says about itself: noindex/nofollow, its canonical URL, and soft 404s
(an error page served with status 200, common on government CMSs)."""

from __future__ import annotations

import re
from dataclasses import dataclass

from selectolax.lexbor import LexborHTMLParser

from crawler.extract.common import absolute_url, inline_text, parse_html

SOFT_404_PHRASES = re.compile(
    r"(页面不存在|页面未找到|找不到(该|您要访问的)?页面|您访问的页面(不存在|已删除|已被删除)|信息已(删除|撤销|过期)|"
    r"该(信息|文章|页面)已(被)?删除|404\s*(not\s*found|错误)|page\s+not\s+found|not\s+found)",
    re.IGNORECASE,
)
SOFT_404_MAX_TEXT = 600  # real articles are longer; error pages are short


@dataclass(frozen=True)
class PageSignals:
    noindex: bool = False
    nofollow: bool = False
    canonical: str | None = None
    soft_404: bool = False


def _robots_directives(tree_meta: list[str], header: str) -> set[str]:
    values = [*tree_meta, header]
    return {part.strip().lower() for value in values for part in value.split(",") if part.strip()}


def page_signals(url: str, html: str, headers: dict[str, str]) -> PageSignals:
    """Directives from <meta name=robots>, X-Robots-Tag, <link rel=canonical>, and the soft-404 test."""
    tree = parse_html(html)
    metas = [
        node.attributes.get("content") or ""
        for node in tree.css("meta[name]")
        if (node.attributes.get("name") or "").lower() in ("robots", "govsearch-crawler")
    ]
    directives = _robots_directives(metas, headers.get("x-robots-tag", ""))
    canonical = None
    for link in tree.css("link[rel][href]"):
        if "canonical" in (link.attributes.get("rel") or "").lower().split():
            canonical = absolute_url(url, link.attributes.get("href") or "")
            break
    return PageSignals(
        noindex="noindex" in directives or "none" in directives,
        nofollow="nofollow" in directives or "none" in directives,
        canonical=canonical,
        soft_404=is_soft_404(inline_text(tree.css_first("title")), _visible_text(tree)),
    )


def _visible_text(tree: LexborHTMLParser) -> str:
    """The body's text without scripts and styles, whitespace squeezed (cheap: done in lexbor)."""
    tree.strip_tags(["script", "style", "noscript", "template"])
    return " ".join((tree.body.text(separator=" ") if tree.body else "").split())


def is_soft_404(title: str, text: str) -> bool:
    """A short page whose title or text says the page does not exist."""
    if len(text) > SOFT_404_MAX_TEXT:
        return False
    return bool(SOFT_404_PHRASES.search(title) or SOFT_404_PHRASES.search(text[:300]))
