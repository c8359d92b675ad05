from __future__ import annotations

from search_api.engine.highlight import highlight_terms, mark, snippet


def test_mark_escapes_and_highlights_longest_first() -> None:
    terms = highlight_terms(["身份证", "居民身份证", ""])
    assert mark("居民身份证<换领>", terms) == "<em>居民身份证</em>&lt;换领&gt;"


def test_mark_on_traditional_original_text() -> None:
    assert mark("居民身份證換領", highlight_terms(["身份证"])) == "居民<em>身份證</em>換領"


def test_mark_never_passes_markup_through() -> None:
    html = mark("<script>alert(1)</script>", highlight_terms(["script"]))
    assert "<script>" not in html and "&lt;<em>script</em>&gt;" in html


def test_snippet_windows_around_the_matches() -> None:
    text = "前言。" * 60 + "职工退休的，可以提取住房公积金账户内的存储余额。" + "附则。" * 60
    html = snippet(text, highlight_terms(["住房公积金", "提取"]))
    assert html.startswith("…") and html.endswith("…")
    assert "<em>提取住房公积金</em>" in html
    assert len(html) < 220


def test_snippet_without_matches_is_the_start() -> None:
    assert snippet("第一段。第二段。", ["无关"]) == "第一段。第二段。"


def test_policy_snippet_skips_the_repeated_title_and_number() -> None:
    from search_api.engine.hits import snippet_source
    from tests.factories import policy

    doc = policy(
        "示例市关于调整某某标准的通知",
        "示政〔2024〕1号",
        "示例市关于调整某某\n标准的通知\n示政〔2024〕1号\n各区县：正文。",
    )
    assert snippet_source(doc) == "各区县：正文。"


def test_a_text_highlighted_again_is_not_normalised_again() -> None:
    from search_api.engine.highlight import mark, searchable, snippet

    text = "申請人持居民身份證辦理換領。" * 40
    searchable.cache_clear()
    first = snippet(text, ["身份证"])
    again = snippet(text, ["换领"])
    assert searchable.cache_info().hits >= 1  # the second query reused the normalised body
    assert "<em>身份證</em>" in first and "<em>換領</em>" in again
    assert mark("換身份證", ["身份证"]) == "換<em>身份證</em>"


def test_question_and_function_words_are_not_highlighted() -> None:
    terms = highlight_terms(["结婚登记", "是不是", "可以", "网上", "预约", "吗"])
    assert terms == ["结婚登记", "网上", "预约"]
    assert mark("结婚登记可以网上预约吗", terms) == "<em>结婚登记</em>可以<em>网上预约</em>吗"
