"""extract_policy on the 60 real gov.cn pages of ../shared, compared with the collector's parsed values.

Intentional difference: the collector's body_text breaks lines at every text node (so a bold span
starts a new line), ours only at block elements (paragraphs stay whole). Bodies are therefore
compared with all whitespace removed: first 20 and last 20 characters, and the full text (for pages
with merged table cells, which we repeat in each row they cover, every line of the expected text).
"""

from __future__ import annotations

import json
import re
from functools import cache
from typing import Any

import pytest

from crawler.extract.common import parse_date
from crawler.extract.policy import extract_policy, find_doc_number
from crawler.extract.rules import ExtractRules
from tests.shared_data import SHARED, shared_path

JSONL = "data/policies/govcn_2019.jsonl"
PAGES = "data/pages/govcn_2019"
_WHITESPACE = re.compile(r"\s+")
_SPANNED_CELL = re.compile(r"<t[dh][^>]+(rowspan|colspan)=", re.IGNORECASE)


def _files() -> list[str]:
    path = SHARED / JSONL
    if not path.exists():
        return ["(shared data missing)"]  # the test then skips, or fails under CI, via shared_path
    return [json.loads(line)["file"].rsplit("/", 1)[-1] for line in path.open(encoding="utf-8")]


@cache
def _rows() -> dict[str, dict[str, Any]]:
    lines = shared_path(JSONL).read_text(encoding="utf-8").splitlines()
    rows = [json.loads(line) for line in lines]
    return {row["file"].rsplit("/", 1)[-1]: row for row in rows}


def _squeeze(text: str) -> str:
    return _WHITESPACE.sub("", text)


@pytest.mark.parametrize("file", _files())
def test_govcn_2019_page(file: str) -> None:
    row = _rows()[file]
    html = (shared_path(PAGES) / file).read_text(encoding="utf-8")
    doc = extract_policy(row["url"], html, site="中国政府网", region="全国", region_code="100000")
    assert doc is not None
    assert doc.title == row["标题"]
    assert doc.issuer == row["发文机关"]
    assert doc.doc_number == row["发文字号"]
    assert doc.index_number == row["索引号"]
    assert doc.subject == row["主题分类"]
    assert doc.written_date == parse_date(row["成文日期"]) is not None
    assert doc.publish_date == parse_date(row["发布日期"]) is not None
    body, expected = _squeeze(doc.body), _squeeze(row["body_text"])
    assert body[:20] == expected[:20]
    assert body[-20:] == expected[-20:]
    if _SPANNED_CELL.search(html):
        # merged table cells are repeated in every row they cover, so the text is longer
        assert all(_squeeze(line) in body for line in row["body_text"].splitlines())
    else:
        assert body == expected
    assert "\n\n" not in doc.body and doc.body == doc.body.strip()
    assert (doc.site, doc.region, doc.url) == ("中国政府网", "全国", row["url"])


FALLBACK_PAGE = """<!DOCTYPE html><html><head><meta charset="utf-8">
<meta name="ArticleTitle" content="关于做好2019年春节期间有关工作的通知">
<meta name="PubDate" content="2019-01-21 10:30">
<meta name="ContentSource" content="示例省人民政府办公厅">
<title>关于做好2019年春节期间有关工作的通知_示例省人民政府</title>
<style>p { color: red }</style></head>
<body><nav>首页 &gt; 政务公开</nav>
<div class="article-content">
  <p>示例政办发[2019]3号</p>
  <p>各市、县人民政府：</p><p>现将有关事项通知如下。<script>track()</script></p>
  <p>附件：<a href="/files/2019/附件1.pdf">1.春节值班表</a> <a href="files/table.XLSX">值班汇总</a>
     <a href="/about.html">关于</a></p>
</div><footer>网站地图</footer></body></html>"""


def test_fallback_without_table_uses_meta_tags_and_finds_the_doc_number() -> None:
    doc = extract_policy("http://gov.example/art/2019/1/21/art_1.html", FALLBACK_PAGE, site="示例省")
    assert doc is not None
    assert doc.title == "关于做好2019年春节期间有关工作的通知"
    assert doc.issuer == "示例省人民政府办公厅"
    assert doc.publish_date is not None and doc.publish_date.isoformat() == "2019-01-21"
    assert doc.doc_number == "示例政办发[2019]3号"
    first_lines = ["示例政办发[2019]3号", "各市、县人民政府：", "现将有关事项通知如下。"]
    assert doc.body.splitlines()[:3] == first_lines
    assert "track" not in doc.body and "网站地图" not in doc.body
    assert [(a.name, a.url) for a in doc.attachments] == [
        ("1.春节值班表", "http://gov.example/files/2019/附件1.pdf"),
        ("值班汇总", "http://gov.example/art/2019/1/21/files/table.XLSX"),
    ]


def test_title_falls_back_to_h1_then_title_tag() -> None:
    with_h1 = extract_policy("http://x/1.html", "<title>页面_站点</title><h1>标题一</h1><p>正文</p>")
    only_title = extract_policy("http://x/2.html", "<title>关于某事的通知_示例网</title><p>正文</p>")
    assert with_h1 is not None and with_h1.title == "标题一"
    assert only_title is not None and only_title.title == "关于某事的通知"
    assert extract_policy("http://x/3.html", "<p>没有标题</p>") is None


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("国务院办公厅关于……的通知 国办发〔2018〕108号 各省", "国办发〔2018〕108号"),
        ("国发〔2019〕5号", "国发〔2019〕5号"),
        ("粤府办[2020]12号", "粤府办[2020]12号"),
        ("京政发（2017）3 号", "京政发（2017）3号"),
        ("国函(2006)38号", "国函(2006)38号"),
        ("没有文号", ""),
    ],
)
def test_find_doc_number(text: str, expected: str) -> None:
    assert find_doc_number(text) == expected


def test_a_declared_validity_is_kept_and_read_as_one_of_three_values() -> None:
    from indexer.fields import KEYWORD_FIELDS

    html = """<html><body><table class="meta">
      <tr><td>标题</td><td>示例市道路运输管理办法</td><td>发文字号</td><td>示政〔2016〕8号</td></tr>
      <tr><td>有效性</td><td>已失效</td><td>主题分类</td><td>交通\\道路运输</td></tr>
    </table><div id="zoom"><p>第一条 为加强道路运输管理，制定本办法。</p></div></body></html>"""
    doc = extract_policy("http://127.0.0.1/a.html", html, rules=ExtractRules(label_tables="table.meta"))
    assert doc is not None and doc.validity == "已失效" and doc.subject == "交通\\道路运输"
    assert KEYWORD_FIELDS["validity"](doc) == ("已失效",)
    assert KEYWORD_FIELDS["subject"](doc) == ("交通",)
    plain = extract_policy(
        "http://127.0.0.1/b.html",
        html.replace("已失效", "有效"),
        rules=ExtractRules(label_tables="table.meta"),
    )
    assert plain is not None and KEYWORD_FIELDS["validity"](plain) == ("现行有效",)
