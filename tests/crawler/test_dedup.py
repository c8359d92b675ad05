"""Near-duplicates: a policy reposted on two other hosts is one document listing every page it is on;
when the original page vanishes a repost takes over. The policy page shows the list."""

from __future__ import annotations

from pathlib import Path

from fastapi.testclient import TestClient

from crawler.dedup import MAX_DISTANCE_SAME_TITLE, normalize_doc_number, simhash
from crawler.options import CrawlOptions
from crawler.profiles import DetailPattern, SiteProfile
from crawler.run import crawl_sync
from crawler.sink import CrawlSink
from govsearch.app import create_app
from indexer.documents import DocumentKind, PolicyDocument, ServiceGuide
from indexer.storage import Database
from tests.crawler.fault_site import FaultSite, Page, fault_site
from tests.crawler.test_fault_crawl import links
from tests.factories import build_data_dir, policy

BODY = (
    "各省、自治区、直辖市人民政府，国务院各部委、各直属机构：为进一步优化营商环境，更好服务市场主体，"
    "经国务院同意，现就有关事项通知如下。一、深化简政放权，持续精简行政许可事项，全面推行证明事项告知承诺制。"
    "二、加强事中事后监管，完善以信用为基础的新型监管机制。三、优化政务服务，推进政务服务事项一网通办、"
    "跨省通办，提升企业和群众办事便利度。四、降低制度性交易成本，清理规范涉企收费，坚决纠正乱收费、乱罚款、"
    "乱摊派。五、保障公平竞争，全面落实公平竞争审查制度，破除区域分割和地方保护。六、稳定市场预期，"
    "健全涉企政策制定和评估机制，政策出台前充分听取企业意见，给予合理过渡期。七、强化法治保障，"
    "依法平等保护各类市场主体产权和合法权益。各地区各部门要抓好贯彻落实，重要情况及时报告。"
)


def page(title: str, number: str, body: str, chrome: str) -> str:
    return f"""<html><head><meta charset="utf-8"><meta name="ArticleTitle" content="{title}"></head><body>
      <div class="nav">{chrome}</div><div id="zoom"><p>{number}</p><p>{body}</p></div></body></html>"""


TITLE = "国务院办公厅关于进一步优化营商环境更好服务市场主体的实施意见"


def sites() -> tuple[dict[str, Page], dict[str, Page], dict[str, Page]]:
    origin = {
        "/": Page(links("/zc/1.html")),
        "/zc/1.html": Page(page(TITLE, "国办发〔2020〕24号", BODY, "中国政府网")),
    }
    # the same 发文字号 and title, written with other brackets, on a provincial site
    province = {
        "/": Page(links("/zc/9.html")),
        "/zc/9.html": Page(page(TITLE, "国办发[2020]24号", BODY, "省政府")),
    }
    # no 发文字号 and a slightly different text: found by SimHash
    city = {
        "/": Page(links("/zc/5.html")),
        "/zc/5.html": Page(page(TITLE + "（转载）", "", BODY + "（市政府网转载）", "市")),
    }
    return origin, province, city


def profile(*hosts: FaultSite) -> SiteProfile:
    return SiteProfile(
        name="dedup",
        site="多站",
        seeds=[host.url("/") for host in hosts],
        list_patterns=["^/$"],
        detail=[DetailPattern(pattern="^/zc/", kind=DocumentKind.POLICY)],
    )


def test_reposts_fold_into_one_canonical_document(store_db: Database) -> None:
    stored: dict[str, PolicyDocument] = {}
    withdrawn: list[str] = []

    def put(doc: PolicyDocument | ServiceGuide) -> None:
        assert isinstance(doc, PolicyDocument)
        stored[doc.id] = doc

    def run(*hosts: FaultSite, recrawl: bool = False) -> None:
        crawl_sync(
            profile(*hosts),
            store_db,
            CrawlSink(
                on_document=put,
                on_withdraw=lambda doc_id: (withdrawn.append(doc_id), stored.pop(doc_id, None)),  # type: ignore[func-returns-value]
                lookup=stored.get,
            ),
            CrawlOptions(recrawl=recrawl, delay=0.0, backoff=0.0, concurrency=1),  # first seen = the origin
        )

    origin, province, city = sites()
    with fault_site(origin) as a, fault_site(province) as b, fault_site(city) as c:
        run(a, b, c)
        assert len(stored) == 1
        (doc,) = stored.values()
        assert doc.url == a.url("/zc/1.html")
        assert [link.url for link in doc.reposts] == [b.url("/zc/9.html"), c.url("/zc/5.html")]
        assert all(link.site == "多站" for link in doc.reposts)

        del a.pages["/zc/1.html"]  # the original vanishes: a repost becomes the canonical copy
        run(a, b, c, recrawl=True)
    assert withdrawn == [doc.id]
    (survivor,) = stored.values()
    assert survivor.url in (b.url("/zc/9.html"), c.url("/zc/5.html"))
    assert len(survivor.reposts) == 1


def test_simhash_distance_and_doc_numbers() -> None:
    near = bin(simhash(BODY) ^ simhash(BODY + "（市政府网转载）")).count("1")
    far = bin(simhash(BODY) ^ simhash("关于做好春节期间安全生产工作的通知。" * 8)).count("1")
    assert near <= MAX_DISTANCE_SAME_TITLE < far
    assert simhash(BODY) == simhash(" ".join(BODY)) and simhash(BODY + "。") == simhash(BODY)  # punctuation
    assert normalize_doc_number("国办发[2020] 24号") == normalize_doc_number("国办发〔2020〕24号")


def test_policy_page_lists_the_reposts(tmp_path: Path) -> None:
    doc = policy(
        "示例市关于转载文件的通知",
        "示政〔2024〕1号",
        "正文。",
        reposts=[{"site": "示例省人民政府", "url": "http://127.0.0.1/province/1.html"}],
    )
    client = TestClient(create_app(build_data_dir(tmp_path, [doc])))
    page = client.get(f"/doc/{doc.id}")
    assert page.status_code == 200
    assert "同时发布于" in page.text and "示例省人民政府" in page.text
    assert (
        '<a href="http://127.0.0.1/province/1.html" rel="noopener">示例省人民政府</a> 127.0.0.1' in page.text
    )
