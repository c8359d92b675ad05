"""Query understanding as pure functions over a small hand-made collection of titles."""

from __future__ import annotations

import datetime as dt
from collections import Counter

import pytest

from indexer.backends.base import BackendHit
from indexer.documents import DocumentKind
from search_api.engine.corpus import Corpus, DocInfo, add_titles, invalid_label
from search_api.engine.models import Correction, LinkedItem, SearchHit
from search_api.engine.pinyin import (
    Lexicon,
    action_leads,
    dictionary_words,
    full_pinyin,
    initials,
    latin_letters,
)
from search_api.engine.query import analyse
from search_api.engine.query_log import linked_item_names, related_queries
from search_api.engine.rerank import QueryWord, rerank, secondary_action
from search_api.engine.spelling import correct_spelling
from search_api.engine.understanding import abbreviation, close_readings, read_pinyin, reads_better

TITLES = [
    "国务院关于促进综合保税区高水平开放高质量发展的若干意见",
    "律师事务所基本信息查询",
    "律师事务所设立许可",
    "办理及加注普通护照",
    "二级注册建造师执业资格注册核准",
    "二级建造师执业资格注册核准变更",
    "企业投资项目核准",
    "《中华人民共和国残疾人证》新办证申请",
    "住房公积金提取",
]
TERMS = {"社保卡", "社会保障卡", "公积金"}


@pytest.fixture(scope="module")
def corpus() -> Corpus:
    c = Corpus(terms=set(TERMS))
    add_titles(c, TITLES)
    return c


@pytest.fixture(scope="module")
def lexicon(corpus: Corpus) -> Lexicon:
    weights: Counter[str] = Counter({w: float(df) for w, df in corpus.word_df.items()})  # type: ignore[misc]
    for term in TERMS:
        weights[term] = 5.0
    return Lexicon.build(weights)


def test_pinyin_helpers() -> None:
    assert full_pinyin("社保卡") == "shebaoka" and initials("社保卡") == "sbk"
    assert latin_letters("She Bao'ka") == "shebaoka"
    assert latin_letters("社保卡") is None and latin_letters("2019") is None


def test_abbreviations_come_from_titles(corpus: Corpus) -> None:
    assert abbreviation("综保区", corpus) == "综合保税区"
    assert abbreviation("律所", corpus) == "律师事务所"
    assert abbreviation("护照", corpus) is None  # a word titles contain is no abbreviation
    assert abbreviation("量子", corpus) is None


def test_pinyin_readings(corpus: Corpus, lexicon: Lexicon) -> None:
    assert read_pinyin(analyse("canjirenzheng"), corpus, lexicon) == "残疾人证"
    assert read_pinyin(analyse("shebaoka"), corpus, lexicon) == "社保卡"
    assert read_pinyin(analyse("sbk"), corpus, lexicon) == "社保卡"
    assert read_pinyin(analyse("gjj"), corpus, lexicon) == "公积金"
    assert (
        read_pinyin(analyse("hzjz"), corpus, lexicon) == "护照加注"
    )  # words that share a title beat 核准 建造
    assert read_pinyin(analyse("社保卡"), corpus, lexicon) is None


def test_spelling_corrections_and_what_is_never_corrected(corpus: Corpus, lexicon: Lexicon) -> None:
    assert correct_spelling(analyse("社报卡"), corpus, lexicon) == "社保卡"
    assert correct_spelling(analyse("公积今提取"), corpus, lexicon) == "公积金提取"
    assert correct_spelling(analyse("公枳金"), corpus, lexicon) == "公积金"  # 积/枳 look alike
    assert correct_spelling(analyse("公积金提取"), corpus, lexicon) is None
    assert (
        correct_spelling(analyse("律所查询"), corpus, lexicon) is None
    )  # unknown but no word sounds like it
    for literal in ("国办发〔2018〕108号 社报卡", "11440000006939756B2440101007000", "“社报卡”"):
        assert analyse(literal).protected
        assert correct_spelling(analyse(literal), corpus, lexicon) is None


def test_reranker_prefers_short_titles_that_cover_the_query() -> None:
    corpus = Corpus(
        docs={
            "long": DocInfo("guide", "香港、澳门律师事务所与广东境内律师事务所联营设立许可", None, False, ""),
            "short": DocInfo("guide", "律师事务所基本信息查询", None, False, ""),
        }
    )
    words = [QueryWord("律所", (("律师事务所", 0.8),)), QueryWord("查询")]
    ranked = rerank([BackendHit("long", 10.0), BackendHit("short", 8.0)], words, analyse("律所查询"), corpus)
    assert [h.id for h in ranked] == ["short", "long"]


def test_follow_up_items_and_invalid_policies_sink() -> None:
    assert secondary_action("残疾人证迁出", "残疾证怎么办")
    assert not secondary_action("残疾人证迁出", "残疾证迁出")
    assert not secondary_action("居民身份证换领", "换身份证")
    assert secondary_action("水域滩涂养殖证的审核（延期）", "养殖证怎么办")  # an extension is a follow-up too
    assert not secondary_action("水域滩涂养殖证的审核（延期）", "养殖证延期")
    assert secondary_action("某某许可证（续期）", "许可证")
    # what happened asks for the follow-up action: 丢了 → 挂失补办, 过期 → 换领, 搬家 → 迁出
    assert not secondary_action("《中华人民共和国残疾人证》挂失补办", "残疾证丢了")
    assert secondary_action("《中华人民共和国残疾人证》挂失补办", "残疾证怎么办")
    assert not secondary_action("居民身份证换领", "身份证过期了")
    assert not secondary_action("户口迁出", "搬家了户口怎么办")
    assert secondary_action("户口迁出", "户口本在哪办")
    corpus = Corpus(
        docs={
            "old": DocInfo("policy", "社会保障卡管理办法", dt.date(2024, 1, 1), False, "已废止"),
            "new": DocInfo("policy", "社会保障卡管理办法", dt.date(2015, 1, 1), False, ""),
        }
    )
    ranked = rerank(
        [BackendHit("old", 10.0), BackendHit("new", 9.0)],
        [QueryWord("社会保障卡")],
        analyse("社会保障卡"),
        corpus,
    )
    assert ranked[0].id == "new"
    assert (
        invalid_label("某办法（已失效）", "") == "已失效"
        and invalid_label("某办法", "本文件已废止。") == "已废止"
    )


def test_related_searches_share_a_word_and_skip_the_query_itself() -> None:
    popular = [("社保卡补办", 9), ("公积金提取", 5), ("社保卡 挂失", 3)]
    related = related_queries(analyse("社保卡补办"), ["社保卡", "补办"], popular, ["社会保障卡补领"])
    assert related == ["社保卡 挂失", "社会保障卡补领"]


def _hit(title: str, *items: str) -> SearchHit:
    return SearchHit(
        id=f"p-{abs(hash(title))}",
        kind=DocumentKind.POLICY,
        kind_label="政策文件",
        title=title,
        title_html=title,
        snippet_html="",
        url="http://127.0.0.1/",
        score=1.0,
        items=[LinkedItem(key=str(n), name=name) for n, name in enumerate(items)],
    )


def test_related_searches_add_the_items_results_link_to_but_not_the_results_themselves() -> None:
    hits = [
        _hit(
            "关于调整城乡居民基本养老保险基础养老金标准的通知",
            "城乡居民基本养老保险参保登记",
            "基本养老金申领",
        ),
        _hit("城乡居民基本养老保险参保登记", "城乡居民基本养老保险参保登记"),
        _hit("关于养老保险关系转移的通知", "基本养老金申领", "养老保险关系转移接续"),
    ]
    items = linked_item_names(hits)
    assert items == ["基本养老金申领", "养老保险关系转移接续"]
    related = related_queries(analyse("养老金"), ["养老金"], [("养老金查询", 4)], ["基本养老金"], items)
    assert related == ["养老金查询", "基本养老金", "基本养老金申领", "养老保险关系转移接续"]


def test_an_exact_doc_number_or_title_stays_on_top_whatever_the_features() -> None:
    corpus = Corpus(
        docs={
            "numbered": DocInfo("policy", "国务院关于某事项的通知", None, True, "", ("国发[2019]5号",)),
            "lookalike": DocInfo("policy", "国发2019年5号文件解读", None, True, ""),
            "titled": DocInfo("guide", "社会保障卡申领", None, False, ""),
        }
    )
    hits = [BackendHit("lookalike", 500.0), BackendHit("numbered", 61.0)]
    ranked = rerank(hits, [QueryWord("国发")], analyse("国发[2019]5号"), corpus)
    assert ranked[0].id == "numbered"
    ranked = rerank(
        [BackendHit("lookalike", 500.0), BackendHit("titled", 31.0)], [], analyse("社会保障卡申领"), corpus
    )
    assert ranked[0].id == "titled"


def test_a_short_form_of_whole_title_words_is_not_taken_for_a_typo() -> None:
    corpus = Corpus()
    add_titles(corpus, ["法律援助", "法律援助机构信息查询", "省法院法官名录", "人民法院诉讼服务"])
    slip = Correction(text="法院", reason="typo", applied=False)
    assert reads_better(analyse("法援"), slip, corpus)  # without its long form 法援 looks like a slip
    assert not reads_better(analyse("法援"), slip, corpus, {"法援": "法律援助"})  # 法律援助: understood
    # every word known (法院, 援助) but not the whole: the correction still reads better, long forms or not
    fix = Correction(text="法律援助", reason="typo", applied=False)
    assert reads_better(analyse("法院援助"), fix, corpus, {"法院": "人民法院"})


def test_initials_of_a_verb_and_a_term_citizens_say() -> None:
    terms = {"补驾照", "驾照", "领失业金", "失业金", "养老金", "社保卡"}
    assert action_leads(terms) == {"补", "领"}  # 补驾照 = 补 + 驾照, 领失业金 = 领 + 失业金
    lexicon = Lexicon.build({"林业": 5.0, "链接": 3.0, "养老金": 5.0, "社保卡": 5.0, "职业病": 2.0})
    # 林业 链接 stands on nothing: 领 before the term 养老金 reads the letters better
    assert lexicon.led_reading("lylj", terms, "林业链接", vouched=False) == "领养老金"
    assert lexicon.led_reading("bsbk", terms, "办事报考", vouched=False) == "补社保卡"
    assert lexicon.led_reading("lylj", terms, "林业链接", vouched=True) is None  # citizens say 林业链接
    assert lexicon.led_reading("zyb", terms, "职业病", vouched=False) is None  # one word: it stays
    assert lexicon.led_reading("ly", terms, "离异", vouched=False) is None  # a verb needs a term after it


def test_a_typo_is_fixed_where_the_fix_fits_its_neighbours() -> None:
    titles = [
        "申请取得校车驾驶资格",
        "机动车驾驶证审验",
        "高等学校教师资格认定",
        "教师资格证证书验证",
        "证人证言公证",
        "保安员证核发",
        "受理套牌案件窗口地址查询",
    ]
    corpus = Corpus()
    add_titles(corpus, titles)
    lexicon = Lexicon.build({w: float(df) for w, df in corpus.word_df.items()})
    # 使资格 sounds like 师资格 too, but only 驾驶 makes a phrase titles hold with its neighbours
    assert correct_spelling(analyse("校车驾使资格"), corpus, lexicon) == "校车驾驶资格"
    # 证验 → 证言 would leave 正 standing alone; 验正 → 验证 leaves no stray character
    assert correct_spelling(analyse("教师资格证验正"), corpus, lexicon) == "教师资格证验证"
    # one slip makes a non-word: 报按 is no slip for 保安, which shares neither character
    assert "保安" in lexicon.homophones("报按")
    assert correct_spelling(analyse("套牌车报按"), corpus, lexicon) is None


def test_a_reading_citizens_mention_more_joins_a_rule_term() -> None:
    # (a term citizens say, mentions in their terms and queries, held by titles, …): 医疗保险 is a rule
    # term, 养老保险 is not but is mentioned twice as often, so both are searched (ylbx); a reading that
    # is no term and mentioned less still stays out (hz: 护照 alone, not 核准).
    best = ("医疗保险", (True, 3, True, 0, 0, 1.0, 0, 0.0, 5.0))
    more = ("养老保险", (False, 6, True, 0, 0, 1.0, 0, 0.0, 20.0))
    assert close_readings([best, more]) == ["医疗保险", "养老保险"]
    assert close_readings([best, ("养老保险", (False, 2, True, 0, 0, 1.0, 0, 0.0, 20.0))]) == ["医疗保险"]
    passport = ("护照", (True, 12, True, 0, 0, 1.0, 0, 0.0, 9.0))
    assert close_readings([passport, ("核准", (False, 0, True, 0, 0, 1.0, 0, 0.0, 30.0))]) == ["护照"]


def test_full_pinyin_reads_everyday_words_only_the_segmenters_dictionary_holds() -> None:
    # 物业费 and 暖气费 are in no title here, but jieba's dictionary holds them; huanhu is huan hu as an
    # input method reads it, never hu an hu (湖岸); four syllables are left to the titles' own words.
    assert dictionary_words("wuyefei")[0] == "物业费"
    assert "暖气费" in dictionary_words("nuanqifei")
    assert "湖岸" not in dictionary_words("huanhu")
    # names of things first, never a person's name: 网吧 (not 王八, counted more), 驾校 (not 家小, a 简称)
    assert dictionary_words("wangba")[0] == "网吧" and "王八" not in dictionary_words("wangba")
    assert dictionary_words("jiaxiao")[0] == "驾校"
    assert dictionary_words("zheng") == () and dictionary_words("gongxiangdanche") == ()
    corpus = Corpus()
    add_titles(corpus, ["物业服务收费投诉", "供热价格投诉", "价格争议调解"])
    lexicon = Lexicon.build({w: float(df) for w, df in corpus.word_df.items()})
    # lone common characters read it 暖其费: 其 is the commonest character spelled qi
    assert read_pinyin(analyse("nuanqifei tousu"), corpus, lexicon) == "暖气费投诉"


def test_initials_read_as_the_words_of_the_documents_people_open() -> None:
    """Item popularity (issue 13): hz is 核准 in three titles and 护照 in one; once different visitors
    have opened the passport guide from the results, the letters read as 护照."""
    titles = [t for t in TITLES if "公积金" not in t]
    plain = Corpus()
    add_titles(plain, titles)
    weights = {w: float(df) for w, df in plain.word_df.items()}
    assert read_pinyin(analyse("hz"), plain, Lexicon.build(weights)) == "核准"
    opened = Corpus(opened=(("办理及加注普通护照", 3),))
    add_titles(opened, titles)
    assert read_pinyin(analyse("hz"), opened, Lexicon.build(weights)) == "护照"
    assert read_pinyin(analyse("hzjz"), opened, Lexicon.build(weights)) == "护照加注"  # the rest as before


def test_a_word_of_the_language_is_no_slip_for_a_title_word() -> None:
    """Citizens' accounts hold words no title uses. Before, a character of such a word was fixed into a
    title word with a neighbour (医务人员 → 义务人员, 不发放 → 补发放 cutting 发放, A市社保 → A交社保): 137
    of the 645 message titles in ../shared were offered a correction, nearly all wrong. A slip that makes
    no word is still fixed, and so is one that makes a word when the fix joins a longer title phrase."""
    titles = ["义务教育阶段学生资助申请", "残疾人证补发", "申报职业技能鉴定", "失业保险金申领"]
    corpus = Corpus(terms={"交社保", "残疾证"})
    add_titles(corpus, titles)
    weights = {w: float(df) for w, df in corpus.word_df.items()}
    lexicon = Lexicon.build({**weights, "交社保": 5.0, "残疾证": 5.0})
    for account in ("医务人员的资格谁来认定", "单位多年不发放高温补贴", "a市社保怎么转"):
        assert correct_spelling(analyse(account), corpus, lexicon) is None, account
    assert correct_spelling(analyse("残疾正补发"), corpus, lexicon) == "残疾证补发"  # 正 is in no word
    assert correct_spelling(analyse("职业技能坚定"), corpus, lexicon) == "职业技能鉴定"  # 坚定 is a word
