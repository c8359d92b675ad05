"""The bridge miner on real citizens' messages, the reviewed bridge file and its provenance, and a
bridged phrase searched through the real app."""

from __future__ import annotations

import csv
import json
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from govsearch.app import create_app
from govsearch.cli import main
from govsearch.settings import Settings
from indexer.documents import Document
from synonyms.bridges import mine_messages, reply_bridges, thesaurus_bridges
from synonyms.cilin import filter_classes, parse_cilin
from synonyms.expansion import DATA_DIR
from synonyms.loader import load_synonym_files, parse_synonyms
from synonyms.messages import MessageFileError, TitleVocabulary, read_messages
from tests.factories import build_data_dir, guide
from tests.shared_data import shared_path

BRIDGES = DATA_DIR / "message_bridges.txt"
# Messages of 附件4 whose replies name the official term: 上牌, 科三考试, 安装电梯, and one whose reply
# only talks around the matter (公职人员没有人事档案).
EXCERPT = {"2849", "41549", "44203", "45885", "169673"}


def _excerpt(tmp_path: Path, name: str, numbers: set[str]) -> Path:
    """The rows of a real message file with these 留言编号, header included, as a file of its own."""
    with shared_path(f"data/messages/{name}.csv").open(encoding="utf-8", newline="") as handle:
        rows = list(csv.reader(handle))
    path = tmp_path / f"{name}.csv"
    with path.open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle).writerows([rows[0], *(r for r in rows[1:] if r[0] in numbers)])
    return path


@pytest.fixture(scope="module")
def item_titles() -> list[str]:
    with shared_path("data/service_items/guangdong.jsonl").open(encoding="utf-8") as handle:
        return [json.loads(line)["事项名称"] for line in handle if line.strip()]


def test_messages_are_read_with_masked_places_cut_out(tmp_path: Path) -> None:
    messages = read_messages(_excerpt(tmp_path, "附件4", EXCERPT))
    assert sorted(m.number for m in messages) == sorted(EXCERPT)
    by_number = {m.number: m for m in messages}
    assert "c市" not in by_number["44203"].theme and "电动车免费上牌" in by_number["44203"].theme
    assert "注册登记" in by_number["44203"].reply and by_number["44203"].label == "附件4 留言编号 44203"
    bad = tmp_path / "bad.csv"
    bad.write_text("编号,内容\n1,甲\n", encoding="utf-8")
    with pytest.raises(MessageFileError, match=r"bad\.csv: 缺少列 留言编号、留言主题"):
        read_messages(bad)


def test_replies_teach_the_official_term_for_what_the_citizen_said(
    tmp_path: Path, item_titles: list[str]
) -> None:
    messages = read_messages(_excerpt(tmp_path, "附件4", EXCERPT))
    vocabulary = TitleVocabulary(item_titles)
    bridges = {(b.phrase, b.target): b for b in reply_bridges(messages, vocabulary)}
    assert [e.message for e in bridges[("上牌", "注册登记")].evidence] == ["附件4 留言编号 44203"]
    assert [e.message for e in bridges[("科三考试", "驾驶人考试")].evidence] == ["附件4 留言编号 169673"]
    assert ("安装电梯", "住宅增设电梯") in bridges
    for phrase, target in bridges:
        assert not vocabulary.in_some_title(phrase), phrase  # a phrase titles hold needs no bridge
        assert vocabulary.df[target] > 0, target  # the official side is searchable as written
    # Genre words and fragments never make a phrase: no 咨询, 什么时候, or a 2017年-style remnant.
    assert not {p for p, _t in bridges if p.startswith(("咨询", "什么")) or p.endswith("可以")}


def test_thesaurus_classes_bridge_a_citizens_word_to_the_titles_word(tmp_path: Path) -> None:
    classes = filter_classes(
        parse_cilin(shared_path("data/thesaurus/cilin_extended.txt").read_text().splitlines())
    )
    messages = read_messages(_excerpt(tmp_path, "附件2", {"160196"}))  # mentions 退伍
    vocabulary = TitleVocabulary(["退役军人优待证申领", "退役士兵安置"])
    (bridge,) = [b for b in thesaurus_bridges(classes, messages, vocabulary) if b.phrase == "退伍"]
    assert (bridge.target, bridge.via) == ("退役", "Hj19C02=")
    assert [e.message for e in bridge.evidence] == ["附件2 留言编号 160196"]


def test_candidates_file_names_each_message_and_is_not_live(tmp_path: Path, item_titles: list[str]) -> None:
    messages = read_messages(_excerpt(tmp_path, "附件4", EXCERPT))
    existing = parse_synonyms("@origin 测试\n科三考试 => 驾驶人考试\n", "plain.txt")
    text, report = mine_messages(messages, item_titles, existing)
    rules = parse_synonyms(text, "candidates.txt")
    assert (report.messages, report.replies) == (5, 5) and len(rules) == len(report.rules) > 0
    assert all(r.owner == "待审核：留言挖掘" and re.search(r"附件4 留言编号 \d+", r.origin) for r in rules)
    assert "未经审核，不会生效" in text
    assert ("科三考试", "驾驶人考试") not in {p for r in rules for p in r.pairs()}  # already a rule


def test_mine_messages_command_reads_the_titles_of_the_store(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], items_store: Settings
) -> None:
    excerpt = _excerpt(tmp_path, "附件4", EXCERPT)
    out = tmp_path / "c.txt"
    args = ["synonyms", "mine-messages", str(excerpt), "--out", str(out)]
    assert main(["--data-dir", str(tmp_path / "empty"), *args]) == 2
    assert "还没有文档" in capsys.readouterr().err
    assert main(["--data-dir", str(items_store.data_dir), *args]) == 0
    assert re.search(r"5 条留言（5 条有答复），2\d{3} 个标题", capsys.readouterr().out)
    candidates = out.read_text(encoding="utf-8")
    assert "公职人员 => 事业单位工作人员" in candidates  # offered for review (the review rejected it)
    assert "上牌 => 注册登记" not in candidates  # a reviewed rule already
    assert main(["--data-dir", str(items_store.data_dir), *args, "--propose-as", "nobody"]) == 2
    assert "没有管理后台账号 nobody" in capsys.readouterr().err  # the catalogue's staff flow, shared


def _cited(origin: str) -> list[tuple[str, str]]:
    """(file, 留言编号) pairs an @origin line cites: 附件4 留言编号 41549、44203 → two pairs."""
    found: list[tuple[str, str]] = []
    for file, numbers in re.findall(r"(附件\d) 留言编号 ([\d、]+)", origin):
        found += [(file, n) for n in numbers.split("、") if n]
    return found


def test_every_reviewed_bridge_cites_a_message_that_exists_and_a_title_word() -> None:
    rules = load_synonym_files([BRIDGES])
    assert len(rules) >= 15
    numbers = {
        name: {row["留言编号"] for row in csv.DictReader(shared_path(f"data/messages/{name}.csv").open())}
        for name in ("附件2", "附件3", "附件4")
    }
    titles = "\n".join(
        json.loads(line)["事项名称"] for line in shared_path("data/service_items/guangdong.jsonl").open()
    )
    for rule in rules:
        cited = _cited(rule.origin)
        assert cited and all(n in numbers[f] for f, n in cited), (rule.source, rule.origin)
        assert rule.kind == "one_way"  # the everyday side is narrower or vaguer
        assert all(t in titles for t in rule.terms_to), rule.source
        if "词林" in rule.origin:
            assert re.search(r"同义词词林 [A-L][a-z]\d\d[A-Z]\d\d=", rule.origin), rule.origin


@pytest.fixture(scope="module")
def items_store(tmp_path_factory: pytest.TempPathFactory, item_titles: list[str]) -> Settings:
    """A data directory holding a guide for every Guangdong service item title, indexed."""
    documents: list[Document] = [guide(n, f"GD{i:04d}") for i, n in enumerate(dict.fromkeys(item_titles))]
    return build_data_dir(tmp_path_factory.mktemp("items"), documents)


@pytest.fixture(scope="module")
def client(items_store: Settings) -> Iterator[TestClient]:
    with TestClient(create_app(items_store, warm_first=True)) as test_client:  # as `serve` runs it
        yield test_client


@pytest.mark.parametrize(
    ("query", "official"),
    # Phrases in none of the development and own sets; each fails without its rule: three from
    # message_bridges.txt, two from the second review of the catalogue's 日常用语/简称, nine from
    # plain_language.txt (and those added since, below).
    [
        ("科三考试", "驾驶人考试"),
        ("老房子安装电梯", "增设电梯"),
        ("大学生档案", "毕业生档案"),
        ("国考", "公务员录用考试"),
        ("工龄审核", "企业职工历史信息审核申请"),
        # Five from plain_language.txt whose official term a regulation defines or renamed.
        ("社保缴费记录查询", "个人权益记录"),
        ("毕业证书查询", "学历证书查询"),
        ("司法考试报名", "法律职业资格考试报名"),
        ("渔业油价补贴", "渔业财政支持政策"),
        ("组织机构代码证查询", "统一社会信用代码"),
        # Two whose official term a law defines to include the everyday one (2026-12-01).
        ("孤老救助申请", "特困人员救助供养"),
        ("电梯检验", "特种设备检验"),
        # Two from the catalogue's own 日常用语/简称, read as a word (2026-12-01).
        ("化工厂环评", "环境影响报告"),
        ("法考怎么报名", "法律职业资格考试报名"),
        # One whose everyday name a law names and a later regulation merged (2026-12-01, sixth round).
        ("新农合怎么交", "城乡居民社会保险费申报"),
        # Two rules, both needed here, whose official terms regulations name: the transport department
        # takes passengers' complaints, through the 服务监督电话 taxis and buses display (seventh round).
        ("公交车投诉电话", "12328交通运输服务监督电话业务查询"),
        # Two whose official terms the law uses for the everyday ones (seventh round).
        ("过桥费多少", "通行费查询"),
        ("海域纠纷", "海域使用权争议的调解"),
    ],
)
def test_a_bridged_phrase_finds_the_official_title_first(
    client: TestClient, query: str, official: str
) -> None:
    response = client.get("/api/v1/search", params={"q": query})
    assert response.status_code == 200, response.text
    hits = response.json()["hits"]
    assert hits and official in hits[0]["title"], [h["title"] for h in hits[:3]]
