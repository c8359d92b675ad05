from __future__ import annotations

from datetime import date
from pathlib import Path

from crawler.extract.guide import extract_guide, split_list
from indexer.documents import ServiceGuide

DATA = Path(__file__).parent / "data"
URL = "http://demo.example/bszn/sfz.html"


def _sample() -> ServiceGuide:
    html = (DATA / "guide_sample.html").read_text(encoding="utf-8")
    guide = extract_guide(URL, html, site="演示站", region="示例市", region_code="440100")
    assert guide is not None
    return guide


def test_every_field_of_the_demo_layout() -> None:
    assert _sample() == ServiceGuide(
        url=URL,
        site="演示站",
        region="示例市",
        region_code="440100",
        item_name="居民身份证换领",
        item_code="11440000MB2C93148P4000117009000",
        catalogue_code="000117009000",
        authority="示例市公安局",
        item_type="公共服务",
        service_objects=["自然人", "港澳台居民", "外国人", "其他"],
        subjects=["户籍办理", "证件办理"],
        conditions="居民身份证有效期满的；\n登记内容变更的。",
        materials=["原居民身份证", "户口簿（原件）", "近期 免冠照片"],
        legal_time_limit="60个工作日",
        promised_time_limit="20个工作日",
        fee="收费：20元",
        location="示例市政务服务中心一楼公安窗口",
        phone="020-12345678",
        online_url="http://demo.example/online/sfz?item=117009",
        level="市级",
        publish_date=date(2024, 3, 5),
    )


def test_td_pairs_spaced_labels_colons_and_materials_per_line() -> None:
    html = """<html><body><h1>个体工商户设立登记</h1><table>
      <tr><td>事项编码：</td><td>4400001</td><td>办理部门:</td><td>示例区市场监督管理局</td></tr>
      <tr><td>办 理 材 料：</td><td>1. 登记申请书<br>2、经营者身份证明<br>（3）经营场所证明</td></tr>
      <tr><td>法定办结时限</td><td>15个工作日</td><td>承诺办结时限</td><td>即办</td></tr>
      <tr><td>收费标准</td><td>不收费</td><td>层级</td><td>县级</td></tr>
    </table></body></html>"""
    guide = extract_guide("http://demo.example/bszn/gt.html", html)
    assert guide is not None
    assert guide.item_name == "个体工商户设立登记"  # from h1: no 事项名称 row
    assert guide.item_code == "4400001"
    assert guide.authority == "示例区市场监督管理局"
    assert guide.materials == ["登记申请书", "经营者身份证明", "经营场所证明"]
    assert (guide.legal_time_limit, guide.promised_time_limit) == ("15个工作日", "即办")
    assert (guide.fee, guide.level) == ("不收费", "县级")


def test_page_without_a_name_gives_nothing() -> None:
    assert extract_guide("http://demo.example/x.html", "<html><body><p>没有表格</p></body></html>") is None


def test_split_list() -> None:
    expected = ["自然人", "法人", "其他组织", "个体", "工商户"]
    assert split_list("自然人，法人, 其他组织；个体 工商户") == expected
