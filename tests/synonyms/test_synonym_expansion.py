from __future__ import annotations

import pytest

from indexer.analysis import segment_query
from search_api.engine.models import Expansion
from synonyms.expansion import SynonymMatch, SynonymSet, load_default_synonyms
from synonyms.loader import parse_synonyms
from synonyms.rules import SynonymRule

RULES = """\
老年社保, 农村养老保险 => 城乡居民基本养老保险   # 合并
社保, 社会保险                                 # 等价
身份证 => 居民身份证
换身份证 => 居民身份证换领
上学, 入学 => 义务教育入学
"""


@pytest.fixture(scope="module")
def synonyms() -> SynonymSet:
    return SynonymSet.from_rules(parse_synonyms(RULES, "test.txt"))


def _expand(synonyms: SynonymSet, query: str) -> list[SynonymMatch]:
    return synonyms.expand(segment_query(query))


def test_one_way_expands_to_official_tokens(synonyms: SynonymSet) -> None:
    tokens = segment_query("老年社保怎么交")
    (match,) = synonyms.expand(tokens)
    assert (match.start, match.end, match.term) == (0, 2, "老年社保")
    assert "".join(tokens[match.start : match.end]) == "老年社保"
    assert match.alternatives == (tuple(segment_query("城乡居民基本养老保险")),)
    assert match.source == "test.txt:1"


def test_one_way_does_not_run_backwards(synonyms: SynonymSet) -> None:
    assert _expand(synonyms, "城乡居民基本养老保险") == []


def test_traditional_query_expands_like_simplified(synonyms: SynonymSet) -> None:
    traditional = _expand(synonyms, "換身份證")
    assert traditional == _expand(synonyms, "换身份证")
    assert [m.alternatives for m in traditional] == [(tuple(segment_query("居民身份证换领")),)]


def test_raw_traditional_tokens_are_normalised(synonyms: SynonymSet) -> None:
    assert synonyms.expand(["換", "身份證"]) == synonyms.expand(["换", "身份证"])


def test_equivalence_works_both_directions(synonyms: SynonymSet) -> None:
    assert [m.alternatives for m in synonyms.expand(["社保"])] == [(("社会保险",),)]
    assert [m.alternatives for m in synonyms.expand(["社会保险"])] == [(("社保",),)]


def test_longest_match_wins(synonyms: SynonymSet) -> None:
    (match,) = synonyms.expand(["我", "想", "换", "身份证"])
    assert (match.start, match.end, match.term) == (2, 4, "换身份证")
    (shorter,) = synonyms.expand(["身份证", "换"])
    assert (shorter.term, shorter.alternatives) == ("身份证", (("居民身份证",),))


def test_concatenated_tokens_match_a_term_segmented_differently() -> None:
    rules = SynonymSet.from_rules(parse_synonyms("考驾照 => 机动车驾驶人考试\n", "t.txt"))
    assert segment_query("考驾照") == ["考驾照"]
    (match,) = rules.expand(["我要", "考", "驾照"])
    assert (match.start, match.end) == (1, 3)


def test_matches_are_non_overlapping_left_to_right(synonyms: SynonymSet) -> None:
    matches = synonyms.expand(["老年", "社保", "社会保险", "身份证"])
    assert [(m.start, m.end, m.term) for m in matches] == [
        (0, 2, "老年社保"),
        (2, 3, "社会保险"),
        (3, 4, "身份证"),
    ]


def test_tokens_without_rules_give_no_matches(synonyms: SynonymSet) -> None:
    assert synonyms.expand(segment_query("今天天气怎么样")) == []
    assert synonyms.expand([]) == []


def test_alternative_already_in_query_is_not_added(synonyms: SynonymSet) -> None:
    assert _expand(synonyms, "义务教育入学") == []
    assert [m.term for m in _expand(synonyms, "入学")] == ["入学"]


def test_term_in_several_rules_gets_all_targets() -> None:
    rules = SynonymSet.from_rules(parse_synonyms("驾照 => 机动车驾驶证\n驾照 => 驾驶证\n", "t.txt"))
    (match,) = rules.expand(["驾照"])
    assert match.alternatives == (("机动车驾驶证",), ("驾驶证",))
    assert match.source == "t.txt:1, t.txt:2"
    assert "駕照" in rules
    assert "驾驶证" not in rules


def test_to_expansion_gives_text(synonyms: SynonymSet) -> None:
    (match,) = _expand(synonyms, "老年社保")
    expansion = Expansion.of(match)
    assert expansion.term == "老年社保"
    assert expansion.alternatives == ["城乡居民基本养老保险"]
    assert expansion.source == "test.txt:1"


def test_to_expansion_keeps_spaces_between_latin_words() -> None:
    match = SynonymMatch(0, 1, "个税", (("个税", "app"), ("ic", "card")), "t.txt:1")
    assert Expansion.of(match).alternatives == ["个税app", "ic card"]


def test_packaged_dictionary_covers_common_colloquial_words() -> None:
    synonyms = load_default_synonyms()
    assert load_default_synonyms() is synonyms
    expected = {
        "老年社保": "城乡居民基本养老保险",
        "换身份证": "居民身份证换领",
        "准生证": "生育登记",
        "退休金": "基本养老金",
        "驾照": "机动车驾驶证",
        "户口本": "居民户口簿",
        "房产证": "不动产权证书",
        "低保": "最低生活保障",
        "开小吃店": "食品经营许可",
    }
    for query, official in expected.items():
        matches = synonyms.expand(segment_query(query))
        alternatives = {"".join(alt) for m in matches for alt in m.alternatives}
        assert official in alternatives, (query, matches)


def test_rules_built_in_code_are_normalised_too() -> None:
    rule = SynonymRule(kind="one_way", terms_from=("駕照",), terms_to=("機動車駕駛證",), source="code")
    (match,) = SynonymSet.from_rules([rule]).expand(["驾照"])
    assert (match.term, match.alternatives) == ("驾照", (("机动车驾驶证",),))
