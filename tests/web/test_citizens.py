"""The citizen's side through the real app: 个人/法人 and region preferences, browsing by 部门 and 主题,
guide pages made to be used, never a dead end, error pages, the pager's end."""

from __future__ import annotations

from collections.abc import Iterator
from urllib.parse import urlencode

import pytest
from fastapi.testclient import TestClient

from tests.web.citizen_site import CITY_CARD, PROVINCE_CARD, citizen_app


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    with TestClient(citizen_app(tmp_path_factory.mktemp("citizens"), reload_seconds=0)) as client:
        yield client


def _publishers(client: TestClient, **params: str) -> list[str]:
    body = client.get("/api/v1/search", params={"q": "社保卡挂失", **params}).json()
    return [h["publisher"] for h in body["hits"] if h["kind"] == "guide"]


def test_preferences_rank_the_region_and_audience_first_without_filtering(site: TestClient) -> None:
    city, province = CITY_CARD.authority, PROVINCE_CARD.authority
    assert _publishers(site, prefer_region="990100")[:2] == [city, province]
    assert _publishers(site, prefer_region="990000")[:2] == [province, city]
    assert _publishers(site, prefer_audience="个人")[:2] == [city, province]
    assert _publishers(site, prefer_audience="法人")[:2] == [province, city]
    bad = site.get("/api/v1/search", params={"q": "社保", "prefer_audience": "游客"})
    assert bad.status_code == 422 and bad.json()["error"]["field"] == "prefer_audience"


def test_the_item_card_is_the_chosen_regions_and_never_another_regions(site: TestClient) -> None:
    def card(**params: str) -> dict[str, object] | None:
        body = site.get("/api/v1/search", params={"q": "社保卡挂失", **params}).json()
        found: dict[str, object] | None = body["item_card"]
        return found

    city = card(prefer_region="990100")
    assert city is not None and city["item"]["code"] == "G003"  # type: ignore[index]
    assert card(prefer_region="示例市")["item"]["code"] == "G003"  # type: ignore[index]
    assert card(prefer_region="990000")["item"]["code"] == "P003"  # type: ignore[index]
    assert card(prefer_region="880100") is None  # another province's card is no answer
    # A resident of a city with no variant of its own gets the province's (the region above).
    retire = site.get(
        "/api/v1/search", params={"q": "企业职工基本养老保险待遇申领", "prefer_region": "990100"}
    ).json()
    assert retire["item_card"]["item"]["code"] == "P004"


def test_preferences_are_remembered_shown_and_change_the_page(site: TestClient) -> None:
    home = site.get("/").text
    assert 'name="audience" value="个人"' in home and '<option value="990100">示例市</option>' in home
    saved = site.get(
        "/prefs", params={"audience": "法人", "region": "990000", "next": "/"}, follow_redirects=False
    )
    assert saved.status_code == 303 and saved.headers["location"] == "/"
    assert "Max-Age" in saved.headers["set-cookie"]
    home = site.get("/").text
    assert 'value="法人" checked' in home and '<option value="990000" selected>示例省</option>' in home
    assert "当前：法人 · 示例省" in home
    page = site.get("/s", params={"wd": "社保卡挂失"})
    assert "优先显示：法人 · 示例省的服务" in page.text
    assert "prefer_region=990000" in page.headers["link"]  # the JSON twin is the same engine call
    first = page.text.index('class="result')
    assert PROVINCE_CARD.authority in page.text[first : first + 900]
    site.get("/prefs", params={"audience": "个人", "region": "990100"})
    page = site.get("/s", params={"wd": "社保卡挂失"}).text
    first = page.index('class="result')
    assert CITY_CARD.authority in page[first : first + 900]
    assert "0999-12333" in page[: page.index('class="result')]  # the city's card, its phone
    assert site.get("/prefs", params={"audience": "游客"}).status_code == 400
    site.get("/prefs", params={"audience": "", "region": ""})
    assert "优先显示" not in site.get("/s", params={"wd": "社保卡挂失"}).text


def test_browse_by_department_and_theme_reaches_a_guide_in_three_steps(site: TestClient) -> None:
    home = site.get("/").text
    assert "/s?type=guide&amp;subject=%E7%A4%BE%E4%BC%9A%E4%BF%9D%E9%9A%9C" in home  # 社会保障, one tap
    departments = site.get("/browse", params={"by": "publisher", "type": "guide"})
    assert departments.status_code == 200 and "按部门浏览办事服务" in departments.text
    listing = "/s?" + urlencode({"type": "guide", "publisher": CITY_CARD.authority})
    assert listing.replace("&", "&amp;") in departments.text
    guides = site.get(listing).text
    assert f"/doc/{CITY_CARD.id}" in guides
    themes = site.get("/api/v1/browse", params={"by": "subject", "type": "policy"}).json()
    assert {v["value"] for v in themes["values"]} == {"劳动、人事、监察", "公安、安全、司法"}
    guide_themes = site.get("/api/v1/browse", params={"by": "subject", "type": "guide"}).json()["values"]
    assert guide_themes[0] == {"value": "社会保障", "label": "社会保障", "count": 4}
    assert site.get("/browse", params={"by": "colour"}).status_code == 400
    assert site.get("/api/v1/browse", params={"type": "poem"}).json()["error"]["field"] == "type"


def test_a_guide_page_is_made_to_be_used(site: TestClient) -> None:
    page = site.get(f"/doc/{CITY_CARD.id}").text
    top = page.index('class="essentials"')
    assert top < page.index("申请材料清单") < page.index("事项信息")
    assert "在线办理" in page[top : top + 400] and "示例市市民中心二楼" in page
    assert '<a class="tel" href="tel:099912333">0999-12333</a>' in page
    assert page.count('type="checkbox"') == 3 and '<label for="m1">居民身份证原件</label>' in page
    assert "data-print" in page and f"http://testserver/doc/{CITY_CARD.id}" in page
    assert "<script>" not in page and "onclick" not in page  # no inline script (strict CSP)
    twin = site.get(f"/api/v1/documents/{CITY_CARD.id}").json()
    assert twin["phones"] == [{"number": "0999-12333", "tel": "099912333"}]
    assert twin["materials"][0] == "居民身份证原件" and twin["location"].startswith("示例市市民中心")
    assert twin["page_url"] == f"http://testserver/doc/{CITY_CARD.id}" and twin["online_url"]
    item = site.get("/item/G003").text
    assert 'href="tel:099912333"' in item


def test_a_search_that_finds_nothing_is_never_a_dead_end(site: TestClient) -> None:
    nothing = site.get("/s", params={"wd": "量子引力波"}).text
    assert 'href="tel:12345"' in nothing and "12345 政务服务便民热线" in nothing
    assert "常办场景" in nothing and "/scenario/retire" in nothing and "按部门查找办事服务" in nothing
    # a query that shares wording with a scenario offers that one (and not the unrelated ones)
    near = site.get("/s", params={"wd": "量子领证"}).text
    assert "相关场景" in near and "/scenario/marry" in near and "/scenario/retire" not in near
    narrowed = site.get("/s", params={"wd": "社保卡挂失", "publisher": "示例市交通警察支队"}).text
    assert "去掉筛选条件后搜索“社保卡挂失”，可找到" in narrowed
    assert 'href="tel:12333"' in narrowed  # the department of the item card, by its phone
    body = site.get("/api/v1/search", params={"q": "量子引力波"}).json()
    assert body["help"][-1]["phones"][0]["tel"] == "12345" and body["broader"] is None
    assert site.get("/api/v1/search", params={"q": "社保卡挂失"}).json()["help"] == []  # found enough


def test_errors_are_pages_for_browsers_and_json_for_the_api(site: TestClient) -> None:
    page = site.get("/no/such/page")
    assert page.status_code == 404 and page.headers["content-type"].startswith("text/html")
    assert "您要找的页面不存在" in page.text and 'href="/"' in page.text and "tel:12345" in page.text
    api = site.get("/api/v1/no/such")
    assert api.status_code == 404 and api.json()["error"]["code"] == "not_found"
    invalid = site.get("/doc/x", params={}, headers={"accept": "text/html"})
    assert invalid.status_code == 404 and "该文件不存在" in invalid.text
    wrong_method = site.post("/s")
    assert wrong_method.status_code == 405 and "不支持这种访问方式" in wrong_method.text


def test_server_errors_are_a_page_in_the_sites_style(tmp_path_factory: pytest.TempPathFactory) -> None:
    app = citizen_app(tmp_path_factory.mktemp("broken"))

    def broken(*_args: object, **_kwargs: object) -> None:
        raise RuntimeError("the index is gone")

    with TestClient(app, raise_server_exceptions=False) as client:
        app.state.search_engine.search = broken
        page = client.get("/s", params={"wd": "社保"})
        assert (
            page.status_code == 500 and "服务出了点问题" in page.text and "the index is gone" not in page.text
        )
        api = client.get("/api/v1/search", params={"q": "社保"})
        assert api.status_code == 500 and api.json()["error"]["code"] == "internal_error"


def test_a_region_filter_given_as_a_code_shows_no_zero_count(site: TestClient) -> None:
    page = site.get("/s", params={"wd": "社保卡", "region": "990100"}).text
    assert "(0)" not in page and 'aria-current="true" class="current">990100</a>' in page
    assert '<span class="date">' in page  # dates never break at a hyphen on a phone
