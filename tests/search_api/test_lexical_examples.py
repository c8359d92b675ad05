"""Issue 13 part B through the real app over the shared corpus (Guangdong items, the 60 State Council
pages, the 四川 广安区 catalogue): region, qualifiers, abbreviations, initials and variant characters.
None of these queries is in the development set or the held-out sets."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from govsearch.app import create_app
from govsearch.settings import Settings
from indexer.analysis import dictionary_short_forms
from indexer.backends.base import BackendHit
from search_api.engine import ranking
from search_api.engine.corpus import Corpus, DocInfo, add_titles
from search_api.engine.query import analyse
from search_api.engine.query_builder import token_group
from search_api.engine.regional import enclosing_markers
from search_api.engine.rerank import Preference, QueryWord, rerank, title_features, unasked_qualifier
from search_api.engine.understanding import abbreviation, variant_form, word_initials
from synonyms.cilin import parse_cilin, variant_characters
from synonyms.expansion import SynonymSet
from synonyms.live import combined
from synonyms.staff_rules import VOCABULARY_OFF, StaffRule
from tests.search_api.test_unseen_examples import client, search, settings, titles
from tests.shared_data import shared_path

__all__ = ["client", "settings"]  # the module fixtures: one index of the shared corpus


def test_a_city_filter_keeps_the_provinces_services_its_residents_use(client: TestClient) -> None:
    passports = titles(search(client, q="护照", region="广州市"))
    assert passports and passports[0] == "办理及加注普通护照"  # a 广东省 service, usable in 广州
    lost_card = titles(search(client, q="社保卡挂失", region="广州市"))
    assert lost_card and "高等职业学校" not in lost_card[0]  # the city's only word match was unrelated


def test_enclosing_regions_come_from_the_collections_own_region_names() -> None:
    known = [("广东省", "440000"), ("广东省广州市", "440100"), ("四川省广安市广安区", "511602")]
    assert enclosing_markers("广州市", known) == ("^广东省", "^440000")
    assert enclosing_markers("广安区", known) == ("^四川省", "^广安市", "^510000", "^511600")
    assert enclosing_markers("广东省", known) == ()  # nothing above a province
    assert enclosing_markers("440100", known) == enclosing_markers("广东省广州市", known) == ()
    assert enclosing_markers("深圳市", known) == ()  # unknown: the filter stays as it was


def _info(title: str, areas: tuple[str, ...]) -> DocInfo:
    return DocInfo("guide", title, None, False, "", areas=areas)


def test_the_preferred_region_does_not_lift_an_unrelated_document_of_that_region() -> None:
    corpus = Corpus(
        docs={
            "province": _info("社会保障卡挂失", ("广东省", "440000")),
            "city": _info("高等职业学校设立", ("广东省广州市", "广东省", "广州市", "440100")),
            "city-card": _info("社会保障卡临时挂失", ("广东省广州市", "广东省", "广州市", "440100")),
        }
    )
    words = [QueryWord("社保卡", (("社会保障卡", 0.6),)), QueryWord("挂失")]
    query = analyse("社保卡挂失")
    hits = [BackendHit("province", 1.0), BackendHit("city", 0.95)]
    prefer = Preference(region="广州市")
    today = dt.date(2026, 11, 30)
    assert rerank(hits, words, query, corpus, today, prefer)[0].id == "province"
    equal = [BackendHit("province", 1.0), BackendHit("city-card", 0.95)]
    assert rerank(equal, words, query, corpus, today, prefer)[0].id == "city-card"


def test_only_qualifiers_that_name_another_population_demote_a_title() -> None:
    assert unasked_qualifier("换发外国人永久居留身份证", "换身份证", [])
    assert unasked_qualifier("办理往来港澳通行证团队游签注", "签注", [])
    assert not unasked_qualifier("企业职工基本养老金申领", "领养老金", [])  # the ordinary pension
    assert not unasked_qualifier("办理往来港澳通行证", "港澳通行证", [])  # said by the citizen
    assert unasked_qualifier("非公司外商投资企业设立登记", "开公司", [])  # foreign investors
    assert unasked_qualifier("注册会计师注册(（香港澳门特别行政区居民）)", "注册会计师", [])
    assert not unasked_qualifier("内资有限责任公司设立登记", "开公司", [])


def test_a_policy_document_holds_the_word_policy_by_its_kind() -> None:
    words = [QueryWord("节水"), QueryWord("政策")]
    title = "国务院办公厅关于科技节水建议的复函"
    assert title_features(words, title, "policy") == (1.0, title_features(words, title)[1])
    assert title_features(words, title, "guide")[0] == title_features(words, title)[0] == 0.5
    assert title_features(words, "就业政策法规咨询", "guide")[0] == 0.5  # said in the title: counts as ever
    assert token_group("政策").clauses[0].boost == ranking.STOPWORD_BOOST  # scored like a question word
    assert token_group("节水").clauses[0].boost == 1.0


def test_asking_for_a_policy_finds_the_document_not_a_service_named_policy(client: TestClient) -> None:
    assert titles(search(client, q="节水政策"))[0] == "国务院办公厅关于科技节水建议的复函"
    assert "个人所得税专项附加扣除" in titles(search(client, q="个税专项附加扣除政策"))[0]
    assert titles(search(client, q="就业政策咨询"))[0] == "就业政策法规咨询"  # a service that says it


def test_a_plain_company_registration_comes_before_the_foreign_investors_one(client: TestClient) -> None:
    assert "外商" not in titles(search(client, q="开公司"))[0]


def test_a_citizen_service_named_for_employees_is_not_pushed_down(client: TestClient) -> None:
    # 企业职工 is the pension scheme of most working citizens; 机关事业单位 staff are the narrower group
    found = titles(search(client, q="养老保险个人账户一次性领取"))
    assert found[0] == "企业职工养老保险个人账户一次性待遇申领", found[:3]
    assert titles(search(client, q="养老保险待遇重新核定"))[0] == "企业职工养老保险待遇重核申请"
    assert "外国人" not in titles(search(client, q="换身份证"))[0]


MEDICAL_TITLES = [
    "城镇职工基本医疗保险参保登记",
    "基本医疗保险关系转移接续",
    "医疗保险待遇申领",
    "生育医疗保险费用报销",
    "医疗保险个人账户查询",
    "医保通终端网点查询",  # 医保 in a title, as a brand name
    "全国人大代表建议答复",
    "全国人大常委会公告查询",
    "国人大多关心的问题",
    "中国大学生创业指导",  # 国大 in a title, in another sense
    "中小学学籍查询",
    "中学教师资格认定",
]


def test_a_short_form_titles_contain_is_read_when_the_collection_says_so() -> None:
    corpus = Corpus()
    add_titles(corpus, MEDICAL_TITLES)
    assert corpus.known("医保")  # a title holds it, so before this it was never expanded
    assert abbreviation("医保", corpus) == "医疗保险"  # 简称 in the dictionary; the long form far commoner
    assert abbreviation("中学", corpus) is None  # a word of its own, no 简称: never 中小学
    assert corpus.known("国大")
    assert abbreviation("国大", corpus) is None  # a 简称, but 国人大 is no phrase of whole words
    sparse = Corpus()
    add_titles(sparse, [*MEDICAL_TITLES[:2], "医保通终端网点查询", "医保卡服务", "医保局地址"])
    assert abbreviation("医保", sparse) is None  # the long form is not far commoner than the short


def test_short_forms_are_built_from_word_heads() -> None:
    assert word_initials("社保", "社会保险") and word_initials("综保区", "综合保税区")
    assert word_initials("律所", "律师事务所") and word_initials("招投标", "招标投标")
    assert not word_initials("保证", "安保证明") and not word_initials("保综", "综合保税区")
    assert "医保" in dictionary_short_forms() and "发现" not in dictionary_short_forms()


def test_an_unknown_short_form_reads_as_whole_title_words() -> None:
    corpus = Corpus()
    add_titles(corpus, ["法律援助", "法律援助机构信息查询", "律师协会基本信息查询", "做出突出成绩的单位表彰"])
    # 法律援 would be searched as 法律 + 援, which no title's words hold (they are 法律 援助)
    assert abbreviation("法援", corpus) == "法律援助"
    assert abbreviation("律协", corpus) == "律师协会"
    assert abbreviation("成绩单", corpus) != "成绩的单位"  # 绩 begins no word there: no short form of it


def test_an_unknown_short_form_finds_its_titles_and_is_not_corrected_away(client: TestClient) -> None:
    pairs = (("法援", "法律援助"), ("申请法援", "法律援助"), ("普货", "普通货运"), ("水保", "水土保持"))
    for query, long in pairs:
        response = search(client, q=query)
        assert long in titles(response)[0], (query, titles(response)[:3])
        assert not (response.get("correction") or {}).get("applied"), response.get("correction")  # not 法院


def test_initials_of_a_verb_and_a_term_are_read_so(client: TestClient) -> None:
    # before: 办事报考, 保护开标, 保存价值 (title words that happen to share the initials); the shared
    # corpus has no 社保卡 item, so only the reading of bsbk is checked
    assert search(client, q="bsbk")["correction"]["text"] == "补社保卡"
    for query, reading, found in (("bhkb", "补户口本", "户口"), ("bcjz", "补残疾证", "残疾人证")):
        result = search(client, q=query)
        assert result["correction"]["text"] == reading, result["correction"]
        assert found in titles(result)[0], titles(result)[:3]


def test_a_known_short_form_finds_its_long_form_through_the_app(client: TestClient) -> None:
    found = titles(search(client, q="省农科院"))  # two titles say 省农科院, eleven 省农业科学院
    assert sum("省农业科学院" in t for t in found) >= 3, found


CILIN_SAMPLE = [
    "Bm04D01= 沙 砂 沙子 砂子 砂砾 沙砾 砂礓",
    "Bm04D02= 沙漠 砂漠 荒漠",
    "Dj05A01= 帐户 账户 户头",
    "Dj05A02= 帐目 账目",
    "Dj05A03= 记帐 记账",
    "Ae10B01= 检查 检察 查看",  # one pair only: a coincidence, not a spelling habit
]


def test_variant_characters_come_from_word_pairs_of_the_thesaurus() -> None:
    variants = variant_characters(parse_cilin(CILIN_SAMPLE))
    assert variants["沙"] == "砂" and variants["砂"] == "沙"
    assert variants["帐"] == "账"
    assert "查" not in variants and "察" not in variants


def test_a_word_no_title_holds_is_read_in_its_variant_spelling() -> None:
    corpus = Corpus()
    add_titles(corpus, ["航道范围内开采河砂、砂石审批", "个人账户查询", "执法检查信息"])
    variants = {"沙": "砂", "砂": "沙", "帐": "账", "账": "帐"}
    assert variant_form("沙石", corpus, variants) == "砂石"
    assert variant_form("帐户", corpus, variants) == "账户"
    assert variant_form("砂石", corpus, variants) is None  # titles hold it as typed
    assert variant_form("沙滩", corpus, variants) is None  # no title holds 砂滩 either


@pytest.fixture(scope="module")
def thesaurus_client(settings: Settings) -> Iterator[TestClient]:
    """The app with the 词林 layer, as `bench/relevance.sh` runs it."""
    cilin = shared_path("data/thesaurus/cilin_extended.txt")
    with TestClient(create_app(settings.model_copy(update={"cilin_path": cilin}))) as test_client:
        yield test_client


def test_variant_spellings_find_each_other_through_the_app(thesaurus_client: TestClient) -> None:
    accounts = titles(search(thesaurus_client, q="帐户查询"))
    assert any("账户" in t for t in accounts[:3]), accounts[:3]
    sand = titles(search(thesaurus_client, q="沙石运输"))
    assert any("砂石" in t for t in sand[:10]), sand[:10]


def test_initials_read_as_the_word_citizens_say_most_often(client: TestClient) -> None:
    """Titles hold 良好 (设计企业良好行为记录) and 计划 more often than 离婚 and 结婚; the citizens' own
    terms (synonym rules, popular queries) say 离婚证, 结婚证 …, never 良好."""
    for letters, word in (("lh", "离婚"), ("jh", "结婚"), ("cj", "残疾"), ("cs", "出生")):
        result = search(client, q=letters)
        assert result["correction"]["text"] == word and result["correction"]["applied"], letters
        assert word in titles(result)[0]
    assert search(client, q="hzjz")["correction"]["text"] == "护照加注"  # association still decides


def test_masked_place_names_leave_no_glued_place_word_and_lone_letters_match_nothing() -> None:
    assert analyse("C4市人在哪里办护照").tokens == ("人", "在", "哪里", "办", "护照")  # not 市人
    assert "大忠桥" in analyse("在K3县大忠桥邮政银行补办社保卡").tokens  # not 县大忠桥
    assert analyse("护照 F").tokens == ("护照",)
    assert analyse("延期F字签证").tokens == ("延期", "f", "字", "签证")  # a letter of the visa's name
    assert analyse("PM2.5标准").tokens == ("pm2.5", "标准")


def test_variant_characters_follow_the_staff_switch_of_the_thesaurus_layer() -> None:
    layer = SynonymSet.from_rules([], variant_characters(parse_cilin(CILIN_SAMPLE)))
    assert combined([], [], layer).variant_characters()["沙"] == "砂"
    off = StaffRule(id=1, line=VOCABULARY_OFF, kind="vocabulary")
    assert combined([], [off], layer).variant_characters() == {}
    some_out = StaffRule(id=2, line="帐户", kind="vocabulary")  # one class left out, the rest stays
    assert combined([], [some_out], layer).variant_characters()["沙"] == "砂"
