"""Index values behind the 个人/法人, 层级 and 区划 filters."""

from __future__ import annotations

from indexer.documents import Audience, Document, audiences_of, level_of
from indexer.fields import KEYWORD_FIELDS
from indexer.regions import area_values, region_filter_values, region_parts
from tests.factories import guide, policy


def catalogue_facets(doc: Document) -> dict[str, tuple[str, ...]]:
    return {name: KEYWORD_FIELDS[name](doc) for name in ("audience", "level", "area")}


def test_levels_from_labels_and_codes() -> None:
    assert [level_of(x) for x in ("省级", "市级", "县级", "区级", "国家级", "")] == [
        "省",
        "市",
        "区县",
        "区县",
        "国家",
        "",
    ]
    assert [level_of("", c) for c in ("440000", "440100", "511602", "100000", "x")] == [
        "省",
        "市",
        "区县",
        "国家",
        "",
    ]


def test_audiences_from_service_objects() -> None:
    assert audiences_of(["自然人"]) == [Audience.PERSON]
    assert audiences_of(["企业法人", "事业法人", "其他组织"]) == [Audience.ORGANISATION]
    assert audiences_of(["自然人", "社会组织法人"]) == [Audience.PERSON, Audience.ORGANISATION]


def test_region_names_split_into_their_parts() -> None:
    assert region_parts("广东省广州市") == ["广东省广州市", "广东省", "广州市"]
    assert region_parts("四川省广安市广安区") == ["四川省广安市广安区", "四川省", "广安市", "广安区"]
    assert area_values("广东省广州市", "440100") == ("广东省广州市", "广东省", "广州市", "440100")


def test_facets_of_guides_and_policies() -> None:
    g = guide("社会保障卡挂失", "G1", region="广东省广州市", region_code="440100", service_objects=["自然人"])
    assert catalogue_facets(g) == {
        "audience": ("个人",),
        "level": ("市",),
        "area": ("广东省广州市", "广东省", "广州市", "440100", "^广州市", "^440100"),
    }
    national = policy("国务院关于某事的通知", "国发〔2019〕1号", "正文", issuer="国务院", site="")
    assert catalogue_facets(national) == {"audience": (), "level": ("国家",), "area": ("^全国",)}
    local = policy("示例市通知", "", "正文", region="示例市")
    assert catalogue_facets(local)["level"] == ("市",)
    city = policy("广州市通知", "", "正文", region="广东省广州市")
    assert catalogue_facets(city)["level"] == ("市",)


def test_a_region_filter_reaches_up_to_the_province_and_the_nation() -> None:
    assert region_filter_values("440100") == ("440100", "^440000", "^全国")
    assert region_filter_values("511602") == ("511602", "^510000", "^511600", "^全国")
    assert region_filter_values("广东省广州市") == ("广东省广州市", "^广东省", "^全国")
    assert region_filter_values("广州市") == ("广州市", "^全国")  # a bare name: what is above is unknown
    province = guide("某事项", "G2", region="广东省", region_code="440000")
    assert set(region_filter_values("440100")) & set(catalogue_facets(province)["area"]) == {"^440000"}
