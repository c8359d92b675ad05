"""Atom feeds (RFC 4287) of a search or a listing, newest first: “new policies from 广州市人力资源和社会保障局
about 社保” for a feed reader or a portal's back end. Built with the standard library's ElementTree,
which escapes every text it is given."""

from __future__ import annotations

import datetime as dt
import re
import xml.etree.ElementTree as ET
from urllib.parse import urlencode

from search_api.engine.filters import BY_NAME
from search_api.engine.models import SearchHit, SearchRequest, SearchResponse

ATOM = "http://www.w3.org/2005/Atom"
MEDIA_TYPE = "application/atom+xml"
CHINA = dt.timezone(dt.timedelta(hours=8))  # documents carry a date only: midnight in Beijing
_TAGS = re.compile(r"<[^>]+>")
ET.register_namespace("", ATOM)


def _el(parent: ET.Element, tag: str, text: str | None = None, **attrs: str) -> ET.Element:
    child = ET.SubElement(parent, f"{{{ATOM}}}{tag}", attrs)
    if text is not None:
        child.text = text
    return child


def _stamp(date: dt.date | None, fallback: dt.datetime) -> str:
    moment = dt.datetime.combine(date, dt.time(), CHINA) if date else fallback
    return moment.isoformat(timespec="seconds")


def feed_title(site_name: str, request: SearchRequest) -> str:
    """“政务搜索：社保 · 政策文件 · 广州市人力资源和社会保障局”."""
    parts = [request.q] if request.q else ["最新文件"]
    parts += [BY_NAME[name].label_of(value) for name, value in request.filters.items()]
    return f"{site_name}：{' · '.join(parts)}"


def feed_urls(base: str, request: SearchRequest) -> tuple[str, str]:
    """The feed's own address and the results page it follows (Baidu's `wd` there)."""
    params = request.filters | ({"q": request.q} if request.q else {})
    page = request.filters | ({"wd": request.q} if request.q else {})
    return f"{base}/api/v1/feed?{urlencode(params)}", f"{base}/s?{urlencode(page)}"


def _entry(feed: ET.Element, hit: SearchHit, base: str, now: dt.datetime) -> None:
    entry = _el(feed, "entry")
    _el(entry, "id", f"{base}/doc/{hit.id}")
    _el(entry, "title", hit.title)
    _el(entry, "updated", _stamp(hit.date, now))
    if hit.date:
        _el(entry, "published", _stamp(hit.date, now))
    _el(entry, "link", href=f"{base}/doc/{hit.id}", rel="alternate", type="text/html")
    if hit.url:
        _el(entry, "link", href=hit.url, rel="related", title="原文")
    author = _el(entry, "author")
    _el(author, "name", hit.publisher or hit.site or "（未注明）")
    _el(entry, "category", term=hit.kind.value, label=hit.kind_label)
    summary = " ".join(p for p in (hit.doc_number, _TAGS.sub("", hit.snippet_html)) if p)
    _el(entry, "summary", summary, type="text")


def atom_feed(response: SearchResponse, request: SearchRequest, base: str, site_name: str) -> bytes:
    """The feed of a search sorted newest first; `base` is this site's address (no trailing /)."""
    now = dt.datetime.now(CHINA).replace(microsecond=0)
    self_url, page_url = feed_urls(base, request)
    feed = ET.Element(f"{{{ATOM}}}feed", {"xml:lang": "zh-CN"})
    _el(feed, "id", self_url)
    _el(feed, "title", feed_title(site_name, request))
    newest = max((h.date for h in response.hits if h.date), default=None)
    _el(feed, "updated", _stamp(newest, now))
    _el(feed, "link", href=self_url, rel="self", type=MEDIA_TYPE)
    _el(feed, "link", href=page_url, rel="alternate", type="text/html")
    _el(feed, "generator", site_name)
    for hit in response.hits:
        _entry(feed, hit, base, now)
    body: bytes = ET.tostring(feed, encoding="utf-8", xml_declaration=True)
    return body
