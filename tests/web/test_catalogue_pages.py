"""Item card, 可办理, item pages, policy pages, scenarios and the 个人/法人, 层级, 区划 filters."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlencode

import pytest
from fastapi.testclient import TestClient

from govsearch.app import create_app
from indexer.catalogue.store import ItemStore
from indexer.catalogue.upkeep import update_links
from indexer.storage import Database
from indexer.store import Store
from tests.factories import SAMPLE_DOCUMENTS, build_data_dir, guide, policy

NOTICE = policy(
    "示例市关于优化社会保障卡服务的通知",
    "示人社〔2024〕7号",
    "参保人遗失社会保障卡的，可以通过线上渠道办理社会保障卡挂失，挂失后补领新卡。",
)
PROVINCE_CARD = guide(
    "社会保障卡挂失",
    "P003",
    region="示例省",
    region_code="990000",
    level="省级",
    authority="示例省人力资源和社会保障厅",
    service_objects=["企业法人"],
    materials=["单位证明"],
    phone="12333",
    fee="不收费",
    promised_time_limit="即时办结",
    location="示例省政务服务中心",
)
LAWYER = guide("律师执业证书注销审核", "114400000069401674244010900200501", authority="示例省司法厅")
CITY_FIELDS = {"region_code": "990100", "level": "市级", "phone": "0999-12333", "location": "示例市市民中心"}


def catalogue_data_dir(path: Path) -> Path:
    docs = [d for d in SAMPLE_DOCUMENTS if getattr(d, "item_code", "") != "G003"]
    city_card = guide("社会保障卡挂失", "G003", authority="示例市人力资源和社会保障局", **CITY_FIELDS)
    settings = build_data_dir(path, [*docs, city_card, PROVINCE_CARD, NOTICE, LAWYER])
    store = Store(Database.for_path(settings.store_path))
    update_links(store, ItemStore(store))
    store.close()
    return path


@pytest.fixture(scope="module")
def app_client(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    from govsearch.settings import Settings

    path = catalogue_data_dir(tmp_path_factory.mktemp("catalogue"))
    with TestClient(create_app(Settings(data_dir=path, reload_seconds=0))) as client:
        yield client


def test_query_naming_an_item_gets_a_card_with_regions(app_client: TestClient) -> None:
    body = app_client.get("/api/v1/search", params={"q": "社保卡挂失"}).json()
    card = body["item_card"]
    assert card["item"]["name"] == "社会保障卡挂失" and card["item"]["region"] == "示例省"
    assert [v["region"] for v in card["variants"]] == ["示例省", "示例市"]
    city = app_client.get("/api/v1/search", params={"q": "社保卡挂失", "region": "示例市"}).json()
    assert city["item_card"]["item"]["code"] == "G003" and city["item_card"]["guide"]["phone"] == "0999-12333"
    html = app_client.get("/s", params={"wd": "社保卡挂失"}).text
    assert 'class="item-card"' in html and "在线办理" in html and "选择地区" in html
    assert "12333" in html and "不收费" in html and "即时办结" in html
    kept = app_client.get("/s", params={"wd": "社保卡挂失", "type": "guide"}).text
    city_link = "/s?" + urlencode({"wd": "社保卡挂失", "type": "guide", "region": "示例市"})
    assert f'href="{city_link.replace("&", "&amp;")}"' in kept
    assert app_client.get("/api/v1/search", params={"q": "住房公积金"}).json()["item_card"] is None
    by_code = app_client.get("/api/v1/search", params={"q": LAWYER.item_code}).json()["item_card"]
    assert by_code["item"]["name"] == LAWYER.item_name


def test_results_policy_page_and_item_page_show_links(app_client: TestClient) -> None:
    hits = app_client.get("/api/v1/search", params={"q": "社会保障卡服务"}).json()["hits"]
    notice = next(h for h in hits if h["title"] == NOTICE.title)
    assert {i["key"] for i in notice["items"]} == {"G003", "P003"}
    assert "可办理：" in app_client.get("/s", params={"wd": "社会保障卡服务"}).text
    assert "可办理的事项" in app_client.get(f"/doc/{NOTICE.id}").text
    page = app_client.get("/item/G003").text
    assert "相关政策" in page and NOTICE.title in page and f"/doc/{PROVINCE_CARD.id}" not in page
    assert "挂失后补领新卡" in page  # the evidence sentence
    assert "/item/P003" in page  # the other region
    assert app_client.get("/item/nope").status_code == 404
    data = app_client.get("/api/v1/items/G003").json()
    assert data["item"]["name"] == "社会保障卡挂失" and data["guide"]["phone"] == "0999-12333"
    assert [p["title"] for p in data["policies"]] == [NOTICE.title]
    assert data["policies"][0]["evidence"].startswith("参保人遗失社会保障卡的")
    assert [v["key"] for v in data["variants"]] == ["P003"]
    assert app_client.get("/api/v1/items/nope").json()["error"]["code"] == "not_found"


def test_audience_level_and_region_filters(app_client: TestClient) -> None:
    def titles_regions(**params: str) -> list[str]:
        hits = app_client.get("/api/v1/search", params={"q": "社会保障卡挂失", **params}).json()["hits"]
        return sorted(f"{h['kind']}:{h['publisher']}" for h in hits)

    assert titles_regions(audience="法人") == ["guide:示例省人力资源和社会保障厅"]
    assert titles_regions(level="市") == ["guide:示例市人力资源和社会保障局"]
    assert titles_regions(region="990000") == ["guide:示例省人力资源和社会保障厅"]
    # A city's filter also finds what its province publishes.
    assert titles_regions(region="990100") == [
        "guide:示例市人力资源和社会保障局",
        "guide:示例省人力资源和社会保障厅",
    ]
    assert titles_regions(region="  ") == titles_regions()  # blank means no filter
    bad = app_client.get("/api/v1/search", params={"q": "社保卡", "audience": "游客"})
    assert bad.status_code == 422 and bad.json()["error"]["field"] == "audience"
    html = app_client.get("/s", params={"wd": "社保卡", "level": "市"}).text
    assert 'aria-current="true" class="current">市 <span class="count">(1)</span></a>' in html
    assert app_client.get("/s", params={"wd": "社保卡", "level": "乡"}).status_code == 422
    # The date-range form keeps the query and the other filters.
    assert '<input type="hidden" name="wd" value="社保卡">' in html
    assert '<input type="hidden" name="level" value="市">' in html
    chosen = app_client.get("/s", params={"wd": "社保卡", "region": "示例省"}).text
    assert 'aria-current="true" class="current">示例省 <span class="count">' in chosen


def test_scenarios_on_home_and_as_a_card(app_client: TestClient) -> None:
    home = app_client.get("/").text
    for name in ("我要结婚", "我要生孩子", "我要退休", "我要开餐馆", "我要出国/港澳台", "我要买房"):
        assert name in home
    body = app_client.get("/api/v1/search", params={"q": "我要退休"}).json()
    assert body["scenario"]["scenario"]["slug"] == "retire" and body["item_card"] is None
    assert app_client.get("/scenario/retire").status_code == 200
    assert app_client.get("/scenario/none").status_code == 404
