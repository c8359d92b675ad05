"""A whole crawl against the fault-injecting server, then a recrawl after pages changed and vanished.

The crawl must complete, keep every reachable page, never request the path robots.txt forbids, and
on the recrawl re-index what changed, answer 304s without re-storing, and withdraw what vanished.
"""

from __future__ import annotations

from dataclasses import replace
from itertools import pairwise
from pathlib import Path

import pytest

from crawler.options import CrawlOptions
from crawler.profiles import DetailPattern, SiteProfile
from crawler.report import CrawlReport
from crawler.run import crawl_sync
from crawler.sink import CrawlSink
from indexer.documents import DocumentKind, PolicyDocument, ServiceGuide
from indexer.storage import Database
from tests.crawler.fault_site import FaultSite, Hit, Page, fault_site
from tests.crawler.files import make_doc, make_docx, make_pdf, make_xlsx

# A small body cap (production: 15 MB) so that reading up to it fits the 0.5 s deadline on a loaded machine.
OPTIONS = CrawlOptions(delay=0.0, timeout=0.5, retries=3, backoff=0.05, max_bytes=2 * 1024 * 1024)


def policy(title: str, text: str = "", extra: str = "") -> str:
    return f"""<html><head><meta charset="utf-8"><meta name="ArticleTitle" content="{title}">
      <meta name="PubDate" content="2019-03-01 09:00"><title>{title}_测试站</title></head>
      <body><nav>首页 政务公开</nav><div id="zoom"><p>{text or title + "的正文。"}</p>{extra}</div>
      <footer>网站地图</footer></body></html>"""


def links(*paths: str, head: str = "") -> str:
    anchors = "".join(f'<a href="{path}">{path}</a>' for path in paths)
    return f"<html><head>{head}</head><body>{anchors}</body></html>"


GOOD = [f"/p/ok{n}.html" for n in range(1, 4)]
FAULTY_BUT_REACHABLE = [
    "/p/slow.html", "/p/flaky503.html", "/p/flaky500.html", "/p/busy429.html", "/p/reset.html",
    "/p/gbk.html", "/p/moved.html", "/p/attach.html", "/p/changing.html", "/p/stable.html", "/p/vanish.html",
]  # fmt: skip
UNREACHABLE = ["/p/hang.html", "/p/loop.html", "/p/huge.html"]
NOT_DOCUMENTS = ["/p/soft404.html", "/p/noindex.html"]
ATTACH = (
    '<p>附件：<a href="/files/a.pdf">1.说明</a> <a href="/files/b.docx">2.申请表</a> '
    '<a href="/files/c.xlsx">3.名单</a> <a href="/files/d.doc">4.旧版文档</a></p>'
)
SITEMAP = """<?xml version="1.0" encoding="UTF-8"?>
<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"><url><loc>{base}/p/sitemap-only.html</loc></url></urlset>"""
SITEMAP_INDEX = """<?xml version="1.0" encoding="UTF-8"?>
<sitemapindex><sitemap><loc>{base}/sitemaps/pages.xml</loc></sitemap></sitemapindex>"""
FEED = """<?xml version="1.0"?><rss version="2.0"><channel><title>订阅</title><link>{base}/</link>
<item><title>仅在订阅中</title><link>{base}/p/feed-only.html</link></item></channel></rss>"""


def pages() -> dict[str, Page]:
    found = {
        "/robots.txt": Page("User-agent: *\nDisallow: /private/\n", content_type="text/plain"),
        "/": Page(links("/list.html", "/list2.html")),
        "/list.html": Page(
            links(*GOOD, *FAULTY_BUT_REACHABLE[:6], "/private/secret.html", "/p/redirect.html")
        ),
        "/list2.html": Page(
            links(
                *FAULTY_BUT_REACHABLE[7:],
                *UNREACHABLE,
                *NOT_DOCUMENTS,
                head='<link rel="alternate" type="application/rss+xml" href="/feed.xml">',
            )
        ),
        "/private/secret.html": Page(policy("机密文件")),
        "/p/slow.html": Page(policy("慢速页面"), delay=0.2),
        "/p/hang.html": Page(policy("超时页面"), delay=2.0),
        "/p/flaky503.html": Page(policy("暂时不可用页面"), fail_first=2, retry_after="1"),
        "/p/flaky500.html": Page(policy("偶发错误页面"), fail_first=1, fail_status=500),
        "/p/busy429.html": Page(policy("限流页面"), fail_first=1, fail_status=429, retry_after="0"),
        "/p/reset.html": Page(policy("连接重置页面"), reset_first=2),
        "/p/loop.html": Page(status=302, headers=(("Location", "/p/loop2.html"),)),
        "/p/loop2.html": Page(status=302, headers=(("Location", "/p/loop.html"),)),
        "/p/redirect.html": Page(status=301, headers=(("Location", "/p/moved.html"),)),
        "/p/moved.html": Page(policy("已迁移页面")),
        "/p/huge.html": Page(policy("超大页面"), size=50 * 1024 * 1024),
        "/p/gbk.html": Page(
            policy("国务院关于GBK编码的通知").encode("gbk"), content_type="text/html; charset=utf-8"
        ),
        "/p/soft404.html": Page(
            "<html><head><title>页面不存在</title></head><body>对不起，您访问的页面不存在。</body></html>"
        ),
        "/p/noindex.html": Page(
            policy("不应收录").replace("<title>", '<meta name="robots" content="noindex"><title>')
        ),
        "/p/attach.html": Page(policy("带附件的通知", extra=ATTACH)),
        "/files/a.pdf": Page(make_pdf(["Pension notice PDF 2019"]), content_type="application/pdf"),
        "/files/b.docx": Page(
            make_docx(["申请表填写说明"], [["姓名", "身份证号"], ["张三", "110101"]]),
            content_type="application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        ),
        "/files/c.xlsx": Page(
            make_xlsx([["序号", "单位"], [1, "示例局"]]), content_type="application/octet-stream"
        ),
        "/files/d.doc": Page(make_doc("旧版Word附件正文\r第二段"), content_type="application/msword"),
        "/p/changing.html": Page(policy("会变化的通知", "第一版正文。"), etag='"v1"'),
        "/p/stable.html": Page(policy("不变的通知"), etag='"s1"'),
        "/p/vanish.html": Page(policy("将被撤下的通知")),
        "/p/sitemap-only.html": Page(policy("仅在站点地图中")),
        "/p/feed-only.html": Page(policy("仅在订阅中的通知")),
    }
    found |= {path: Page(policy(f"普通通知{n}")) for n, path in enumerate(GOOD, start=1)}
    return found


def profile_for(site: FaultSite) -> SiteProfile:
    return SiteProfile(
        name="fault",
        site="测试站",
        seeds=[site.url("/")],
        list_patterns=[r"^/(list2?\.html)?$"],
        detail=[DetailPattern(pattern=r"^/(p|private)/", kind=DocumentKind.POLICY)],
        delay_seconds=0.0,
    )


class Sink:
    def __init__(self) -> None:
        self.documents: dict[str, PolicyDocument] = {}
        self.withdrawn: list[str] = []
        self.first_titles: set[str] = set()
        self.first_hits: list[Hit] = []

    def first_count(self, path: str) -> int:
        return [hit.path for hit in self.first_hits].count(path)

    def put(self, doc: PolicyDocument | ServiceGuide) -> None:
        assert isinstance(doc, PolicyDocument)
        self.documents[doc.id] = doc

    def titles(self) -> set[str]:
        return {doc.title for doc in self.documents.values()}

    def crawl(self, site: FaultSite, db: Path, *, recrawl: bool = False) -> CrawlReport:
        return crawl_sync(
            profile_for(site),
            Database.for_path(db),
            CrawlSink(on_document=self.put, on_withdraw=self.withdrawn.append, lookup=self.documents.get),
            replace(OPTIONS, recrawl=recrawl),
        )


Crawled = tuple[FaultSite, "Sink", CrawlReport, CrawlReport]
EXPECTED_TITLES = {
    *(f"普通通知{n}" for n in range(1, 4)),
    *("慢速页面", "暂时不可用页面", "偶发错误页面", "限流页面", "连接重置页面", "国务院关于GBK编码的通知"),
    *("已迁移页面", "带附件的通知", "会变化的通知", "不变的通知", "将被撤下的通知"),
    *("仅在站点地图中", "仅在订阅中的通知"),
}


@pytest.fixture(scope="module")
def crawled(tmp_path_factory: pytest.TempPathFactory) -> Crawled:
    db = tmp_path_factory.mktemp("fault") / "store.db"
    sink = Sink()
    with fault_site(pages()) as site:
        robots = f"User-agent: *\nDisallow: /private/\nSitemap: {site.base}/sitemaps/index.xml\n"
        site.pages["/robots.txt"] = Page(robots, content_type="text/plain")
        site.pages["/sitemaps/index.xml"] = Page(
            SITEMAP_INDEX.format(base=site.base), content_type="text/xml"
        )
        site.pages["/sitemaps/pages.xml"] = Page(
            SITEMAP.format(base=site.base), content_type="application/xml"
        )
        site.pages["/feed.xml"] = Page(FEED.format(base=site.base), content_type="application/rss+xml")
        first = sink.crawl(site, db)
        first_titles, first_hits = sink.titles(), list(site.hits)
        site.pages["/p/changing.html"] = Page(policy("会变化的通知", "第二版正文，内容已修订。"), etag='"v2"')
        del site.pages["/p/vanish.html"]
        second = sink.crawl(site, db, recrawl=True)
    sink.first_titles, sink.first_hits = first_titles, first_hits
    return site, sink, first, second


def test_every_reachable_page_is_kept(crawled: Crawled) -> None:
    site, sink, first, _ = crawled
    assert sink.first_titles == EXPECTED_TITLES
    assert first.documents == len(EXPECTED_TITLES)
    assert (
        first.discovered == 2
    )  # one page from the sitemap named in robots.txt (via an index), one from the feed
    assert sink.first_count("/sitemaps/index.xml") == 1 and sink.first_count("/sitemap.xml") == 0
    host = site.base.removeprefix("http://")
    assert first.errors == {host: 3}  # hang (timeout), redirect loop, 50 MB body
    samples = first.error_samples[host]
    assert samples  # the last error message is kept for the report


def test_the_forbidden_path_is_never_requested(
    crawled: Crawled,
) -> None:
    site, _, first, second = crawled
    assert "/private/secret.html" not in site.paths()
    assert first.skipped_by_robots == 1 and second.skipped_by_robots == 1


def test_retries_honour_retry_after_and_backoff(
    crawled: Crawled,
) -> None:
    _, sink, *_ = crawled
    flaky = [hit.at for hit in sink.first_hits if hit.path == "/p/flaky503.html"]
    assert len(flaky) == 3 and all(later - earlier >= 0.95 for earlier, later in pairwise(flaky))
    assert sink.first_count("/p/reset.html") == 3 and sink.first_count("/p/flaky500.html") == 2
    assert sink.first_count("/p/busy429.html") == 2
    assert sink.first_count("/p/hang.html") == 4  # first try and three retries, each cut at the deadline
    assert sink.first_count("/p/loop.html") == 1 == sink.first_count("/p/loop2.html")  # a loop is final


def test_hostile_content(crawled: Crawled) -> None:
    site, sink, first, _ = crawled
    docs = {doc.title: doc for doc in sink.documents.values()}
    assert docs["国务院关于GBK编码的通知"].body == "国务院关于GBK编码的通知的正文。"
    assert docs["已迁移页面"].url == site.url("/p/moved.html")
    assert sink.first_count("/p/huge.html") == 1  # the body cap is not a transient failure
    assert first.noindex == 1 and "不应收录" not in {doc.title for doc in sink.documents.values()}
    assert "页面不存在" not in docs and first.not_extracted == 0
    assert all("首页" not in doc.body and "网站地图" not in doc.body for doc in docs.values())


def test_attachment_text_is_indexed_with_the_parent(
    crawled: Crawled,
) -> None:
    _, sink, first, _ = crawled
    (doc,) = [doc for doc in sink.documents.values() if doc.title == "带附件的通知"]
    texts = {attachment.name: attachment.text for attachment in doc.attachments}
    assert texts == {
        "1.说明": "Pension notice PDF 2019",
        "2.申请表": "申请表填写说明\n姓名\t身份证号\n张三\t110101",
        "3.名单": "名单\n序号\t单位\n1\t示例局",
        "4.旧版文档": "旧版Word附件正文\n第二段",
    }
    assert first.attachments == 4


def test_recrawl_reindexes_changes_and_withdraws_vanished_pages(
    crawled: Crawled,
) -> None:
    site, sink, _, second = crawled
    changed = [doc for doc in sink.documents.values() if doc.title == "会变化的通知"]
    assert changed[0].body == "第二版正文，内容已修订。" and second.changed == 1
    (vanished,) = [doc for doc in sink.documents.values() if doc.title == "将被撤下的通知"]
    assert sink.withdrawn == [vanished.id] and second.withdrawn == 1
    stable_hits = [hit for hit in site.hits if hit.path == "/p/stable.html"]
    assert [hit.if_none_match for hit in stable_hits] == ["", '"s1"']  # conditional GET on the recrawl
    assert second.not_modified >= 1
    assert second.documents == 1  # only the changed page is written again
