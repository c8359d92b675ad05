"""Issue 13 part B through the real app over the shared corpus (Guangdong items, the 60 State Council
pages, the 四川 广安区 catalogue): region, qualifiers, abbreviations, initials and variant characters.
None of these queries is in the development set or the held-out sets."""

from __future__ import annotations

import datetime as dt

from fastapi.testclient import TestClient

from indexer.backends.base import BackendHit
from search_api.engine.corpus import Corpus, DocInfo
from search_api.engine.query import analyse
from search_api.engine.regional import enclosing_markers
from search_api.engine.rerank import Preference, QueryWord, rerank, unasked_qualifier
from tests.search_api.test_unseen_examples import client, search, settings, titles

__all__ = ["client", "settings"]  # the module fixtures: one index of the shared corpus


def test_a_city_filter_keeps_the_provinces_services_its_residents_use(client: TestClient) -> None:
    passports = titles(search(client, q="护照", region="广州市"))
    assert passports and passports[0] == "办理及加注普通护照"  # a 广东省 service, usable in 广州
    lost_card = titles(search(client, q="社保卡挂失", region="广州市"))
    assert lost_card and "高等职业学校" not in lost_card[0]  # the city's only word match was unrelated


def test_enclosing_regions_come_from_the_collections_own_region_names() -> None:
    known = [("广东省", "440000"), ("广东省广州市", "440100"), ("四川省广安市广安区", "511602")]
    assert enclosing_markers("广州市", known) == ("^广东省", "^440000")
    assert enclosing_markers("广安区", known) == ("^四川省", "^广安市", "^510000", "^511600")
    assert enclosing_markers("广东省", known) == ()  # nothing above a province
    assert enclosing_markers("440100", known) == enclosing_markers("广东省广州市", known) == ()
    assert enclosing_markers("深圳市", known) == ()  # unknown: the filter stays as it was


def _info(title: str, areas: tuple[str, ...]) -> DocInfo:
    return DocInfo("guide", title, None, False, "", areas=areas)


def test_the_preferred_region_does_not_lift_an_unrelated_document_of_that_region() -> None:
    corpus = Corpus(
        docs={
            "province": _info("社会保障卡挂失", ("广东省", "440000")),
            "city": _info("高等职业学校设立", ("广东省广州市", "广东省", "广州市", "440100")),
            "city-card": _info("社会保障卡临时挂失", ("广东省广州市", "广东省", "广州市", "440100")),
        }
    )
    words = [QueryWord("社保卡", (("社会保障卡", 0.6),)), QueryWord("挂失")]
    query = analyse("社保卡挂失")
    hits = [BackendHit("province", 1.0), BackendHit("city", 0.95)]
    prefer = Preference(region="广州市")
    today = dt.date(2026, 11, 30)
    assert [h.id for h in rerank(hits, words, query, corpus, today, prefer)][0] == "province"
    equal = [BackendHit("province", 1.0), BackendHit("city-card", 0.95)]
    assert [h.id for h in rerank(equal, words, query, corpus, today, prefer)][0] == "city-card"


def test_only_qualifiers_that_name_another_population_demote_a_title() -> None:
    assert unasked_qualifier("换发外国人永久居留身份证", "换身份证", [])
    assert unasked_qualifier("办理往来港澳通行证团队游签注", "签注", [])
    assert not unasked_qualifier("企业职工基本养老金申领", "领养老金", [])  # the ordinary pension
    assert not unasked_qualifier("办理往来港澳通行证", "港澳通行证", [])  # said by the citizen


def test_a_citizen_service_named_for_employees_is_not_pushed_down(client: TestClient) -> None:
    # 企业职工 is the pension scheme of most working citizens; 机关事业单位 staff are the narrower group
    found = titles(search(client, q="养老保险个人账户一次性领取"))
    assert found[0] == "企业职工养老保险个人账户一次性待遇申领", found[:3]
    assert titles(search(client, q="养老保险待遇重新核定"))[0] == "企业职工养老保险待遇重核申请"
    assert "外国人" not in titles(search(client, q="换身份证"))[0]
