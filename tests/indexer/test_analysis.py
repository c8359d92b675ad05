from __future__ import annotations

import pytest

from indexer.analysis import _fold_width, normalize, segment_for_index, segment_query, sub_words


def expect_tokens(text: str, expected: list[str]) -> None:
    assert segment_query(text) == expected


def test_normalize_traditional_full_width_and_case() -> None:
    assert normalize("個人所得稅") == "个人所得税"
    assert normalize("ＡＢＣ１２３") == "abc123"
    assert normalize("開餐館　ＤＩＹ") == "开餐馆 diy"


# The width folding as it was first written: one str.translate over every character. The fast one
# must give exactly this for any text, or the index would hold other tokens than before.
_TRANSLATE = {code: code - 0xFEE0 for code in range(0xFF01, 0xFF5F)} | {0x3000: 0x20}


def test_width_folding_equals_a_translate_of_every_character() -> None:
    every = "".join(chr(c) for c in range(0x20, 0x10000) if not 0xD800 <= c < 0xE000)
    assert _fold_width(every) == every.translate(_TRANSLATE)
    mixed = "办理地点：广州市（天河区）　ＡＢＣ１２３，，电话：020－123；Ｅ－ｍａｉｌ～！"
    assert _fold_width(mixed) == mixed.translate(_TRANSLATE) != mixed
    assert _fold_width("没有全角字符 abc") == "没有全角字符 abc"


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


def test_codes_and_urls_are_indexed_whole_without_their_substrings() -> None:
    # Inner dictionary words are for Han words: a code once put every substring of itself in the index.
    tokens = segment_for_index("事项编码11440000MB2C92045K0000001 见 https://scale.example.gov.cn/item/5")
    assert "11440000mb2c92045k0000001" in tokens
    assert not [t for t in tokens if t.isascii() and len(t) > 4 and t in "11440000mb2c92045k0000001"[1:]]
    assert "xample" not in tokens and "example" in tokens
    assert len(tokens) < 25


def test_a_word_taught_later_is_found_inside_tokens_seen_before() -> None:
    from indexer.analysis import add_word

    before = segment_for_index("测试甲乙丙丁戊己庚辛事项")
    add_word("甲乙丙丁戊己")
    after = segment_for_index("测试甲乙丙丁戊己庚辛事项")
    assert "甲乙丙丁戊己" not in before
    assert "甲乙丙丁戊己" in after  # the per-token cache was cleared when the word was added


def _one_token_at_a_time(text: str) -> list[str]:
    """`segment_for_index` as a plain loop over the tokens, as it was written before it was made faster."""
    import rjieba

    from indexer.analysis import _is_token, _long_inner_words

    out: list[str] = []
    for token in rjieba.cut_for_search(normalize(text)):
        if _is_token(token):
            if len(token) > 4 and not token.isascii():
                out += _long_inner_words(token)
            out.append(token)
    return out


def test_the_index_tokens_are_those_of_a_plain_loop_over_the_segmenter() -> None:
    # Real guides and a law, also in traditional script, with codes, URLs, decimals and marks.
    import json
    from pathlib import Path

    import opencc

    shared = Path(__file__).resolve().parents[2].parent / "shared/data"
    lines = (shared / "service_items/guangdong.jsonl").read_text(encoding="utf-8").splitlines()[:150]
    texts = ["\n".join(str(v) for v in json.loads(line).values() if isinstance(v, str)) for line in lines]
    texts.append(sorted((shared / "laws").rglob("*.md"))[0].read_text(encoding="utf-8"))
    texts += [opencc.OpenCC("s2t").convert(text) for text in texts[::10]]
    texts.append(
        "第一条　为了规范管理，制定本办法！收费标准2.5元/件；网址：https://a.gov.cn/x?id=1_a。\r\n完"
    )
    for text in texts:
        assert segment_for_index(text) == _one_token_at_a_time(text)


def test_the_segmenter_dictionary_is_read_once_for_short_forms_common_words_and_characters() -> None:
    from indexer import analysis

    analysis._dictionary.cache_clear()
    assert "社保" in analysis.dictionary_short_forms() and "工人" in analysis.common_words()
    top = analysis.common_characters(200)
    assert len(top) == 200 and top[:3] == ("了", "是", "在") and "人" in top[:10]
    assert analysis._dictionary.cache_info().misses == 1  # three readers, one reading of dict.txt
