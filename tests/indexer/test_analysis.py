from __future__ import annotations

import pytest

from indexer.analysis import normalize, segment_for_index, segment_query, sub_words


def expect_tokens(text: str, expected: list[str]) -> None:
    assert segment_query(text) == expected


def test_normalize_traditional_full_width_and_case() -> None:
    assert normalize("個人所得稅") == "个人所得税"
    assert normalize("ＡＢＣ１２３") == "abc123"
    assert normalize("開餐館　ＤＩＹ") == "开餐馆 diy"


@pytest.mark.parametrize("text", ["國辦發〔2018〕108號", "ＳＢＫ社保卡", "İstanbul 身份證"])
def test_normalize_keeps_length_for_highlighting(text: str) -> None:
    assert len(normalize(text)) == len(text)


def test_query_segmentation_keeps_user_dictionary_words() -> None:
    expect_tokens("社保卡补办", ["社保卡", "补办"])
    expect_tokens("换身份证", ["换", "身份证"])
    expect_tokens("公积金提取", ["公积金", "提取"])


def test_traditional_query_segments_like_simplified() -> None:
    assert segment_query("換身份證") == segment_query("换身份证")
    assert segment_query("開餐館") == segment_query("开餐馆")


def test_index_segmentation_contains_query_words_and_parts() -> None:
    tokens = segment_for_index("城乡居民基本养老保险参保登记")
    for word in ("城乡居民", "养老保险", "养老", "保险", "参保", "登记"):
        assert word in tokens


def test_punctuation_is_not_a_token() -> None:
    assert segment_query("社保卡，怎么办？！") == ["社保卡", "怎么办"]
    assert "，" not in segment_for_index("一、总体要求，基本原则。")


def test_sub_words_of_a_long_word() -> None:
    assert "养老保险" in sub_words("城乡居民基本养老保险") or "养老" in sub_words("城乡居民基本养老保险")
    assert sub_words("社保") == []
