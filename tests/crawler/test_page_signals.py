"""Pure helpers: page signals (noindex, canonical, soft 404), sitemaps and feeds, charsets, Retry-After,
in-text metadata, attachment formats."""

from __future__ import annotations

from datetime import date
from email.utils import formatdate

import pytest

from crawler.charset import decode_html
from crawler.discovery import feed_links, parse_feed, parse_sitemap
from crawler.extract.attachments import AttachmentError, attachment_text, file_format
from crawler.extract.metadata import clean_title, issuer_in_title, title_from_page_title, written_date_in
from crawler.fetcher import retry_after_seconds
from crawler.signals import is_soft_404, page_signals
from tests.crawler.files import make_doc, make_docx, make_xls, make_xlsx


def test_noindex_nofollow_and_canonical() -> None:
    html = """<html><head><meta name="ROBOTS" content="NOINDEX, follow">
      <link rel="canonical" href="/art/1.html"></head><body><p>正文</p></body></html>"""
    signals = page_signals("http://gov.example/a/b.html?x=1", html, {})
    assert signals.noindex and not signals.nofollow
    assert signals.canonical == "http://gov.example/art/1.html"
    header = page_signals("http://gov.example/", "<p>正文</p>", {"x-robots-tag": "none"})
    assert header.noindex and header.nofollow and header.canonical is None


@pytest.mark.parametrize(
    ("title", "text", "soft"),
    [
        ("页面不存在", "对不起", True),
        ("示例市人民政府", "您访问的页面不存在或已被删除。返回首页", True),
        ("404 Not Found", "", True),
        ("关于做好春节期间工作的通知", "各区县人民政府：现将有关事项通知如下。", False),
        ("页面不存在问题的整改通知", "整改" * 400, False),  # long pages are real articles
    ],
)
def test_soft_404(title: str, text: str, soft: bool) -> None:
    assert is_soft_404(title, text) is soft


def test_sitemaps_and_feeds() -> None:
    index = "<sitemapindex><sitemap><loc>https://g.example/sm1.xml</loc></sitemap></sitemapindex>"
    assert parse_sitemap("https://g.example/", index).sitemaps == ["https://g.example/sm1.xml"]
    urlset = (
        "<urlset><url><loc> /a.html?x=1&amp;y=2 </loc></url>"
        "<url><loc><![CDATA[/b.html]]></loc></url></urlset>"
    )
    assert parse_sitemap("https://g.example/", urlset).pages == [
        "https://g.example/a.html?x=1&y=2",
        "https://g.example/b.html",
    ]
    rss = (
        "<rss><channel><link>https://g.example/</link>"
        "<item><link>https://g.example/p/1.html</link></item></channel></rss>"
    )
    assert parse_feed("https://g.example/", rss) == ["https://g.example/", "https://g.example/p/1.html"]
    atom = '<feed><entry><link rel="alternate" href="/p/2.html"/></entry></feed>'
    assert parse_feed("https://g.example/", atom) == ["https://g.example/p/2.html"]
    page = '<link rel="alternate" type="application/rss+xml" href="/rss.xml"><link rel="icon" href="/i.png">'
    assert feed_links("https://g.example/x/", page) == ["https://g.example/rss.xml"]


def test_charset_lies_both_ways() -> None:
    page = "<html><head><meta charset=gb2312><title>通知</title></head><body>政务公开</body></html>"
    assert decode_html(page.encode("gbk"), "utf-8") == page  # GBK labelled UTF-8
    assert decode_html(page.encode("utf-8"), "gbk") == page  # UTF-8 labelled GBK (and meta gb2312)
    assert decode_html("〇一二".encode("gb18030"), None) == "〇一二"


def test_retry_after() -> None:
    assert retry_after_seconds("120") == 120
    assert retry_after_seconds(None) is None and retry_after_seconds("soon") is None
    later = retry_after_seconds(formatdate(usegmt=True))
    assert later is not None and 0 <= later < 2


def test_in_text_metadata() -> None:
    assert clean_title("调整2007　年末 国债余额") == "调整2007年末国债余额"
    assert title_from_page_title("标题__2007年第23号国务院公报_中国政府网") == "标题"
    assert title_from_page_title("山西品牌丝路行 - 山西省人民政府门户网站") == "山西品牌丝路行"
    assert issuer_in_title("国务院办公厅关于印发某方案的通知") == "国务院办公厅"
    assert issuer_in_title("关于印发某方案的通知") == ""
    assert written_date_in("正文。\n国务院\n2018年10月27日\n（此件公开发布）") == date(2018, 10, 27)
    assert written_date_in("决议\n（2007年6月29日第十届全国人大常委会通过）\n正文") == date(2007, 6, 29)
    assert written_date_in("正文提到2019年1月1日起施行。") is None


def test_attachment_formats() -> None:
    assert file_format(make_docx(["a"], [["b"]])) == "docx"
    assert file_format(make_xlsx([[1]])) == "xlsx"
    legacy = make_xls([["序号", "单位"], [1, "示例局"]])
    assert file_format(legacy) == "xls"
    assert attachment_text(legacy) == "名单\n序号\t单位\n1\t示例局"
    assert file_format(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600) == "doc"
    with pytest.raises(AttachmentError, match="cannot read doc"):
        attachment_text(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600)
    word = make_doc(
        '关于印发示例办法的通知\r各区县：\r\x13 HYPERLINK "http://x" \x14办法全文\x15见附件\r'
        "姓名\x07身份证号\x07\x07张三\x07110\x07\x07"
    )
    assert file_format(word) == "doc"
    assert (
        attachment_text(word) == "关于印发示例办法的通知\n各区县：\n办法全文见附件\n姓名\t身份证号\n张三\t110"
    )
    with pytest.raises(AttachmentError, match="cannot read pdf"):
        attachment_text(b"%PDF-1.4 broken")
    with pytest.raises(AttachmentError, match="unknown"):
        attachment_text(b"<html>not a file</html>")
