"""Dictionary metadata and cycles, the catalogue import, the 词林 layer, segmentation consistency."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from indexer.analysis import add_word, segment_for_index, segment_query
from indexer.backends.tantivy_backend import TantivyBackend
from indexer.pipeline import update_index
from indexer.storage import Database
from indexer.store import Store
from search_api.engine.models import Expansion
from search_api.engine.search import SearchEngine
from synonyms.catalogue import CatalogueFileError, import_catalogue
from synonyms.cilin import CILIN_WEIGHT, cilin_rules, filter_classes, load_cilin, parse_cilin
from synonyms.expansion import LayeredSynonyms, SynonymSet, default_synonym_paths
from synonyms.loader import SynonymFileError, load_synonym_files, parse_synonyms
from synonyms.staff_rules import StaffRule, validate
from synonyms.writer import format_rules
from tests.factories import guide
from tests.shared_data import shared_path


def test_owner_and_category_lines_apply_to_the_rules_below() -> None:
    text = (
        "@owner 户政组\n@category 户籍\n户口本 => 居民户口簿  # 法定名称\n"
        "@category 证件\n驾照 => 驾驶证  # 简称\n"
    )
    first, second = parse_synonyms(text, "t.txt")
    assert (first.owner, first.category, first.comment) == ("户政组", "户籍", "法定名称")
    assert (second.owner, second.category) == ("户政组", "证件")


def test_every_packaged_rule_says_where_its_everyday_phrase_comes_from() -> None:
    rules = load_synonym_files(default_synonym_paths())
    assert rules
    assert [r.source for r in rules if not r.origin] == []
    parsed = parse_synonyms("@origin 群众留言\n户口本 => 居民户口簿\n", "t.txt")
    assert [r.origin for r in parsed] == ["群众留言"]


def test_the_writer_keeps_the_origin_of_each_rule() -> None:
    text = "@origin 目录简称\n设所 => 律师事务所设立许可\n@origin 群众留言\n户口本 => 居民户口簿\n"
    rules = parse_synonyms(text, "t.txt")
    again = parse_synonyms(format_rules(rules), "t.txt")
    assert [r.origin for r in again] == ["目录简称", "群众留言"]


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("@team 户政组\n", "t.txt:1: 未知的 @team 行"),
        ("@owner\n", "t.txt:1: @owner 后面需要写内容"),
        ("甲方 => 乙方\n乙方 => 甲方\n", "t.txt:2: 规则形成循环：甲方 => 乙方 => 甲方（t.txt:1, t.txt:2）"),
        ("甲方 => 乙方\n乙方 => 丙方\n丙方 => 甲方\n", "循环：甲方 => 乙方 => 丙方 => 甲方"),
    ],
)
def test_validator_reports_directives_and_cycles_with_file_and_line(text: str, problem: str) -> None:
    with pytest.raises(SynonymFileError) as info:
        parse_synonyms(text, "t.txt")
    assert any(problem in error for error in info.value.errors), info.value.errors


def test_a_chain_without_a_loop_is_not_a_cycle() -> None:
    assert len(parse_synonyms("驾照 => 驾驶证\n驾驶证 => 机动车驾驶证\n", "t.txt")) == 2


def test_staff_rules_are_validated_together_with_the_packaged_ones() -> None:
    fixed = parse_synonyms("身份证 => 居民身份证  # 法定名称\n", "plain.txt")
    validate([StaffRule(id=1, line="二代证 => 居民身份证")], fixed)
    with pytest.raises(ValueError, match=r"plain\.txt:1"):
        validate([StaffRule(id=1, line="身份证 => 居民身份证")], fixed)
    with pytest.raises(ValueError, match="循环"):
        validate([StaffRule(id=2, line="居民身份证 => 身份证")], fixed)
    validate([StaffRule(id=2, line="居民身份证 => 身份证", enabled=False)], fixed)  # disabled: not live


def _catalogue(tmp_path: Path, items: list[dict[str, object]]) -> Path:
    path = tmp_path / "items.jsonl"
    path.write_text("\n".join(json.dumps(i, ensure_ascii=False) for i in items) + "\n", encoding="utf-8")
    return path


def _item(name: str, daily: str, short: str = "无", code: str = "C1") -> dict[str, object]:
    return {"事项名称": name, "事项编码": code, "_raw": {"matter_daily": daily, "matter_short": short}}


def test_catalogue_names_become_candidates_and_vague_ones_are_left_out(tmp_path: Path) -> None:
    items = [
        _item("律师事务所基本信息查询", "律所查询,查询律所，找律所", "律所查询", "A1"),
        _item("律师执业证书注销审核", "注销律师证、律师证注销", code="A2"),
        _item("办理往来港澳通行证", "港澳通行证", code="A3"),  # inside the official name already
        _item("甲证变更", "变更"),
        _item("乙证变更", "变更"),
        _item("丙证变更", "变更"),
        _item("丁证核发", "变更"),  # "变更" appears in three official names: a generic word
        _item("社会保障卡挂失", "社保卡挂失（"),  # a cut-off phrase with a bracket
    ]
    existing = parse_synonyms("律师证 => 律师执业证书\n", "plain.txt")
    text, report = import_catalogue(_catalogue(tmp_path, items), existing)
    lines = [line for line in text.splitlines() if "=>" in line]
    assert lines == [
        "律所查询, 查询律所, 找律所 => 律师事务所基本信息查询   # 目录日常用语，事项编码 A1",
        "注销律师证, 律师证注销 => 律师执业证书注销审核   # 目录日常用语，事项编码 A2",
    ]
    assert "@owner 待审核：目录导入" in text and "未经审核，不会生效" in text
    assert report.items == 8 and len(report.rules) == 2
    assert report.skipped["已包含在事项名称中"] == 4
    assert report.skipped["含括号（常为截断的说法）"] == 1
    assert report.skipped["出现在 3 个以上事项名称中（通用词）"] == 1
    assert all(rule.owner == "待审核：目录导入" for rule in parse_synonyms(text, "candidates.txt"))


def test_catalogue_with_a_broken_line_names_file_and_line(tmp_path: Path) -> None:
    path = tmp_path / "items.jsonl"
    path.write_text(json.dumps(_item("甲证办理", "甲证"), ensure_ascii=False) + "\n{oops\n", encoding="utf-8")
    with pytest.raises(CatalogueFileError, match=r"items\.jsonl:2"):
        import_catalogue(path, [])


CILIN_SAMPLE = """A 人
Aa01A01= 人 士 人物 人士 人氏 人选
Bp18A06= 户口簿 户口册 户口本
Bp19B01# 证书 证明 证件
Dm05A12= 高级中学 高中 普高
Dm05A13= 高中 高级中学部
Hj01A01@ 独一无二
Ae15A01= 医生 医师 医 大夫 郎中 先生 白衣战士 卫生工作者
"""


def test_cilin_filter_keeps_small_unambiguous_multi_character_classes() -> None:
    kept = dict(filter_classes(parse_cilin(CILIN_SAMPLE.splitlines()), frequency=lambda word: 100))
    assert kept["Bp18A06="] == ("户口簿", "户口册", "户口本")
    assert kept["Dm05A12="] == ("高级中学", "普高")  # 高中 has two senses: dropped
    assert "Aa01A01=" in kept and "人" not in kept["Aa01A01="]  # no single characters
    assert "Ae15A01=" not in kept  # seven multi-character words: too loose a class
    assert "Bp19B01#" not in kept and "Hj01A01@" not in kept  # related / single-word lines
    common = dict(filter_classes(parse_cilin(CILIN_SAMPLE.splitlines())))  # jieba's real frequencies
    assert common["Bp18A06="] == ("户口簿", "户口本")  # 户口册 is a rare word


def test_cilin_layer_is_low_weight_and_only_where_no_reviewed_rule_fired(tmp_path: Path) -> None:
    path = tmp_path / "cilin.txt"
    path.write_text(CILIN_SAMPLE, encoding="utf-8")
    general = load_cilin(path)
    reviewed = SynonymSet.from_rules(parse_synonyms("户口本 => 居民户口簿  # 法定名称\n", "plain.txt"))
    layered = LayeredSynonyms(reviewed, general)
    (match,) = layered.expand(segment_query("户口本"))
    assert match.alternatives == (("居民", "户口簿"),) and match.weight == 1.0
    (match,) = layered.expand(segment_query("户口簿"))
    assert match.weight == CILIN_WEIGHT < 1.0 and match.source == "词林 Bp18A06="
    assert Expansion.of(match).weight == CILIN_WEIGHT


def test_shared_cilin_file_loads_into_thousands_of_filtered_classes() -> None:
    general = load_cilin(shared_path("data/thesaurus/cilin_extended.txt"))
    assert len(general) > 10_000
    assert general.expand(["户口本"]) and not general.expand(["人"])


def test_an_official_name_in_the_user_dictionary_does_not_stop_partial_queries(tmp_path: Path) -> None:
    add_word("城镇职工基本医疗保险")
    assert "城镇职工基本医疗保险" in segment_query("城镇职工基本医疗保险")
    assert {"医疗保险", "城镇职工"} <= set(segment_for_index("城镇职工基本医疗保险参保登记"))
    store = Store(Database.for_path(tmp_path / "store.sqlite3"))
    store.upsert([guide("城镇职工基本医疗保险参保登记", "M001"), guide("机动车驾驶证期满换证", "M002")])
    backend = TantivyBackend(tmp_path / "index", writable=True)
    update_index(store, backend)
    service = SearchEngine(backend, store, SynonymSet.from_rules([]), log_queries=False)
    from search_api.engine.models import SearchRequest

    for query in ("医疗保险", "城镇职工", "城镇职工基本医疗保险"):
        hits = service.search(SearchRequest(q=query)).hits
        assert [h.title for h in hits] == ["城镇职工基本医疗保险参保登记"], query
    backend.close()
    store.close()


def test_expanded_terms_weigh_less_than_the_citizens_words_and_词林_least() -> None:
    from search_api.engine import ranking
    from search_api.engine.models import SearchRequest
    from search_api.engine.query import analyse
    from search_api.engine.query_builder import build_query

    reviewed = SynonymSet.from_rules(parse_synonyms("老年社保 => 城乡居民基本养老保险  # 合并\n", "p.txt"))
    general = SynonymSet.from_rules(cilin_rules([("Bp18A06=", ("户口簿", "户口本"))]))
    analysed = analyse("老年社保 户口本")
    tokens = analysed.tokens
    matches = LayeredSynonyms(reviewed, general).expand(tokens)
    query = build_query(analysed, matches, SearchRequest(q="老年社保 户口本"))
    own = [g.clauses[0].boost for g in query.groups[: len(tokens)]]  # each token's own clause
    expanded = [g.clauses[0].boost for g in query.groups[len(tokens) :]]
    assert own == [1.0] * len(tokens)
    assert expanded == [ranking.SYNONYM_BOOST, ranking.SYNONYM_BOOST * CILIN_WEIGHT]
    assert 1.0 > expanded[0] > expanded[1]
