"""The project's own judged sets (`bench/eval/own_queries*.tsv`) stay well-formed: every line parses,
every note starts with a kind, every relevant fragment names a title of the corpus `bench/relevance.sh`
indexes, every cited message exists, and no two sets are written from the same message. The sets
written blind in two halves (own 8, an analysis set since round 10, and the held-out own 10, own 11 and
own 12) name, on every line, either the citizen's message it was written from or the catalogue item
drawn at random for it (`条目 <事项编码>`, an item of the Guangdong catalogue whose title the line judges
relevant); they share no message with a reviewed synonym rule (a rule learnt from a held-out message
would make the set tuned-on; own 8 stays checked so that no rule is learnt from its messages either) or
with the development set. Own 13, the newest held-out set, is written blind from drawn catalogue items
only (the pool of messages is spent): every line of it names exactly one drawn item, judged relevant to
its own query, and it cites no message. Own 9 is an analysis set, written as blind as a held-out set but
read for classes of failure from the start: every line of it names a drawn catalogue item, judged
relevant to its own query, and no item is drawn by two of own 8, own 9, own 10, own 11, own 12 and
own 13."""

from __future__ import annotations

import csv
import json
import re
from functools import lru_cache
from itertools import combinations
from pathlib import Path

import pytest

from indexer.analysis import compact
from search_api.engine.evaluation import Judgment, kind_of, load_judgments
from tests.shared_data import shared_path

EVAL_DIR = Path(__file__).resolve().parents[2] / "bench" / "eval"
OWN_SETS = sorted(EVAL_DIR.glob("own_queries*.tsv"))
NEWEST_HELD_OUT = EVAL_DIR / "own_queries_13.tsv"
# own 10, own 11 and own 12 stay held out; own 8 (an analysis set, read for classes since round 10) is
# checked like them, so that no reviewed rule is ever learnt from its messages while its figures are
# compared with the held-out sets'
HELD_OUT_IN_HALVES = [
    EVAL_DIR / "own_queries_8.tsv",
    EVAL_DIR / "own_queries_10.tsv",
    EVAL_DIR / "own_queries_11.tsv",
    EVAL_DIR / "own_queries_12.tsv",
]
# held-out sets written from drawn catalogue items only, with no message half
HELD_OUT_FROM_ITEMS = [NEWEST_HELD_OUT]
ANALYSIS_SET = EVAL_DIR / "own_queries_9.tsv"  # drawn items only; read for classes, not held out
BRIDGES = Path(__file__).resolve().parents[2] / "synonyms" / "data" / "message_bridges.txt"
KINDS = {"description", "short", "business", "initials", "pinyin", "typo", "question", "traditional"}
EARLY_KINDS = {"colloquial", "abbreviation"}  # the first set's words, before hidden set 2's kinds
# 附件2 24692, 附件2 留言编号 24692; one note or rule may name several messages: 16643/51556, 41549、44203.
CITATION = re.compile(r"附件\s*(\d)\s*(?:留言编号\s*)?(\d+(?:\s*[/、]\s*\d+)*)")


def citations(text: str) -> set[tuple[str, str]]:
    """Every (attachment, message number) a note or a rule file names."""
    return {
        (attachment, number)
        for attachment, numbers in CITATION.findall(text)
        for number in re.split(r"\s*[/、]\s*", numbers)
    }


DRAWN_ITEM = re.compile(r"条目\s*([0-9A-Za-z]+)")
SEPARATOR = "\x00"


@lru_cache(maxsize=1)
def corpus_titles() -> str:
    """Every title `bench/relevance.sh` indexes (Guangdong items, the 60 State Council documents),
    normalised as the harness compares them, joined by a character no title holds."""
    items = shared_path("data/service_items/guangdong.jsonl")
    policies = shared_path("data/policies/govcn_2019.jsonl")
    titles = [json.loads(line)["事项名称"] for line in items.read_text(encoding="utf-8").splitlines()]
    titles += [json.loads(line)["标题"] for line in policies.read_text(encoding="utf-8").splitlines()]
    return SEPARATOR.join(compact(title) for title in titles)


@lru_cache(maxsize=1)
def message_numbers() -> frozenset[tuple[str, str]]:
    folder = shared_path("data/messages/SOURCE.txt").parent
    numbers: set[tuple[str, str]] = set()
    for attachment in ("2", "3", "4"):
        with (folder / f"附件{attachment}.csv").open(encoding="utf-8") as rows:
            numbers |= {(attachment, row["留言编号"]) for row in csv.DictReader(rows)}
    return frozenset(numbers)


@lru_cache(maxsize=1)
def catalogue_titles() -> dict[str, str]:
    """事项编码 -> 事项名称 of every Guangdong item."""
    items = shared_path("data/service_items/guangdong.jsonl")
    rows = [json.loads(line) for line in items.read_text(encoding="utf-8").splitlines()]
    return {row["事项编码"]: row["事项名称"] for row in rows}


def cited(judgments: list[Judgment]) -> set[tuple[str, str]]:
    return {match for j in judgments for match in citations(j.note)}


def drawn_item_faults(judgments: list[Judgment]) -> list[str]:
    """Lines whose drawn item (`条目 <事项编码>`) is not in the catalogue or not judged relevant."""
    titles = catalogue_titles()
    faults = []
    for j in judgments:
        for code in DRAWN_ITEM.findall(j.note):
            if code not in titles:
                faults.append(f"line {j.line}: no catalogue item {code}")
            elif not any(compact(fragment) in compact(titles[code]) for fragment in j.fragments):
                faults.append(f"line {j.line}: the drawn item {titles[code]!r} is not judged relevant")
    return faults


def test_there_are_thirteen_own_sets() -> None:
    assert [p.name for p in OWN_SETS] == [
        "own_queries.tsv",
        "own_queries_10.tsv",
        "own_queries_11.tsv",
        "own_queries_12.tsv",
        "own_queries_13.tsv",
        "own_queries_2.tsv",
        "own_queries_3.tsv",
        "own_queries_4.tsv",
        "own_queries_5.tsv",
        "own_queries_6.tsv",
        "own_queries_7.tsv",
        "own_queries_8.tsv",
        "own_queries_9.tsv",
    ]


@pytest.mark.parametrize("path", OWN_SETS, ids=lambda p: p.name)
def test_every_line_has_a_kind_and_names_corpus_titles(path: Path) -> None:
    judgments = load_judgments(path)
    titles = corpus_titles()
    assert len({j.query for j in judgments}) == len(judgments), "a query is judged twice"
    for j in judgments:
        assert kind_of(j.note) in KINDS | EARLY_KINDS, f"{path.name}:{j.line}: {j.note!r}"
        for fragment in j.fragments:
            key = compact(fragment)
            assert key and key in titles, f"{path.name}:{j.line}: no title holds {fragment!r}"


@pytest.mark.parametrize("path", OWN_SETS, ids=lambda p: p.name)
def test_every_cited_message_exists(path: Path) -> None:
    missing = cited(load_judgments(path)) - message_numbers()
    assert not missing, f"{path.name} cites messages that are not in the source: {sorted(missing)}"


def test_no_two_sets_are_written_from_the_same_message() -> None:
    seen: dict[tuple[str, str], str] = {}
    for path in OWN_SETS:
        for number in cited(load_judgments(path)):
            assert number not in seen, f"附件{number[0]} {number[1]}: {seen[number]} and {path.name}"
            seen[number] = path.name


@pytest.mark.parametrize("path", HELD_OUT_IN_HALVES, ids=lambda p: p.name)
def test_the_held_out_sets_are_written_from_messages_no_reviewed_rule_cites(path: Path) -> None:
    judgments = load_judgments(path)
    unnamed = [j.line for j in judgments if not (CITATION.search(j.note) or DRAWN_ITEM.search(j.note))]
    assert not unnamed, f"lines that name neither their message nor their drawn item: {unnamed}"
    assert cited(judgments), "part of the set is written from messages"
    assert not drawn_item_faults(judgments)
    assert {kind_of(j.note) for j in judgments} == KINDS
    rules = citations(BRIDGES.read_text(encoding="utf-8"))
    assert rules, "the reviewed rules cite their messages"
    assert not cited(judgments) & rules
    development = load_judgments(shared_path("eval/dev_queries.tsv"))
    assert not cited(judgments) & cited(development), "the development set was written from it too"


def drawn_items(judgments: list[Judgment]) -> set[str]:
    return {code for j in judgments for code in DRAWN_ITEM.findall(j.note)}


@pytest.mark.parametrize("path", [ANALYSIS_SET, *HELD_OUT_FROM_ITEMS], ids=lambda p: p.name)
def test_the_sets_from_drawn_items_name_one_item_a_line_and_no_message(path: Path) -> None:
    judgments = load_judgments(path)
    undrawn = [j.line for j in judgments if len(DRAWN_ITEM.findall(j.note)) != 1]
    assert not undrawn, f"lines that do not name exactly one drawn item: {undrawn}"
    assert not cited(judgments), "the set is written from drawn items only"
    assert not drawn_item_faults(judgments)
    assert {kind_of(j.note) for j in judgments} == KINDS
    assert len(drawn_items(judgments)) == len(judgments), "an item is drawn twice"


def test_no_item_is_drawn_by_two_sets() -> None:
    names = {"own 9": ANALYSIS_SET, **{f"own {p.stem.rsplit('_', 1)[1]}": p for p in HELD_OUT_IN_HALVES}}
    names |= {f"own {p.stem.rsplit('_', 1)[1]}": p for p in HELD_OUT_FROM_ITEMS}
    assert sorted(names) == ["own 10", "own 11", "own 12", "own 13", "own 8", "own 9"]
    drawn = {name: drawn_items(load_judgments(path)) for name, path in names.items()}
    for (first, these), (second, those) in combinations(drawn.items(), 2):
        both = these & those
        assert not both, f"items drawn by both {first} and {second}: {sorted(both)}"


def test_a_fragment_no_title_holds_is_caught(tmp_path: Path) -> None:
    path = tmp_path / "own_queries_x.tsv"
    path.write_text("query\trelevant\tnote\n河长\t河长是谁的名单\tshort: 附件2 155617\n", "utf-8")
    (judgment,) = load_judgments(path)
    assert compact(judgment.fragments[0]) not in corpus_titles()
    assert compact("省主要河流河长名录") in corpus_titles()


def test_a_drawn_item_the_catalogue_lacks_or_the_line_does_not_judge_is_caught(tmp_path: Path) -> None:
    path = tmp_path / "own_queries_x.tsv"
    path.write_text(
        "query\trelevant\tnote\n"
        "lukuang\t高速公路路况查询\tpinyin: 条目 11440000000000000X0000000000000 高速公路路况查询\n"
        "路况\t高速公路路况查询\tshort: 条目 11440000006939844R2442115270000 高速公路路况查询\n"
        "换护照\t高速公路路况查询\tshort: 条目 11440000006940140C2442106285003 户籍人口信息查询\n",
        "utf-8",
    )
    faults = drawn_item_faults(load_judgments(path))
    assert len(faults) == 2
    assert "no catalogue item" in faults[0]
    assert "户籍人口信息查询" in faults[1]


def test_a_note_naming_several_messages_cites_each() -> None:
    assert citations("description: 附件2 16643/51556 x") == {("2", "16643"), ("2", "51556")}
    assert citations("附件2 41549、44203；附件4 留言编号 37474") == {
        ("2", "41549"),
        ("2", "44203"),
        ("4", "37474"),
    }
