"""Extraction with the shipped site profiles on every saved page of ../shared/data/pages/gov_sites and nfra.

Expected values were read off the pages by hand; NFRA pages are also compared with the text that
NFRA crawler produced (text_output/) and with its parse of merged table cells.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import date

import pytest

from crawler.extract.common import node_text, parse_html
from crawler.extract.main_text import main_node
from crawler.extract.policy import extract_policy
from crawler.profiles import builtin_profile
from indexer.documents import PolicyDocument
from tests.shared_data import shared_path

_WHITESPACE = re.compile(r"\s+")


@dataclass(frozen=True)
class Expected:
    page: str
    profile: str
    title: str
    publish_date: date | None
    written_date: date | None
    doc_number: str
    issuer: str
    subject: str
    body_start: str
    body_end: str


PAGES = [
    Expected(
        "gov_sites/govcn_gongbao_2007_23.html", "govcn_gongbao",
        "全国人民代表大会常务委员会关于批准财政部发行特别国债购买外汇及调整2007年末国债余额限额的决议",
        date(2007, 8, 20), date(2007, 6, 29), "", "全国人民代表大会常务委员会", "",
        "全国人民代表大会常务委员会\n关于批准财政部发行特别国债购买外汇及\n", "调整为53365.53亿元。",
    ),
    Expected(
        "gov_sites/shanxi_gov_news.html", "shanxi_gov", "山西品牌丝路行（南美站）正式启动",
        date(2019, 9, 18), None, "", "山西日报", "山西要闻",
        "图为山西品牌丝路行（南美站）启动仪式。（刘通摄）\n跨越千山万水",
        "在巴西、乌拉圭、阿根廷举行。（张巨峰）",
    ),
    Expected(
        "gov_sites/zj_fgw_deqing_news.html", "zj_fgw", "1-10月德清县固定资产投资结构趋稳趋优",
        date(2016, 11, 22), None, "", "省发改委", "投资运行",
        "1-10月，全县固定资产投资完成246.79亿元", "总体全县投资结构趋稳趋优。（德清县发改局）",
    ),
    Expected(
        "gov_sites/cmse_gov_news.html", "cmse", "天宫一号与神舟九号载人交会对接任务第二场新闻发布会",
        date(2012, 6, 24), None, "", "中国载人航天工程办公室", "",
        "2012年6月24日\n中国载人航天工程新闻发言人 武平\n女士们、先生们：", "下面，我愿意回答大家的提问。",
    ),
    Expected(
        "nfra/nfra_hq_penalty_2024_36.html", "nfra",
        "国家金融监督管理总局行政处罚信息公开表(金罚决字〔2024〕36号)",
        date(2024, 7, 12), date(2024, 7, 8), "金罚决字〔2024〕36号", "国家金融监督管理总局", "总局机关",
        "行政处罚决定书文号\t金罚决字〔2024〕36号\n被处罚当事人\t复星联合健康保险股份有限公司及其责任人员",
        "作出处罚决定的日期\t2024年7月8日",
    ),
    Expected(
        "nfra/nfra_zj_penalty_2024_52.html", "nfra",
        "国家金融监督管理总局浙江监管局行政处罚信息公开表（浙金罚决字〔2024〕52号）",
        date(2025, 6, 3), None, "浙金罚决字〔2024〕52号", "浙江金融监管局", "监管局本级",
        "序号\t当事人名称\t行政处罚决定书文号\t主要违法违规行为\t行政处罚内容\t作出决定机关\n1\t中国太平洋财产保险",
        "警告并罚款14万元\t浙江金融监管局",
    ),
]  # fmt: skip


def _extract(page: str, profile_name: str) -> PolicyDocument:
    profile = builtin_profile(profile_name)
    html = shared_path(f"data/pages/{page}").read_text(encoding="utf-8")
    doc = extract_policy(
        f"http://mirror.example/{page}",
        html,
        site=profile.site,
        region=profile.region,
        publisher=profile.publisher,
        rules=profile.extract,
    )
    assert doc is not None
    return doc


@pytest.mark.parametrize("expected", PAGES, ids=[e.page for e in PAGES])
def test_page_fields(expected: Expected) -> None:
    doc = _extract(expected.page, expected.profile)
    assert doc.title == expected.title
    assert doc.publish_date == expected.publish_date
    assert doc.written_date == expected.written_date
    assert doc.doc_number == expected.doc_number
    assert doc.issuer == expected.issuer
    assert doc.subject == expected.subject
    assert doc.body.startswith(expected.body_start)
    assert doc.body.endswith(expected.body_end)
    assert "\n\n" not in doc.body and doc.body == doc.body.strip()
    for chrome in ("首页", "打印", "分享", "扫一扫", "网站地图", "相关稿件", "责任编辑"):
        assert chrome not in doc.body, chrome


def _squeeze(text: str) -> str:
    return _WHITESPACE.sub("", text)


def _text_output(doc_number: str) -> dict[str, str]:
    folder = shared_path("data/pages/nfra/text_output")
    (path,) = [p for p in folder.glob("*.txt") if doc_number in p.name]
    pairs = (line.split("\t", 1) for line in path.read_text(encoding="utf-8").splitlines() if "\t" in line)
    return {key: value for key, value in pairs}


@pytest.mark.parametrize(
    ("page", "doc_number"),
    [
        ("nfra/nfra_hq_penalty_2024_36.html", "金罚决字〔2024〕36号"),
        ("nfra/nfra_zj_penalty_2024_52.html", "浙金罚决字〔2024〕52号"),
    ],
)
def test_nfra_body_holds_the_expected_text_output(page: str, doc_number: str) -> None:
    doc = _extract(page, "nfra")
    expected = _text_output(doc_number)
    body = _squeeze(doc.body)
    for field in ("当事人名称", "主要违法违规行为", "行政处罚依据", "行政处罚内容", "作出决定机关"):
        assert _squeeze(expected[field]) in body, field
    assert doc.subject == expected["类别"]
    assert doc.body.count(doc_number) >= 1


def test_nfra_merged_cells_stay_in_their_rows() -> None:
    """Every record of the NFRA crawler's parse is one line of our text, merged cells filled in."""
    doc = _extract("nfra/nfra_zj_penalty_2024_52.html", "nfra")
    result = json.loads(shared_path("data/pages/nfra/merged_cells_result.json").read_text(encoding="utf-8"))
    records = [result, *result["additional_records"]]
    assert len(records) == result["记录总数"] == 2
    rows = [line.split("\t") for line in doc.body.splitlines()]
    for record in records:
        (row,) = [row for row in rows if row[0] == record["序号"]]
        assert row == [
            record["序号"], record["当事人名称"], "浙金罚决字〔2024〕52号", record["主要违法违规行为"],
            record["行政处罚内容"], record["作出决定机关"],
        ]  # fmt: skip


@pytest.mark.parametrize("fragment", ["element.html", "element2.html", "element3.html"])
def test_word_tables_render_one_complete_row_per_line(fragment: str) -> None:
    html = shared_path(f"data/pages/nfra/fragments/{fragment}").read_text(encoding="utf-8")
    lines = node_text(parse_html(html).body).splitlines()
    widths = {len(line.split("\t")) for line in lines}
    assert len(widths) == 1 and widths.pop() >= 2, lines
    assert not any("mso-" in line or "<" in line for line in lines)


UNKNOWN_LAYOUT = """<html><head><meta charset="utf-8">
<title>关于开展2024年度示例工作的通知_示例县人民政府</title></head>
<body><div class="top"><a href="/">首页</a> <a href="/zw/">政务公开</a> <a href="/bs/">办事服务</a></div>
<div class="left"><ul><li><a href="/a.html">示例县召开2024年第一季度经济运行分析会议</a></li>
<li><a href="/b.html">示例县人民政府关于印发示例县防汛应急预案的通知</a></li></ul></div>
<div class="wz"><div class="t">关于开展2024年度示例工作的通知</div>
<div class="nr"><div>各乡镇人民政府，县直各单位：</div>
<div>为做好2024年度示例工作，现将有关事项通知如下。</div>
<div>一、工作目标。到2024年底，全县示例工作覆盖率达到百分之九十以上。</div>
<div>二、工作要求。各单位要高度重视，明确责任人，按时报送工作进展。</div></div></div>
<div class="bottom">主办单位：示例县人民政府办公室 地址：示例县人民路1号 电话：0000-1234567</div>
</body></html>"""


def test_main_text_of_an_unknown_layout() -> None:
    doc = extract_policy("http://xian.example.gov.cn/art/1.html", UNKNOWN_LAYOUT)
    assert doc is not None and doc.title == "关于开展2024年度示例工作的通知"
    assert doc.body.splitlines()[0] == "各乡镇人民政府，县直各单位："
    assert doc.body.endswith("按时报送工作进展。")
    assert "首页" not in doc.body and "主办单位" not in doc.body and "防汛应急预案" not in doc.body


@pytest.mark.parametrize("expected", PAGES[:4], ids=[e.page for e in PAGES[:4]])
def test_main_text_finder_alone_finds_the_article(expected: Expected) -> None:
    """Without any selector (a site nobody wrote a profile for), the same body is found."""
    tree = parse_html(shared_path(f"data/pages/{expected.page}").read_text(encoding="utf-8"))
    text = node_text(main_node(tree))
    assert text.startswith(expected.body_start.split("\n")[0])
    assert text.endswith(expected.body_end)
