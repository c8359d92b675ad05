"""The scenario file: the packaged one is valid and complete; a broken one gets a clear message."""

from __future__ import annotations

import pytest

from indexer.analysis import compact
from search_api.engine.scenarios import ScenarioFileError, matches, packaged_scenarios, parse_scenarios


def test_packaged_scenarios_cover_the_six_life_events() -> None:
    scenarios = packaged_scenarios()
    assert [s.name for s in scenarios] == [
        "我要结婚",
        "我要生孩子",
        "我要退休",
        "我要开餐馆",
        "我要出国/港澳台",
        "我要买房",
    ]
    assert all(s.items and s.keywords for s in scenarios)
    assert len({s.slug for s in scenarios}) == len(scenarios)


def test_queries_match_by_name_or_keyword() -> None:
    marry = packaged_scenarios()[0]
    assert matches(marry, compact("我要结婚")) and matches(marry, compact("结婚登记要带什么"))
    assert matches(marry, compact(" 我要 結婚 "))
    assert not matches(marry, compact("离婚"))
    baby = packaged_scenarios()[1]
    assert matches(baby, compact("生育津贴怎么领")) and matches(baby, compact("男职工生育保险能报吗"))
    assert not matches(baby, compact("举报邻居违反计划生育"))  # family planning is no birth
    assert matches(baby, compact("计划生育政策放开后生育津贴怎么领"))  # 生育 outside 计划生育 still counts


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("[[scenario]]\nname = 1 2\n", "scenarios.toml"),
        (
            '[[scenario]]\nslug = "ok"\nname = "我要结婚"\n[[scenario]]\nslug = "Bad Slug"\nname = "x"\n',
            "第 2 个",
        ),
        ('[[scenario]]\nslug = "x"\nname = "x"\nitem = ["typo"]\n', "第 1 个"),
    ],
)
def test_broken_files_name_the_entry(text: str, message: str) -> None:
    with pytest.raises(ScenarioFileError, match=message):
        parse_scenarios(text)
