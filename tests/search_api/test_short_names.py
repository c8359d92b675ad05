"""Clipped words read through the catalogue's short names (`search_api.engine.short_names`), on
hand-made items: the way Chinese short forms keep a non-first character of a word (中央银行 → 央行)."""

from __future__ import annotations

import json
from pathlib import Path

from indexer.catalogue.store import ItemStore
from indexer.documents import CatalogueItem
from indexer.storage import Database
from indexer.store import Store
from search_api.engine.corpus import Corpus, add_titles, build_corpus, store_signature
from search_api.engine.short_names import clipped_from, short_names
from search_api.engine.understanding import clipped_name
from tests.factories import build_data_dir, guide

TITLES = [
    "中国人民银行征信查询",
    "职工因病或非因工致残完全丧失劳动能力提前退休申请",
    "企业职工历史信息审核申请",
    "残疾人证挂失补办",
    "残疾人证注销",
]


def _items() -> list[tuple[str, str | None]]:
    return [
        ("中国人民银行征信查询", json.dumps(["中央银行征信查询"])),
        ("职工因病或非因工致残完全丧失劳动能力提前退休申请", json.dumps(["因病提前退休申请"])),
        ("企业职工历史信息审核申请", json.dumps(["工龄审核", "A类"])),
        ("残疾人证挂失补办", json.dumps(["残疾人证件挂失补办"])),
        ("残疾人证注销", json.dumps(["残疾人证件注销"])),
        ("没有指南的事项", json.dumps(["某某事项简称"])),
    ]


def test_a_word_clipped_from_one_items_short_name_reads_as_that_items_name() -> None:
    names = short_names(_items(), TITLES)
    assert clipped_from("病退", names) == "职工因病或非因工致残完全丧失劳动能力提前退休申请"
    assert clipped_from("央行", names) == "中国人民银行征信查询"


def test_a_word_of_one_items_short_name_reads_as_that_items_name() -> None:
    names = short_names(_items(), TITLES)
    assert clipped_from("工龄", names) == "企业职工历史信息审核申请"  # 工龄 of 工龄审核
    assert clipped_from("工龄", names, whole_words=True) == "企业职工历史信息审核申请"
    assert clipped_from("病退", names, whole_words=True) is None  # spelt apart: a clipping, not a word of it
    title = "定制客运企业信息查询"
    custom = short_names([(title, json.dumps(["定制客运公司查询"]))], [title])
    assert clipped_from("客运公司", custom) is None  # after the qualifier 定制: not what a citizen means
    assert clipped_from("定制客运", custom) == "定制客运企业信息查询"


def test_a_short_name_typed_whole_an_ambiguous_clipping_or_a_lone_letter_reads_as_nothing() -> None:
    names = short_names(_items(), TITLES)
    assert clipped_from("工龄审核", names) is None  # the short name itself: left to the reviewed rules
    assert clipped_from("残证", names) is None  # 残疾人证件… names two items
    assert clipped_from("某简", names) is None  # an item with no title in the collection
    assert "类" not in names.blob.split("\n")  # A类: no lone character line


def test_a_catalogue_change_that_changes_no_document_is_seen(tmp_path: Path) -> None:
    # an import may change only an item's short names: the knowledge's signature changes, the corpus has them
    name = "职工因病或非因工致残提前退休申请"
    settings = build_data_dir(tmp_path, [guide(name, "G-1")])
    store = Store(Database.for_path(settings.store_path))
    before = store_signature(store.database)
    assert clipped_from("病退", build_corpus(store.database).short_names) is None
    item = CatalogueItem.from_guide(guide(name, "G-1"), aliases=["因病提前退休申请"])
    ItemStore(store).upsert_items([item])
    assert store_signature(store.database) != before
    assert clipped_from("病退", build_corpus(store.database).short_names) == name
    store.close()


def test_a_common_word_spelt_inside_a_short_name_is_no_clipping() -> None:
    # 工人 is spelt inside 工伤个人信息变更 (工伤 个人), but a citizen typing it means a worker
    corpus = Corpus()
    add_titles(corpus, ["工伤保险个人基本信息变更", "职工因病或非因工致残完全丧失劳动能力提前退休申请"])
    items = [
        ("工伤保险个人基本信息变更", json.dumps(["工伤个人信息变更"])),
        ("职工因病或非因工致残完全丧失劳动能力提前退休申请", json.dumps(["因病提前退休申请"])),
    ]
    corpus.short_names = short_names(items, corpus.titles)
    assert clipped_from("工人", corpus.short_names) == "工伤保险个人基本信息变更"  # spelt there …
    assert clipped_name("工人", corpus) is None  # … but a word of its own
    assert clipped_name("病退", corpus) == "职工因病或非因工致残完全丧失劳动能力提前退休申请"


def test_a_common_word_typed_as_a_word_of_one_items_short_name_reads_as_that_item() -> None:
    # 工龄 is a common word too, but typed as it stands in 工龄审核, the 日常用语 of one item, it names it
    corpus = Corpus()
    add_titles(corpus, TITLES)
    corpus.short_names = short_names(_items(), corpus.titles)
    assert clipped_name("工龄", corpus) == "企业职工历史信息审核申请"
