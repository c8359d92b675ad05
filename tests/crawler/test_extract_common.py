from __future__ import annotations

from datetime import date

import pytest

from crawler.extract.common import compact_label, extract_links, node_text, parse_date, parse_html


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2018年10月27日", date(2018, 10, 27)),
        ("2018年1月5日", date(2018, 1, 5)),
        ("2018-10-27", date(2018, 10, 27)),
        ("发布时间：2018/10/27 09:00", date(2018, 10, 27)),
        ("二〇〇四年四月二十七日", date(2004, 4, 27)),
        ("一九九六年二月九日", date(1996, 2, 9)),
        ("二○○四年六月十六日", date(2004, 6, 16)),
        ("2018年13月40日", None),
        ("", None),
    ],
)
def test_parse_date(text: str, expected: date | None) -> None:
    assert parse_date(text) == expected


def test_node_text_keeps_paragraphs_and_drops_noise() -> None:
    html = """<div id="c"><script>x()</script><style>.a{}</style><nav>导航</nav>
      <p>第一段&nbsp;&nbsp;有　空格</p><p><span>第二段</span><b>加粗</b></p><br><br>
      <ul><li>甲</li><li>乙</li></ul><footer>页脚</footer></div>"""
    text = node_text(parse_html(html).css_first("#c"))
    assert text == "第一段 有 空格\n第二段加粗\n甲\n乙"


def test_compact_label() -> None:
    assert compact_label("索 引 号：") == "索引号"
    assert compact_label("标　　题:") == "标题"


def test_extract_links_are_absolute_unique_and_without_fragments() -> None:
    html = """<a href="a.html#top">a</a><a href="/b.html">b</a><a href="a.html">a again</a>
      <a href="javascript:void(0)">js</a><a href="mailto:x@y">mail</a><a href="#">top</a>
      <a href="https://other.example/c">c</a>"""
    assert extract_links("http://site.example/dir/index.html", html) == [
        "http://site.example/dir/a.html",
        "http://site.example/b.html",
        "https://other.example/c",
    ]
