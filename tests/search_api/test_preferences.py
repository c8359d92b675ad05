"""The 个人/法人 and region preferences in the engine: a reranker factor (not a filter), and the item
card's regional variant."""

from __future__ import annotations

from indexer.backends.base import BackendHit
from indexer.documents import CatalogueItem
from search_api.engine import ranking
from search_api.engine.corpus import Corpus, DocInfo
from search_api.engine.query import analyse
from search_api.engine.regional import regional_variant
from search_api.engine.rerank import Preference, QueryWord, rerank

GUANGZHOU = ("广东省广州市", "广东省", "广州市", "440100")


def _corpus() -> Corpus:
    return Corpus(
        docs={
            "province": DocInfo(
                "guide", "社会保障卡补领", None, False, "", (), ("广东省", "440000"), ("个人",)
            ),
            "city": DocInfo("guide", "社会保障卡补领", None, False, "", (), GUANGZHOU, ("个人", "法人")),
            "other": DocInfo("guide", "社会保障卡挂失", None, False, "", (), ("四川省", "510000"), ("法人",)),
        }
    )


def _ranked(prefer: Preference) -> list[str]:
    hits = [BackendHit("province", 10.0), BackendHit("city", 9.9), BackendHit("other", 9.8)]
    found = rerank(
        hits,
        [QueryWord("社会保障卡"), QueryWord("补领")],
        analyse("社会保障卡补领"),
        _corpus(),
        prefer=prefer,
    )
    return [h.id for h in found]


def test_the_chosen_region_and_audience_come_first_and_nothing_is_left_out() -> None:
    assert _ranked(Preference()) == ["province", "city", "other"]
    assert _ranked(Preference(region="440100")) == ["city", "province", "other"]
    assert _ranked(Preference(region="广州市")) == ["city", "province", "other"]
    assert _ranked(Preference(audience="法人")) == ["city", "province", "other"]
    # A preference reorders equals; it does not lift a poor match (挂失 for 补领) over good ones.
    assert _ranked(Preference(region="510000", audience="法人"))[-1] == "other"
    city = _corpus().docs["city"]
    both = ranking.REGION_PREFERENCE_FACTOR * ranking.AUDIENCE_PREFERENCE_FACTOR
    assert Preference("440100", "个人").factor(city) == both


def test_the_regional_variant_is_the_regions_own_or_one_usable_there_never_anothers() -> None:
    province = CatalogueItem(
        name="社会保障卡补领", code="A", region="广东省", region_code="440000", level="省"
    )
    city = CatalogueItem(
        name="社会保障卡补领", code="B", region="广东省广州市", region_code="440100", level="市"
    )
    sichuan = CatalogueItem(
        name="社会保障卡补领", code="C", region="四川省", region_code="510000", level="省"
    )
    assert regional_variant([province, city, sichuan], "440100") is city
    assert regional_variant([province, sichuan], "440100") is province  # the province above the city
    assert regional_variant([sichuan], "440100") is None
    assert regional_variant([sichuan, province], "") is sichuan  # no region chosen: the first
