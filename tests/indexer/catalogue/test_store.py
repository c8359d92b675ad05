"""Grouping of regional variants, and links kept current without touching the index."""

from __future__ import annotations

import pytest

from indexer.catalogue import upkeep
from indexer.catalogue.formats import read_catalogue
from indexer.catalogue.store import ItemStore
from indexer.catalogue.upkeep import update_links
from indexer.documents import CatalogueItem
from indexer.importer import ImportReport
from indexer.storage import Database
from indexer.store import Store
from tests.factories import guide, policy
from tests.shared_data import shared_path


def test_the_same_item_at_province_and_city_is_one_group(store_db: Database) -> None:
    items = ItemStore(Store(store_db))
    imported = read_catalogue(shared_path("data/service_items/guangdong.jsonl"), ImportReport())
    assert items.upsert_items(x.item for x in imported) == 2262
    group = items.group("律师执业证书注销审核(律师执业证书注销)")
    assert [(i.level, i.region) for i in group] == [("省", "广东省"), ("市", "广东省广州市")]
    assert len({i.basic_code for i in group}) == 1
    assert items.group("律师执业证书注销审核（律师执业证书注销）") == group  # brackets do not matter


def test_links_follow_document_and_catalogue_changes(store_db: Database) -> None:
    store = Store(store_db)
    items = ItemStore(store)
    text = "参保人遗失社会保障卡的，可以办理社会保障卡挂失。"
    notice = policy("示例市社会保障卡服务通知", "示人社〔2024〕3号", text)
    other = policy("示例市住房公积金通知", "示政〔2024〕9号", "职工可以提取住房公积金。")
    card_guide = guide("社会保障卡挂失", "G003")
    store.upsert([notice, other, card_guide])

    first = update_links(store, items)
    assert first.items_from_guides == 1 and first.documents_linked == 3
    links = items.links_of_docs([notice.id, card_guide.id], 0.0)
    assert [(ln.item_key, ln.rule) for ln in links[notice.id]] == [("G003", "body_name")]
    assert links[notice.id][0].evidence == text
    assert [(ln.item_key, ln.rule) for ln in links[card_guide.id]] == [("G003", "guide")]
    assert update_links(store, items).documents_linked == 0  # nothing changed

    store.upsert([other.model_copy(update={"body": "职工可以办理社会保障卡挂失。"})])
    again = update_links(store, items)
    assert again.documents_linked == 1
    assert [ln.item_key for ln in items.links_of_docs([other.id], 0.0)[other.id]] == ["G003"]

    items.upsert_items([CatalogueItem(name="住房公积金提取", code="H1")])
    assert update_links(store, items).documents_linked == 0  # a new item no document names
    items.upsert_items([CatalogueItem(name="社会保障卡挂失", code="H2", region="示例区")])
    assert update_links(store, items).documents_linked == 2  # the two policies that name it
    assert "H2" in {ln.item_key for ln in items.links_of_docs([notice.id], 0.0)[notice.id]}
    items.upsert_items([CatalogueItem(name="社会保障卡挂失", code="H2", region="示例区", online_url="u")])
    assert update_links(store, items).documents_linked == 0  # the same names: no link can change
    items.upsert_items([CatalogueItem(name="出生医学证明补发", code="H2", region="示例区")])
    assert update_links(store, items).documents_linked == 2  # renamed: the documents linked to it
    assert "H2" not in {ln.item_key for ln in items.links_of_docs([notice.id], 0.0)[notice.id]}
    store.withdraw([notice.id])
    update_links(store, items)
    assert items.links_of_docs([notice.id], 0.0)[notice.id] == []


def test_a_changed_guide_updates_its_item_and_keeps_catalogue_extras(store_db: Database) -> None:
    store = Store(store_db)
    items = ItemStore(store)
    first = guide("社会保障卡挂失", "G003", authority="示例市社保局")
    items.upsert_items([CatalogueItem.from_guide(first, aliases=["社保卡挂失"])])
    store.upsert([first])
    assert update_links(store, items).items_from_guides == 0  # the catalogue already has it
    store.upsert([first.model_copy(update={"authority": "示例市人力资源和社会保障局"})])
    assert update_links(store, items).items_from_guides == 1
    item = items.get("G003")
    assert item is not None and item.authority == "示例市人力资源和社会保障局"
    assert item.aliases == ["社保卡挂失"]


def test_sub_items_of_one_parent_item_are_siblings(store_db: Database) -> None:
    items = ItemStore(Store(store_db))
    for name in ("data/service_items/guangdong.jsonl", "data/catalogue/sichuan_guangan.csv"):
        items.upsert_items(x.item for x in read_catalogue(shared_path(name), ImportReport()))
    lost = items.group("社会保障卡挂失")[0]
    assert [s.name for s in items.siblings(lost)] == ["社会保障卡解挂"]
    animals = items.group("实验动物生产许可(变更)")[0]
    siblings = items.siblings(animals)
    assert "实验动物生产许可(注销)" in {s.name for s in siblings}
    assert all(s.region == animals.region for s in siblings)
    assert items.siblings(CatalogueItem(name="孤立事项", code="X")) == []


def test_new_linking_rules_relink_every_document_once(
    store_db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    store = Store(store_db)
    items = ItemStore(store)
    store.upsert([guide("社会保障卡挂失", "G003"), policy("通知", "", "可以办理社会保障卡挂失。")])
    assert update_links(store, items).documents_linked == 2
    monkeypatch.setattr(upkeep, "rules_fingerprint", lambda: "rules-of-tomorrow")
    assert update_links(store, items).documents_linked == 2
    assert update_links(store, items).documents_linked == 0
