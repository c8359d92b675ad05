"""The linker on hand-made cases, and on the judged set over the shared corpus (tests/data/)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from indexer.catalogue.formats import read_catalogue
from indexer.catalogue.link_workers import built_linker
from indexer.documents import CatalogueItem, Document, PolicyDocument
from indexer.importer import ImportReport
from indexer.linking import Linker, object_of
from tests.factories import guide, policy
from tests.shared_data import shared_path

JUDGMENTS = Path(__file__).resolve().parent.parent / "data" / "linking_judgments.tsv"


def _item(name: str, code: str, **fields: object) -> CatalogueItem:
    return CatalogueItem.model_validate({"name": name, "code": code, **fields})


ITEMS = [
    _item("社会保障卡挂失", "S1", aliases=["社保卡挂失", "挂失"]),
    _item("律师执业证书注销审核(律师执业证书注销)", "L1", parent_name="律师执业证书注销审核"),
    _item("政务公开", "Z1"),
    _item("社会团体成立登记", "T1"),
    _item("失业登记", "U1"),
]


def test_names_codes_and_aliases_link_with_evidence() -> None:
    linker = Linker(ITEMS)
    doc = policy(
        "关于做好社保卡挂失服务的通知",
        "示政〔2024〕1号",
        "参保人遗失社会保障卡的，应及时办理挂失。\n律师申请注销执业证书的，按律师执业证书注销审核办理。\n"
        "本通知涉及事项编码 L1 以外的事项。推进政务公开。失业人员可在常住地办理失业登记。",
    )
    links = {ln.item_key: ln for ln in linker.link(doc)}
    assert links["S1"].rule == "alias" and links["S1"].confidence >= 0.8
    assert links["S1"].evidence == doc.title
    assert links["L1"].rule == "body_name"
    assert links["L1"].evidence.startswith("律师申请注销执业证书")
    assert "Z1" not in links  # a short, vague name in passing is not a link
    assert (links["U1"].rule, links["U1"].confidence) == ("body_name", 0.7)  # short, but names an action
    assert "T1" not in links


def test_a_guide_links_to_its_own_item_only() -> None:
    item = _item("居民身份证换领", "G001", guide_id="x")
    other = _item("居民身份证换领", "G999", region="另一市")
    links = Linker([item, other]).link(guide("居民身份证换领", "G001"))
    assert [(ln.item_key, ln.rule, ln.confidence) for ln in links] == [("G001", "guide", 1.0)]


def test_subject_words_link_a_policy_about_the_object() -> None:
    assert object_of("社会团体成立登记") == "社会团体"
    about = policy(
        "关于清理整顿社会团体的意见", "", "社会团体登记管理机关要加强管理。", subject="民政\\社团管理"
    )
    passing = policy("关于体育产业的意见", "", "社会团体登记管理机关要加强管理。")
    linker = Linker(ITEMS)
    assert [(ln.item_key, ln.rule) for ln in linker.link(about)] == [("T1", "subject")]
    assert linker.link(passing) == []


def _policies() -> dict[str, PolicyDocument]:
    path = shared_path("data/policies/govcn_2019.jsonl")
    docs: dict[str, PolicyDocument] = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        r = json.loads(line)
        doc = PolicyDocument(url=r["url"], title=r["标题"], subject=r["主题分类"], body=r["body_text"])
        docs[f"policy:{doc.title}"] = doc
    return docs


def test_linking_precision_and_recall_on_the_judged_set() -> None:
    imported = list(read_catalogue(shared_path("data/service_items/guangdong.jsonl"), ImportReport()))
    sichuan = read_catalogue(shared_path("data/catalogue/sichuan_guangan.csv"), ImportReport())
    linker = Linker([*(x.item for x in imported), *(x.item for x in sichuan)])
    docs: dict[str, Document] = dict(_policies())
    docs |= {f"guide:{x.guide.item_code}": x.guide for x in imported if x.guide}
    judged = [
        line.split("\t") for line in JUDGMENTS.read_text(encoding="utf-8").splitlines() if line[:1] != "#"
    ]
    assert len(judged) >= 60
    predicted: dict[str, set[str]] = {}
    for doc_key in {row[0] for row in judged}:
        predicted[doc_key] = {ln.item_key for ln in linker.link(docs[doc_key])}
    tp = sum(1 for d, item, rel, _ in judged if rel == "1" and item in predicted[d])
    fp = sum(1 for d, item, rel, _ in judged if rel == "0" and item in predicted[d])
    positives = sum(1 for row in judged if row[2] == "1")
    precision, recall = tp / max(1, tp + fp), tp / positives
    policy_rows = [row for row in judged if row[0].startswith("policy:")]
    policy_tp = sum(1 for d, item, rel, _ in policy_rows if rel == "1" and item in predicted[d])
    print(
        f"linking: pairs={len(judged)} positives={positives} precision={precision:.3f} recall={recall:.3f} "
        f"policy recall={policy_tp}/{sum(1 for r in policy_rows if r[2] == '1')}"
    )
    assert precision >= 0.9
    assert recall >= 0.7


def test_a_specific_object_with_the_items_own_action_links_weakly() -> None:
    items = [_item("民办非企业单位的成立登记", "M1"), _item("社会团体成立登记", "T1")]
    sentence = "分别依法办理事业单位法人登记或民办非企业单位法人登记。"
    links = Linker(items).link(policy("关于幼儿园治理的通知", "", sentence + "社会团体要登记。"))
    assert [(ln.item_key, ln.rule, ln.confidence) for ln in links] == [("M1", "object_action", 0.65)]
    assert links[0].evidence == sentence
    assert Linker(items).link(policy("关于幼儿园治理的通知", "", "民办非企业单位要加强管理。")) == []


def test_a_guide_citing_another_items_code_links_to_it_by_code() -> None:
    cited = _item("居民身份证首次申领", "11440100MB2C92045K")
    own = _item("居民身份证换领", "G001", guide_id="x")
    text = "身份证遗失的，先按事项（11440100MB2C92045K）办理。其余情形当场办理。"
    links = Linker([cited, own]).link(guide("居民身份证换领", "G001", conditions=text))
    found = {ln.item_key: ln for ln in links}
    assert found["11440100MB2C92045K"].rule == "code"
    assert found["11440100MB2C92045K"].evidence.startswith("身份证遗失的")
    # the name of another item in a guide's text is not a link: guides link by code only
    plain = guide("居民身份证换领", "G001", conditions="可同时办理居民身份证首次申领。")
    assert [ln.item_key for ln in Linker([cited, own]).link(plain)] == ["G001"]


def test_the_linker_for_guides_links_guides_as_the_whole_linker_does() -> None:
    imported = list(read_catalogue(shared_path("data/service_items/guangdong.jsonl"), ImportReport()))[:400]
    items = sorted((i.item for i in imported), key=lambda item: item.key)
    guides = [i.guide for i in imported if i.guide is not None]
    # a guide that cites other items' codes in its 受理条件 (one twice over, one by its 基本编码)
    cited = f"须先办理{items[3].code}，或按{items[5].basic_code or items[5].code}及{items[3].code}办理。"
    guides.append(guide("示例事项", items[7].code, conditions=cited))
    whole = Linker(items)
    for_guides = Linker.for_guides((item.key, item.code, item.basic_code) for item in items)
    assert any(len(whole.link(g)) > 1 for g in guides)  # the code rule is exercised
    assert [for_guides.link(g) for g in guides] == [whole.link(g) for g in guides]
    with pytest.raises(AssertionError):
        for_guides.link(policy("通知", "", "正文。"))


def test_whether_a_guide_may_link_is_read_from_its_codes() -> None:
    items = [_item("居民身份证首次申领", "11440100MB2C92045K"), _item("居民身份证换领", "G001")]
    linker = Linker(items)
    assert linker.may_link_guide("G001", "")  # its own item
    # full-width, lower-case and spaced codes are read as `compact` reads them; traditional script around
    assert linker.may_link_guide("X", "須先辦理１１４４０１００ＭＢ２Ｃ９２０４５ｋ。")
    assert linker.may_link_guide("X", "先办理 11440100mb2c 92045K 事项")
    assert not linker.may_link_guide("X", "先办理居民身份证首次申领。1144010")


def _patterns(linker: Linker) -> dict[str, set[tuple[str, str, float, float]]]:
    """Each item's patterns in the linker's automaton: item key → {(text, rule, title, body)}."""
    found: dict[str, set[tuple[str, str, float, float]]] = {}
    for text, (_text, targets) in linker._automaton.items():
        for t in targets:
            found.setdefault(t.key, set()).add((text, t.rule, t.title_confidence, t.body_confidence))
    return found


def test_items_of_the_same_names_get_the_patterns_each_would_get_alone() -> None:
    # one item offered by several regions (the 广东 catalogue lists 省级 and 广州市 variants), and the
    # 四川 list: their names are compacted once per set of names, which must change no item's patterns
    imported = read_catalogue(shared_path("data/service_items/guangdong.jsonl"), ImportReport())
    sichuan = read_catalogue(shared_path("data/catalogue/sichuan_guangan.csv"), ImportReport())
    items = [*(x.item for x in imported), *(x.item for x in sichuan)]
    shared = {(i.name, i.parent_name, tuple(i.aliases)) for i in items}
    assert len(shared) < len(items)  # so that shared names are exercised
    linker = Linker(items)
    together = _patterns(linker)
    for item in items[::7]:
        alone = Linker([item])
        assert together.get(item.key, set()) == _patterns(alone).get(item.key, set())
        assert linker._actions[item.key] == alone._actions[item.key]


def test_a_linker_built_in_worker_processes_is_the_one_built_here() -> None:
    imported = read_catalogue(shared_path("data/service_items/guangdong.jsonl"), ImportReport())
    sichuan = read_catalogue(shared_path("data/catalogue/sichuan_guangan.csv"), ImportReport())
    items = sorted([*(x.item for x in imported), *(x.item for x in sichuan)], key=lambda i: i.key)
    rows = [item.model_dump_json() for item in items]
    batches = [rows[start : start + 300] for start in range(0, len(rows), 300)]
    here = Linker(items)
    for built in (built_linker(batches, workers=2), built_linker(batches, workers=1)):
        assert list(built._automaton.items()) == list(here._automaton.items())  # texts, targets, order
        assert list(built._codes.items()) == list(here._codes.items())
        assert (built._actions, built._by_code) == (here._actions, here._by_code)
    policy_doc = next(iter(_policies().values()))
    assert built_linker(batches, workers=2).link(policy_doc) == here.link(policy_doc)
