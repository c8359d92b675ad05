"""The crawler against a real HTTP server on 127.0.0.1: robots.txt, delays, charsets, redirects, errors."""

from __future__ import annotations

import asyncio
from itertools import pairwise
from pathlib import Path

from crawler.fetcher import USER_AGENT, Fetcher, decode_html
from crawler.options import CrawlOptions
from crawler.profiles import DetailPattern, SiteProfile
from crawler.report import CrawlReport
from crawler.run import crawl_sync
from crawler.sink import CrawlSink
from indexer.documents import DocumentKind, PolicyDocument, ServiceGuide
from indexer.storage import Database
from tests.crawler.http_site import Route, Site, serve

DELAY = 0.3
ROBOTS = Route("User-agent: *\nDisallow: /private/\n", content_type="text/plain")


def policy_page(title: str) -> str:
    return f"""<html><head><meta charset="utf-8"><title>{title}</title></head><body>
      <table class="bd1"><tr><td><b>标　　题：</b></td><td>{title}</td></tr>
      <tr><td><b>发文字号：</b></td><td>国办发〔2019〕1号</td><td><b>发布日期：</b></td><td>2019年01月02日</td></tr>
      </table><div id="UCAP-CONTENT"><p>{title}正文。</p></div></body></html>"""


def guide_page(name: str) -> str:
    return f"""<html><body><div id="guide"><h1 class="guide-title">{name}</h1><table class="guide-info">
      <tr><th>事项名称</th><td>{name}</td></tr><tr><th>实施主体</th><td>示例局</td></tr></table></div></body></html>"""


def links(*paths: str) -> str:
    return "<html><body>" + "".join(f'<a href="{p}">{p}</a>' for p in paths) + "</body></html>"


SITE = {
    "/robots.txt": ROBOTS,
    "/": Route(links("/policies.html", "/guides.html", "/about.html")),
    "/policies.html": Route(
        links("/zhengce/a.html", "/zhengce/b.html#part", "/private/secret.html", "/zhengce/broken.html")
        + '<a href="https://elsewhere.example/zhengce/c.html">外站</a>'
    ),
    "/guides.html": Route(links("/bszn/g1.html", "/policies.html")),
    "/about.html": Route(links("/zhengce/hidden.html")),
    "/zhengce/a.html": Route(policy_page("甲通知")),
    "/zhengce/b.html": Route(policy_page("乙通知")),
    "/zhengce/broken.html": Route("error", status=500, content_type="text/plain"),
    "/private/secret.html": Route(policy_page("机密")),
    "/bszn/g1.html": Route(guide_page("居民身份证换领")),
}


def profile_for(site: Site, *, delay: float = DELAY, max_pages: int = 100) -> SiteProfile:
    return SiteProfile(
        name="test",
        site="测试站",
        seeds=[site.url("/")],
        list_patterns=[r"^/(policies|guides)\.html$", "^/$"],
        detail=[
            DetailPattern(pattern=r"^/(zhengce|private)/.+\.html$", kind=DocumentKind.POLICY),
            DetailPattern(pattern=r"^/bszn/.+\.html$", kind=DocumentKind.GUIDE),
        ],
        delay_seconds=delay,
        max_pages=max_pages,
    )


def run(profile: SiteProfile, db: Path | Database, *, recrawl: bool = False) -> tuple[CrawlReport, list[str]]:
    titles: list[str] = []

    def keep(document: PolicyDocument | ServiceGuide) -> None:
        titles.append(document.title)

    report = crawl_sync(
        profile,
        db if isinstance(db, Database) else Database.for_path(db),
        CrawlSink(on_document=keep),
        CrawlOptions(recrawl=recrawl, backoff=0.0),
    )
    return report, titles


def test_polite_crawl_respects_robots_and_delay(tmp_path: Path) -> None:
    with serve(SITE) as site:
        report, titles = run(profile_for(site), tmp_path / "store.db")
    paths = site.paths()
    assert "/private/secret.html" not in paths
    assert "/about.html" not in paths and "/zhengce/hidden.html" not in paths  # neither list nor detail
    assert paths[0] == "/robots.txt" and paths.count("/robots.txt") == 1 and paths.count("/sitemap.xml") == 1
    assert paths.count("/zhengce/broken.html") == 4  # first try and three retries
    assert sorted(titles) == sorted(["甲通知", "乙通知", "居民身份证换领"])
    assert report.skipped_by_robots == 1
    assert report.errors == {site.base.removeprefix("http://"): 1}  # the 500 page; the crawl went on
    assert all(request.user_agent == USER_AGENT for request in site.requests)
    arrivals = [request.at for request in site.requests]
    gaps = [later - earlier for earlier, later in pairwise(arrivals)]
    assert len(gaps) == 11 and min(gaps) >= DELAY  # retries keep the delay too


def test_robots_crawl_delay_wins_over_a_smaller_profile_delay(tmp_path: Path) -> None:
    robots = Route("User-agent: *\nCrawl-delay: 0.25\n", content_type="text/plain")
    with serve(SITE | {"/robots.txt": robots}) as site:
        run(profile_for(site, delay=0.0, max_pages=3), tmp_path / "store.db")
    arrivals = [request.at for request in site.requests]
    assert len(arrivals) == 4 and min(b - a for a, b in pairwise(arrivals)) >= 0.25


def test_robots_5xx_disallows_the_host_for_the_run(tmp_path: Path) -> None:
    with serve(SITE | {"/robots.txt": Route("down", status=503)}) as site:
        report, titles = run(profile_for(site, delay=0.0), tmp_path / "store.db")
    assert site.paths() == ["/robots.txt"]
    # nothing is fetched, and the pages are failures to retry next run, not permanently skipped
    assert titles == [] and report.skipped_by_robots == 0
    host = site.base.removeprefix("http://")
    assert report.errors == {host: 2} and "robots.txt unavailable" in report.error_samples[host]


def test_missing_robots_allows_everything(tmp_path: Path) -> None:
    routes = {path: route for path, route in SITE.items() if path != "/robots.txt"}
    with serve(routes) as site:
        _, titles = run(profile_for(site, delay=0.0), tmp_path / "store.db")
    assert "机密" in titles


def fetch(url: str, **options: int) -> object:
    async def go() -> object:
        async with Fetcher(delay=0.0, **options) as fetcher:  # type: ignore[arg-type]
            return await asyncio.wait_for(fetcher.fetch(url), timeout=5)

    return asyncio.run(go())


GBK_PAGE = "<html><head><title>国务院通知</title></head><body><p>各省、自治区人民政府：</p></body></html>"


def test_gbk_page_labelled_utf8_decodes() -> None:
    routes = {"/gbk.html": Route(GBK_PAGE.encode("gbk"), content_type="text/html; charset=utf-8")}
    with serve(routes) as site:
        result = fetch(site.url("/gbk.html"))
    assert getattr(result, "text", None) == GBK_PAGE


def test_decode_html_charsets() -> None:
    meta_gb2312 = '<meta charset="gb2312"><p>政务公开</p>'
    assert decode_html(meta_gb2312.encode("gb18030")) == meta_gb2312
    assert decode_html("政务".encode("gb18030"), None) == "政务"
    assert decode_html(b"\xef\xbb\xbf<p>\xe6\x94\xbf</p>") == "<p>政</p>"


def test_redirect_loop_ends_with_an_error() -> None:
    loop = {"/loop": Route(status=302, headers=(("Location", "/loop"),))}
    with serve(loop) as site:
        result = fetch(site.url("/loop"), max_redirects=3)
    assert "redirect loop" in (getattr(result, "error", None) or "")
    assert len(site.paths()) == 1


def test_redirect_chain_longer_than_the_limit_ends_with_an_error() -> None:
    chain = {f"/r{i}": Route(status=302, headers=(("Location", f"/r{i + 1}"),)) for i in range(10)}
    with serve(chain) as site:
        result = fetch(site.url("/r0"), max_redirects=3)
    assert "too many redirects" in (getattr(result, "error", None) or "")
    assert site.paths() == ["/r0", "/r1", "/r2", "/r3"]


def test_redirect_to_another_host_is_refused(tmp_path: Path) -> None:
    routes = SITE | {"/zhengce/a.html": Route(status=301, headers=(("Location", "http://example.com/x"),))}
    with serve(routes) as site:
        report, titles = run(profile_for(site, delay=0.0), tmp_path / "store.db")
    assert "甲通知" not in titles and sum(report.errors.values()) == 2


def test_body_cap_and_content_type() -> None:
    routes = {
        "/big.html": Route("<p>" + "政" * 5000 + "</p>"),
        "/file.pdf": Route(b"%PDF-1.4", content_type="application/pdf"),
    }
    with serve(routes) as site:
        big = fetch(site.url("/big.html"), max_bytes=1000)
        pdf = fetch(site.url("/file.pdf"))
    assert "too large" in (getattr(big, "error", None) or "")
    assert getattr(pdf, "skipped", False) and getattr(pdf, "text", "") is None


def test_a_retry_after_beyond_the_limit_is_not_waited_for() -> None:
    routes = {"/busy.html": Route("busy", status=503, headers=(("Retry-After", "1000"),))}
    with serve(routes) as site:
        result = fetch(site.url("/busy.html"), retries=3)
    assert getattr(result, "error", None) == "HTTP 503" and getattr(result, "attempts", 0) == 1
    assert site.paths() == ["/busy.html"]


def test_pages_behind_an_unreachable_robots_txt_are_fetched_next_run(tmp_path: Path) -> None:
    from tests.crawler.fault_site import Page, fault_site, policy_profile

    pages = {
        "/robots.txt": Page("User-agent: *\nAllow: /\n", content_type="text/plain", fail_first=1),
        "/": Page(links("/zhengce/a.html")),
        "/zhengce/a.html": Page(policy_page("甲通知")),
    }
    with fault_site(pages) as site:
        profile = policy_profile("later", site.url("/"), detail="^/zhengce/", delay_seconds=0.0)
        first, first_titles = run(profile, tmp_path / "store.db")
        _, second_titles = run(profile, tmp_path / "store.db")
    assert first_titles == [] and sum(first.errors.values()) == 2  # the seed and /sitemap.xml
    assert second_titles == ["甲通知"]
