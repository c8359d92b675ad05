from __future__ import annotations

from pathlib import Path

import pytest

from synonyms.expansion import default_synonym_paths
from synonyms.loader import SynonymFileError, load_synonym_files, parse_synonyms
from synonyms.rules import SynonymRule


def _errors(text: str, filename: str = "t.txt") -> tuple[str, ...]:
    with pytest.raises(SynonymFileError) as info:
        parse_synonyms(text, filename)
    return info.value.errors


def test_one_way_and_equivalent_rules_with_comments() -> None:
    text = (
        "# heading\n"
        "\n"
        "老年社保, 农村养老保险 => 城乡居民基本养老保险   # 合并后的名称\n"
        "社保, 社会保险\n"
        "   # indented comment\n"
    )
    rules = parse_synonyms(text, "a.txt")
    assert rules == [
        SynonymRule(
            kind="one_way",
            terms_from=("老年社保", "农村养老保险"),
            terms_to=("城乡居民基本养老保险",),
            comment="合并后的名称",
            source="a.txt:3",
        ),
        SynonymRule(kind="equivalent", terms_from=("社保", "社会保险"), source="a.txt:4"),
    ]


def test_full_width_comma_arrow_and_comment_mark() -> None:
    (rule,) = parse_synonyms("退休金，养老金 ＝＞ 基本养老金 ＃ 全角\n", "f.txt")
    assert rule.terms_from == ("退休金", "养老金")
    assert rule.terms_to == ("基本养老金",)
    assert rule.comment == "全角"


def test_traditional_script_is_normalised() -> None:
    (rule,) = parse_synonyms("換身份證 => 居民身份證換領\n", "t.txt")
    assert rule.terms_from == ("换身份证",)
    assert rule.terms_to == ("居民身份证换领",)


def test_byte_order_mark_is_ignored() -> None:
    (rule,) = parse_synonyms("\ufeff社保, 社会保险\n", "t.txt")
    assert rule.source == "t.txt:1"


@pytest.mark.parametrize(
    ("line", "problem"),
    [
        ("=> 基本养老金", '"=>" 左边为空'),
        ("退休金 =>", '"=>" 右边为空'),
        ("退休金, , 养老金 => 基本养老金", "有空词"),
        ("退休金 => 基本养老金 => 养老待遇", '多个 "=>"'),
        ("养老金 => 养老金", "把“养老金”映射到它自己"),
        ("養老金 => 养老金", "把“养老金”映射到它自己"),
        ("退休金, 退休金 => 基本养老金", "出现了两次"),
        ("社保, 社会保险, 社保", "出现了两次"),
        ("社保", "至少需要两个不同的词"),
        ("社保, 社保", "至少需要两个不同的词"),
        ("社" * 31 + " => 社会保险", "有 31 个字"),
        ("！！ => 社会保险", "没有可检索的字符"),
    ],
)
def test_each_error_kind_names_file_and_line(line: str, problem: str) -> None:
    errors = _errors(f"# ok\n社保卡, 社会保障卡\n{line}\n", "bad.txt")
    assert any(e.startswith("bad.txt:3: ") and problem in e for e in errors), errors


def test_duplicate_rule_names_both_lines() -> None:
    errors = _errors("社保, 社会保险\n# x\n社会保险, 社保\n")
    assert errors == ("t.txt:3: 同一条规则已在 t.txt:1 定义（t.txt:3 重复）",)


def test_same_left_term_with_same_target_names_both_lines() -> None:
    errors = _errors("驾照, 驾驶证 => 机动车驾驶证\n驾照 => 机动车驾驶证, 驾驶证\n")
    assert len(errors) == 1
    assert errors[0].startswith("t.txt:2: 驾照 => 机动车驾驶证 已在 t.txt:1 定义")


def test_same_left_term_with_other_targets_is_allowed() -> None:
    rules = parse_synonyms("驾照 => 机动车驾驶证\n驾照 => 驾驶证\n", "t.txt")
    assert len(rules) == 2


def test_all_errors_in_a_file_are_reported_together() -> None:
    text = "社保\n社保卡, 社会保障卡\n=> 城乡居民基本养老保险\n低保 => 低保\n社保卡, 社会保障卡\n"
    errors = _errors(text, "many.txt")
    assert [e.split(": ", 1)[0] for e in errors] == ["many.txt:1", "many.txt:3", "many.txt:4", "many.txt:5"]
    assert "many.txt:2" in errors[-1]
    assert str(_exc(text)).count("\n") == 3


def _exc(text: str) -> SynonymFileError:
    with pytest.raises(SynonymFileError) as info:
        parse_synonyms(text, "many.txt")
    return info.value


def test_load_files_reports_errors_of_every_file_and_cross_file_duplicates(tmp_path: Path) -> None:
    first = tmp_path / "one.txt"
    second = tmp_path / "two.txt"
    first.write_text("社保, 社会保险\n低保 =>\n", encoding="utf-8")
    second.write_text("# c\n社保, 社会保险\n", encoding="utf-8")
    with pytest.raises(SynonymFileError) as info:
        load_synonym_files([first, second])
    assert info.value.errors == (
        'one.txt:2: "=>" 右边为空',
        "two.txt:2: 同一条规则已在 one.txt:1 定义（two.txt:2 重复）",
    )


def test_load_files_reports_unreadable_file(tmp_path: Path) -> None:
    with pytest.raises(SynonymFileError, match=r"missing\.txt: 无法读取"):
        load_synonym_files([tmp_path / "missing.txt"])


def test_load_files_locates_rules_by_file_name(tmp_path: Path) -> None:
    path = tmp_path / "extra.txt"
    path.write_text("# x\n律所 => 律师事务所  # 简称\n", encoding="utf-8")
    (rule,) = load_synonym_files([path])
    assert rule.source == "extra.txt:2"
    assert rule.comment == "简称"


def test_rule_model_is_frozen_and_checks_its_shape() -> None:
    rule = SynonymRule(kind="equivalent", terms_from=("社保", "社会保险"))
    with pytest.raises(ValueError):
        rule.comment = "x"
    with pytest.raises(ValueError):
        SynonymRule(kind="one_way", terms_from=("社保",))
    with pytest.raises(ValueError):
        SynonymRule(kind="equivalent", terms_from=("社保",))
    assert rule.pairs() == (("社保", "社会保险"), ("社会保险", "社保"))


def test_packaged_dictionaries_load_with_comment_owner_category_and_origin_on_every_rule() -> None:
    paths = default_synonym_paths()
    names = ["catalogue_names.txt", "message_bridges.txt", "plain_language.txt"]
    assert [p.name for p in paths] == names
    rules = load_synonym_files(paths)
    assert len(rules) >= 130  # 19 rules written only for development queries were removed (issue 13)
    assert all(rule.comment and rule.owner and rule.category and rule.origin for rule in rules)
    assert {rule.source.split(":")[0] for rule in rules} == set(names)
