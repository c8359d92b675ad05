"""Clipped words read through the catalogue's short names (`search_api.engine.short_names`), on
hand-made items: the way Chinese short forms keep a non-first character of a word (中央银行 → 央行)."""

from __future__ import annotations

import json

from search_api.engine.short_names import clipped_from, short_names

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


def test_a_short_name_typed_whole_an_ambiguous_clipping_or_a_lone_letter_reads_as_nothing() -> None:
    names = short_names(_items(), TITLES)
    assert clipped_from("工龄", names) is None  # the short name itself: left to the reviewed rules
    assert clipped_from("残证", names) is None  # 残疾人证件… names two items
    assert clipped_from("某简", names) is None  # an item with no title in the collection
    assert "类" not in names.blob.split("\n")  # A类: no lone character line
