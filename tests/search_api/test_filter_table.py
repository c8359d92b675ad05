"""Filters come from one table: 主题分类 and 有效性 were added as one row each (plus their index fields),
and they reach the API, its documentation, the validation, the facets and the pages."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from govsearch.app import create_app
from indexer.fields import KEYWORD_FIELDS
from search_api.engine.filters import FILTERS, FilterKind
from tests.factories import build_data_dir, guide, policy

DOCUMENTS = [
    guide("社会保障卡申领", "T001", subjects=["社会保障"]),
    guide("社会保障卡挂失", "T002", subjects=["社会保障", "证件办理"]),
    policy("示例市社会保障卡管理办法", "示政〔2015〕3号", "（本文件已废止）\n社会保障卡的发放适用本办法。"),
    policy(
        "示例市社会保障卡服务规定",
        "示政〔2023〕9号",
        "社会保障卡的申领和服务适用本规定。",
        subject="劳动、人事、监察\\社会保障",
        validity="现行有效",
    ),
    policy("示例市社会保障卡临时规定", "示政〔2019〕1号", "社会保障卡临时使用规定。", validity="失效"),
]


@pytest.fixture(scope="module")
def client(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    settings = build_data_dir(tmp_path_factory.mktemp("filters"), DOCUMENTS)
    with TestClient(create_app(settings)) as test_client:
        yield test_client


def _search(client: TestClient, **params: str) -> dict:  # type: ignore[type-arg]
    response = client.get("/api/v1/search", params={"q": "社会保障卡", **params})
    assert response.status_code == 200, response.text
    return response.json()  # type: ignore[no-any-return]


def test_every_filter_names_an_index_field_the_backends_keep() -> None:
    for spec in FILTERS:
        if spec.kind is FilterKind.KEYWORD:
            assert spec.index_field in KEYWORD_FIELDS, spec.name
            assert not spec.facet_field or spec.facet_field in KEYWORD_FIELDS, spec.name  # "": no facet


def test_subject_and_validity_are_counted_as_facets(client: TestClient) -> None:
    facets = _search(client)["facets"]
    subjects = {f["value"]: f["count"] for f in facets["subject"]}
    assert subjects == {"社会保障": 2, "证件办理": 1, "劳动、人事、监察": 1}
    validity = {f["value"]: f["count"] for f in facets["validity"]}
    assert validity == {"现行有效": 3, "已废止": 1, "已失效": 1}


def test_subject_and_validity_filter_the_results(client: TestClient) -> None:
    assert {h["title"] for h in _search(client, subject="证件办理")["hits"]} == {"社会保障卡挂失"}
    repealed = _search(client, validity="已废止")
    assert [h["title"] for h in repealed["hits"]] == ["示例市社会保障卡管理办法"]
    assert repealed["hits"][0]["status_label"] == "已废止"
    expired = _search(client, validity="已失效", type="policy")
    assert [h["title"] for h in expired["hits"]] == ["示例市社会保障卡临时规定"]
    # each facet is counted without its own filter, so the other values stay on offer
    assert {f["value"] for f in repealed["facets"]["validity"]} == {"现行有效", "已废止", "已失效"}


def test_a_wrong_value_is_a_clear_422(client: TestClient) -> None:
    response = client.get("/api/v1/search", params={"q": "社保卡", "validity": "有效期内"})
    assert response.status_code == 422
    assert response.json()["error"] == {
        "code": "invalid_parameter",
        "message": "有效性只能是 现行有效、已废止 或 已失效",
        "field": "validity",
    }
    too_long = client.get("/api/v1/search", params={"q": "社保卡", "subject": "主" * 51})
    assert too_long.status_code == 422 and too_long.json()["error"]["field"] == "subject"


def test_the_api_documents_every_filter(client: TestClient) -> None:
    operation = client.get("/openapi.json").json()["paths"]["/api/v1/search"]["get"]
    documented = {p["name"] for p in operation["parameters"]}
    assert {f.name for f in FILTERS} | {"q", "page", "size", "sort", "nc"} <= documented


def test_the_page_offers_and_names_the_new_filters(client: TestClient) -> None:
    page = client.get("/s", params={"wd": "社会保障卡"}).text
    assert "主题分类" in page and "有效性" in page and "证件办理" in page
    chosen = client.get("/s", params={"wd": "社会保障卡", "validity": "已废止"})
    assert chosen.status_code == 200
    results = chosen.text.split('class="results"')[1]  # titles are highlighted: <em>社会保障卡</em>
    assert "已废止" in chosen.text and "管理办法" in results and "服务规定" not in results
    bad = client.get("/s", params={"wd": "社会保障卡", "validity": "x"})
    assert bad.status_code == 422 and "有效性只能是" in bad.text
    assert 'rel="alternate"' in bad.headers["link"] and "validity=x" in bad.headers["link"]


def test_filters_without_a_query_list_the_newest_documents(client: TestClient) -> None:
    listing = client.get("/api/v1/search", params={"type": "policy"})
    assert listing.status_code == 200, listing.text
    body = listing.json()
    assert body["total"] == 3 and body["sort"] == "date"
    dates = [h["date"] for h in body["hits"]]
    assert dates == sorted(dates, reverse=True)
    assert {f["value"] for f in body["facets"]["validity"]} == {"现行有效", "已废止", "已失效"}
    page = client.get("/s", params={"subject": "社会保障"})
    assert page.status_code == 200 and "社会保障卡申领" in page.text and "社会保障卡挂失" in page.text
    nothing = client.get("/api/v1/search", params={"q": ""})
    assert nothing.status_code == 422 and nothing.json()["error"]["message"] == "请输入搜索内容"
    assert "" not in client.get("/api/v1/hot").json()["hot"]  # browsing is not logged as a query
